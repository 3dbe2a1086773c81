// The file backend against real files and real qemu-img/qemu-io, images served over loopback HTTP.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startLoopbackFileServer, type LoopbackFileServer } from '../../../../../test/harness/loopback-file-server.js';
import { run } from '../../../../platform/run.js';
import { FileBackend } from './file-backend.js';
import { GIB, probe } from './qemu-img.js';
import { hasPattern, startPutSink, testBackendConfig, uuid, writePattern } from './test-helpers.js';

const MIB = 1024 * 1024;
const root = mkdtempSync(join(tmpdir(), 'nb-file-backend-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function makeImage(name: string, format: 'qcow2' | 'raw', sizeBytes: number, extra: string[] = []): Promise<Buffer> {
  const path = join(root, name);
  await run('qemu-img', ['create', '-q', '-f', format, ...extra, path, String(sizeBytes)]);
  await writePattern(path, format, 0x5a, 0, 64 * 1024);
  return readFileSync(path);
}

const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.tmp-'));

for (const format of ['qcow2', 'raw'] as const) {
  describe(`file backend (${format} volumes)`, () => {
    const config = testBackendConfig(root, format, `b${format}`);
    const backend = new FileBackend(config, 'host-a');
    let server: LoopbackFileServer;
    const sink = startPutSink(root);

    before(async () => {
      const qcow = await makeImage(`img-${format}.qcow2`, 'qcow2', 64 * MIB);
      const raw = await makeImage(`img-${format}.raw`, 'raw', 8 * MIB);
      const big = await makeImage(`big-${format}.qcow2`, 'qcow2', 3 * GIB);
      writeFileSync(join(root, `base-${format}.raw`), Buffer.alloc(MIB, 1));
      const backed = await makeImage(`backed-${format}.qcow2`, 'qcow2', MIB, ['-b', join(root, `base-${format}.raw`), '-F', 'raw']);
      server = await startLoopbackFileServer({
        '/qcow': { body: qcow }, '/raw': { body: raw, chunked: true }, '/big': { body: big }, '/backed': { body: backed },
      });
    });
    after(async () => { await server.close(); await (await sink).close(); });

    const image = (path: string, disk_format: string) => ({ id: uuid(), url: server.url(path), authToken: 't', disk_format, virtualSize: null });

    test('a blank volume has the requested virtual size; a second create resolves; another size is refused', async () => {
      const id = uuid();
      const location = await backend.createVolume(id, 1);
      assert.equal(location, join(config.dir, `volume-${id}.${format}`));
      assert.equal((await probe(location, { format })).virtualSize, GIB);
      assert.equal(await backend.createVolume(id, 1), location);
      await assert.rejects(backend.createVolume(id, 2), /another size/);
      assert.ok((await backend.listVolumes()).includes(id));
    });

    test('ids that are not UUIDs never become paths', async () => {
      await assert.rejects(backend.createVolume('../../etc/x', 1), /invalid volume id/);
      await assert.rejects(backend.openRaw('../x', 'read'), /invalid volume id/);
    });

    test('a volume from a qcow2 image and from a chunked raw image holds its data, grown to size', async () => {
      for (const [path, fmt] of [['/qcow', 'qcow2'], ['/raw', 'raw']] as const) {
        const id = uuid();
        const file = await backend.createFromImage(id, 1, image(path, fmt));
        assert.equal((await probe(file, { format })).virtualSize, GIB);
        assert.ok(await hasPattern(file, format, 0x5a, 0, 64 * 1024));
        assert.ok(await hasPattern(file, format, 0, 64 * 1024, 64 * 1024));
      }
      assert.deepEqual(leftovers(config.dir), []);
    });

    test('images lying about their format, naming other files or too big are refused, leaving nothing', async () => {
      const before = readdirSync(config.dir).length;
      await assert.rejects(backend.createFromImage(uuid(), 1, image('/raw', 'qcow2')), /claims disk_format qcow2 but its data is raw/);
      await assert.rejects(backend.createFromImage(uuid(), 1, image('/qcow', 'raw')), /claims disk_format raw but its data is qcow2/);
      await assert.rejects(backend.createFromImage(uuid(), 1, image('/backed', 'qcow2')), /refers to other files/);
      await assert.rejects(backend.createFromImage(uuid(), 2, image('/big', 'qcow2')), /more than the volume/);
      await assert.rejects(backend.createFromImage(uuid(), 1, image('/missing', 'qcow2')), /HTTP 404/);
      assert.equal(readdirSync(config.dir).length, before);
      assert.deepEqual(leftovers(config.dir), []);
    });

    test('snapshot, clone, volume from snapshot and revert keep the right data', async () => {
      const vol = uuid();
      const file = await backend.createVolume(vol, 1);
      await writePattern(file, format, 0xab, 0, 64 * 1024);
      const snap = uuid();
      const snapFile = await backend.createSnapshot(snap, vol, false);
      assert.equal(snapFile, join(config.dir, `snapshot-${snap}.${format}`));
      const snapInUse = uuid();
      await backend.createSnapshot(snapInUse, vol, true);
      await writePattern(file, format, 0xcd, 0, 64 * 1024);
      assert.ok(await hasPattern(snapFile, format, 0xab, 0, 64 * 1024));
      assert.ok(await hasPattern(join(config.dir, `snapshot-${snapInUse}.${format}`), format, 0xab, 0, 64 * 1024));

      const clone = await backend.cloneVolume(uuid(), 2, vol);
      assert.ok(await hasPattern(clone, format, 0xcd, 0, 64 * 1024));
      assert.equal((await probe(clone, { format })).virtualSize, 2 * GIB);

      const fromSnap = await backend.createFromSnapshot(uuid(), 3, snap);
      assert.ok(await hasPattern(fromSnap, format, 0xab, 0, 64 * 1024));
      assert.equal((await probe(fromSnap, { format })).virtualSize, 3 * GIB);

      await backend.extendVolume(vol, 2, false);
      await backend.revertToSnapshot(vol, snap);
      assert.ok(await hasPattern(file, format, 0xab, 0, 64 * 1024));
      assert.equal((await probe(file, { format })).virtualSize, 2 * GIB, 'a revert keeps the extended size');

      await backend.deleteSnapshot(snap);
      await backend.deleteSnapshot(snap);
      assert.equal(existsSync(snapFile), false);
      await assert.rejects(backend.createFromSnapshot(uuid(), 1, snap), /does not exist/);
      assert.deepEqual(leftovers(config.dir), []);
    });

    test('extend grows, leaves an in-use volume to QEMU, refuses a shrink and a missing volume', async () => {
      const id = uuid();
      const file = await backend.createVolume(id, 1);
      await backend.extendVolume(id, 2, false);
      assert.equal((await probe(file, { format })).virtualSize, 2 * GIB);
      await backend.extendVolume(id, 3, true);
      assert.equal((await probe(file, { format })).virtualSize, 2 * GIB);
      await assert.rejects(backend.extendVolume(id, 1, false), /cannot shrink/);
      await assert.rejects(backend.extendVolume(uuid(), 2, false), /does not exist/);
    });

    test('delete is idempotent', async () => {
      const id = uuid();
      const file = await backend.createVolume(id, 1);
      await backend.deleteVolume(id);
      await backend.deleteVolume(id);
      assert.equal(existsSync(file), false);
      assert.ok(!(await backend.listVolumes()).includes(id));
    });

    test('copyToImage PUTs the data in the asked format and leaves no temp file', async () => {
      const id = uuid();
      const file = await backend.createVolume(id, 1);
      await writePattern(file, format, 0x77, MIB, 64 * 1024);
      const s = await sink;
      // A raw upload sends the whole GiB: once is enough.
      for (const diskFormat of format === 'raw' ? ['qcow2', 'raw'] : ['qcow2']) {
        const path = `/images/${format}-${diskFormat}`;
        const sent = await backend.copyToImage(id, { url: s.url(path), authToken: 't', diskFormat }, true);
        const out = s.fileOf(path);
        assert.equal(statSync(out).size, sent);
        assert.equal((await probe(out)).format, diskFormat);
        assert.ok(await hasPattern(out, diskFormat, 0x77, MIB, 64 * 1024));
        assert.ok(await hasPattern(out, diskFormat, 0, 0, 64 * 1024));
        rmSync(out);
      }
      await assert.rejects(backend.copyToImage(id, { url: s.url('/x'), authToken: 't', diskFormat: 'vmdk' }, false), /qcow2 or raw/);
      assert.deepEqual(leftovers(config.dir), []);
    });

    test('connections name the file on this host', async () => {
      const id = uuid();
      const file = await backend.createVolume(id, 1);
      assert.deepEqual(await backend.initializeConnection(id, { host: 'host-a', mode: 'rw' }),
        { driver_volume_type: 'file', data: { path: file, format, host: 'host-a' } });
      await backend.terminateConnection(id, { host: 'host-a', mode: 'rw' });
    });

    test('openRaw reads the data raw and writes it back', async () => {
      const id = uuid();
      const file = await backend.createVolume(id, 1);
      await writePattern(file, format, 0x42, 2 * MIB, 4096);
      const r = await backend.openRaw(id, 'read');
      assert.equal(r.sizeBytes, GIB);
      assert.ok(await hasPattern(r.path, 'raw', 0x42, 2 * MIB, 4096));
      await r.release();
      const w = await backend.openRaw(id, 'write');
      await writePattern(w.path, 'raw', 0x43, 3 * MIB, 4096);
      await w.release();
      assert.ok(await hasPattern(file, format, 0x43, 3 * MIB, 4096));
      assert.deepEqual(leftovers(config.dir), []);
    });

    test('capacity counts the virtual sizes of volumes and snapshots', async () => {
      const before = (await backend.capacity()).provisionedGb;
      const id = uuid();
      await backend.createVolume(id, 5);
      const c = await backend.capacity();
      assert.equal(Math.round(c.provisionedGb - before), 5);
      assert.ok(c.totalGb > 0 && c.freeGb > 0 && c.freeGb <= c.totalGb);
      await backend.deleteVolume(id);
      assert.equal((await backend.capacity()).provisionedGb, before);
    });
  });
}

test('temp files of a crashed run are removed before serving', () => {
  const config = testBackendConfig(root, 'qcow2', 'crashed');
  const backend = new FileBackend(config, 'host-a');
  writeFileSync(join(config.dir, '.tmp-volume-x-123'), 'half');
  writeFileSync(join(config.dir, `volume-${uuid()}.qcow2`), 'kept');
  backend.removeLeftovers();
  assert.deepEqual(leftovers(config.dir), []);
  assert.equal(readdirSync(config.dir).length, 1);
});

test('a configured capacity is reported as the total', async () => {
  const config = { ...testBackendConfig(root, 'qcow2', 'sized'), capacityGb: 50 };
  const backend = new FileBackend(config, 'host-a');
  const c = await backend.capacity();
  assert.equal(c.totalGb, 50);
  assert.ok(c.freeGb <= 50 && c.freeGb > 49);
});
