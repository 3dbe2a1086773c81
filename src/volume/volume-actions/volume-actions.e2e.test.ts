// The workflow actions end to end on the test cloud's real manager and `file` storage agent: the
// volume file grows (qemu-img info), the snapshot's bytes come back on revert (qemu-io), the
// upload makes an active image through the image API, a force delete removes the file.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { hasPattern, writePattern } from '../../agent/storage/backends/file/test-helpers.js';
import { run } from '../../platform/run.js';
import { freePort } from '../../../test/harness/free-port.js';
import type { VolumeRow } from '../volume.tables.js';
import { startActionCloud, type ActionCloud } from './action-test-kit.js';

const GIB = 1024 ** 3;

/** Polls `check` until it returns a value (not undefined) or the time is up. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('volume actions end to end (real manager and file backend)', () => {
  let c: ActionCloud;
  before(async () => {
    // The upload's agent PUTs the data to the image API over HTTP: the cloud listens for real.
    const port = await freePort();
    c = await startActionCloud({ publicUrl: `http://127.0.0.1:${port}` });
    await c.tc.cloud.app.listen({ port, host: '127.0.0.1' });
  });
  after(async () => { await c?.close(); });

  const statusIs = (id: string, status: string) => async () => {
    const row = await c.row(id);
    if (row?.status === 'error' || row?.status?.startsWith('error_')) throw new Error(`volume ${id} went ${row.status}: ${row.status_reason}`);
    return row?.status === status ? row : undefined;
  };

  /** A blank volume through POST /volumes, once the manager made it `available`. */
  async function availableVolume(size = 1): Promise<VolumeRow> {
    const res = await c.tc.request('POST', `/volume/v3/${c.admin.projectId}/volumes`, { token: c.admin.token, body: { volume: { size } } });
    assert.equal(res.status, 202, res.text);
    return waitFor(`volume ${res.body.volume.id} available`, statusIs(res.body.volume.id, 'available'));
  }

  const virtualSize = async (file: string) => (JSON.parse(await run('qemu-img', ['info', '-U', '--output=json', file])) as { 'virtual-size': number })['virtual-size'];
  const formatOf = async (file: string) => (JSON.parse(await run('qemu-img', ['info', '-U', '--output=json', file])) as { format: string }).format;

  it('os-extend grows the volume file and ends available with the new size', async () => {
    const v = await availableVolume(1);
    const res = await c.act(v.id, { 'os-extend': { new_size: 2 } });
    assert.equal(res.status, 202, res.text);
    const done = await waitFor('extended', async () => { const r = await statusIs(v.id, 'available')(); return r && r.size === 2 ? r : undefined; });
    assert.equal(await virtualSize(done.provider_location!), 2 * GIB);
  });

  it('revert writes the latest snapshot back over the volume', async () => {
    const v = await availableVolume(1);
    const file = v.provider_location!;
    const format = await formatOf(file);
    await writePattern(file, format, 0xab, 0, 65536);
    const snap = await c.snapshot(v, { status: 'creating', progress: '0%' });
    c.ctx.manager.createSnapshot(snap.id);
    await waitFor('snapshot available', async () => (await c.ctx.deps.db.selectFrom('volume_snapshot').select('status')
      .where('id', '=', snap.id).executeTakeFirst())?.status === 'available' ? true : undefined);
    const current = (await c.row(v.id))!.provider_location!;
    await writePattern(current, await formatOf(current), 0xcd, 0, 65536);
    const res = await c.act(v.id, { revert: { snapshot_id: snap.id } }, { version: '3.40' });
    assert.equal(res.status, 202, res.text);
    const back = await waitFor('reverted', statusIs(v.id, 'available'));
    assert.ok(await hasPattern(back.provider_location!, await formatOf(back.provider_location!), 0xab, 0, 65536), 'the snapshot data is back');
  });

  it('os-volume_upload_image makes an active image of the volume and gives the volume back', async () => {
    const v = await availableVolume(1);
    await writePattern(v.provider_location!, await formatOf(v.provider_location!), 0x5a, 0, 65536);
    const res = await c.act(v.id, { 'os-volume_upload_image': { image_name: `up-${randomUUID().slice(0, 6)}`, disk_format: 'raw' } });
    assert.equal(res.status, 202, res.text);
    const imageId = res.body['os-volume_upload_image'].image_id as string;
    const image = await waitFor('image active', async () => {
      const got = await c.tc.request('GET', `/image/v2/images/${imageId}`, { token: c.admin.token });
      if (got.body?.status === 'killed' || got.status === 404) throw new Error(`upload failed: ${got.text}`);
      return got.body?.status === 'active' ? got.body : undefined;
    });
    assert.equal(image.disk_format, 'raw');
    assert.equal(image.size, GIB);
    await waitFor('volume available again', statusIs(v.id, 'available'));
    const data = await c.tc.request('GET', `/image/v2/images/${imageId}/file`, { token: c.admin.token, headers: { range: 'bytes=0-65535' } });
    assert.equal(data.status, 206);
    assert.equal(data.raw.length, 65536);
    assert.ok(data.raw.every((b) => b === 0x5a), 'the image holds the volume data');
  });

  it('os-force_delete removes a volume in error and its file', async () => {
    const v = await availableVolume(1);
    const file = v.provider_location!;
    assert.ok(existsSync(file));
    await c.ctx.deps.db.updateTable('volume').set({ status: 'error' }).where('id', '=', v.id).execute();
    const res = await c.act(v.id, { 'os-force_delete': {} });
    assert.equal(res.status, 202, res.text);
    await waitFor('volume gone', async () => ((await c.row(v.id)) === undefined ? true : undefined));
    assert.equal(existsSync(file), false);
  });
});
