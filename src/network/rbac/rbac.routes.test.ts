import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const URL = '/network/v2.0/rbac-policies';
const NETS = '/network/v2.0/networks';

describe('network API: RBAC policies', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  let carol: MemberUser;
  let net: string;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'rbac-alice');
    bob = await createMemberUser(t, 'rbac-bob');
    carol = await createMemberUser(t, 'rbac-carol');
    net = (await t.request('POST', NETS, { token: alice.token, body: { network: { name: 'nb-rbac' } } })).body.network.id;
  });
  after(async () => { await t.close(); });

  const share = (token: string, body: Record<string, unknown>) =>
    t.request('POST', URL, { token, body: { rbac_policy: { object_type: 'network', object_id: net, action: 'access_as_shared', ...body } } });

  /** A port row of `project` on `network`, as the ports slice would write it. */
  async function portOf(project: string, network: string): Promise<string> {
    const at = new Date().toISOString();
    const id = randomUUID();
    await t.cloud.network.ctx.deps.db.insertInto('net_port').values({
      id, project_id: project, name: '', description: '', created_at: at, updated_at: at, revision_number: 0,
      network_id: network, mac_address: `fa:16:3e:${id.slice(0, 2)}:${id.slice(2, 4)}:${id.slice(4, 6)}`, admin_state_up: 1, status: 'DOWN',
      status_reason: null, device_id: 'vm', device_owner: 'compute:nova', binding_host_id: '', binding_vif_type: 'unbound',
      binding_vnic_type: 'normal', binding_profile: '{}', port_security_enabled: 1, allowed_address_pairs: '[]', extra_dhcp_opts: '[]', dns_name: '',
    }).execute();
    return id;
  }

  it('shares a network with one project: it sees it as shared, others do not', async () => {
    assert.equal((await t.request('GET', `${NETS}/${net}`, { token: bob.token })).status, 404);
    const res = await share(alice.token, { target_tenant: bob.projectId });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(Object.keys(res.body.rbac_policy).sort(), ['action', 'id', 'object_id', 'object_type', 'project_id', 'target_tenant', 'tenant_id']);
    assert.equal(res.body.rbac_policy.project_id, alice.projectId);
    const seen = await t.request('GET', `${NETS}/${net}`, { token: bob.token });
    assert.equal(seen.status, 200);
    assert.equal(seen.body.network.shared, true);
    assert.equal((await t.request('GET', `${NETS}/${net}`, { token: alice.token })).body.network.shared, false);
    assert.equal((await t.request('GET', `${NETS}/${net}`, { token: carol.token })).status, 404);
    // Bob may create ports there but does not see or own the policy.
    assert.equal((await t.request('GET', `${URL}/${res.body.rbac_policy.id}`, { token: bob.token })).status, 404);
    const list = await t.request('GET', `${URL}?object_id=${net}`, { token: alice.token });
    assert.equal(list.body.rbac_policies.length, 1);
    const dup = await share(alice.token, { target_tenant: bob.projectId });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.NeutronError.type, 'DuplicateRbacPolicy');
  });

  it('refuses deleting or moving a share a port of the target still uses (409 RbacPolicyInUse)', async () => {
    const policy = (await t.request('GET', `${URL}?object_id=${net}&target_tenant=${bob.projectId}`, { token: alice.token })).body.rbac_policies[0];
    const port = await portOf(bob.projectId, net);
    const del = await t.request('DELETE', `${URL}/${policy.id}`, { token: alice.token });
    assert.equal(del.status, 409);
    assert.equal(del.body.NeutronError.type, 'RbacPolicyInUse');
    const move = await t.request('PUT', `${URL}/${policy.id}`, { token: alice.token, body: { rbac_policy: { target_tenant: carol.projectId } } });
    assert.equal(move.status, 409);
    await t.cloud.network.ctx.deps.db.deleteFrom('net_port').where('id', '=', port).execute();
    const moved = await t.request('PUT', `${URL}/${policy.id}`, { token: alice.token, body: { rbac_policy: { target_tenant: carol.projectId } } });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.rbac_policy.target_tenant, carol.projectId);
    assert.equal((await t.request('GET', `${NETS}/${net}`, { token: bob.token })).status, 404);
    assert.equal((await t.request('GET', `${NETS}/${net}`, { token: carol.token })).status, 200);
    assert.equal((await t.request('DELETE', `${URL}/${policy.id}`, { token: alice.token })).status, 204);
    assert.equal((await t.request('GET', `${NETS}/${net}`, { token: carol.token })).status, 404);
  });

  it('keeps the shared flag in step with the wildcard row (admin only)', async () => {
    const wild = await share(alice.token, { target_tenant: '*' });
    assert.equal(wild.status, 403);
    const res = await share(admin, { target_tenant: '*' });
    assert.equal(res.status, 201, res.text);
    assert.equal((await t.request('GET', `${NETS}/${net}`, { token: alice.token })).body.network.shared, true);
    assert.equal((await t.request('GET', `${NETS}?shared=true`, { token: carol.token })).body.networks.length, 1);
    const port = await portOf(carol.projectId, net);
    const unshare = await t.request('PUT', `${NETS}/${net}`, { token: admin, body: { network: { shared: false } } });
    assert.equal(unshare.status, 409);
    assert.equal(unshare.body.NeutronError.type, 'InvalidSharedSetting');
    await t.cloud.network.ctx.deps.db.deleteFrom('net_port').where('id', '=', port).execute();
    assert.equal((await t.request('DELETE', `${URL}/${res.body.rbac_policy.id}`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `${NETS}/${net}`, { token: alice.token })).body.network.shared, false);
    // And the other way: network set --share makes the wildcard row.
    await t.request('PUT', `${NETS}/${net}`, { token: admin, body: { network: { shared: true } } });
    const rows = await t.request('GET', `${URL}?object_id=${net}&target_tenant=*`, { token: admin });
    assert.equal(rows.body.rbac_policies.length, 1);
    await t.request('PUT', `${NETS}/${net}`, { token: admin, body: { network: { shared: false } } });
    assert.equal((await t.request('GET', `${URL}?object_id=${net}`, { token: admin })).body.rbac_policies.length, 0);
  });

  it('refuses bad input and other projects networks', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ object_type: 'volume', target_tenant: bob.projectId }, 400, 'HTTPBadRequest'],
      [{ action: 'access_as_owner', target_tenant: bob.projectId }, 400, 'HTTPBadRequest'],
      [{ target_tenant: bob.projectId, bogus: 1 }, 400, 'HTTPBadRequest'],
      [{}, 400, 'HTTPBadRequest'],
      [{ target_tenant: bob.projectId, action: 'access_as_external' }, 403, 'PolicyNotAuthorized'],
      [{ target_tenant: bob.projectId, object_id: randomUUID() }, 404, 'NetworkNotFound'],
    ];
    for (const [body, status, type] of cases) {
      const res = await share(alice.token, body);
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.NeutronError.type, type);
    }
    const byBob = await share(bob.token, { target_tenant: bob.projectId });
    assert.equal(byBob.status, 404);
    const missing = await t.request('GET', `${URL}/${randomUUID()}`, { token: admin });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.NeutronError.type, 'RbacPolicyNotFound');
  });

  it('access_as_external makes a network visible (not usable for ports) to the target', async () => {
    const res = await t.request('POST', URL, { token: admin, body: { rbac_policy: {
      object_type: 'network', object_id: net, action: 'access_as_external', target_tenant: carol.projectId } } });
    assert.equal(res.status, 201, res.text);
    const seen = await t.request('GET', `${NETS}/${net}`, { token: carol.token });
    assert.equal(seen.status, 200);
    assert.equal(seen.body.network['router:external'], true);
    assert.equal(seen.body.network.shared, false);
  });
});
