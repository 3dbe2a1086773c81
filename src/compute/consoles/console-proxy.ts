// The console websocket proxy (Nova's nova-novncproxy, in-process): a browser's noVNC opens a
// websocket carrying a console token; the proxy redeems it, asks the instance's host agent where
// the guest's VNC server listens, dials it (TCP or unix socket) and pipes bytes both ways. RFB is
// binary, so every frame is binary; nothing is parsed or logged in between.
import { ServerResponse, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import { connect, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ConsoleAddress } from '../../agent/compute/driver.js';
import type { ComputeContext } from '../context.js';
import { redeemConsoleToken } from './console-tokens.js';

/** Past this many bytes queued towards a slow browser, stop reading from the guest. */
const HIGH_WATER = 4 * 1024 * 1024;
const DIAL_TIMEOUT_MS = 10_000;

export interface ConsoleProxy {
  /** Sessions open now (for tests and shutdown). */
  readonly sessions: number;
  /** Ends every session and stops answering upgrades. */
  close(): void;
}

/** One proxy per HTTP server, however many times the routes plugin is registered on it. */
const proxies = new WeakMap<Server, ConsoleProxy>();

/** Answers a refused upgrade with a plain HTTP status, then hangs up. */
function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\n`
      + `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
  }
  socket.destroy();
}

class Refusal extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/**
 * A browser page on another site could otherwise open a console with a token it got hold of
 * (cross-site websocket hijacking): when the browser says where the page came from, it must be
 * this server, as the client reached it or as the public URL names it.
 */
function originAllowed(req: IncomingMessage, publicUrl: string): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origin === '') return true;
  try {
    const host = new URL(origin).host;
    return host === req.headers.host || host === new URL(publicUrl).host;
  } catch {
    return false;
  }
}

function dial(address: ConsoleAddress): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = 'path' in address ? connect({ path: address.path }) : connect({ host: address.host, port: address.port });
    const timer = setTimeout(() => sock.destroy(new Error('timed out')), DIAL_TIMEOUT_MS);
    const failed = (err: Error) => { clearTimeout(timer); reject(err); };
    sock.once('error', failed);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.off('error', failed);
      // Until the session pipes it, an error must not go unhandled (it would end the process).
      sock.on('error', () => undefined);
      resolve(sock);
    });
  });
}

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

/**
 * An upgrade request for another path. While any 'upgrade' listener exists Node hands it every
 * request asking to upgrade (curl --http2 asks for h2c on plain GETs), not to the routes; with no
 * other listener to take it, it is served as the plain request it also is (upgrades are optional
 * for a server). One with a body cannot be: its bytes were already taken off the socket.
 */
function passOn(server: Server, req: IncomingMessage, socket: Duplex): void {
  if (server.listenerCount('upgrade') > 1) return;
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody || !(socket instanceof Socket)) return refuse(socket, 400, 'This request cannot be upgraded.');
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket);
  res.on('finish', () => { res.detachSocket(socket); socket.destroySoon(); });
  server.emit('request', req, res);
}

