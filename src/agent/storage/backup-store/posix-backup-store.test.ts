// The chunked backup store on real files: full and incremental backups, restores byte for byte,
// and chunk garbage collection after deletes.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, closeSync, writeSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PosixBackupStore } from './posix-backup-store.js';
import { chunksWithData } from './data-chunks.js';
import { SharedLock } from './shared-lock.js';

const MIB = 1024 * 1024;
const root = mkdtempSync(join(tmpdir(), 'nb-backup-store-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A sparse 20 MiB "volume" with data in chunks 0, 3, 7 (7 repeats 3's data) and a 100-byte tail chunk. */
function makeVolume(path: string): void {
  writeFileSync(path, '');
  truncateSync(path, 20 * MIB + 100);
  const fd = openSync(path, 'r+');
  const a = randomBytes(MIB);
  writeSync(fd, randomBytes(MIB), 0, MIB, 0);
  writeSync(fd, a, 0, MIB, 3 * MIB);
  writeSync(fd, a, 0, MIB, 7 * MIB);
  writeSync(fd, randomBytes(100), 0, 100, 20 * MIB);
  closeSync(fd);
}

function overwrite(path: string, offset: number, data: Buffer): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, data, 0, data.length, offset);
  closeSync(fd);
}

const chunkCount = (dir: string) => readdirSync(join(dir, 'chunks')).length;

test('full + incremental backups store only new chunks, restore byte for byte, and deletes collect chunks', async () => {
  const dir = join(root, 'store1');
  const store = new PosixBackupStore(dir, MIB);
  const vol = join(root, 'vol1.raw');
  makeVolume(vol);
  const v1 = readFileSync(vol);

  const full = randomUUID();
  const r1 = await store.backup(full, vol, null);
  assert.equal(r1.objectCount, 3, 'chunks 0, 3 (= 7) and the tail; zero chunks are skipped');
  assert.equal(r1.sizeBytes, v1.length);
  assert.ok(store.exists(full));

  const same = randomUUID();
  assert.equal((await store.backup(same, vol, full)).objectCount, 0, 'an unchanged volume stores nothing new');

  overwrite(vol, 5 * MIB + 10, Buffer.from('changed'));
  overwrite(vol, 0, Buffer.from('changed too'));
  const v2 = readFileSync(vol);
  const incr = randomUUID();
  assert.equal((await store.backup(incr, vol, same)).objectCount, 2);
  assert.equal(chunkCount(dir), 5);

  // A restore target full of other data, larger than the backup: the backup's zeros must win.
  const target = join(root, 'target.raw');
  writeFileSync(target, Buffer.alloc(v1.length + MIB, 0xee));
  await store.restore(full, target);
  assert.ok(readFileSync(target).subarray(0, v1.length).equals(v1));
  assert.equal(statSync(target).size, v1.length + MIB);
  await store.restore(incr, target);
  assert.ok(readFileSync(target).subarray(0, v2.length).equals(v2));

  // Smaller target: grown to hold the backup.
  const small = join(root, 'small.raw');
  writeFileSync(small, 'x');
  await store.restore(incr, small);
  assert.ok(readFileSync(small).equals(v2));

  await store.delete(full);
  await store.delete(full);
  assert.equal(store.exists(full), false);
  assert.equal(chunkCount(dir), 5, 'the unchanged backup still holds the old chunks');
  await store.delete(same);
  assert.equal(chunkCount(dir), 4, 'the old first chunk, which only the older backups held, is gone');
  await store.restore(incr, small);
  assert.ok(readFileSync(small).equals(v2));
  await store.delete(incr);
  assert.equal(chunkCount(dir), 0);
  await assert.rejects(store.restore(incr, small), /not in the backup store/);
});

test('a failed backup leaves no manifest; a missing parent and bad ids are refused', async () => {
  const dir = join(root, 'store2');
  const store = new PosixBackupStore(dir, MIB);
  const id = randomUUID();
  await assert.rejects(store.backup(id, join(root, 'no-such-file'), null));
  assert.equal(store.exists(id), false);
  assert.equal(existsSync(join(dir, id)), false);
  const vol = join(root, 'vol2.raw');
  makeVolume(vol);
  await assert.rejects(store.backup(randomUUID(), vol, randomUUID()), /parent backup .* is not in the backup store/);
  await assert.rejects(store.backup('../../etc', vol, null), /invalid backup id/);
  await assert.rejects(store.delete('../chunks'), /invalid backup id/);
});

test('backups running side by side share chunks and a delete waits for them', async () => {
  const dir = join(root, 'store3');
  const store = new PosixBackupStore(dir, MIB);
  const vol = join(root, 'vol3.raw');
  makeVolume(vol);
  const old = randomUUID();
  await store.backup(old, vol, null);
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  const results = await Promise.all([...ids.map((id) => store.backup(id, vol, null)), store.delete(old)]);
  assert.deepEqual(results.slice(0, 3).map((r) => (r as { objectCount: number }).objectCount), [0, 0, 0]);
  assert.equal(chunkCount(dir), 3, 'the delete ran after the backups and kept their chunks');
  const out = join(root, 'out3.raw');
  writeFileSync(out, '');
  await store.restore(ids[2]!, out);
  assert.ok(readFileSync(out).equals(readFileSync(vol)));
});

test('holes are found without reading them', async () => {
  const vol = join(root, 'holes.raw');
  writeFileSync(vol, '');
  truncateSync(vol, 8 * MIB + 5);
  overwrite(vol, 3 * MIB + 7, Buffer.from('x'));
  overwrite(vol, 8 * MIB + 1, Buffer.from('y'));
  assert.deepEqual(await chunksWithData(vol, 8 * MIB + 5, MIB), [false, false, false, true, false, false, false, false, true]);
  assert.equal(await chunksWithData(join(root, 'no-such.raw'), 10, MIB), null);
});

test('the shared lock lets readers share and writers wait their turn', async () => {
  const lock = new SharedLock();
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const a = lock.withShared(async () => { order.push('a+'); await gate; order.push('a-'); });
  const w = lock.withExclusive(async () => { order.push('w'); });
  const b = lock.withShared(async () => { order.push('b'); });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['a+'], 'the writer waits for a; b queues behind the writer');
  release();
  await Promise.all([a, w, b]);
  assert.deepEqual(order, ['a+', 'a-', 'w', 'b']);
});
