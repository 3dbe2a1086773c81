// What compute API tests need around them: a cloud with fake hosts, a flavor, an active image,
// and waiting for a server to reach a status.
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/platform/config.js';
import type { ComputeConfig } from '../../src/platform/config.compute.js';
import { startTestCloud, type TestCloud } from './test-cloud.js';

export async function startFakeComputeCloud(hosts = 2, compute: Partial<ComputeConfig> = {}): Promise<TestCloud> {
  return startTestCloud({ compute: { ...loadConfig({ stateDir: '/tmp/nb-unused' }, {}).compute, driver: 'fake', fakeHosts: hosts, ...compute } });
}

export async function createFlavor(t: TestCloud, token: string, f: { name: string; vcpus?: number; ram?: number; disk?: number; id?: string }): Promise<string> {
  const res = await t.request('POST', '/compute/v2.1/flavors', {
    token, body: { flavor: { name: f.name, vcpus: f.vcpus ?? 1, ram: f.ram ?? 128, disk: f.disk ?? 1, ...(f.id ? { id: f.id } : {}) } },
  });
  if (res.status !== 200) throw new Error(`flavor create: ${res.status} ${res.text}`);
  return res.body.flavor.id as string;
}

/** An active image holding `data` (a few bytes are enough for the fake driver). */
export async function createActiveImage(t: TestCloud, token: string, name = 'img', data = Buffer.from('nubis test image'),
  extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request('POST', '/image/v2/images', { token, body: { name, disk_format: 'raw', container_format: 'bare', visibility: 'public', ...extra } });
  if (res.status !== 201) throw new Error(`image create: ${res.status} ${res.text}`);
  const id = res.body.id as string;
  const up = await t.request('PUT', `/image/v2/images/${id}/file`, { token, rawBody: data, headers: { 'content-type': 'application/octet-stream' } });
  if (up.status !== 204) throw new Error(`image upload: ${up.status} ${up.text}`);
  return id;
}

/** Polls GET /servers/{id} until `status` (or a final state that is not it: then throws). */
export async function waitForServer(t: TestCloud, token: string, id: string, status: string, timeoutMs = 10_000,
  headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const res = await t.request('GET', `/compute/v2.1/servers/${id}`, { token, headers });
    if (res.status === 404 && status === 'DELETED') return {};
    last = res.body?.server ?? res.body;
    const server = res.body?.server;
    if (server && server.status === status && server['OS-EXT-STS:task_state'] === null) return server;
    if (Date.now() > deadline) throw new Error(`server ${id} not ${status} within ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await sleep(20);
  }
}
