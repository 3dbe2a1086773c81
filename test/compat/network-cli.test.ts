// Issue 5 §5: the real `openstack` CLI against `nubis up` for the network API (the fake compute
// driver and no dataplane: this checks the API as the client sees it; packets are the e2e test's job).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCompatCloud, type CompatCloud } from '../harness/compat-cloud.js';
import type { OpenStackCli } from '../harness/openstack-cli.js';

type Row = Record<string, unknown>;

describe('network API through the openstack CLI', { timeout: 600_000 }, () => {
  let cloud: CompatCloud;
  let cli: OpenStackCli;
  let bob: OpenStackCli;
  const ids: Record<string, string> = {};

  before(async () => {
    cloud = await startCompatCloud({ env: { NUBIS_COMPUTE_DRIVER: 'fake' } });
    cli = cloud.admin;
    await cli.ok(['project', 'create', 'nb-net-bob-project']);
    await cli.ok(['user', 'create', '--password', 'nb-bob-secret', '--project', 'nb-net-bob-project', 'nb-net-bob']);
    await cli.ok(['role', 'add', '--user', 'nb-net-bob', '--project', 'nb-net-bob-project', 'member']);
    bob = cloud.cliAs('nb-net-bob', 'nb-bob-secret', 'nb-net-bob-project');
  });
  after(async () => { await cloud?.close(); });

  it('lists exactly the implemented extensions', async () => {
    const exts = await cli.json<Row[]>(['extension', 'list', '--network']);
    const aliases = exts.map((e) => String(e.Alias));
    for (const a of ['router', 'external-net', 'security-group', 'quotas', 'rbac-policies', 'provider', 'binding', 'allowed-address-pairs', 'port-security', 'extraroute']) {
      assert.ok(aliases.includes(a), `extension ${a} listed`);
    }
    assert.ok(!aliases.includes('dvr'), 'nothing unimplemented is listed');
  });

  it('creates, shows, lists, sets, unsets and deletes networks and subnets', async () => {
    const net = await cli.json<Row>(['network', 'create', '--description', 'first', '--tag', 'blue', 'nb-cli-net']);
    ids.net = String(net.id);
    assert.equal(net.status, 'ACTIVE');
    assert.equal(net['provider:network_type'], 'vxlan');
    assert.equal(typeof net['provider:segmentation_id'], 'number');
    assert.equal(net.mtu, 1450);
    const sub = await cli.json<Row>(['subnet', 'create', '--network', 'nb-cli-net', '--subnet-range', '192.168.50.0/24',
      '--allocation-pool', 'start=192.168.50.100,end=192.168.50.150', '--dns-nameserver', '192.168.50.53',
      '--host-route', 'destination=10.99.0.0/16,gateway=192.168.50.254', 'nb-cli-sub']);
    ids.sub = String(sub.id);
    assert.equal(sub.gateway_ip, '192.168.50.1');
    assert.deepEqual(sub.allocation_pools, [{ start: '192.168.50.100', end: '192.168.50.150' }]);
    assert.deepEqual(sub.dns_nameservers, ['192.168.50.53']);
    assert.equal(sub.enable_dhcp, true);
    const list = await cli.json<Row[]>(['network', 'list', '--tags', 'blue']);
    assert.deepEqual(list.map((n) => n.Name), ['nb-cli-net']);
    assert.deepEqual(list[0]!.Subnets, [ids.sub]);
    await cli.ok(['network', 'set', '--name', 'nb-cli-net2', '--mtu', '1400', 'nb-cli-net']);
    const shown = await cli.json<Row>(['network', 'show', 'nb-cli-net2']);
    assert.equal(shown.mtu, 1400);
    assert.ok(Number(shown.revision_number) > Number(net.revision_number), 'an update bumps revision_number');
    await cli.ok(['subnet', 'set', '--no-dhcp', '--name', 'nb-cli-sub2', 'nb-cli-sub']);
    assert.equal((await cli.json<Row>(['subnet', 'show', 'nb-cli-sub2'])).enable_dhcp, false);
    await cli.ok(['network', 'unset', '--tag', 'blue', 'nb-cli-net2']);
    assert.deepEqual((await cli.json<Row>(['network', 'show', 'nb-cli-net2'])).tags, []);
    const overlap = await cli.run(['subnet', 'create', '--network', 'nb-cli-net2', '--subnet-range', '192.168.50.128/25', 'nb-overlap']);
    assert.notEqual(overlap.code, 0);
    assert.match(overlap.stderr, /overlaps with another subnet/);
  });

  it('creates ports with fixed IPs and refuses an address already used', async () => {
    const port = await cli.json<Row>(['port', 'create', '--network', 'nb-cli-net2', '--fixed-ip', 'subnet=nb-cli-sub2,ip-address=192.168.50.120', 'nb-cli-port']);
    ids.port = String(port.id);
    assert.deepEqual(port.fixed_ips, [{ subnet_id: ids.sub, ip_address: '192.168.50.120' }]);
    assert.match(String(port.mac_address), /^fa:16:3e:/);
    assert.equal(port.status, 'DOWN');
    const dup = await cli.run(['port', 'create', '--network', 'nb-cli-net2', '--fixed-ip', 'ip-address=192.168.50.120', 'nb-dup']);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /already allocated/);
    const listed = await cli.json<Row[]>(['port', 'list', '--fixed-ip', 'ip-address=192.168.50.120']);
    assert.deepEqual(listed.map((p) => p.ID), [ids.port]);
    await cli.ok(['port', 'set', '--name', 'nb-cli-port2', '--no-security-group', '--disable-port-security', 'nb-cli-port']);
    const p2 = await cli.json<Row>(['port', 'show', 'nb-cli-port2']);
    assert.equal(p2.port_security_enabled, false);
    assert.deepEqual(p2.security_group_ids, []);
  });

  it('manages security groups and rules', async () => {
    const sg = await cli.json<Row>(['security', 'group', 'create', '--description', 'web', 'nb-web']);
    ids.sg = String(sg.id);
    const rule = await cli.json<Row>(['security', 'group', 'rule', 'create', '--ingress', '--protocol', 'tcp', '--dst-port', '80:81',
      '--remote-ip', '10.0.0.0/8', 'nb-web']);
    assert.equal(rule.port_range_min, 80);
    assert.equal(rule.port_range_max, 81);
    assert.equal(rule.remote_ip_prefix, '10.0.0.0/8');
    const dup = await cli.run(['security', 'group', 'rule', 'create', '--ingress', '--protocol', 'tcp', '--dst-port', '80:81', '--remote-ip', '10.0.0.0/8', 'nb-web']);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /already exists/);
    const rules = await cli.json<Row[]>(['security', 'group', 'rule', 'list', 'nb-web']);
    assert.equal(rules.length, 3, 'two default egress rules and ours');
    await cli.ok(['security', 'group', 'set', '--name', 'nb-web2', 'nb-web']);
    await cli.ok(['security', 'group', 'rule', 'delete', String(rule.id)]);
    const groups = await cli.json<Row[]>(['security', 'group', 'list']);
    assert.ok(groups.some((g) => g.Name === 'default'), 'the project has its default group');
  });

  it('routes: router create, set --external-gateway, add/remove subnet, delete', async () => {
    // `nubis up` made the external network `public` (flat, 172.24.4.0/24) at its first start.
    const extNet = await cli.json<Row>(['network', 'show', 'public']);
    ids.ext = String(extNet.id);
    assert.equal(extNet['router:external'], true);
    assert.equal(extNet['provider:network_type'], 'flat');
    const router = await cli.json<Row>(['router', 'create', 'nb-cli-router']);
    ids.router = String(router.id);
    await cli.ok(['router', 'set', '--external-gateway', 'public', 'nb-cli-router']);
    let shown = await cli.json<Row>(['router', 'show', 'nb-cli-router']);
    const gw = shown.external_gateway_info as { network_id: string; enable_snat: boolean; external_fixed_ips: Array<{ ip_address: string }> };
    assert.equal(gw.network_id, ids.ext);
    assert.equal(gw.enable_snat, true);
    assert.match(gw.external_fixed_ips[0]!.ip_address, /^172\.24\.4\./);
    await cli.ok(['subnet', 'set', '--dhcp', 'nb-cli-sub2']);
    await cli.ok(['router', 'add', 'subnet', 'nb-cli-router', 'nb-cli-sub2']);
    const again = await cli.run(['router', 'add', 'subnet', 'nb-cli-router', 'nb-cli-sub2']);
    assert.notEqual(again.code, 0, 'a second interface on the same subnet is refused');
    const ifaces = await cli.json<Row[]>(['port', 'list', '--router', 'nb-cli-router']);
    assert.ok(ifaces.some((p) => JSON.stringify(p['Fixed IP Addresses']).includes('192.168.50.1')), 'the interface holds the gateway address');
    await cli.ok(['router', 'set', '--route', 'destination=10.77.0.0/16,gateway=192.168.50.9', 'nb-cli-router']);
    shown = await cli.json<Row>(['router', 'show', 'nb-cli-router']);
    assert.deepEqual(shown.routes, [{ destination: '10.77.0.0/16', nexthop: '192.168.50.9' }]);
    const inUse = await cli.run(['network', 'delete', 'nb-cli-net2']);
    assert.notEqual(inUse.code, 0, 'a network with ports in use is not deleted');
  });

  it('floating IPs: create, associate with a port, disassociate, delete', async () => {
    const fip = await cli.json<Row>(['floating', 'ip', 'create', 'public']);
    ids.fip = String(fip.id);
    assert.match(String(fip.floating_ip_address), /^172\.24\.4\./);
    assert.equal(fip.port_id, null);
    await cli.ok(['floating', 'ip', 'set', '--port', ids.port!, String(fip.floating_ip_address)]);
    let shown = await cli.json<Row>(['floating', 'ip', 'show', ids.fip]);
    assert.equal(shown.port_id, ids.port);
    assert.equal(shown.fixed_ip_address, '192.168.50.120');
    assert.equal(shown.router_id, ids.router);
    await cli.ok(['floating', 'ip', 'unset', '--port', ids.fip]);
    shown = await cli.json<Row>(['floating', 'ip', 'show', ids.fip]);
    assert.equal(shown.port_id, null);
    await cli.ok(['floating', 'ip', 'delete', ids.fip]);
  });

  it('shares a network with another project through RBAC', async () => {
    const before = await bob.json<Row[]>(['network', 'list']);
    assert.ok(!before.some((n) => n.ID === ids.net), 'not visible before sharing');
    const projects = await cli.json<Row[]>(['project', 'list']);
    const bobProject = String(projects.find((p) => p.Name === 'nb-net-bob-project')!.ID);
    const rbac = await cli.json<Row>(['network', 'rbac', 'create', '--target-project', bobProject, '--action', 'access_as_shared', '--type', 'network', 'nb-cli-net2']);
    const after = await bob.json<Row[]>(['network', 'list']);
    assert.ok(after.some((n) => n.ID === ids.net), 'visible once shared');
    const port = await bob.json<Row>(['port', 'create', '--network', ids.net!, 'nb-bob-port']);
    assert.equal(port.network_id, ids.net);
    const inUse = await cli.run(['network', 'rbac', 'delete', String(rbac.id)]);
    assert.notEqual(inUse.code, 0, 'a share in use is not removed');
    await bob.ok(['port', 'delete', 'nb-bob-port']);
    await cli.ok(['network', 'rbac', 'delete', String(rbac.id)]);
  });

  it('quotas: show and set the network ones', async () => {
    await cli.ok(['quota', 'set', '--networks', '3', '--ports', '7', 'nb-net-bob-project']);
    const q = await cli.json<Row>(['quota', 'show', 'nb-net-bob-project']);
    assert.equal(q.networks, 3);
    assert.equal(q.ports, 7);
    for (let i = 0; i < 3; i++) await bob.ok(['network', 'create', `nb-q-${i}`]);
    const over = await bob.run(['network', 'create', 'nb-q-3']);
    assert.notEqual(over.code, 0);
    assert.match(over.stderr, /[Qq]uota exceeded/);
  });

  it('server add port / remove port', async () => {
    await cli.ok(['flavor', 'create', '--vcpus', '1', '--ram', '64', '--disk', '1', 'nb.cli']);
    await cli.ok(['image', 'create', '--disk-format', 'raw', '--container-format', 'bare', '--public', '--file', '/dev/null', 'nb-cli-img']);
    const s = await cli.json<Row>(['server', 'create', '--image', 'nb-cli-img', '--flavor', 'nb.cli', '--nic', `net-id=${ids.net}`, '--wait', 'nb-cli-vm']);
    assert.equal(s.status, 'ACTIVE');
    assert.match(JSON.stringify(s.addresses), /192\.168\.50\./);
    const extra = await cli.json<Row>(['port', 'create', '--network', ids.net!, 'nb-extra-port']);
    await cli.ok(['server', 'add', 'port', 'nb-cli-vm', String(extra.id)]);
    let ports = await cli.json<Row[]>(['port', 'list', '--server', 'nb-cli-vm']);
    assert.equal(ports.length, 2);
    await cli.ok(['server', 'remove', 'port', 'nb-cli-vm', String(extra.id)]);
    ports = await cli.json<Row[]>(['port', 'list', '--server', 'nb-cli-vm']);
    assert.equal(ports.length, 1);
    await cli.ok(['server', 'delete', '--wait', 'nb-cli-vm']);
    assert.deepEqual(await cli.json<Row[]>(['port', 'list', '--device-id', String(s.id)]), [], 'the port Nubis made for the server went with it');
    assert.equal((await cli.json<Row>(['port', 'show', String(extra.id)])).device_id, '', 'the port the user made stays, unbound');
  });

  it('tears everything down', async () => {
    const refused = await cli.run(['router', 'remove', 'subnet', 'nb-cli-router', 'nb-cli-sub2']);
    assert.match(refused.stderr, /required by one or more routes/, 'a route through the interface holds it');
    await cli.ok(['router', 'set', '--no-route', 'nb-cli-router']);
    await cli.ok(['router', 'remove', 'subnet', 'nb-cli-router', 'nb-cli-sub2']);
    await cli.ok(['router', 'unset', '--external-gateway', 'nb-cli-router']);
    await cli.ok(['router', 'delete', 'nb-cli-router']);
    // The user's ports go; the DHCP port goes with the network.
    for (const p of await cli.json<Row[]>(['port', 'list', '--network', ids.net!, '--device-owner', ''])) await cli.ok(['port', 'delete', String(p.ID)]);
    await cli.ok(['network', 'delete', 'nb-cli-net2']);
    await cli.ok(['security', 'group', 'delete', 'nb-web2']);
    const left = await cli.json<Row[]>(['network', 'list', '--name', 'nb-cli-net2']);
    assert.deepEqual(left, []);
  });
});
