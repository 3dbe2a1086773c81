// The metadata path without namespaces: the proxy (in-process, on loopback) → the agent's socket.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MetadataRequest } from '../host-state.js';
import { plainAddress, startProxy } from './metadata-proxy.js';
import { serveMetadataSocket } from './metadata-socket.js';

describe('metadata proxy and socket', () => {
  let dir = '';
  let socket: { close(): Promise<void> };
  let proxy: http.Server;
  let base = '';
  const seen: MetadataRequest[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nbtest-md-'));
    socket = await serveMetadataSocket(join(dir, 'md.sock'), async (req) => {
      seen.push(req);
      if (req.path === '/boom') throw new Error('control plane down');
      return { status: req.path === '/missing' ? 404 : 200, contentType: 'application/json', body: JSON.stringify({ path: req.path }) };
    });
    proxy = startProxy({ socket: join(dir, 'md.sock'), kind: 'router', id: 'r-1', listen: '127.0.0.1', port: 0 });
    await new Promise((r) => proxy.once('listening', r));
    base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((r) => proxy.close(r));
    await socket.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('forwards who asked, whatever headers the guest sends', async () => {
    const res = await fetch(`${base}/openstack/latest/meta_data.json?x=1`, {
      headers: { 'x-nubis-id': 'someone-else', 'x-nubis-kind': 'network', 'x-nubis-source': '10.9.9.9' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), { path: '/openstack/latest/meta_data.json?x=1' });
    assert.deepEqual(seen.at(-1), { kind: 'router', id: 'r-1', sourceIp: '127.0.0.1', method: 'GET', path: '/openstack/latest/meta_data.json?x=1' });
  });

  it('passes statuses through, hides handler failures, refuses other methods', async () => {
    assert.equal((await fetch(`${base}/missing`)).status, 404);
    const boom = await fetch(`${base}/boom`);
    assert.equal(boom.status, 500);
    assert.doesNotMatch(await boom.text(), /control plane/);
    const head = await fetch(`${base}/x`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal((await fetch(`${base}/x`, { method: 'POST', body: 'a' })).status, 405);
    assert.equal(seen.filter((r) => r.method === 'POST').length, 0);
  });

  it('keeps the socket private to root', async () => {
    assert.equal((await stat(join(dir, 'md.sock'))).mode & 0o777, 0o600);
  });

  it('strips the IPv4-mapped prefix', () => {
    assert.equal(plainAddress('::ffff:10.0.0.5'), '10.0.0.5');
    assert.equal(plainAddress('2001:db8::5'), '2001:db8::5');
  });
});