/** Installs the proxy on the root HTTP server's 'upgrade' event for requests to `path`. */
export function installConsoleProxy(server: Server, ctx: ComputeContext, path: string): ConsoleProxy {
  const existing = proxies.get(server);
  if (existing) return existing;
  const log = ctx.deps.log;
  const live = new Set<{ ws: WebSocket; vnc: Socket }>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024 * 1024,
    // noVNC asks for 'binary' (old websockify also offered 'base64', which Nubis does not speak).
    handleProtocols: (offered) => (offered.has('binary') ? 'binary' : false),
  });

  /** Token → instance → host agent → VNC address → an open socket to it, or a Refusal. */
  async function openGuest(req: IncomingMessage, token: string): Promise<{ vnc: Socket; uuid: string }> {
    if (!originAllowed(req, ctx.deps.config.publicUrl)) throw new Refusal(403, 'The page origin is not this cloud.');
    const grant = await redeemConsoleToken(ctx.deps, token);
    if (!grant) throw new Refusal(401, 'The console token is invalid or has expired.');
    const inst = await ctx.deps.db.selectFrom('compute_instance').select(['uuid', 'host', 'vm_state'])
      .where('uuid', '=', grant.instanceUuid).where('deleted', '=', 0).executeTakeFirst();
    if (!inst) throw new Refusal(404, `Instance ${grant.instanceUuid} could not be found.`);
    // The host the instance is on now: after a migration the token's host no longer has it.
    if (inst.host === null || inst.vm_state !== 'active') throw new Refusal(409, `Instance ${inst.uuid} is not ready.`);
    let address: ConsoleAddress;
    try {
      address = await ctx.agent(inst.host).vncAddress(inst.uuid);
    } catch (err) {
      log.warn({ err, instance: inst.uuid, host: inst.host }, 'console: the agent gave no VNC address');
      throw new Refusal(502, 'The guest console is not available.');
    }
    try {
      return { vnc: await dial(address), uuid: inst.uuid };
    } catch (err) {
      log.warn({ err, instance: inst.uuid, host: inst.host }, 'console: cannot reach the guest VNC server');
      throw new Refusal(502, 'The guest console cannot be reached.');
    }
  }

  function pipe(ws: WebSocket, vnc: Socket, uuid: string): void {
    const session = { ws, vnc };
    live.add(session);
    log.info({ instance: uuid }, 'console session opened');
    if (vnc.destroyed) ws.close(1000, 'console closed');
    ws.on('message', (data) => { if (!vnc.write(toBuffer(data))) ws.pause(); });
    vnc.on('drain', () => ws.resume());
    vnc.on('data', (chunk: Buffer) => {
      ws.send(chunk, { binary: true }, () => { if (vnc.isPaused() && ws.bufferedAmount < HIGH_WATER / 2) vnc.resume(); });
      if (ws.bufferedAmount > HIGH_WATER) vnc.pause();
    });
    // Either side ending ends the other: a closed tab frees the VNC connection, a stopped guest
    // closes the page's websocket.
    vnc.on('close', () => { if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000, 'console closed'); });
    vnc.on('error', (err) => log.debug({ err, instance: uuid }, 'console: VNC socket error'));
    ws.on('close', () => {
      vnc.destroy();
      if (live.delete(session)) log.info({ instance: uuid }, 'console session closed');
    });
    ws.on('error', () => vnc.destroy());
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    let url: URL;
    socket.on('error', () => socket.destroy());
    try { url = new URL(req.url ?? '/', 'http://localhost'); } catch { return refuse(socket, 400, 'Bad request URL.'); }
    if (url.pathname !== path) return passOn(server, req, socket);
    openGuest(req, url.searchParams.get('token') ?? '').then(({ vnc, uuid }) => {
      if (socket.destroyed) { vnc.destroy(); return; }
      // A handshake ws refuses (no Sec-WebSocket-Key…) closes the socket without calling back.
      let piped = false;
      socket.once('close', () => { if (!piped) vnc.destroy(); });
      wss.handleUpgrade(req, socket, head, (ws) => { piped = true; pipe(ws, vnc, uuid); });
    }, (err: unknown) => {
      if (err instanceof Refusal) return refuse(socket, err.status, err.message);
      log.error({ err }, 'console: upgrade failed');
      refuse(socket, 500, 'The console could not be opened.');
    });
  };
  server.on('upgrade', onUpgrade);

  const proxy: ConsoleProxy = {
    get sessions() { return live.size; },
    close() {
      server.off('upgrade', onUpgrade);
      for (const { ws, vnc } of live) { ws.terminate(); vnc.destroy(); }
      live.clear();
      wss.close();
      proxies.delete(server);
    },
  };
  proxies.set(server, proxy);
  return proxy;
}
