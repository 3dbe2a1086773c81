// Issue 5 §5 end to end: the real `openstack` CLI against a real `nubis up` with the QEMU driver and
// the linuxbridge dataplane; real TCG guests from the test image on tenant networks. The outside
// world is a namespace of the test's own (ExternalNamespace) bridged into the external network.
// Guests report what they see as console markers (their user data runs loops that print a line
// whenever a ping's outcome changes), so every check is on real packets.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { buildTestImage, type TestImage } from '../../src/dev/test-image/build-test-image.js';
import { run } from '../../src/platform/run.js';
import { removeDataplane } from '../harness/dataplane-cleanup.js';
import { ExternalNamespace } from '../harness/external-namespace.js';
import { killGuests, qemuPid } from '../harness/guest-processes.js';
import { startNubis, type NubisProcess } from '../harness/nubis-process.js';
import { OpenStackCli } from '../harness/openstack-cli.js';

type Row = Record<string, unknown>;
const skip = process.env.NUBIS_TEST_DATABASE ? 'boots real guests; runs once, in the SQLite pass' : false;

/** A guest's user data: background loops that print a marker line whenever an outcome changes
 *  (a ping round is `ok` when any of 3 echoes is answered: TCG guests on a busy host are slow).
 *  (`timeout wget`, not `wget -T`: busybox 1.35's static wget crashes on -T.) */
function userData(opts: { pingPeers: string[]; httpPath: string }): string {
  const pings = opts.pingPeers.map((peer) => `
( last=x; while true; do
    if ping -c 3 -W 2 ${peer} >/dev/null 2>&1; then s=ok; else s=fail; fi
    if [ "$s" != "$last" ]; then echo "NUBIS-PING to=${peer} $s"; last=$s; fi
    sleep 1
  done ) >/dev/console 2>&1 &`).join('\n');
  return `#!/bin/sh
${pings}
( while true; do timeout 3 wget -q -O /dev/null http://203.0.113.1:8080${opts.httpPath} 2>/dev/null && echo "NUBIS-HTTP ok"; sleep 3; done ) >/dev/console 2>&1 &
echo "NUBIS-MD-UUID $(timeout 5 wget -q -O - http://169.254.169.254/openstack/latest/meta_data.json | sed -n 's/.*"uuid": *"\\([0-9a-f-]*\\)".*/\\1/p')"
`;
}

const linkExists = async (name: string) => run('ip', ['link', 'show', name]).then(() => true, () => false);
const netnsList = async () => (await run('ip', ['netns', 'list'])).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
const nftRuleset = async () => run('nft', ['list', 'table', 'bridge', 'nubis']).catch(() => '');

