// The websocket proxy end to end: a real listener, a fake VNC server on a unix socket, a ws client.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { issueConsoleToken } from './console-tokens.js';
import { insertInstance, serveFakeAgent, type FakeAgent } from './console-test-kit.js';

const GREETING = 'RFB 003.008\n';

/** A VNC server that greets, and records what each connection sends. */
async function fakeVnc(path: string) {
  const conns: { sock: Socket; received: Buffer[] }[] = [];
  const server: Server = createServer((sock) => {
    const conn = { sock, received: [] as Buffer[] };
    conns.push(conn);
    sock.on('data', (b) => conn.received.push(b));
    sock.on('error', () => undefined);
    sock.write(GREETING);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { conns, close: () => new Promise<void>((resolve) => { for (const c of conns) c.sock.destroy(); server.close(() => resolve()); }) };
}

const until = async (check: () => boolean, what: string, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** Opens a websocket; resolves with it once open, or with the HTTP status that refused it. */
type Frame = { data: Buffer; binary: boolean };
function open(url: string, opts: { origin?: string; protocols?: string[] } = {}): Promise<{ ws?: WebSocket; frames: Frame[]; status?: number; body?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts.protocols ?? ['binary'], opts.origin ? { origin: opts.origin } : {});
    // The greeting can arrive in the same packet as the handshake: listen from the start.
    const frames: Frame[] = [];
    ws.on('message', (data, binary) => frames.push({ data: data as Buffer, binary }));
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode, body, frames }));
    });
    ws.once('error', reject);
  });
}

describe('console websocket proxy', () => {
  let t: TestCloud;
  let member: MemberUser;
  let agent: FakeAgent;
  let vnc: Awaited<ReturnType<typeof fakeVnc>>;
  let dir: string;
  let server: string;
  let base: string;

  /** A fresh console URL through the API, turned into its websocket URL as noVNC does. */
  async function wsUrl(id = server): Promise<string> {
    const res = await t.request('POST', `/compute/v2.1/servers/${id}/remote-consoles`, {
      token: member.token, headers: { 'OpenStack-API-Version': 'compute 2.6' },
      body: { remote_console: { protocol: 'vnc', type: 'novnc' } },
    });
    assert.equal(res.status, 200, res.text);
    const path = new URL(res.body.remote_console.url).searchParams.get('path')!;
    return `${base}/${path}`;
  }

  before(async () => {
    t = await startTestCloud();
    dir = mkdtempSync(join(tmpdir(), 'nbconsole-'));
    vnc = await fakeVnc(join(dir, 'vnc.sock'));
    member = await createMemberUser(t, 'nbconsole-ws');
    agent = await serveFakeAgent(t, 'h1');
    agent.vnc = { path: join(dir, 'vnc.sock') };
    server = await insertInstance(t, { project_id: member.projectId });
    await t.cloud.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.cloud.app.server.address();
    assert.ok(addr && typeof addr === 'object');
    base = `ws://127.0.0.1:${addr.port}`;
  });
  after(async () => {
    await agent.stop();
    await t.close();
    await vnc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pipes the RFB greeting to the browser and the browser\'s bytes to the guest, binary both ways', async () => {
    const { ws, frames } = await open(await wsUrl());
    assert.ok(ws);
    assert.equal(ws.protocol, 'binary');
    await until(() => Buffer.concat(frames.map((f) => f.data)).toString() === GREETING, 'the greeting');
    assert.ok(frames.every((f) => f.binary));
    const conn = vnc.conns.at(-1)!;
    ws.send(Buffer.from(GREETING));
    ws.send(Buffer.from([1, 0, 255]));
    await until(() => Buffer.concat(conn.received).length === GREETING.length + 3, 'the client bytes');
    assert.deepEqual(Buffer.concat(conn.received), Buffer.concat([Buffer.from(GREETING), Buffer.from([1, 0, 255])]));

    // The browser leaving closes the guest side.
    ws.close();
    await until(() => conn.sock.destroyed || conn.sock.readableEnded, 'the VNC socket to close');
  });

  it('closes the websocket when the VNC server hangs up', async () => {
    const before = vnc.conns.length;
    const { ws } = await open(await wsUrl());
    assert.ok(ws);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await until(() => vnc.conns.length > before, 'a connection');
    vnc.conns.at(-1)!.sock.destroy();
    assert.equal(await closed, 1000);
  });

  it('lets a token reconnect until it expires', async () => {
    const url = await wsUrl();
    for (let i = 0; i < 2; i++) {
      const { ws } = await open(url);
      assert.ok(ws);
      ws.terminate();
    }
  });

  it('refuses unknown, missing and expired tokens with a 401, and purges the expired', async () => {
    assert.equal((await open(`${base}/compute/console/websockify?token=nope`)).status, 401);
    assert.equal((await open(`${base}/compute/console/websockify`)).status, 401);
    const token = await issueConsoleToken(t.cloud.compute.ctx.deps, { instanceUuid: server, host: 'h1', consoleType: 'novnc' });
    const db = t.cloud.compute.ctx.deps.db;
    await db.updateTable('compute_console_token').set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('instance_uuid', '=', server).execute();
    const res = await open(`${base}/compute/console/websockify?token=${token}`);
    assert.equal(res.status, 401);
    assert.match(res.body ?? '', /invalid or has expired/);
    const left = await db.selectFrom('compute_console_token').select('token_hash').where('instance_uuid', '=', server).execute();
    assert.equal(left.length, 0);
  });

  it('refuses a page from another origin with a 403; accepts this server as origin', async () => {
    const url = await wsUrl();
    assert.equal((await open(url, { origin: 'https://evil.example' })).status, 403);
    const { ws } = await open(url, { origin: base.replace('ws:', 'http:') });
    assert.ok(ws);
    ws.terminate();
  });

  it('refuses once the server is stopped or deleted, and when the guest VNC cannot be reached', async () => {
    const id = await insertInstance(t, { project_id: member.projectId });
    const url = await wsUrl(id);
    const db = t.cloud.compute.ctx.deps.db;
    await db.updateTable('compute_instance').set({ vm_state: 'stopped' }).where('uuid', '=', id).execute();
    assert.equal((await open(url)).status, 409);
    await db.updateTable('compute_instance').set({ vm_state: 'active', deleted: 1 }).where('uuid', '=', id).execute();
    assert.equal((await open(url)).status, 404);

    const url2 = await wsUrl();
    agent.vnc = { path: join(dir, 'missing.sock') };
    try {
      assert.equal((await open(url2)).status, 502);
    } finally {
      agent.vnc = { path: join(dir, 'vnc.sock') };
    }
  });

  it('serves other requests that ask to upgrade as plain requests (curl --http2 asks for h2c)', async () => {
    const port = new URL(base).port;
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/healthz', headers: { connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAMAAABkAAQAAP__' } }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => { body += c.toString(); });
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { status: 'ok' });
    const other = await open(`${base}/compute/v2.1/flavors`);
    assert.equal(other.status, 401);
  });

  it('ends open sessions when the cloud closes', async () => {
    const { ws } = await open(await wsUrl());
    assert.ok(ws);
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    await t.cloud.app.close();
    await closed;
  });
});
