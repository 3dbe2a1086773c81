// The metadata proxy: a standalone process started inside a DHCP or router namespace. It listens on
// 169.254.169.254:80 and forwards each GET/HEAD to the agent's unix socket, saying who asked (the
// namespace's kind and id, and the source address as the kernel saw it). Headers of those names sent
// by the guest are dropped, so a guest cannot pose as another. It imports nothing from Nubis to stay
// small, and runs detached so that agent restarts do not interrupt it.
//
//   node metadata-proxy.js --socket PATH --kind router|network --id UUID [--listen ADDR] [--port N]
import http from 'node:http';

const FORWARDED = ['x-nubis-kind', 'x-nubis-id', 'x-nubis-source'];
/** Hop-by-hop headers are the proxy's own business, not the guest's or the agent's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host']);

function argValue(args: string[], name: string, fallback?: string): string {
  const i = args.indexOf(name);
  const v = i >= 0 ? args[i + 1] : fallback;
  if (v === undefined) {
    process.stderr.write(`metadata-proxy: missing ${name}\n`);
    process.exit(2);
  }
  return v;
}

/** "::ffff:10.0.0.5" → "10.0.0.5". */
export function plainAddress(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

export function startProxy(o: { socket: string; kind: string; id: string; listen: string; port: number }): http.Server {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('405 Method Not Allowed\n');
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined && !FORWARDED.includes(k) && !HOP_BY_HOP.has(k)) headers[k] = v;
    }
    headers['x-nubis-kind'] = o.kind;
    headers['x-nubis-id'] = o.id;
    headers['x-nubis-source'] = plainAddress(req.socket.remoteAddress);
    const upstream = http.request({ socketPath: o.socket, method: req.method, path: req.url ?? '/', headers }, (up) => {
      const out: Record<string, string> = {};
      const ct = up.headers['content-type'];
      if (ct) out['content-type'] = ct;
      if (up.headers['content-length']) out['content-length'] = up.headers['content-length'];
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
    });
    upstream.setTimeout(30_000, () => upstream.destroy(new Error('metadata service timed out')));
    upstream.on('error', (err) => {
      process.stderr.write(`metadata-proxy: ${err.message}\n`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('502 Bad Gateway\n');
      else res.destroy();
    });
    upstream.end();
  });
  server.keepAliveTimeout = 5_000;
  server.listen(o.port, o.listen);
  return server;
}

// Started as a script (not imported by a test).
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!) && process.argv.includes('--socket')) {
  const args = process.argv.slice(2);
  const server = startProxy({
    socket: argValue(args, '--socket'),
    kind: argValue(args, '--kind'),
    id: argValue(args, '--id'),
    listen: argValue(args, '--listen', '169.254.169.254'),
    port: Number(argValue(args, '--port', '80')),
  });
  server.on('error', (err) => {
    process.stderr.write(`metadata-proxy: ${err.message}\n`);
    process.exit(1);
  });
  server.on('listening', () => process.stdout.write(`metadata-proxy: listening for ${argValue(args, '--kind')} ${argValue(args, '--id')}\n`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
