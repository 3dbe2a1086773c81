// What both compute benchmarks need from the API: an admin token and JSON calls that fail loudly
// on an unexpected status (a benchmark that silently counts errors measures the wrong thing).

import { createServer } from 'node:net';

/** A loopback port free right now (the cloud's publicUrl must name its port before it listens). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface Api { base: string; token: string }

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function adminToken(base: string, password: string): Promise<string> {
  const res = await fetch(`${base}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password } } },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    }),
  });
  await res.arrayBuffer();
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 || !token) throw new Error(`token issue failed: ${res.status}`);
  return token;
}

/** One API call; a Buffer body is sent as octet-stream (image data), anything else as JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function api(a: Api, method: string, path: string, expect: number, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const raw = Buffer.isBuffer(body);
  const res = await fetch(`${a.base}${path}`, {
    method,
    headers: {
      'x-auth-token': a.token, ...headers,
      ...(body === undefined ? {} : { 'content-type': raw ? 'application/octet-stream' : 'application/json' }),
    },
    body: body === undefined ? undefined : raw ? (body as Buffer) : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`${method} ${path}: ${res.status} (expected ${expect}) ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}
