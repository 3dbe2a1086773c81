import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MonitorPool } from './monitor.js';
import { QmpCommandError, QmpWire, type QmpEvent } from './wire.js';
import * as qmp from './commands.js';

/** A fake QEMU monitor: greeting, capabilities, then answers from `handler`, in any order it likes. */
function fakeMonitor(path: string, handler: (cmd: { execute: string; id: number; arguments?: unknown }, sock: Socket) => void): Promise<Server> {
  const server = createServer((sock) => {
    sock.write(JSON.stringify({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 } }, capabilities: [] } }) + '\r\n');
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const cmd = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (cmd.execute === 'qmp_capabilities') sock.write(JSON.stringify({ return: {}, id: cmd.id }) + '\r\n');
        else handler(cmd, sock);
      }
    });
  });
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

describe('QMP wire', () => {
  let dir: string;
  let server: Server;
  const sockets: Socket[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nb-qmp-'));
    server = await fakeMonitor(join(dir, 'qmp.sock'), (cmd, sock) => {
      sockets.push(sock);
      const reply = (body: object) => sock.write(JSON.stringify({ ...body, id: cmd.id }) + '\r\n');
      switch (cmd.execute) {
        case 'query-status':
          // An event first, then the reply: the event must not be taken for the answer.
          sock.write(JSON.stringify({ event: 'STOP', timestamp: { seconds: 1, microseconds: 2 } }) + '\r\n');
          return reply({ return: { running: false, status: 'paused' } });
        case 'slow': return void setTimeout(() => reply({ return: 'slow' }), 50);
        case 'fast': return reply({ return: 'fast' });
        case 'bad': return reply({ error: { class: 'CommandNotFound', desc: 'The command bad has not been found' } });
        case 'quit': return void sock.end();
        case 'silent': return;
      }
    });
  });
  after(() => { server.close(); rmSync(dir, { recursive: true, force: true }); });

  it('negotiates, answers typed commands and delivers events', async () => {
    const wire = await QmpWire.connect(join(dir, 'qmp.sock'));
    const events: QmpEvent[] = [];
    wire.onEvent((e) => events.push(e));
    assert.deepEqual(await qmp.queryStatus(wire), { running: false, status: 'paused' });
    assert.deepEqual(events.map((e) => e.event), ['STOP']);
    wire.close();
  });

  it('matches replies by id even when they arrive out of order', async () => {
    const wire = await QmpWire.connect(join(dir, 'qmp.sock'));
    const [slow, fast] = await Promise.all([wire.execute('slow'), wire.execute('fast')]);
    assert.equal(slow, 'slow');
    assert.equal(fast, 'fast');
    wire.close();
  });

  it('turns QMP errors into QmpCommandError and times out silent commands', async () => {
    const wire = await QmpWire.connect(join(dir, 'qmp.sock'));
    await assert.rejects(wire.execute('bad'), (e: unknown) => e instanceof QmpCommandError && e.errorClass === 'CommandNotFound');
    await assert.rejects(wire.execute('silent', undefined, 100), /no reply within 100 ms/);
    wire.close();
  });

  it('quit resolves when QEMU closes the socket; later commands fail fast', async () => {
    const wire = await QmpWire.connect(join(dir, 'qmp.sock'));
    await qmp.quit(wire);
    await wire.closed;
    assert.equal(wire.isOpen, false);
    await assert.rejects(wire.execute('fast'), /connection closed/);
  });

  it('the pool dials once, shares the connection and redials after it dropped', async () => {
    const pool = new MonitorPool();
    const path = join(dir, 'qmp.sock');
    const [a, b] = await Promise.all([pool.get(path), pool.get(path)]);
    assert.equal(a, b);
    assert.ok(pool.isAttached(path));
    a.close();
    await a.closed;
    assert.equal(pool.isAttached(path), false);
    const c = await pool.get(path);
    assert.notEqual(c, a);
    assert.equal(await c.execute('fast'), 'fast');
    pool.closeAll();
  });

  it('connect fails clearly when nothing listens', async () => {
    await assert.rejects(QmpWire.connect(join(dir, 'nothing.sock')), /nothing\.sock/);
  });
});
