// A volume held open the way an attached guest's QEMU holds it (qemu-io keeps the image's write
// lock): the backend must still snapshot, clone, back up and upload it by reading it shared.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileBackend } from './file-backend.js';
import { hasPattern, startPutSink, testBackendConfig, uuid, writePattern } from './test-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'nb-file-in-use-'));
const holders: ChildProcess[] = [];
after(() => {
  for (const h of holders) if (h.exitCode === null) h.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** Opens `file` read-write in qemu-io and resolves once it holds the lock (its prompt answered a command). */
function holdOpen(file: string): Promise<ChildProcess> {
  const child = spawn('qemu-io', ['-f', 'qcow2', file], { stdio: ['pipe', 'pipe', 'pipe'] });
  holders.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => { out += b.toString(); if (out.includes('read 512/512')) resolve(child); });
    child.on('exit', (code) => reject(new Error(`qemu-io exited (${code}) before holding ${file}`)));
    child.stdin!.write('read 0 512\n');
  });
}

test('an open (locked) volume is snapshotted, cloned, read raw and uploaded through shared reads', async () => {
  const config = testBackendConfig(root, 'qcow2');
  const backend = new FileBackend(config, 'host-a');
  const id = uuid();
  const file = await backend.createVolume(id, 1);
  await writePattern(file, 'qcow2', 0x61, 0, 64 * 1024);
  const holder = await holdOpen(file);

  // The lock is real: a plain write-mode resize is refused while the volume is open.
  await assert.rejects(backend.extendVolume(id, 2, false), /lock/i);
  await backend.extendVolume(id, 2, true); // left to QEMU's block_resize: resolves

  const snap = uuid();
  const snapFile = await backend.createSnapshot(snap, id, true);
  assert.ok(await hasPattern(snapFile, 'qcow2', 0x61, 0, 64 * 1024));
  const clone = await backend.cloneVolume(uuid(), 1, id);
  assert.ok(await hasPattern(clone, 'qcow2', 0x61, 0, 64 * 1024));

  const raw = await backend.openRaw(id, 'read');
  assert.ok(await hasPattern(raw.path, 'raw', 0x61, 0, 64 * 1024));
  await raw.release();

  const sink = await startPutSink(root);
  try {
    const sent = await backend.copyToImage(id, { url: sink.url('/img'), authToken: 't', diskFormat: 'qcow2' }, true);
    assert.equal(statSync(sink.fileOf('/img')).size, sent);
    assert.ok(await hasPattern(sink.fileOf('/img'), 'qcow2', 0x61, 0, 64 * 1024));
  } finally {
    await sink.close();
  }
  holder.stdin!.end('quit\n');
  await new Promise((r) => holder.once('exit', r));
  await backend.extendVolume(id, 2, false);
});
