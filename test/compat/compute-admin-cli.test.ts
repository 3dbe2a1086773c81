// The real `openstack` CLI against a real `nubis up` (fake compute driver, two hosts): the compute
// admin commands — aggregates, availability zones, hypervisors, compute services, quotas, limits
// and usage — checked by the values the CLI prints. Steps that need compute hosts run once
// `compute service list` shows nova-compute services (the agent registers them when it starts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { startCompatCloud, type CompatCloud } from '../harness/compat-cloud.js';
import type { OpenStackCli } from '../harness/openstack-cli.js';

type Row = Record<string, unknown>;
/** Refused by the compute policy rule itself (not by an identity lookup on the way). */
const denied = (rule: string) => new RegExp(`os_compute_api:${rule}.*403|403.*os_compute_api:${rule}`);
const HOST_WAIT_MS = 20_000;

describe('the openstack compute admin CLI against nubis up', { timeout: 300_000 }, () => {
  let cloud: CompatCloud;
  let admin: OpenStackCli;
  let member: OpenStackCli;
  let memberProjectId = '';
  /** nova-compute hosts the agent registered (empty until it does). */
  let hosts: string[] = [];

  before(async () => {
    cloud = await startCompatCloud({ env: { NUBIS_COMPUTE_DRIVER: 'fake', NUBIS_FAKE_HOSTS: '2' } });
    admin = cloud.admin;
    memberProjectId = String((await admin.json(['project', 'create', 'nbadm-project'])).id);
    await admin.ok(['user', 'create', '--password', 'nbadm-pw', '--project', 'nbadm-project', 'nbadm-user']);
    await admin.ok(['role', 'add', '--project', 'nbadm-project', '--user', 'nbadm-user', 'member']);
    member = cloud.cliAs('nbadm-user', 'nbadm-pw', 'nbadm-project');
    const deadline = Date.now() + HOST_WAIT_MS;
    for (;;) {
      const services = await admin.json<Row[]>(['compute', 'service', 'list', '--service', 'nova-compute']);
      hosts = services.map((s) => String(s.Host)).sort();
      if (hosts.length > 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
  after(async () => { await cloud?.close(); });

  const needHosts = (t: TestContext): boolean => {
    if (hosts.length === 0) t.skip('no nova-compute hosts registered yet (the compute agent has not reported)');
    return hosts.length > 0;
  };

  it('creates, shows, sets and deletes an aggregate', async () => {
    const created = await admin.json(['aggregate', 'create', '--zone', 'nbadm-az1', '--property', 'ssd=true', 'nbadm-agg']);
    assert.equal(created.name, 'nbadm-agg');
    assert.equal(created.availability_zone, 'nbadm-az1');
    assert.equal(typeof created.id, 'number');
    await admin.ok(['aggregate', 'set', '--zone', 'nbadm-az2', '--property', 'gpu=no', 'nbadm-agg']);
    const shown = await admin.json(['aggregate', 'show', 'nbadm-agg']);
    assert.equal(shown.availability_zone, 'nbadm-az2');
    assert.match(JSON.stringify(shown.properties), /gpu/);
    assert.match(JSON.stringify(shown.properties), /ssd/);
    const listed = await admin.json<Row[]>(['aggregate', 'list', '--long']);
    assert.ok(listed.some((a) => a.Name === 'nbadm-agg' && a['Availability Zone'] === 'nbadm-az2'));
    const dup = await admin.fails(['aggregate', 'create', 'nbadm-agg']);
    assert.match(dup.stderr, /409|already exists/);
    assert.match((await member.fails(['aggregate', 'list'])).stderr, denied('os-aggregates:index'));
    await admin.ok(['aggregate', 'delete', 'nbadm-agg']);
    assert.equal((await admin.json<Row[]>(['aggregate', 'list'])).some((a) => a.Name === 'nbadm-agg'), false);
  });

  it('lists compute services with zone, status and state', async () => {
    const services = await admin.json<Row[]>(['compute', 'service', 'list', '--long']);
    for (const s of services) {
      assert.match(String(s.Status), /^(enabled|disabled)$/);
      assert.match(String(s.State), /^(up|down)$/);
      assert.equal(s.Zone, s.Binary === 'nova-compute' ? s.Zone : 'internal');
    }
    assert.match((await member.fails(['compute', 'service', 'list'])).stderr, denied('os-services:list'));
  });

  it('shows hypervisor statistics', async () => {
    const stats = await admin.json(['hypervisor', 'stats', 'show']);
    assert.equal(stats.count, hosts.length);
    assert.equal(typeof stats.vcpus, 'number');
    assert.equal(typeof stats.memory_mb_used, 'number');
  });

  it('shows and sets quotas; members see their own', async () => {
    const before = await admin.json(['quota', 'show', 'nbadm-project']);
    assert.equal(before.cores, 20);
    assert.equal(before.instances, 10);
    await admin.ok(['quota', 'set', '--cores', '33', '--instances', '7', '--ram', '40960', 'nbadm-project']);
    const after = await member.json(['quota', 'show']);
    assert.equal(after.cores, 33);
    assert.equal(after.instances, 7);
    assert.equal(after.ram, 40960);
    assert.match((await member.fails(['quota', 'set', '--cores', '99', memberProjectId])).stderr, denied('os-quota-sets:update'));
    const detail = await admin.json<Row[]>(['quota', 'list', '--compute', '--detail', '--project', 'nbadm-project']);
    const cores = detail.find((r) => r.Resource === 'cores')!;
    assert.equal(cores.Limit, 33);
    assert.equal(cores['In Use'], 0);
    const defaults = await admin.json(['quota', 'show', '--default', 'nbadm-project']);
    assert.equal(defaults.cores, 20);
  });

  it('shows absolute limits', async () => {
    const rows = await member.json<Row[]>(['limits', 'show', '--absolute']);
    const limit = (name: string) => rows.find((r) => r.Name === name)?.Value;
    assert.equal(limit('maxTotalCores'), 33);
    assert.equal(limit('maxTotalInstances'), 7);
    assert.equal(limit('totalInstancesUsed'), 0);
    assert.equal(limit('maxTotalKeypairs'), 100);
    const other = await admin.json<Row[]>(['limits', 'show', '--absolute', '--project', memberProjectId]);
    assert.equal(other.find((r) => r.Name === 'maxTotalCores')?.Value, 33);
  });

  it('lists and shows usage', async () => {
    const list = await admin.json<Row[]>(['usage', 'list']);
    assert.ok(Array.isArray(list));
    // A project without servers: Nova answers an empty usage, which the CLI prints as blanks.
    const shown = await member.json(['usage', 'show']);
    assert.ok('CPU Hours' in shown);
    assert.match((await member.fails(['usage', 'list'])).stderr, denied('os-simple-tenant-usage:list'));
  });

  it('lists availability zones', async (t) => {
    const zones = await member.json<Row[]>(['availability', 'zone', 'list', '--compute']);
    if (!needHosts(t)) return;
    assert.ok(zones.some((z) => z['Zone Name'] === 'nova' && z['Zone Status'] === 'available'));
    assert.ok(!zones.some((z) => z['Zone Name'] === 'internal'));
  });

  it('puts a host in an aggregate with a zone', async (t) => {
    if (!needHosts(t)) return;
    const host = hosts[0]!;
    await admin.ok(['aggregate', 'create', 'nbadm-hosts']);
    const added = await admin.json(['aggregate', 'add', 'host', 'nbadm-hosts', host]);
    assert.deepEqual(added.hosts, [host]);
    await admin.ok(['aggregate', 'set', '--zone', 'nbadm-zone', 'nbadm-hosts']);
    const shown = await admin.json(['aggregate', 'show', 'nbadm-hosts']);
    assert.equal(shown.availability_zone, 'nbadm-zone');
    const zones = await admin.json<Row[]>(['availability', 'zone', 'list', '--compute', '--long']);
    assert.ok(zones.some((z) => z['Zone Name'] === 'nbadm-zone' && z['Host Name'] === host));
    const services = await admin.json<Row[]>(['compute', 'service', 'list', '--host', host, '--service', 'nova-compute']);
    assert.equal(services[0]?.Zone, 'nbadm-zone');
    assert.match((await admin.fails(['aggregate', 'delete', 'nbadm-hosts'])).stderr, /409|not empty/i);
    await admin.ok(['aggregate', 'remove', 'host', 'nbadm-hosts', host]);
    await admin.ok(['aggregate', 'delete', 'nbadm-hosts']);
  });

  it('lists and shows hypervisors', async (t) => {
    if (!needHosts(t)) return;
    const list = await admin.json<Row[]>(['hypervisor', 'list']);
    assert.equal(list.length, hosts.length);
    const name = String(list[0]!['Hypervisor Hostname']);
    assert.equal(list[0]!.State, 'up');
    const shown = await admin.json(['hypervisor', 'show', name]);
    assert.equal(shown.hypervisor_hostname, name);
    assert.ok(Number(shown.vcpus) > 0);
    assert.ok(hosts.includes(String(shown.service_host)));
  });

  it('disables and enables a compute service', async (t) => {
    if (!needHosts(t)) return;
    const host = hosts[hosts.length - 1]!;
    await admin.ok(['compute', 'service', 'set', '--disable', '--disable-reason', 'nbadm maintenance', host, 'nova-compute']);
    let s = (await admin.json<Row[]>(['compute', 'service', 'list', '--long', '--host', host, '--service', 'nova-compute']))[0]!;
    assert.equal(s.Status, 'disabled');
    assert.equal(s['Disabled Reason'], 'nbadm maintenance');
    await admin.ok(['compute', 'service', 'set', '--enable', host, 'nova-compute']);
    s = (await admin.json<Row[]>(['compute', 'service', 'list', '--long', '--host', host, '--service', 'nova-compute']))[0]!;
    assert.equal(s.Status, 'enabled');
    assert.equal(s['Disabled Reason'], null);
  });

  it('creates an anti-affinity server group, boots two servers into it on different hosts, and deletes it', async (t) => {
    if (!needHosts(t) || hosts.length < 2) return;
    const dir = mkdtempSync(join(tmpdir(), 'nbadm-img-'));
    try {
      const file = join(dir, 'disk.raw');
      writeFileSync(file, Buffer.alloc(64 * 1024));
      await admin.ok(['image', 'create', '--disk-format', 'raw', '--container-format', 'bare', '--file', file, '--public', 'nbadm-img']);
      await admin.ok(['flavor', 'create', '--vcpus', '1', '--ram', '64', '--disk', '1', 'nbadm.tiny']);
      const group = await admin.json(['server', 'group', 'create', '--policy', 'anti-affinity', 'nbadm-group']);
      assert.equal(group.name, 'nbadm-group');
      assert.match(JSON.stringify(group), /anti-affinity/);
      const listed = await admin.json<Row[]>(['server', 'group', 'list']);
      assert.ok(listed.some((g) => g.Name === 'nbadm-group'));
      const placed: string[] = [];
      for (const name of ['nbadm-a', 'nbadm-b']) {
        const s = await admin.json(['server', 'create', '--image', 'nbadm-img', '--flavor', 'nbadm.tiny', '--nic', 'none',
          '--hint', `group=${String(group.id)}`, '--wait', name]);
        assert.equal(s.status, 'ACTIVE');
        placed.push(String(s['OS-EXT-SRV-ATTR:host']));
      }
      assert.notEqual(placed[0], placed[1], 'anti-affinity put the two servers on different hosts');
      const members = (await admin.json(['server', 'group', 'show', 'nbadm-group'])).members;
      assert.equal(String(members).split(',').filter(Boolean).length, 2);
      for (const name of ['nbadm-a', 'nbadm-b']) await admin.ok(['server', 'delete', '--wait', name]);
      await admin.ok(['server', 'group', 'delete', 'nbadm-group']);
      assert.ok(!(await admin.json<Row[]>(['server', 'group', 'list'])).some((g) => g.Name === 'nbadm-group'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
