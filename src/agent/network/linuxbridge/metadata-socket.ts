// The agent's end of the metadata path: an HTTP server on a unix socket that the metadata proxies
// (metadata-proxy.ts) forward to. It turns the proxy's x-nubis-* headers into a MetadataRequest and
// answers with what the handler (the control plane, over the bus) returns.
import http from 'node:http';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MetadataRequest, MetadataResponse } from '../host-state.js';

export type MetadataHandler = (req: MetadataRequest) => Promise<MetadataResponse>;

export async function serveMetadataSocket(path: string, handler: MetadataHandler): Promise<{ close(): Promise<void> }> {
  await mkdir(dirname(path), { recursive: true });
  await rm(path, { force: true }); // a socket left by a previous agent run
  const server = http.createServer((req, res) => {
    void answer(req, handler).then((r) => {
      res.writeHead(r.status, { 'content-type': r.contentType, 'content-length': Buffer.byteLength(r.body) });
      res.end(req.method === 'HEAD' ? undefined : r.body);
    });
  });
  // Only root (the proxies run as root in their namespaces) may talk to it.
  const oldMask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => { server.off('error', reject); resolve(); });
    });
  } finally {
    process.umask(oldMask);
  }
  await chmod(path, 0o600);
  return {
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => void rm(path, { force: true }).then(() => resolve()));
    }),
  };
}

async function answer(req: http.IncomingMessage, handler: MetadataHandler): Promise<MetadataResponse> {
  const kind = req.headers['x-nubis-kind'];
  const id = req.headers['x-nubis-id'];
  const sourceIp = req.headers['x-nubis-source'];
  if ((kind !== 'network' && kind !== 'router') || typeof id !== 'string' || typeof sourceIp !== 'string') {
    return { status: 400, contentType: 'text/plain', body: 'missing x-nubis-kind, x-nubis-id or x-nubis-source\n' };
  }
  try {
    return await handler({ kind, id, sourceIp, method: req.method ?? 'GET', path: req.url ?? '/' });
  } catch (err) {
    // The guest sees a plain 500; the reason stays on the host.
    process.emitWarning(`metadata handler failed: ${(err as Error).message}`);
    return { status: 500, contentType: 'text/plain', body: '500 Internal Server Error\n' };
  }
}
