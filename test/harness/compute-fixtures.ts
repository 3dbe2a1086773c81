// What compute API tests need around them: a cloud with fake hosts, a flavor, an active image,
// waiting for a server to reach a status, server rows in any state, and Nova's error body checked.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ComputeDb, InstanceRow } from '../../src/compute/compute.tables.js';
import { loadConfig } from '../../src/platform/config.js';
import type { ComputeConfig } from '../../src/platform/config.compute.js';
import { startTestCloud, type TestCloud, type TestResponse } from './test-cloud.js';

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

/** Checks Nova's error body `{"<name>": {"code": status, "message": …}}` and returns the message. */
export function novaError(res: TestResponse, status: number, name: string): string {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(Object.keys(res.body), [name], res.text);
  assert.equal(res.body[name].code, status);
  assert.equal(typeof res.body[name].message, 'string');
  return res.body[name].message as string;
}

/** A server row written straight into compute_instance, so tests of metadata, tags and actions do
 *  not depend on the boot workflow (and can set any state, lock or deletion). */
export async function insertServer(db: ComputeDb, projectId: string, userId: string, over: Partial<InstanceRow> = {}): Promise<InstanceRow> {
  const uuid = over.uuid ?? randomUUID();
  const ts = new Date().toISOString();
  const flavor = { id: 'nb-f1', name: 'nb-f1', vcpus: 1, ram: 64, disk: 1, ephemeral: 0, swap: 0, rxtx_factor: 1, is_public: true, description: null, extra_specs: {} };
  const row: InstanceRow = {
    uuid, name: `nb-${uuid.slice(0, 8)}`, description: null, project_id: projectId, user_id: userId,
    image_ref: '', kernel_id: null, ramdisk_id: null, flavor_id: flavor.id, flavor: JSON.stringify(flavor),
    old_flavor: null, new_flavor: null, vcpus: 1, memory_mb: 64, root_gb: 1, ephemeral_gb: 0,
    key_name: null, key_data: null, user_data: null, availability_zone: null, host: null, node: null,
    vm_state: 'active', task_state: null, power_state: 1, locked: 0, locked_by: null,
    launch_index: 0, reservation_id: `r-${uuid.slice(0, 8)}`, hostname: `nb-${uuid.slice(0, 8)}`, config_drive: '',
    access_ip_v4: null, access_ip_v6: null, progress: 0, networks: '"none"', scheduler_hints: '{}', system_metadata: '{}',
    fault: null, created_at: ts, updated_at: ts, launched_at: ts, terminated_at: null, deleted_at: null, deleted: 0,
    ...over,
  };
  await db.insertInto('compute_instance').values(row).execute();
  return row;
}
