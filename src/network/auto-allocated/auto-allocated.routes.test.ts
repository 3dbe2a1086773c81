// get-me-a-network: /v2.0/auto-allocated-topology/{project_id} (GET makes it once, dry-run checks,
// DELETE tears down, 409 without a default external network) and Nova's `networks: auto` using it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createActiveImage, createFlavor, startFakeComputeCloud, waitForServer } from '../../../test/harness/compute-fixtures.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import type { TestCloud, TestResponse } from '../../../test/harness/test-cloud.js';

function neutronError(res: TestResponse, status: number, type: string): string {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.NeutronError.type, type, res.text);
  return res.body.NeutronError.message as string;
}

describe('auto-allocated topology', () => {
  let t: TestCloud;
  let admin: string;
  let member: MemberUser;
  let other: MemberUser;
  let flavor: string;
  let image: string;
  const url = (project: string) => `/network/v2.0/auto-allocated-topology/${project}`;

  before(async () => {
    t = await startFakeComputeCloud(1);
    admin = await t.adminToken();
    member = await createMemberUser(t, 'nb-aa-member');
    other = await createMemberUser(t, 'nb-aa-other');
    flavor = await createFlavor(t, admin, { name: 'nb-aa-flavor' });
    image = await createActiveImage(t, admin, 'nb-aa-img');
  });
  after(async () => { await t?.close(); });

  it('is a 409 without a default external network, for the real call, dry-run and Nova alike', async () => {
    assert.match(neutronError(await t.request('GET', url(member.projectId), { token: member.token }), 409, 'AutoAllocationFailure'),
      /Deployment error: No default router:external network\./);
    neutronError(await t.request('GET', `${url(member.projectId)}?fields=dry-run`, { token: member.token }), 409, 'AutoAllocationFailure');
    const res = await t.request('POST', '/compute/v2.1/servers', { token: member.token, body: { server: { name: 'nb-aa-x', flavorRef: flavor, imageRef: image, networks: 'auto' } } });
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.badRequest.message, new RegExp(`Unable to automatically allocate a network for project ${member.projectId}`));
  });

  it('makes the topology once: network, subnet, router with gateway and interface', async () => {
    const ext = await t.request('POST', '/network/v2.0/networks', { token: admin, body: { network: { name: 'nb-aa-public', 'router:external': true, is_default: true } } });
    assert.equal(ext.status, 201, ext.text);
    const extSubnet = await t.request('POST', '/network/v2.0/subnets', { token: admin, body: { subnet: { network_id: ext.body.network.id, cidr: '172.30.0.0/24', ip_version: 4 } } });
    assert.equal(extSubnet.status, 201, extSubnet.text);

    const dry = await t.request('GET', `${url(member.projectId)}?fields=dry-run`, { token: member.token });
    assert.equal(dry.status, 200, dry.text);
    assert.equal(dry.body.auto_allocated_topology.id, 'dry-run=pass');
    assert.equal((await t.request('GET', '/network/v2.0/networks?name=auto_allocated_network', { token: member.token })).body.networks.length, 0, 'dry-run makes nothing');

    const first = await t.request('GET', url(member.projectId), { token: member.token });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(Object.keys(first.body.auto_allocated_topology).sort(), ['id', 'project_id', 'tenant_id']);
    const netId = first.body.auto_allocated_topology.id;
    assert.equal(first.body.auto_allocated_topology.project_id, member.projectId);
    const again = await t.request('GET', url(member.projectId), { token: member.token });
    assert.equal(again.body.auto_allocated_topology.id, netId, 'the same topology the second time');

    const net = (await t.request('GET', `/network/v2.0/networks/${netId}`, { token: member.token })).body.network;
    assert.equal(net.name, 'auto_allocated_network');
    const subnets = (await t.request('GET', `/network/v2.0/subnets?network_id=${netId}`, { token: member.token })).body.subnets;
    assert.equal(subnets.length, 1);
    assert.match(subnets[0].cidr, /^10\.0\.\d+\.\d+\/26$/);
    const routers = (await t.request('GET', '/network/v2.0/routers?name=auto_allocated_router', { token: member.token })).body.routers;
    assert.equal(routers.length, 1);
    assert.equal(routers[0].external_gateway_info.network_id, ext.body.network.id);
    const legs = (await t.request('GET', `/network/v2.0/ports?device_id=${routers[0].id}&network_id=${netId}`, { token: admin })).body.ports;
    assert.deepEqual(legs.map((p: { fixed_ips: Array<{ ip_address: string }> }) => p.fixed_ips[0]!.ip_address), [subnets[0].gateway_ip]);
  });

  it("policy: another project's topology is refused; admins may make it for anyone", async () => {
    neutronError(await t.request('GET', url(member.projectId), { token: other.token }), 403, 'PolicyNotAuthorized');
    neutronError(await t.request('DELETE', url(member.projectId), { token: other.token }), 403, 'PolicyNotAuthorized');
    neutronError(await t.request('GET', `${url(member.projectId)}?fields=name`, { token: member.token }), 400, 'BadRequest');
  });

  it('Nova `networks: auto` boots on it; DELETE is 409 while in use and 204 after', async () => {
    const res = await t.request('POST', '/compute/v2.1/servers', { token: other.token, body: { server: { name: 'nb-aa-vm', flavorRef: flavor, imageRef: image, networks: 'auto' } } });
    assert.equal(res.status, 202, res.text);
    const server = await waitForServer(t, other.token, res.body.server.id, 'ACTIVE');
    assert.deepEqual(Object.keys(server.addresses as object), ['auto_allocated_network']);
    neutronError(await t.request('DELETE', url(other.projectId), { token: other.token }), 409, 'NetworkInUse');
    assert.equal((await t.request('DELETE', `/compute/v2.1/servers/${res.body.server.id}`, { token: other.token })).status, 204);
    await waitForServer(t, other.token, res.body.server.id, 'DELETED');
    assert.equal((await t.request('DELETE', url(other.projectId), { token: other.token })).status, 204);
    assert.equal((await t.request('GET', '/network/v2.0/networks?name=auto_allocated_network', { token: other.token })).body.networks.length, 0);
    assert.equal((await t.request('GET', '/network/v2.0/routers?name=auto_allocated_router', { token: other.token })).body.routers.length, 0);
    neutronError(await t.request('DELETE', url(other.projectId), { token: other.token }), 404, 'NotFound');
  });
});
