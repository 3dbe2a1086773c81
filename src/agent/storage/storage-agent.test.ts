// The storage agent end to end over the in-process bus: the volume manager's client calls it, a
// stand-in manager receives its reports, and the files on disk show what really happened.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pino from 'pino';
import { LocalBus } from '../../platform/bus/local-bus.js';
import { NoRespondersError, RemoteError } from '../../platform/bus/bus.js';
import type { Platform } from '../../platform/platform.js';
import { FileBackend } from './backends/file/file-backend.js';
import { hasPattern, testBackendConfig, uuid, writePattern } from './backends/file/test-helpers.js';
import { PosixBackupStore } from './backup-store/posix-backup-store.js';
import { startStorageAgents } from './start-storage-agent.js';
import { StorageAgent } from './storage-agent.js';
import { StorageAgentClient, VOLUME_MANAGER_TOPIC, type BackendReport } from './storage-agent-client.js';

const MIB = 1024 * 1024;
const silent = pino({ level: 'silent' });
const root = mkdtempSync(join(tmpdir(), 'nb-storage-agent-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A stand-in volume manager that keeps every report. */
async function reportSink(bus: LocalBus): Promise<BackendReport[]> {
  const reports: BackendReport[] = [];
  await bus.serve(VOLUME_MANAGER_TOPIC, (method, args) => { if (method === 'report') reports.push(args as BackendReport); return null; });
  return reports;
}

async function waitFor(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('volumes, snapshots and backups through the bus', async () => {
  const bus = new LocalBus();
  const reports = await reportSink(bus);
  const config = testBackendConfig(root, 'qcow2', 'agent');
  const agent = new StorageAgent(new FileBackend(config, 'nbhost'), new PosixBackupStore(join(root, 'backups'), MIB), bus,
    { host: 'nbhost', backend: config, reportSeconds: 0.2 }, silent);
  await agent.start();
  try {
    const client = new StorageAgentClient(bus, 'nbhost@agent');
    await waitFor('two reports', () => reports.length >= 2);
    const r = reports[0]!;
    assert.equal(r.id, 'nbhost@agent');
    assert.equal(r.host, 'nbhost');
    assert.equal(r.backend, 'agent');
    assert.equal(r.driver, 'file');
    assert.equal(r.availabilityZone, 'nova');
    assert.equal(r.overSubscriptionRatio, 20);
    assert.deepEqual(r.capabilities, { volume_backend_name: 'agent', storage_protocol: 'file', thin_provisioning_support: true,
      multiattach: true, driver_version: '1.0', vendor_name: 'Nubis' });
    assert.ok(r.capacity.totalGb > 0);

    const vol = uuid();
    const file = await client.createVolume(vol, 1);
    assert.deepEqual(await client.listVolumes(), [vol]);
    await writePattern(file, 'qcow2', 0xab, 0, 64 * 1024);
    await writePattern(file, 'qcow2', 0xac, 5 * MIB, 64 * 1024);

    const snap = uuid();
    await client.createSnapshot(snap, vol, false);
    const full = uuid();
    const b1 = await client.backup(full, vol, null, null, false);
    assert.equal(b1.sizeBytes, 1024 * MIB);
    assert.equal(b1.objectCount, 2);
    const incr = uuid();
    assert.equal((await client.backup(incr, vol, null, full, true)).objectCount, 0);
    const ofSnap = uuid();
    assert.equal((await client.backup(ofSnap, vol, snap, full, false)).objectCount, 0);

    // Change the volume, then restore the backup into it.
    await writePattern(file, 'qcow2', 0xcd, 0, 64 * 1024);
    await client.restore(full, vol);
    assert.ok(await hasPattern(file, 'qcow2', 0xab, 0, 64 * 1024));
    assert.ok(await hasPattern(file, 'qcow2', 0xac, 5 * MIB, 64 * 1024));

    // Into a new, larger volume.
    const other = uuid();
    const otherFile = await client.createVolume(other, 2);
    await client.restore(ofSnap, other);
    assert.ok(await hasPattern(otherFile, 'qcow2', 0xab, 0, 64 * 1024));

    const clone = uuid();
    const cloneFile = await client.cloneVolume(clone, 2, vol);
    assert.ok(await hasPattern(cloneFile, 'qcow2', 0xac, 5 * MIB, 64 * 1024));
    await client.extendVolume(clone, 3, false);
    assert.deepEqual(await client.initializeConnection(clone, { host: 'nbhost', mode: 'rw' }),
      { driver_volume_type: 'file', data: { path: cloneFile, format: 'qcow2', host: 'nbhost' } });
    await client.terminateConnection(clone, { host: 'nbhost', mode: 'rw' });
    await waitFor('a report counting the clone', () => reports.at(-1)!.capacity.provisionedGb >= 1 + 1 + 2 + 3);

    for (const id of [full, incr, ofSnap]) await client.deleteBackup(id);
    assert.deepEqual(readdirSync(join(root, 'backups', 'chunks')), []);
    await client.deleteSnapshot(snap);
    for (const id of [vol, other, clone]) await client.deleteVolume(id);
    assert.deepEqual(await client.listVolumes(), []);

    // Failures come back to the caller as errors.
    await assert.rejects(client.extendVolume(uuid(), 2, false), (e: Error) => e instanceof RemoteError && /does not exist/.test(e.message));
    await assert.rejects(client.restore(uuid(), vol), /not in the backup store/);
    await assert.rejects(bus.call('volume.nbhost@agent', 'formatDisk', {}), /no method formatDisk/);
  } finally {
    await agent.stop();
  }
});

test('operations on one volume run one at a time, in order', async () => {
  const bus = new LocalBus();
  const config = testBackendConfig(root, 'qcow2', 'ordered');
  const agent = new StorageAgent(new FileBackend(config, 'nbhost'), new PosixBackupStore(join(root, 'backups4'), MIB), bus,
    { host: 'nbhost', backend: config, reportSeconds: 60 }, silent);
  await agent.start();
  try {
    const client = new StorageAgentClient(bus, 'nbhost@ordered');
    const ids = [uuid(), uuid(), uuid()];
    // Each delete is sent while its create's qemu-img still runs: it must wait, or the create would win.
    await Promise.all(ids.flatMap((id) => [client.createVolume(id, 1), client.deleteVolume(id)]));
    assert.deepEqual(await client.listVolumes(), []);
  } finally {
    await agent.stop();
  }
});

test('startStorageAgents serves every configured backend, reports, and stops', async () => {
  const bus = new LocalBus();
  const reports = await reportSink(bus);
  const a = testBackendConfig(root, 'qcow2', 'one');
  const b = testBackendConfig(root, 'raw', 'two');
  const platform = {
    bus, log: silent,
    config: { volume: { host: 'nbhost2', backends: [a, b], backupDir: join(root, 'backups2'), backupChunkBytes: MIB, reportSeconds: 0.2 } },
  } as unknown as Platform;
  const running = await startStorageAgents(platform);
  try {
    await waitFor('reports of both backends', () => new Set(reports.map((r) => r.id)).size === 2);
    assert.deepEqual(new Set(reports.map((r) => r.id)), new Set(['nbhost2@one', 'nbhost2@two']));
    const two = new StorageAgentClient(bus, 'nbhost2@two');
    const id = uuid();
    assert.equal(await two.createVolume(id, 1), join(b.dir, `volume-${id}.raw`));
    await two.deleteVolume(id);
  } finally {
    await running.stop();
  }
  await assert.rejects(new StorageAgentClient(bus, 'nbhost2@one').capacity(), NoRespondersError);
  const count = reports.length;
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(reports.length, count, 'no reports after stop');
});

test('an agent starts even when no manager takes its reports yet', async () => {
  const bus = new LocalBus();
  const config = testBackendConfig(root, 'qcow2', 'lonely');
  const agent = new StorageAgent(new FileBackend(config, 'nbhost'), new PosixBackupStore(join(root, 'backups3'), MIB), bus,
    { host: 'nbhost', backend: config, reportSeconds: 0.2 }, silent);
  await agent.start();
  try {
    const reports = await reportSink(bus);
    await waitFor('a report once the manager serves', () => reports.length > 0);
  } finally {
    await agent.stop();
  }
});

test('no backends: nothing starts', async () => {
  const platform = { bus: new LocalBus(), log: silent, config: { volume: { host: 'h', backends: [], backupDir: '/nonexistent', backupChunkBytes: MIB, reportSeconds: 1 } } } as unknown as Platform;
  await (await startStorageAgents(platform)).stop();
});
