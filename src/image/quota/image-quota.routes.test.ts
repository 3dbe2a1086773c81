import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const OCTET = { 'content-type': 'application/octet-stream' };
const MIB = 1024 * 1024;

describe('image API: per-project quotas', () => {
  let t: TestCloud;
  let alice: MemberUser;
  let bob: MemberUser;
  before(async () => {
    t = await startTestCloud({ imageQuotaImages: 3, imageQuotaBytes: 3 * MIB });
    alice = await createMemberUser(t, 'quota-alice');
    bob = await createMemberUser(t, 'quota-bob');
  });
  after(async () => { await t.close(); });

  const storeFiles = () => readdirSync(join(t.config.stateDir, 'images'));
  const create = (token: string, name: string) =>
    t.request('POST', '/image/v2/images', { token, body: { name, disk_format: 'raw', container_format: 'bare' } });
  const upload = (token: string, id: string, data: Buffer) =>
    t.request('PUT', `/image/v2/images/${id}/file`, { token, rawBody: data, headers: OCTET });
  const usage = async (token: string) => (await t.request('GET', '/image/v2/info/usage', { token })).body.usage;

  it('refuses an upload over the byte quota with 413, back to queued, nothing on disk', async () => {
    const first = (await create(alice.token, 'two-mib')).body.id;
    assert.equal((await upload(alice.token, first, Buffer.alloc(2 * MIB, 1))).status, 204);
    const second = (await create(alice.token, 'too-big')).body.id;
    const res = await upload(alice.token, second, Buffer.alloc(2 * MIB, 2));
    assert.equal(res.status, 413, res.text);
    assert.equal(res.body.code, '413 Request Entity Too Large');
    assert.match(res.body.message, /quota/);
    const img = (await t.request('GET', `/image/v2/images/${second}`, { token: alice.token })).body;
    assert.equal(img.status, 'queued');
    assert.equal(img.size, null);
    assert.deepEqual(storeFiles(), [first]);
    // What fits still goes in, and the same image can be retried.
    assert.equal((await upload(alice.token, second, Buffer.alloc(MIB, 3))).status, 204);
    assert.deepEqual(storeFiles().sort(), [first, second].sort());
    // Another project has its own quota.
    const other = (await create(bob.token, 'bob-two')).body.id;
    assert.equal((await upload(bob.token, other, Buffer.alloc(2 * MIB, 4))).status, 204);
    for (const id of [first, second]) await t.request('DELETE', `/image/v2/images/${id}`, { token: alice.token });
    await t.request('DELETE', `/image/v2/images/${other}`, { token: bob.token });
    assert.deepEqual(storeFiles(), []);
  });

  it('lets only one of two racing uploads that fit alone but not together land', async () => {
    const a = (await create(alice.token, 'race-a')).body.id;
    const b = (await create(alice.token, 'race-b')).body.id;
    const results = await Promise.all([upload(alice.token, a, Buffer.alloc(2 * MIB, 5)), upload(alice.token, b, Buffer.alloc(2 * MIB, 6))]);
    assert.deepEqual(results.map((r) => r.status).sort(), [204, 413], results.map((r) => r.text).join(' | '));
    assert.equal((await usage(alice.token)).image_size_total.usage <= 3, true);
    assert.equal(storeFiles().length, 1);
    for (const id of [a, b]) await t.request('DELETE', `/image/v2/images/${id}`, { token: alice.token });
    assert.deepEqual(storeFiles(), []);
  });

  it('never lets racing creations pass the count quota', async () => {
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => create(alice.token, `burst${i}`)));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 201, 201, 413, 413]);
    for (const r of results) if (r.status === 201) await t.request('DELETE', `/image/v2/images/${r.body.id}`, { token: alice.token });
  });

  it('refuses creating more images than the count quota with 413', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await create(alice.token, `n${i}`);
      assert.equal(res.status, 201);
      ids.push(res.body.id);
    }
    const over = await create(alice.token, 'n3');
    assert.equal(over.status, 413);
    assert.equal(over.body.code, '413 Request Entity Too Large');
    assert.match(over.body.message, /image_count_total is over limit of 3/);
    const mine = (await t.request('GET', '/image/v2/images?name=n3', { token: alice.token })).body.images;
    assert.deepEqual(mine, []);
    assert.equal((await create(bob.token, 'bob-n')).status, 201);
    await t.request('DELETE', `/image/v2/images/${ids[0]}`, { token: alice.token });
    const again = await create(alice.token, 'n3');
    assert.equal(again.status, 201);
    ids.push(again.body.id);
    for (const id of ids.slice(1)) await t.request('DELETE', `/image/v2/images/${id}`, { token: alice.token });
  });

  it('reports the caller project usage at /v2/info/usage', async () => {
    const id = (await create(alice.token, 'usage')).body.id;
    assert.equal((await upload(alice.token, id, Buffer.alloc(MIB + 1))).status, 204);
    const u = await usage(alice.token);
    assert.deepEqual(u.image_count_total, { limit: 3, usage: 1 });
    assert.deepEqual(u.image_size_total, { limit: 3, usage: 2 });
    assert.deepEqual(u.image_stage_total, { limit: 3, usage: 0 });
    assert.deepEqual(u.image_count_uploading, { limit: 3, usage: 0 });
    const other = await usage(bob.token);
    assert.equal(other.image_size_total.usage, 0);
    assert.equal((await t.request('GET', '/image/v2/info/usage')).status, 401);
    await t.request('DELETE', `/image/v2/images/${id}`, { token: alice.token });
  });
});

describe('image API: unlimited quotas', () => {
  it('accepts any count and size when the limits are -1', async () => {
    const t = await startTestCloud({ imageQuotaImages: -1, imageQuotaBytes: -1 });
    try {
      const admin = await t.adminToken();
      const res = await t.request('POST', '/image/v2/images', { token: admin, body: { name: 'u', disk_format: 'raw', container_format: 'bare' } });
      assert.equal(res.status, 201);
      const up = await t.request('PUT', `/image/v2/images/${res.body.id}/file`, { token: admin, rawBody: Buffer.alloc(4096), headers: OCTET });
      assert.equal(up.status, 204);
      const u = (await t.request('GET', '/image/v2/info/usage', { token: admin })).body.usage;
      assert.deepEqual(u.image_size_total, { limit: -1, usage: 1 });
      assert.deepEqual(u.image_count_total, { limit: -1, usage: 1 });
    } finally {
      await t.close();
    }
  });
});
