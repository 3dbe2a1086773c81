import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

describe('network API: tags', () => {
  let t: TestCloud;
  let alice: MemberUser;
  let bob: MemberUser;
  let net: string;
  let url: string;
  before(async () => {
    t = await startTestCloud();
    alice = await createMemberUser(t, 'tag-alice');
    bob = await createMemberUser(t, 'tag-bob');
    const n = await t.request('POST', '/network/v2.0/networks', { token: alice.token, body: { network: { name: 'nb-tag', tags: ['a'] } } });
    net = n.body.network.id;
    url = `/network/v2.0/networks/${net}/tags`;
  });
  after(async () => { await t.close(); });

  it('adds, checks, replaces, removes tags; filters lists by tags', async () => {
    assert.deepEqual((await t.request('GET', url, { token: alice.token })).body, { tags: ['a'] });
    const before = (await t.request('GET', `/network/v2.0/networks/${net}`, { token: alice.token })).body.network.revision_number;
    assert.equal((await t.request('PUT', `${url}/red`, { token: alice.token })).status, 201);
    assert.equal((await t.request('GET', `${url}/red`, { token: alice.token })).status, 204);
    const missing = await t.request('GET', `${url}/blue`, { token: alice.token });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.NeutronError.type, 'TagNotFound');
    const shown = (await t.request('GET', `/network/v2.0/networks/${net}`, { token: alice.token })).body.network;
    assert.deepEqual(shown.tags.sort(), ['a', 'red']);
    assert.ok(shown.revision_number > before);
    const byTag = await t.request('GET', '/network/v2.0/networks?tags=red', { token: alice.token });
    assert.equal(byTag.body.networks.length, 1);
    const notTag = await t.request('GET', '/network/v2.0/networks?not-tags=red', { token: alice.token });
    assert.equal(notTag.body.networks.length, 0);
    const replaced = await t.request('PUT', url, { token: alice.token, body: { tags: ['x', 'y'] } });
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.body, { tags: ['x', 'y'] });
    assert.equal((await t.request('DELETE', `${url}/x`, { token: alice.token })).status, 204);
    assert.equal((await t.request('DELETE', `${url}/x`, { token: alice.token })).status, 404);
    assert.equal((await t.request('DELETE', url, { token: alice.token })).status, 204);
    assert.deepEqual((await t.request('GET', url, { token: alice.token })).body, { tags: [] });
  });

  it('tags subnets too, and refuses bad tags and other projects resources', async () => {
    const s = await t.request('POST', '/network/v2.0/subnets', { token: alice.token, body: { subnet: { network_id: net, ip_version: 4, cidr: '10.5.0.0/24' } } });
    const surl = `/network/v2.0/subnets/${s.body.subnet.id}/tags`;
    assert.equal((await t.request('PUT', `${surl}/blue`, { token: alice.token })).status, 201);
    assert.deepEqual((await t.request('GET', `/network/v2.0/subnets/${s.body.subnet.id}`, { token: alice.token })).body.subnet.tags, ['blue']);
    const long = await t.request('PUT', `${url}/${'x'.repeat(61)}`, { token: alice.token });
    assert.equal(long.status, 400);
    const comma = await t.request('PUT', url, { token: alice.token, body: { tags: ['a,b'] } });
    assert.equal(comma.status, 400);
    const notList = await t.request('PUT', url, { token: alice.token, body: { tags: 'a' } });
    assert.equal(notList.status, 400);
    const other = await t.request('PUT', `${url}/mine`, { token: bob.token });
    assert.equal(other.status, 404);
    assert.equal(other.body.NeutronError.type, 'NetworkNotFound');
    assert.equal((await t.request('GET', `${surl}`, { token: bob.token })).status, 404);
  });
});
