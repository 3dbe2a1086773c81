import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageRef } from '../../driver.js';
import { ImageCache } from './image-cache.js';

describe('image cache', () => {
  let dir: string;
  let server: Server;
  let base: string;
  const hits: Record<string, number> = {};
  const tokens: string[] = [];
  const body = Buffer.alloc(1024 * 1024, 7);
  const sha = createHash('sha512').update(body).digest('hex');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nb-imgcache-'));
    server = createServer((req, res) => {
      hits[req.url!] = (hits[req.url!] ?? 0) + 1;
      tokens.push(String(req.headers['x-auth-token']));
      // Slow enough that concurrent fetches overlap.
      setTimeout(() => res.writeHead(200, { 'content-length': String(body.length) }).end(body), 100);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => { server.close(); rmSync(dir, { recursive: true, force: true }); });

  const ref = (id: string, over: Partial<ImageRef> = {}): ImageRef => ({
    id, url: `${base}/${id}`, disk_format: 'raw', container_format: 'bare', size: body.length,
    os_hash_algo: 'sha512', os_hash_value: sha, properties: {}, ...over,
  });

  it('downloads once for concurrent callers, verified, with the token', async () => {
    const cache = new ImageCache(dir);
    const [a, b] = await Promise.all([cache.fetch(ref('img-a'), 'tok'), cache.fetch(ref('img-a'), 'tok')]);
    assert.equal(hits['/img-a'], 1);
    assert.deepEqual(a, b);
    assert.equal(a.format, 'raw');
    assert.equal(a.virtualSize, body.length);
    assert.ok(readFileSync(a.path).equals(body));
    assert.ok(tokens.every((t) => t === 'tok'));
    await cache.fetch(ref('img-a'), 'tok');
    assert.equal(hits['/img-a'], 1, 'a cached image is not downloaded again');
  });

  it('refuses data whose hash does not match and leaves no file behind', async () => {
    const cache = new ImageCache(dir);
    await assert.rejects(cache.fetch(ref('img-bad', { os_hash_value: 'ab'.repeat(64) }), 'tok'), /does not match/);
    assert.ok(!existsSync(join(dir, '_base', 'img-bad')));
    assert.deepEqual(readdirSync(join(dir, '_base')).filter((n) => n.startsWith('.')), []);
  });

  it('refuses a qcow2 image whose data is not qcow2', async () => {
    const cache = new ImageCache(dir);
    await assert.rejects(cache.fetch(ref('img-q', { disk_format: 'qcow2' }), 'tok'), /declared qcow2 but the data is raw/);
  });

  it('cleanUnused removes what is not in use', async () => {
    const cache = new ImageCache(dir);
    await cache.fetch(ref('img-b'), 'tok');
    assert.deepEqual(cache.cleanUnused(['img-a']), ['img-b']);
    assert.deepEqual(readdirSync(join(dir, '_base')), ['img-a']);
  });
});
