// Shared by the storage tests: a file backend config in a temp dir, and qemu-io pattern writes/checks.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FileBackendConfig } from '../../../../platform/config.volume.js';
import { run } from '../../../../platform/run.js';

export const uuid = (): string => randomUUID();

export function testBackendConfig(root: string, format: 'qcow2' | 'raw' = 'qcow2', name = 'file'): FileBackendConfig {
  return { name, driver: 'file', dir: join(root, `volumes-${name}`), format, overSubscriptionRatio: 20,
    reservedPercentage: 0, capacityGb: 0, availabilityZone: 'nova' };
}

/** Writes byte `pattern` over `len` bytes at `offset` (`-U`-free: the file must not be open elsewhere). */
export async function writePattern(file: string, format: string, pattern: number, offset: number, len: number): Promise<void> {
  await run('qemu-io', ['-f', format, '-c', `write -P 0x${pattern.toString(16)} ${offset} ${len}`, file]);
}

/** Whether the bytes at `offset` are all `pattern` (qemu-io read -P fails on a mismatch). */
export async function hasPattern(file: string, format: string, pattern: number, offset: number, len: number): Promise<boolean> {
  try {
    const out = await run('qemu-io', ['-r', '-f', format, '-c', `read -P 0x${pattern.toString(16)} ${offset} ${len}`, file]);
    return !/Pattern verification failed/i.test(out);
  } catch {
    return false;
  }
}

/** Writes the body of every PUT to `<dir>/<last path segment>` and answers 204 (a stand-in for the image service's upload). */
export async function startPutSink(dir: string): Promise<{ url(path: string): string; fileOf(path: string): string; close(): Promise<void> }> {
  const fileOf = (path: string) => join(dir, `put-${basename(path)}`);
  const server: Server = createServer((req, res) => {
    if (req.method !== 'PUT') return void res.writeHead(405).end();
    pipeline(req, createWriteStream(fileOf(req.url ?? 'x'))).then(() => res.writeHead(204).end(), () => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    fileOf,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
