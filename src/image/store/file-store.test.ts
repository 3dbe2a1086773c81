import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, describe, it } from 'node:test';
import { FileStore } from './file-store.js';
import { TruncatedUpload } from './image-store.js';

describe('file image store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nbstore-'));
  const store = new FileStore(dir);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stores, hashes, reads ranges and deletes idempotently', async () => {
    const data = Buffer.from('0123456789'.repeat(100));
    const s = await store.put('img-1', Readable.from([data.subarray(0, 400), data.subarray(400)]), data.length);
    assert.equal(s.size, 1000);
    assert.equal(s.md5, createHash('md5').update(data).digest('hex'));
    assert.equal(s.sha512, createHash('sha512').update(data).digest('hex'));
    assert.deepEqual(readdirSync(dir), ['img-1']);
    assert.equal(await text(store.get(s.location, { start: 5, end: 9 })), '56789');
    await store.delete(s.location);
    await store.delete(s.location);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('leaves nothing behind when the data is short or the stream fails', async () => {
    await assert.rejects(store.put('img-2', Readable.from([Buffer.alloc(10)]), 20), TruncatedUpload);
    const failing = new Readable({ read() { this.push(Buffer.alloc(100)); this.destroy(new Error('connection lost')); } });
    await assert.rejects(store.put('img-3', failing), /connection lost/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('removes partial files left by a crash, and only those', async () => {
    writeFileSync(join(dir, '.img-4.abc.part'), 'partial');
    writeFileSync(join(dir, 'img-5'), 'complete');
    await store.removePartial();
    assert.deepEqual(readdirSync(dir), ['img-5']);
  });
});
