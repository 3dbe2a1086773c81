import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startVolumeKit, type VolumeKit } from './volume-test-kit.js';

let k: VolumeKit;
let id: string;
before(async () => {
  k = await startVolumeKit();
  id = String((await k.availableVolume(k.alice, { size: 1, metadata: { a: '1' } })).id);
});
after(async () => { await k?.close(); });

test('whole metadata: GET, POST merges, PUT replaces', async () => {
  const path = `/volumes/${id}/metadata`;
  assert.deepEqual((await k.call(k.alice, 'GET', path)).body, { metadata: { a: '1' } });
  const merged = await k.call(k.alice, 'POST', path, { metadata: { b: '2', a: 'one' } });
  assert.equal(merged.status, 200, merged.text);
  assert.deepEqual(merged.body, { metadata: { a: 'one', b: '2' } });
  const replaced = await k.call(k.alice, 'PUT', path, { metadata: { c: '3' } });
  assert.equal(replaced.status, 200);
  assert.deepEqual(replaced.body, { metadata: { c: '3' } });
  assert.deepEqual((await k.call(k.alice, 'GET', `/volumes/${id}`)).body.volume.metadata, { c: '3' });
  const bad = await k.call(k.alice, 'PUT', path, { metadata: { c: 3 } });
  assert.equal(bad.status, 400);
  const missing = await k.call(k.alice, 'POST', path, { meta: {} });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.badRequest.message, "Missing required element 'metadata' in request body.");
});

test('one key: GET, PUT, DELETE and their refusals', async () => {
  const key = (name: string) => `/volumes/${id}/metadata/${name}`;
  const put = await k.call(k.alice, 'PUT', key('color'), { meta: { color: 'blue' } });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.body, { meta: { color: 'blue' } });
  assert.deepEqual((await k.call(k.alice, 'GET', key('color'))).body, { meta: { color: 'blue' } });
  const mismatch = await k.call(k.alice, 'PUT', key('color'), { meta: { shade: 'red' } });
  assert.equal(mismatch.status, 400);
  assert.equal(mismatch.body.badRequest.message, 'Request body and URI mismatch');
  const many = await k.call(k.alice, 'PUT', key('color'), { meta: { color: 'red', shade: 'dark' } });
  assert.equal(many.status, 400);
  assert.equal(many.body.badRequest.message, 'Request body contains too many items');
  const del = await k.call(k.alice, 'DELETE', key('color'));
  assert.equal(del.status, 200);
  const gone = await k.call(k.alice, 'GET', key('color'));
  assert.equal(gone.status, 404);
  assert.equal(gone.body.itemNotFound.message, `Volume ${id} has no metadata with key color.`);
  assert.equal((await k.call(k.alice, 'DELETE', key('color'))).status, 404);
});

test('another project cannot read or write the metadata; uploading volumes refuse writes', async () => {
  for (const [method, path, body] of [['GET', `/volumes/${id}/metadata`], ['POST', `/volumes/${id}/metadata`, { metadata: { x: 'y' } }],
    ['GET', `/volumes/${id}/metadata/c`], ['DELETE', `/volumes/${id}/metadata/c`]] as Array<[string, string, unknown]>) {
    const res = await k.call(k.bob, method, path, body);
    assert.equal(res.status, 404, `${method} ${path}`);
  }
  const prior = await k.db.selectFrom('volume').select('status').where('id', '=', id).executeTakeFirstOrThrow();
  await k.db.updateTable('volume').set({ status: 'uploading' }).where('id', '=', id).execute();
  try {
    const res = await k.call(k.alice, 'POST', `/volumes/${id}/metadata`, { metadata: { x: 'y' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.badRequest.message, 'Invalid volume: Updating volume metadata is not allowed for volumes in uploading status.');
  } finally {
    await k.db.updateTable('volume').set({ status: prior.status }).where('id', '=', id).execute();
  }
});
