import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const OCTET = { 'content-type': 'application/octet-stream' };

describe('image API: data upload, inspection and download', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  let work: string;
  let qcow2: Buffer;
  let overlay: Buffer;
  let dataFile: Buffer;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'data-alice');
    bob = await createMemberUser(t, 'data-bob');
    work = mkdtempSync(join(tmpdir(), 'nbimg-'));
    const q = (...args: string[]) => execFileSync('qemu-img', args, { cwd: work, stdio: 'pipe' });
    q('create', '-f', 'qcow2', 'disk.qcow2', '16M');
    q('create', '-f', 'raw', 'base.raw', '1M');
    q('create', '-f', 'qcow2', '-b', join(work, 'base.raw'), '-F', 'raw', 'overlay.qcow2');
    q('create', '-f', 'qcow2', '-o', `data_file=${join(work, 'ext.raw')}`, 'datafile.qcow2', '1M');
    qcow2 = readFileSync(join(work, 'disk.qcow2'));
    overlay = readFileSync(join(work, 'overlay.qcow2'));
    dataFile = readFileSync(join(work, 'datafile.qcow2'));
  });
  after(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  const imagesDir = () => join(t.config.stateDir, 'images');
  const storeFiles = () => readdirSync(imagesDir());
  const create = async (token: string, body: Record<string, unknown>) => {
    const res = await t.request('POST', '/image/v2/images', { token, body: { container_format: 'bare', ...body } });
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  };
  const upload = (token: string, id: string, data: Buffer, headers: Record<string, string> = {}) =>
    t.request('PUT', `/image/v2/images/${id}/file`, { token, rawBody: data, headers: { ...OCTET, ...headers } });
  const show = async (id: string, token = admin) => (await t.request('GET', `/image/v2/images/${id}`, { token })).body;

  it('uploads a qcow2, computes hashes and virtual_size, and streams it back', async () => {
    const id = await create(alice.token, { name: 'q', disk_format: 'qcow2' });
    assert.equal((await t.request('GET', `/image/v2/images/${id}/file`, { token: alice.token })).status, 204);
    const res = await upload(alice.token, id, qcow2);
    assert.equal(res.status, 204, res.text);
    const img = await show(id);
    assert.equal(img.status, 'active');
    assert.equal(img.size, qcow2.length);
    assert.equal(img.virtual_size, 16 * 1024 * 1024);
    assert.equal(img.checksum, createHash('md5').update(qcow2).digest('hex'));
    assert.equal(img.os_hash_algo, 'sha512');
    assert.equal(img.os_hash_value, createHash('sha512').update(qcow2).digest('hex'));
    assert.deepEqual(storeFiles(), [id]);

    const dl = await t.request('GET', `/image/v2/images/${id}/file`, { token: alice.token });
    assert.equal(dl.status, 200);
    assert.equal(dl.headers['content-type'], 'application/octet-stream');
    assert.equal(dl.headers['content-md5'], img.checksum);
    assert.ok(dl.raw.equals(qcow2));

    assert.equal((await upload(alice.token, id, qcow2)).status, 409);
    assert.equal((await t.request('DELETE', `/image/v2/images/${id}`, { token: alice.token })).status, 204);
    assert.deepEqual(storeFiles(), []);
  });

  it('serves byte ranges with 206 and refuses bad ones with 416', async () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const id = await create(alice.token, { name: 'r', disk_format: 'raw' });
    assert.equal((await upload(alice.token, id, data)).status, 204);
    const get = (range: string) => t.request('GET', `/image/v2/images/${id}/file`, { token: alice.token, headers: { range } });
    const mid = await get('bytes=10-19');
    assert.equal(mid.status, 206);
    assert.equal(mid.headers['content-range'], 'bytes 10-19/1000');
    assert.ok(mid.raw.equals(data.subarray(10, 20)));
    const tail = await get('bytes=-5');
    assert.ok(tail.raw.equals(data.subarray(995)));
    const open = await get('bytes=990-');
    assert.equal(open.headers['content-range'], 'bytes 990-999/1000');
    for (const bad of ['bytes=1000-', 'bytes=5-2', 'pages=1-2', 'bytes=-0']) {
      const res = await get(bad);
      assert.equal(res.status, 416, bad);
      assert.equal(res.headers['content-range'], 'bytes */1000');
      assert.equal(res.body.code, '416 Requested Range Not Satisfiable');
    }
    await t.request('DELETE', `/image/v2/images/${id}`, { token: alice.token });
  });

  it('refuses a qcow2 with a backing file and leaves nothing on disk', async () => {
    const id = await create(alice.token, { name: 'attack', disk_format: 'qcow2' });
    const res = await upload(alice.token, id, overlay);
    assert.equal(res.status, 400);
    assert.match(res.body.message, /backing file|could not be inspected/);
    assert.equal((await show(id)).status, 'killed');
    assert.deepEqual(storeFiles(), []);
    assert.equal((await t.request('GET', `/image/v2/images/${id}/file`, { token: alice.token })).status, 204);
  });

  it('refuses a qcow2 with an external data file', async () => {
    const id = await create(alice.token, { name: 'datafile', disk_format: 'qcow2' });
    const res = await upload(alice.token, id, dataFile);
    assert.equal(res.status, 400);
    assert.match(res.body.message, /data file|could not be inspected/);
    assert.equal((await show(id)).status, 'killed');
    assert.deepEqual(storeFiles(), []);
  });

  it('refuses data that does not match disk_format', async () => {
    const asRaw = await create(alice.token, { name: 'lying-raw', disk_format: 'raw' });
    const res = await upload(alice.token, asRaw, qcow2);
    assert.equal(res.status, 400);
    assert.match(res.body.message, /disk_format 'raw'.*qcow2/);
    assert.equal((await show(asRaw)).status, 'killed');
    const asQcow = await create(alice.token, { name: 'lying-qcow', disk_format: 'qcow2' });
    assert.equal((await upload(alice.token, asQcow, Buffer.alloc(4096))).status, 400);
    assert.deepEqual(storeFiles(), []);
  });

  it('kills a truncated upload and leaves nothing on disk', async () => {
    const id = await create(alice.token, { name: 'short', disk_format: 'raw' });
    const res = await upload(alice.token, id, Buffer.alloc(100), { 'content-length': '5000' });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /incomplete/);
    assert.equal((await show(id)).status, 'killed');
    assert.deepEqual(storeFiles(), []);
  });

  it('refuses uploads without formats, with a wrong content type, or by others', async () => {
    const bare = (await t.request('POST', '/image/v2/images', { token: alice.token, body: { name: 'noformat' } })).body.id;
    assert.equal((await upload(alice.token, bare, Buffer.alloc(10))).status, 400);
    assert.equal((await show(bare)).status, 'queued');
    const id = await create(alice.token, { name: 'typed', disk_format: 'raw' });
    const wrong = await t.request('PUT', `/image/v2/images/${id}/file`, { token: alice.token, body: { a: 1 } });
    assert.equal(wrong.status, 415);
    assert.equal((await upload(bob.token, id, Buffer.alloc(10))).status, 404);
    assert.equal((await show(id)).status, 'queued');
    assert.deepEqual(storeFiles(), []);
  });

  it('forbids download of a deactivated image except to admins', async () => {
    const id = await create(alice.token, { name: 'deact', disk_format: 'raw' });
    assert.equal((await upload(alice.token, id, Buffer.from('hello world'))).status, 204);
    assert.equal((await t.request('POST', `/image/v2/images/${id}/actions/deactivate`, { token: admin })).status, 204);
    assert.equal((await show(id)).status, 'deactivated');
    assert.equal((await t.request('GET', `/image/v2/images/${id}/file`, { token: alice.token })).status, 403);
    const asAdmin = await t.request('GET', `/image/v2/images/${id}/file`, { token: admin });
    assert.equal(asAdmin.status, 200);
    assert.equal(asAdmin.raw.toString(), 'hello world');
    assert.equal((await t.request('POST', `/image/v2/images/${id}/actions/reactivate`, { token: alice.token })).status, 403);
    assert.equal((await t.request('POST', `/image/v2/images/${id}/actions/reactivate`, { token: admin })).status, 204);
    assert.equal((await t.request('GET', `/image/v2/images/${id}/file`, { token: alice.token })).status, 200);
    await t.request('DELETE', `/image/v2/images/${id}`, { token: alice.token });
    assert.deepEqual(storeFiles(), []);
  });
});
