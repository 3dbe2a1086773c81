import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { createImage } from '../image.module.js';

describe('image service: recovery of imports after a crash', () => {
  let t: TestCloud;
  let token: string;
  before(async () => {
    t = await startTestCloud();
    token = await t.adminToken();
  });
  after(async () => { await t.close(); });

  const staging = () => join(t.config.stateDir, 'staging');
  const create = async (name: string) =>
    (await t.request('POST', '/image/v2/images', { token, body: { name, disk_format: 'raw', container_format: 'bare' } })).body.id as string;
  const setStatus = (id: string, status: 'importing' | 'uploading') =>
    t.cloud.platform.database.db.updateTable('image' as never).set({ status } as never).where('id' as never, '=', id as never).execute();
  const status = async (id: string) => (await t.request('GET', `/image/v2/images/${id}`, { token })).body.status;

  it('requeues interrupted imports and keeps only complete staged data of staged images', async () => {
    const staged = await create('staged');
    const stagedNoData = await create('staged-no-data');
    const importing = await create('importing');
    assert.equal((await t.request('PUT', `/image/v2/images/${staged}/stage`, { token, rawBody: Buffer.alloc(100), headers: { 'content-type': 'application/octet-stream' } })).status, 204);
    await setStatus(stagedNoData, 'uploading');
    await setStatus(importing, 'importing');
    // What a crash leaves: an import's staged data, a half-written staging file.
    writeFileSync(join(staging(), importing), 'x');
    writeFileSync(join(staging(), `.${stagedNoData}.abc.part`), 'x');

    await createImage(t.cloud.platform).recover();

    assert.equal(await status(staged), 'uploading');
    assert.equal(await status(stagedNoData), 'queued');
    assert.equal(await status(importing), 'queued');
    assert.deepEqual(readdirSync(staging()), [staged]);
    assert.equal((await t.request('POST', `/image/v2/images/${staged}/import`, { token, body: { method: { name: 'glance-direct' } } })).status, 202);
  });
});