describe('networking end to end: openstack CLI, nubis up, linuxbridge dataplane, real guests', { skip, timeout: 1_500_000 }, () => {
  let nubis: NubisProcess | undefined;
  let ext: ExternalNamespace;
  let image: TestImage;
  let work: string;
  let stateDir: string;
  let env: Record<string, string>;
  let admin: OpenStackCli;
  let bob: OpenStackCli;
  const ids: Record<string, string> = {};

  /** Starts `nubis up` (again) and points both CLIs at it: each start listens on a new port. */
  async function start(): Promise<void> {
    nubis = await startNubis({ stateDir, env });
    const as = (user: string, password: string, project: string) => new OpenStackCli({
      OS_AUTH_URL: nubis!.authUrl, OS_IDENTITY_API_VERSION: '3', OS_REGION_NAME: 'RegionOne', OS_COMPUTE_API_VERSION: '2.64',
      OS_USERNAME: user, OS_PASSWORD: password, OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_NAME: project, OS_PROJECT_DOMAIN_NAME: 'Default',
    }, [], () => `\n--- nubis log ---\n${nubis?.output().split('\n').slice(-40).join('\n') ?? ''}`);
    const password = JSON.parse(/password: (".*")/.exec(readFileSync(join(stateDir, 'clouds.yaml'), 'utf8'))![1]!) as string;
    admin = as('admin', password, 'admin');
    bob = as('nb-bob', 'nb-bob-secret', 'nb-bob-project');
  }
  const consoleLog = async (name: string, cli = admin) => (await cli.ok(['console', 'log', 'show', name])).stdout;
  /** Waits for a whole marker line matching `marker` printed after `since` (an earlier read of the log). */
  async function waitForMarker(name: string, marker: RegExp, since = '', cli = admin, timeoutMs = 240_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = await consoleLog(name, cli);
      const fresh = (log.startsWith(since) ? log.slice(since.length) : log).split('\n').map((l) => l.replace(/\r$/, ''));
      const line = fresh.find((l) => marker.test(l));
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`${name}: ${marker} not on the console; last lines:\n${log.slice(-2000)}`);
      await sleep(1500);
    }
  }
  async function boot(cli: OpenStackCli, name: string, net: string, ip: string, group: string, data: string): Promise<void> {
    const file = join(work, `${name}.sh`);
    writeFileSync(file, data);
    const s = await cli.json<Row>(['server', 'create', '--image', 'nb-disk', '--flavor', 'nb.net', '--nic', `net-id=${net},v4-fixed-ip=${ip}`,
      '--security-group', group, '--user-data', file, '--wait', name]);
    assert.equal(s.status, 'ACTIVE', JSON.stringify(s.fault));
    ids[name] = String(s.id);
  }

  before(async () => {
    image = await buildTestImage(join(tmpdir(), 'nubis-test-image-cache'));
    work = mkdtempSync(join(tmpdir(), 'nbnet-'));
    stateDir = join(work, 'state');
    ext = await ExternalNamespace.start('203.0.113.1', 24, 8080);
    const config = join(work, 'nubis.json');
    writeFileSync(config, JSON.stringify({ network: ext.networkConfig() }));
    env = { NUBIS_CONFIG: config, NUBIS_NETWORK_DATAPLANE: 'linuxbridge' };
    await start();
    await admin.ok(['image', 'create', '--disk-format', 'qcow2', '--container-format', 'bare', '--file', image.disk, '--public', 'nb-disk']);
    await admin.ok(['flavor', 'create', '--vcpus', '1', '--ram', '160', '--disk', '1', 'nb.net']);
    await admin.ok(['project', 'create', 'nb-bob-project']);
    await admin.ok(['user', 'create', '--password', 'nb-bob-secret', '--project', 'nb-bob-project', 'nb-bob']);
    await admin.ok(['role', 'add', '--user', 'nb-bob', '--project', 'nb-bob-project', 'member']);
  });

  after(async () => {
    await nubis?.stop().catch(() => undefined);
    if (stateDir) {
      killGuests(stateDir);
      // The dataplane outlives `nubis up` (for its guests): remove what it built for this state dir.
      await removeDataplane(stateDir).catch((err: Error) => console.error(`dataplane cleanup: ${err.message}`));
    }
    await ext?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('builds a tenant network with a router to the external network', async () => {
    const net = await admin.json<Row>(['network', 'create', 'nb-net-a']);
    ids.netA = String(net.id);
    assert.equal(net['provider:network_type'], 'vxlan');
    assert.equal(net.mtu, 1450);
    const sub = await admin.json<Row>(['subnet', 'create', '--network', 'nb-net-a', '--subnet-range', '10.10.0.0/24', 'nb-sub-a']);
    assert.equal(sub.gateway_ip, '10.10.0.1');
    const router = await admin.json<Row>(['router', 'create', 'nb-router']);
    ids.router = String(router.id);
    await admin.ok(['router', 'set', '--external-gateway', 'public', 'nb-router']);
    await admin.ok(['router', 'add', 'subnet', 'nb-router', 'nb-sub-a']);
    const shown = await admin.json<Row>(['router', 'show', 'nb-router']);
    const gw = shown.external_gateway_info as { external_fixed_ips: Array<{ ip_address: string }> };
    ids.routerIp = gw.external_fixed_ips[0]!.ip_address;
    assert.match(ids.routerIp, /^203\.0\.113\./);
    // Pings only: ICMP in from anywhere (guests and the outside), everything out.
    await admin.ok(['security', 'group', 'create', 'nb-icmp']);
    const rule = await admin.json<Row>(['security', 'group', 'rule', 'create', '--ingress', '--protocol', 'icmp', '--remote-ip', '0.0.0.0/0', 'nb-icmp']);
    ids.icmpRule = String(rule.id);
  });

  it('two guests get their fixed IPs by DHCP, read their own metadata, and ping each other', async () => {
    await boot(admin, 'nb-a1', ids.netA!, '10.10.0.11', 'nb-icmp', userData({ pingPeers: ['10.10.0.12'], httpPath: '/from-a1' }));
    await boot(admin, 'nb-a2', ids.netA!, '10.10.0.12', 'nb-icmp', userData({ pingPeers: ['10.10.0.11'], httpPath: '/from-a2' }));
    for (const [name, ip] of [['nb-a1', '10.10.0.11'], ['nb-a2', '10.10.0.12']] as const) {
      const ready = await waitForMarker(name, /^NUBIS-GUEST-READY /);
      assert.match(ready, new RegExp(`hostname=${name} ips=${ip.replace(/\./g, '\\.')} uuid=${ids[name]}`), 'DHCP gave the fixed IP; the metadata service the name');
      assert.equal(await waitForMarker(name, /^NUBIS-METADATA /), 'NUBIS-METADATA source=metadata-service');
      assert.equal(await waitForMarker(name, /^NUBIS-MD-UUID /), `NUBIS-MD-UUID ${ids[name]}`, 'each guest reads its own metadata');
    }
    // The first guest pings before the second is up, so its first line may say fail: wait for ok.
    await waitForMarker('nb-a1', /^NUBIS-PING to=10\.10\.0\.12 ok$/);
    await waitForMarker('nb-a2', /^NUBIS-PING to=10\.10\.0\.11 ok$/);
    const server = await admin.json<Row>(['server', 'show', 'nb-a1']);
    assert.match(JSON.stringify(server.addresses), /10\.10\.0\.11/);
  });

  it("another project's guest on its own network (same CIDR) cannot reach them", async () => {
    const net = await bob.json<Row>(['network', 'create', 'nb-net-b']);
    await bob.ok(['subnet', 'create', '--network', 'nb-net-b', '--subnet-range', '10.10.0.0/24', 'nb-sub-b']);
    await bob.ok(['security', 'group', 'create', 'nb-icmp-b']);
    await bob.ok(['security', 'group', 'rule', 'create', '--ingress', '--protocol', 'icmp', 'nb-icmp-b']);
    await boot(bob, 'nb-b1', String(net.id), '10.10.0.13', 'nb-icmp-b', userData({ pingPeers: ['10.10.0.11', '10.10.0.12'], httpPath: '/from-b1' }));
    assert.match(await waitForMarker('nb-b1', /^NUBIS-GUEST-READY /, '', bob), /ips=10\.10\.0\.13 /);
    assert.equal(await waitForMarker('nb-b1', /^NUBIS-PING to=10\.10\.0\.11 /, '', bob), 'NUBIS-PING to=10.10.0.11 fail');
    assert.equal(await waitForMarker('nb-b1', /^NUBIS-PING to=10\.10\.0\.12 /, '', bob), 'NUBIS-PING to=10.10.0.12 fail');
    // Ten more seconds of trying: still nothing got through.
    await sleep(10_000);
    assert.doesNotMatch(await consoleLog('nb-b1', bob), /NUBIS-PING to=10\.10\.0\.1[12] ok/);
  });

  it('removing the ICMP rule stops the ping; adding it back restores it', async () => {
    const before = await consoleLog('nb-a1');
    await admin.ok(['security', 'group', 'rule', 'delete', ids.icmpRule!]);
    assert.equal(await waitForMarker('nb-a1', /^NUBIS-PING to=10\.10\.0\.12 /, before), 'NUBIS-PING to=10.10.0.12 fail');
    const again = await consoleLog('nb-a1');
    const rule = await admin.json<Row>(['security', 'group', 'rule', 'create', '--ingress', '--protocol', 'icmp', '--remote-ip', '0.0.0.0/0', 'nb-icmp']);
    ids.icmpRule = String(rule.id);
    assert.equal(await waitForMarker('nb-a1', /^NUBIS-PING to=10\.10\.0\.12 /, again), 'NUBIS-PING to=10.10.0.12 ok');
  });

  it('the router SNATs guests to the outside; a floating IP lets the outside in', async () => {
    await waitForMarker('nb-a1', /^NUBIS-HTTP ok$/);
    const seen = ext.requests().filter((r) => r.path === '/from-a1');
    assert.ok(seen.length > 0);
    assert.ok(seen.every((r) => r.from === ids.routerIp), `the outside sees the router's address ${ids.routerIp}: ${JSON.stringify(seen)}`);

    const fip = await admin.json<Row>(['floating', 'ip', 'create', 'public']);
    const fipAddress = String(fip.floating_ip_address);
    assert.equal(await ext.ping(fipAddress), false, 'not reachable before association');
    const ports = await admin.json<Row[]>(['port', 'list', '--server', 'nb-a2']);
    await admin.ok(['floating', 'ip', 'set', '--port', String(ports[0]!.ID), fipAddress]);
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) reached = await ext.ping(fipAddress);
    assert.ok(reached, `the external namespace pings ${fipAddress}`);
    // The guest's own requests now leave with its floating address.
    const deadline = Date.now() + 60_000;
    while (!ext.requests().some((r) => r.path === '/from-a2' && r.from === fipAddress)) {
      assert.ok(Date.now() < deadline, `a request from nb-a2 seen as ${fipAddress}: ${JSON.stringify(ext.requests().slice(-5))}`);
      await sleep(1000);
    }
    await admin.ok(['floating', 'ip', 'unset', '--port', fipAddress]);
    // A ping answered returns at once: wait a second between tries while the agent applies the change.
    const until = Date.now() + 30_000;
    while (await ext.ping(fipAddress, 1)) {
      assert.ok(Date.now() < until, 'unreachable once disassociated');
      await sleep(1000);
    }
    ids.fip = fipAddress;
  });

  it('restarting nubis up (its agent) leaves running guests reachable', async () => {
    const pidA1 = qemuPid(stateDir, ids['nb-a1']!);
    const dnsmasqBefore = (await run('pgrep', ['-f', `dnsmasq.*${ids.netA}`]).catch(() => '')).trim();
    const before = await consoleLog('nb-a1');
    await nubis!.stop();
    await start();
    // The agent rebuilt its state; give it a few seconds, then check nothing broke meanwhile.
    await sleep(15_000);
    assert.equal(qemuPid(stateDir, ids['nb-a1']!), pidA1, 'the guest kept running');
    const after = (await consoleLog('nb-a1')).slice(before.length);
    assert.doesNotMatch(after, /NUBIS-PING to=10\.10\.0\.12 fail/, 'no ping was lost across the restart');
    const dnsmasqAfter = (await run('pgrep', ['-f', `dnsmasq.*${ids.netA}`]).catch(() => '')).trim();
    assert.equal(dnsmasqAfter, dnsmasqBefore, 'dnsmasq was left running');
  });

  it('deleting servers, router and networks removes their taps, namespaces, dnsmasq and rules', async () => {
    const ports = await admin.json<Row[]>(['port', 'list', '--network', 'nb-net-a', '--long']);
    const portIds = ports.map((p) => String(p.ID));
    const taps = portIds.map((id) => `nbt-${id.slice(0, 11)}`);
    assert.ok((await Promise.all(taps.map(linkExists))).some(Boolean), 'the guests have taps');
    const rulesBefore = await nftRuleset();
    assert.ok(taps.some((t) => rulesBefore.includes(t)), 'the taps have security group rules');
    await admin.ok(['server', 'delete', '--wait', 'nb-a1', 'nb-a2']);
    await bob.ok(['server', 'delete', '--wait', 'nb-b1']);
    await admin.ok(['floating', 'ip', 'delete', ids.fip!]);
    await admin.ok(['router', 'remove', 'subnet', 'nb-router', 'nb-sub-a']);
    await admin.ok(['router', 'delete', 'nb-router']);
    await admin.ok(['network', 'delete', 'nb-net-a']);
    await bob.ok(['network', 'delete', 'nb-net-b']);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const namespaces = await netnsList();
      const leftTaps = (await Promise.all(taps.map(async (t) => (await linkExists(t)) ? t : ''))).filter(Boolean);
      const leftNs = namespaces.filter((n) => n === `nbns-r${ids.router!.slice(0, 11)}` || n === `nbns-d${ids.netA!.slice(0, 11)}`);
      const dnsmasq = (await run('pgrep', ['-f', `dnsmasq.*${ids.netA}`]).catch(() => '')).trim();
      const rules = await nftRuleset();
      const leftRules = taps.filter((t) => rules.includes(t));
      const bridge = await linkExists(`nbr-${ids.netA!.slice(0, 11)}`);
      if (!leftTaps.length && !leftNs.length && !dnsmasq && !leftRules.length && !bridge) break;
      assert.ok(Date.now() < deadline, `left behind: taps ${leftTaps}, namespaces ${leftNs}, dnsmasq ${dnsmasq}, rules ${leftRules}, bridge ${bridge}`);
      await sleep(1000);
    }
  });
});
