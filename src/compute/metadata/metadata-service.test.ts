// The metadata service over the bus, as a network agent's proxy asks it: the documents of the
// server whose port has the source address on that network, and never another's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { METADATA_TOPIC, type MetadataRequest, type MetadataResponse } from '../../agent/network/host-state.js';
import { createActiveImage, createFlavor, startFakeComputeCloud, waitForServer } from '../../../test/harness/compute-fixtures.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import type { TestCloud } from '../../../test/harness/test-cloud.js';

const USER_DATA = '#!/bin/sh\necho nubis-user-data\n';

describe('metadata service', () => {
  let t: TestCloud;
  let member: MemberUser;
  let stranger: MemberUser;
  let net: string;
  let strangerNet: string;
  let server: Record<string, any>;
  let ip: string;
  let strangerIp: string;
  let PUBLIC_KEY: string;

  const neutron = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await t.request(method, `/network/v2.0${path}`, { token, body });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body;
  };
  const ask = (req: Partial<MetadataRequest>) => t.cloud.platform.bus.call<MetadataResponse>(METADATA_TOPIC, 'metadata',
    { kind: 'network', id: net, sourceIp: ip, method: 'GET', path: '/', ...req });
  const json = async (path: string) => {
    const res = await ask({ path });
    assert.equal(res.status, 200, `${path}: ${res.body}`);
    assert.equal(res.contentType, 'application/json');
    return JSON.parse(res.body);
  };

  async function boot(user: MemberUser, network: string, name: string, extra: Record<string, unknown> = {}) {
    const res = await t.request('POST', '/compute/v2.1/servers', {
      token: user.token, body: { server: { name, flavorRef: flavor, imageRef: image, networks: [{ uuid: network }], ...extra } },
    });
    assert.equal(res.status, 202, res.text);
    return waitForServer(t, user.token, res.body.server.id, 'ACTIVE');
  }
  let flavor: string;
  let image: string;

  before(async () => {
    t = await startFakeComputeCloud(1);
    const admin = await t.adminToken();
    member = await createMemberUser(t, 'nb-md-member');
    stranger = await createMemberUser(t, 'nb-md-stranger');
    flavor = await createFlavor(t, admin, { name: 'nb-md-flavor' });
    image = await createActiveImage(t, admin, 'nb-md-img');
    // Nova generates the key pair when no public key is given (below 2.92).
    const key = await t.request('POST', '/compute/v2.1/os-keypairs', { token: member.token, body: { keypair: { name: 'nb-md-key' } } });
    assert.equal(key.status, 200, key.text);
    PUBLIC_KEY = key.body.keypair.public_key;
    net = (await neutron(member.token, 'POST', '/networks', { network: { name: 'nb-md-net' } })).network.id;
    await neutron(member.token, 'POST', '/subnets', { subnet: { network_id: net, cidr: '10.40.0.0/24', ip_version: 4, dns_nameservers: ['10.40.0.53'] } });
    strangerNet = (await neutron(stranger.token, 'POST', '/networks', { network: { name: 'nb-md-other' } })).network.id;
    await neutron(stranger.token, 'POST', '/subnets', { subnet: { network_id: strangerNet, cidr: '10.40.0.0/24', ip_version: 4 } });
    server = await boot(member, net, 'nb-md-vm', {
      user_data: Buffer.from(USER_DATA).toString('base64'), key_name: 'nb-md-key', metadata: { role: 'web' },
    });
    ip = (server.addresses['nb-md-net'] as Array<{ addr: string }>)[0]!.addr;
    const other = await boot(stranger, strangerNet, 'nb-md-theirs', { user_data: Buffer.from('secret').toString('base64') });
    strangerIp = ((other.addresses as Record<string, Array<{ addr: string }>>)['nb-md-other'])![0]!.addr;
  });
  after(async () => { await t?.close(); });

  it('serves the OpenStack documents of the asking server', async () => {
    assert.match((await ask({ path: '/openstack' })).body, /^2012-08-10\n[\s\S]*\nlatest$/);
    assert.deepEqual((await ask({ path: '/openstack/latest' })).body.split('\n'),
      ['meta_data.json', 'password', 'vendor_data.json', 'network_data.json', 'vendor_data2.json', 'user_data']);
    const md = await json('/openstack/latest/meta_data.json');
    assert.equal(md.uuid, server.id);
    assert.equal(md.name, 'nb-md-vm');
    assert.equal(md.hostname, 'nb-md-vm');
    assert.equal(md.project_id, member.projectId);
    assert.equal(md.availability_zone, 'nova');
    assert.equal(md.launch_index, 0);
    assert.deepEqual(md.meta, { role: 'web' });
    assert.deepEqual(md.public_keys, { 'nb-md-key': PUBLIC_KEY });
    assert.deepEqual(md.keys, [{ name: 'nb-md-key', type: 'ssh', data: PUBLIC_KEY }]);
    assert.deepEqual(md.devices, []);
    assert.equal(Buffer.from(md.random_seed, 'base64').length, 512);
    assert.equal((await json('/openstack/2013-10-17/meta_data.json')).uuid, server.id, 'dated versions too');

    const user = await ask({ path: '/openstack/latest/user_data' });
    assert.equal(user.status, 200);
    assert.equal(user.body, USER_DATA);
    const nd = await json('/openstack/latest/network_data.json');
    assert.equal(nd.links.length, 1);
    assert.equal(nd.links[0].ethernet_mac_address, (server.addresses['nb-md-net'] as Array<Record<string, string>>)[0]!['OS-EXT-IPS-MAC:mac_addr']);
    assert.equal(nd.networks[0].ip_address, ip);
    assert.equal(nd.networks[0].netmask, '255.255.255.0');
    assert.equal(nd.networks[0].network_id, net);
    assert.equal(nd.networks[0].type, 'ipv4_dhcp');
    assert.deepEqual(nd.networks[0].routes, [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.40.0.1' }]);
    assert.deepEqual(nd.services, [{ type: 'dns', address: '10.40.0.53' }]);
    assert.deepEqual(await json('/openstack/latest/vendor_data.json'), {});
    assert.deepEqual(await json('/openstack/latest/vendor_data2.json'), {});
    assert.deepEqual(await ask({ path: '/openstack/latest/password' }), { status: 200, contentType: 'text/plain; charset=UTF-8', body: '' });
  });

  it('serves the EC2 documents', async () => {
    assert.match((await ask({ path: '/' })).body, /\n2009-04-04\nlatest$/);
    assert.deepEqual((await ask({ path: '/latest/' })).body.split('\n'), ['meta-data/', 'user-data']);
    const index = (await ask({ path: '/latest/meta-data/' })).body.split('\n');
    for (const k of ['ami-id', 'hostname', 'instance-id', 'local-ipv4', 'public-ipv4', 'placement/', 'public-keys/']) assert.ok(index.includes(k), k);
    assert.equal((await ask({ path: '/latest/meta-data/local-ipv4' })).body, ip);
    assert.equal((await ask({ path: '/2009-04-04/meta-data/hostname' })).body, 'nb-md-vm');
    assert.equal((await ask({ path: '/latest/meta-data/instance-id' })).body, `i-${String(server.id).slice(0, 8)}`);
    assert.equal((await ask({ path: '/latest/meta-data/placement/availability-zone' })).body, 'nova');
    assert.equal((await ask({ path: '/latest/meta-data/public-keys/' })).body, '0=nb-md-key');
    assert.equal((await ask({ path: '/latest/meta-data/public-keys/0/openssh-key' })).body, PUBLIC_KEY);
    assert.equal((await ask({ path: '/latest/user-data' })).body, USER_DATA);
  });

  it('answers 404 for unknown paths, unknown askers, and never with another project\'s server', async () => {
    for (const path of ['/openstack/latest/nope.json', '/openstack/1999-01-01/meta_data.json', '/latest/meta-data/nope', '/nope', '/latest/meta-data/../user-data']) {
      assert.equal((await ask({ path })).status, 404, path);
    }
    assert.equal((await ask({ sourceIp: '10.40.0.250', path: '/openstack/latest/meta_data.json' })).status, 404, 'an address nobody has');
    // The stranger's guest has an address in the same range, but on its own network: asking
    // through the member's network namespace finds nobody (or the member's own server), never it.
    const through = await ask({ sourceIp: strangerIp, path: '/openstack/latest/user_data' });
    assert.notEqual(through.body, 'secret');
    const theirs = await ask({ id: strangerNet, sourceIp: strangerIp, path: '/openstack/latest/meta_data.json' });
    assert.equal(JSON.parse(theirs.body).project_id, stranger.projectId, 'through its own network the stranger gets its own server');
    assert.equal((await ask({ kind: 'router', id: net, path: '/openstack/latest/meta_data.json' })).status, 404, 'no such router');
  });
});
