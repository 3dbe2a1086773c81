import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

describe('image API: members', () => {
  let t: TestCloud;
  let owner: MemberUser;
  let guest: MemberUser;
  let stranger: MemberUser;
  before(async () => {
    t = await startTestCloud();
    owner = await createMemberUser(t, 'mem-owner');
    guest = await createMemberUser(t, 'mem-guest');
    stranger = await createMemberUser(t, 'mem-stranger');
  });
  after(async () => { await t.close(); });

  const ids = (res: { body: { images: { id: string }[] } }) => res.body.images.map((i) => i.id);

  it('shares an image: add, accept, list, reject, remove', async () => {
    const img = (await t.request('POST', '/image/v2/images', { token: owner.token, body: { name: 'shared-img', visibility: 'shared' } })).body;
    const base = `/image/v2/images/${img.id}/members`;
    assert.equal((await t.request('GET', `/image/v2/images/${img.id}`, { token: guest.token })).status, 404);

    const added = await t.request('POST', base, { token: owner.token, body: { member: guest.projectId } });
    assert.equal(added.status, 200, added.text);
    assert.equal(added.body.status, 'pending');
    assert.equal(added.body.image_id, img.id);
    assert.equal(added.body.member_id, guest.projectId);
    assert.equal(added.body.schema, '/v2/schemas/member');
    assert.equal((await t.request('POST', base, { token: owner.token, body: { member: guest.projectId } })).status, 409);
    assert.equal((await t.request('POST', base, { token: owner.token, body: { nobody: 1 } })).status, 400);
    assert.equal((await t.request('POST', base, { token: guest.token, body: { member: stranger.projectId } })).status, 403);

    // pending: visible by id, not in the default list; listed with member_status=pending
    assert.equal((await t.request('GET', `/image/v2/images/${img.id}`, { token: guest.token })).status, 200);
    assert.ok(!ids(await t.request('GET', '/image/v2/images', { token: guest.token })).includes(img.id));
    assert.ok(ids(await t.request('GET', '/image/v2/images?member_status=pending', { token: guest.token })).includes(img.id));

    const mine = `${base}/${guest.projectId}`;
    // only the member changes its status
    assert.equal((await t.request('PUT', mine, { token: owner.token, body: { status: 'accepted' } })).status, 403);
    assert.equal((await t.request('PUT', mine, { token: guest.token, body: { status: 'maybe' } })).status, 400);
    const accepted = await t.request('PUT', mine, { token: guest.token, body: { status: 'accepted' } });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.status, 'accepted');
    assert.ok(ids(await t.request('GET', '/image/v2/images', { token: guest.token })).includes(img.id));

    const list = await t.request('GET', base, { token: owner.token });
    assert.equal(list.status, 200);
    assert.equal(list.body.schema, '/v2/schemas/members');
    assert.deepEqual(list.body.members.map((m: { member_id: string }) => m.member_id), [guest.projectId]);
    assert.equal((await t.request('GET', mine, { token: guest.token })).body.status, 'accepted');
    assert.equal((await t.request('GET', base, { token: stranger.token })).status, 404);

    assert.equal((await t.request('PUT', mine, { token: guest.token, body: { status: 'rejected' } })).body.status, 'rejected');
    assert.ok(!ids(await t.request('GET', '/image/v2/images', { token: guest.token })).includes(img.id));

    assert.equal((await t.request('DELETE', mine, { token: guest.token })).status, 403);
    assert.equal((await t.request('DELETE', mine, { token: owner.token })).status, 204);
    assert.equal((await t.request('DELETE', mine, { token: owner.token })).status, 404);
    assert.equal((await t.request('GET', `/image/v2/images/${img.id}`, { token: guest.token })).status, 404);
  });

  it('refuses members on images that are not shared', async () => {
    const img = (await t.request('POST', '/image/v2/images', { token: owner.token, body: { name: 'private-img', visibility: 'private' } })).body;
    const res = await t.request('POST', `/image/v2/images/${img.id}/members`, { token: owner.token, body: { member: guest.projectId } });
    assert.equal(res.status, 403);
    assert.match(res.body.message, /shared/);
  });
});
