import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../../test/harness/free-port.js';
import { startLoopbackFileServer, type LoopbackFileServer } from '../../../test/harness/loopback-file-server.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const OCTET = { 'content-type': 'application/octet-stream' };
const MIB = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('image API: interoperable import (glance-direct, web-download)', () => {
  let t: TestCloud;
  let alice: MemberUser;
  let bob: MemberUser;
  let web: LoopbackFileServer;
  let work: string;
  let qcow2: Buffer;
  const raw = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256));
  before(async () => {
    t = await startTestCloud({ imageQuotaBytes: 4 * MIB });
    alice = await createMemberUser(t, 'import-alice');
    bob = await createMemberUser(t, 'import-bob');
    work = mkdtempSync(join(tmpdir(), 'nbimp-'));
    execFileSync('qemu-img', ['create', '-f', 'qcow2', join(work, 'disk.qcow2'), '32M'], { stdio: 'pipe' });
    qcow2 = readFileSync(join(work, 'disk.qcow2'));
    web = await startLoopbackFileServer({
      '/disk.qcow2': { body: qcow2 },
      '/disk.raw': { body: raw, chunked: true },
      '/moved': { redirect: '/disk.qcow2' },
      '/gone': { status: 404 },
      '/broken': { status: 500 },
      '/short': { truncate: Buffer.alloc(1000), declared: 50_000 },
      '/huge': { body: Buffer.alloc(5 * MIB) },
      '/huge-chunked': { body: Buffer.alloc(5 * MIB), chunked: true },
    });
  });
  after(async () => {
    await t.close();
    await web.close();
    rmSync(work, { recursive: true, force: true });
  });

  const storeFiles = () => readdirSync(join(t.config.stateDir, 'images'));
  const stagingFiles = () => readdirSync(join(t.config.stateDir, 'staging'));
  const create = async (token: string, body: Record<string, unknown>) => {
    const res = await t.request('POST', '/image/v2/images', { token, body: { container_format: 'bare', ...body } });
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  };
  const show = async (id: string, token = alice.token) => (await t.request('GET', `/image/v2/images/${id}`, { token })).body;
  const stage = (token: string, id: string, data: Buffer) =>
    t.request('PUT', `/image/v2/images/${id}/stage`, { token, rawBody: data, headers: OCTET });
  const importImage = (token: string, id: string, body: unknown) =>
    t.request('POST', `/image/v2/images/${id}/import`, { token, body });
  /** Polls until the background import settles (bounded by attempts, not by time). */
  const settled = async (id: string) => {
    for (let i = 0; i < 500; i++) {
      const img = await show(id);
      if (img.status !== 'importing') return img;
      await sleep(20);
    }
    assert.fail(`import of ${id} never settled`);
  };
  const remove = (id: string) => t.request('DELETE', `/image/v2/images/${id}`, { token: alice.token });

  it('lists the import methods', async () => {
    const res = await t.request('GET', '/image/v2/info/import', { token: alice.token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body['import-methods'].value, ['glance-direct', 'web-download']);
  });

  it('stages data and imports it with glance-direct', async () => {
    const id = await create(alice.token, { name: 'staged', disk_format: 'qcow2' });
    assert.equal((await importImage(alice.token, id, { method: { name: 'glance-direct' } })).status, 409);
    const res = await stage(alice.token, id, qcow2);
    assert.equal(res.status, 204, res.text);
    assert.equal((await show(id)).status, 'uploading');
    assert.deepEqual(stagingFiles(), [id]);
    assert.deepEqual(storeFiles(), []);
    assert.equal((await t.request('GET', `/image/v2/images/${id}/file`, { token: alice.token })).status, 204);
    assert.equal((await stage(alice.token, id, qcow2)).status, 409);
    assert.equal((await importImage(bob.token, id, { method: { name: 'glance-direct' } })).status, 404);

    assert.equal((await importImage(alice.token, id, { method: { name: 'glance-direct' }, stores: ['file'] })).status, 202);
    const img = await settled(id);
    assert.equal(img.status, 'active');
    assert.equal(img.size, qcow2.length);
    assert.equal(img.virtual_size, 32 * MIB);
    assert.equal(img.disk_format, 'qcow2');
    assert.equal(img.checksum, createHash('md5').update(qcow2).digest('hex'));
    assert.equal(img.os_hash_value, createHash('sha512').update(qcow2).digest('hex'));
    assert.match(img.os_glance_import_task, UUID);
    assert.equal(img.os_glance_failed_import, '');
    assert.equal(img.nubis_original_disk_format, undefined);
    assert.deepEqual(stagingFiles(), []);
    assert.deepEqual(storeFiles(), [id]);
    const dl = await t.request('GET', `/image/v2/images/${id}/file`, { token: alice.token });
    assert.ok(dl.raw.equals(qcow2));
    assert.equal((await importImage(alice.token, id, { method: { name: 'glance-direct' } })).status, 409);
    assert.equal((await remove(id)).status, 204);
    assert.deepEqual(storeFiles(), []);
  });

  it('refuses bad import requests with 400 and leaves the image as it was', async () => {
    const id = await create(alice.token, { name: 'bad-requests', disk_format: 'raw' });
    for (const body of [{}, { method: 'glance-direct' }, { method: { name: 'copy-image' } }, { method: { name: 'glance-direct' }, stores: ['ceph'] }, [1]]) {
      const res = await importImage(alice.token, id, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, '400 Bad Request');
    }
    const wrongType = await t.request('PUT', `/image/v2/images/${id}/stage`, { token: alice.token, body: { a: 1 } });
    assert.equal(wrongType.status, 415);
    const noFormat = (await t.request('POST', '/image/v2/images', { token: alice.token, body: { name: 'nf' } })).body.id;
    assert.equal((await importImage(alice.token, noFormat, { method: { name: 'web-download', uri: web.url('/disk.raw') } })).status, 400);
    assert.equal((await stage(bob.token, id, raw)).status, 404);
    assert.equal((await show(id)).status, 'queued');
    assert.equal((await show(noFormat)).status, 'queued');
    await remove(id);
    await remove(noFormat);
    assert.deepEqual(stagingFiles(), []);
  });

  it('fails a glance-direct import of lying data back to queued, nothing on disk', async () => {
    const id = await create(alice.token, { name: 'lying', disk_format: 'raw' });
    assert.equal((await stage(alice.token, id, qcow2)).status, 204);
    assert.equal((await importImage(alice.token, id, { method: { name: 'glance-direct' } })).status, 202);
    const img = await settled(id);
    assert.equal(img.status, 'queued');
    assert.equal(img.os_glance_failed_import, 'file');
    assert.equal(img.size, null);
    assert.deepEqual(stagingFiles(), []);
    assert.deepEqual(storeFiles(), []);
    await remove(id);
  });

  it('refuses staging over the byte quota with 413, nothing staged', async () => {
    const id = await create(alice.token, { name: 'stage-big', disk_format: 'raw' });
    const res = await stage(alice.token, id, Buffer.alloc(5 * MIB));
    assert.equal(res.status, 413);
    assert.equal(res.body.code, '413 Request Entity Too Large');
    assert.equal((await show(id)).status, 'queued');
    assert.deepEqual(stagingFiles(), []);
    await remove(id);
  });

  it('deleting a staged image removes the staged data', async () => {
    const id = await create(alice.token, { name: 'staged-then-deleted', disk_format: 'raw' });
    assert.equal((await stage(alice.token, id, raw)).status, 204);
    const usage = (await t.request('GET', '/image/v2/info/usage', { token: alice.token })).body.usage;
    assert.deepEqual(usage.image_stage_total, { limit: 4, usage: 1 });
    assert.deepEqual(usage.image_count_uploading, { limit: 100, usage: 1 });
    assert.deepEqual(stagingFiles(), [id]);
    assert.equal((await remove(id)).status, 204);
    assert.deepEqual(stagingFiles(), []);
  });

  it('imports with web-download from an http URL, following redirects', async () => {
    const a = await create(alice.token, { name: 'web-raw', disk_format: 'raw' });
    assert.equal((await importImage(alice.token, a, { method: { name: 'web-download', uri: web.url('/disk.raw') } })).status, 202);
    const imgA = await settled(a);
    assert.equal(imgA.status, 'active');
    assert.equal(imgA.size, raw.length);
    assert.equal(imgA.checksum, createHash('md5').update(raw).digest('hex'));
    assert.ok((await t.request('GET', `/image/v2/images/${a}/file`, { token: alice.token })).raw.equals(raw));
    const b = await create(alice.token, { name: 'web-moved', disk_format: 'qcow2' });
    assert.equal((await importImage(alice.token, b, { method: { name: 'web-download', uri: web.url('/moved') } })).status, 202);
    const imgB = await settled(b);
    assert.equal(imgB.status, 'active');
    assert.equal(imgB.virtual_size, 32 * MIB);
    assert.deepEqual(storeFiles().sort(), [a, b].sort());
    assert.equal((await importImage(alice.token, a, { method: { name: 'web-download', uri: web.url('/disk.raw') } })).status, 409);
    await remove(a);
    await remove(b);
    assert.deepEqual(storeFiles(), []);
    assert.deepEqual(stagingFiles(), []);
  });

  it('refuses web-download URIs that are not http(s) with 400', async () => {
    const id = await create(alice.token, { name: 'bad-uri', disk_format: 'raw' });
    for (const uri of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'gopher://x', 'not a uri', '', 42, undefined, 'http://user:pw@127.0.0.1/x']) {
      const res = await importImage(alice.token, id, { method: { name: 'web-download', uri } });
      assert.equal(res.status, 400, String(uri));
      assert.equal(res.body.code, '400 Bad Request');
    }
    const img = await show(id);
    assert.equal(img.status, 'queued');
    assert.equal(img.os_glance_import_task, undefined);
    await remove(id);
  });

  it('fails web-downloads that cannot complete back to queued, nothing on disk', async () => {
    const closed = await freePort();
    const cases = [web.url('/gone'), web.url('/broken'), web.url('/short'), web.url('/huge'), web.url('/huge-chunked'),
      `http://127.0.0.1:${closed}/nothing-listens`];
    for (const uri of cases) {
      const id = await create(alice.token, { name: 'web-fail', disk_format: 'raw' });
      assert.equal((await importImage(alice.token, id, { method: { name: 'web-download', uri } })).status, 202, uri);
      const img = await settled(id);
      assert.equal(img.status, 'queued', uri);
      assert.equal(img.os_glance_failed_import, 'file', uri);
      assert.equal(img.size, null, uri);
      assert.deepEqual(stagingFiles(), [], uri);
      assert.deepEqual(storeFiles(), [], uri);
      // A failed import can be tried again.
      assert.equal((await importImage(alice.token, id, { method: { name: 'web-download', uri: web.url('/disk.raw') } })).status, 202);
      assert.equal((await settled(id)).status, 'active', uri);
      await remove(id);
    }
    assert.deepEqual(storeFiles(), []);
  });
});
