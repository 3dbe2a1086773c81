import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const URL = '/network/v2.0/quotas';
const RESOURCES = ['floatingip', 'network', 'port', 'rbac_policy', 'router', 'security_group', 'security_group_rule', 'subnet', 'subnetpool'];

describe('network API: quotas', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'quota-alice');
    bob = await createMemberUser(t, 'quota-bob');
  });
  after(async () => { await t.close(); });

  it('shows defaults, sets, details and resets', async () => {
    const shown = await t.request('GET', `${URL}/${alice.projectId}`, { token: alice.token });
    assert.equal(shown.status, 200, shown.text);
    assert.deepEqual(Object.keys(shown.body.quota).sort(), RESOURCES);
    assert.equal(shown.body.quota.network, t.config.network.quotaDefaults.network);
    const set = await t.request('PUT', `${URL}/${alice.projectId}`, { token: admin, body: { quota: { network: 2, port: -1 } } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.quota.network, 2);
    assert.equal(set.body.quota.port, -1);
    await t.request('POST', '/network/v2.0/networks', { token: alice.token, body: { network: { name: 'nb-q1' } } });
    const details = await t.request('GET', `${URL}/${alice.projectId}/details.json`, { token: alice.token });
    assert.equal(details.status, 200, details.text);
    assert.deepEqual(details.body.quota.network, { limit: 2, used: 1, reserved: 0 });
    const list = await t.request('GET', URL, { token: admin });
    assert.ok(list.body.quotas.some((q: { project_id: string; network: number }) => q.project_id === alice.projectId && q.network === 2));
    const def = await t.request('GET', `${URL}/${alice.projectId}/default`, { token: alice.token });
    assert.equal(def.body.quota.network, t.config.network.quotaDefaults.network);
    const tenant = await t.request('GET', `${URL}/tenant`, { token: alice.token });
    assert.equal(tenant.body.tenant.tenant_id, alice.projectId);
  });

  it('refuses creates over the limit, also when racing', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) =>
      t.request('POST', '/network/v2.0/networks', { token: alice.token, body: { network: { name: `nb-race${i}` } } })));
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    for (const r of results.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 409);
      assert.equal(r.body.NeutronError.type, 'OverQuota');
      assert.equal(r.body.NeutronError.message, "Quota exceeded for resources: ['network'].");
    }
    assert.equal((await t.request('DELETE', `${URL}/${alice.projectId}`, { token: admin })).status, 204);
    const reset = await t.request('GET', `${URL}/${alice.projectId}`, { token: alice.token });
    assert.equal(reset.body.quota.network, t.config.network.quotaDefaults.network);
  });

  it('enforces policy and input checks', async () => {
    assert.equal((await t.request('GET', `${URL}/${alice.projectId}`, { token: bob.token })).status, 403);
    assert.equal((await t.request('GET', URL, { token: bob.token })).status, 403);
    const memberSet = await t.request('PUT', `${URL}/${bob.projectId}`, { token: bob.token, body: { quota: { network: 1000 } } });
    assert.equal(memberSet.status, 403);
    assert.equal(memberSet.body.NeutronError.type, 'PolicyNotAuthorized');
    const cases = [{ quota: { bogus: 1 } }, { quota: { network: -2 } }, { quota: { network: 'many' } }, { nope: {} }];
    for (const body of cases) {
      const res = await t.request('PUT', `${URL}/${bob.projectId}`, { token: admin, body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
  });
});
