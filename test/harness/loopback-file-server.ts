// A loopback HTTP server serving fixed bodies by path, for web-download import tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How to answer one path: a body (sent whole, or chunked without Content-Length), or a misbehaviour. */
export type Route =
  | { body: Buffer; chunked?: boolean }
  | { status: number }
  | { truncate: Buffer; declared: number }
  | { redirect: string };

export interface LoopbackFileServer { url(path: string): string; close(): Promise<void> }

export async function startLoopbackFileServer(routes: Record<string, Route>): Promise<LoopbackFileServer> {
  const server: Server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (!route) return void res.writeHead(404).end('not found');
    if ('status' in route) return void res.writeHead(route.status).end('refused');
    if ('redirect' in route) return void res.writeHead(302, { location: route.redirect }).end();
    if ('truncate' in route) {
      // Promise more than is sent, then drop the connection: a download cut short.
      res.writeHead(200, { 'content-length': String(route.declared), 'content-type': 'application/octet-stream' });
      res.write(route.truncate, () => res.socket?.destroy());
      return;
    }
    if (route.chunked) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < route.body.length; i += 65536) res.write(route.body.subarray(i, i + 65536));
      return void res.end();
    }
    res.writeHead(200, { 'content-length': String(route.body.length), 'content-type': 'application/octet-stream' }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
