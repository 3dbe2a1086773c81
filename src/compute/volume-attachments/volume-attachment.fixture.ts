// A cloud for volume attachment tests: fake compute hosts and the real `file` storage backend on
// the same host name (a file volume serves only its own host), plus a stand-in storage agent for
// volumes written straight into the table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../platform/config.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { freePort } from '../../../test/harness/free-port.js';
import { startFakeStorage, type FakeStorage } from '../../volume/attachments/attachment.fixture.js';

export interface VolumeComputeCloud { t: TestCloud; storage: FakeStorage; host: string; close(): Promise<void> }

export async function startVolumeComputeCloud(hosts = 1): Promise<VolumeComputeCloud> {
  const dir = mkdtempSync(join(tmpdir(), 'nbvatt-'));
  const base = loadConfig({ stateDir: dir }, {});
  const computeHost = `nbvh${Math.random().toString(16).slice(2, 8)}`;
  const host = `${computeHost}-fake-1`;
  // Volumes from images download the image over HTTP with the user's token: the cloud listens for real.
  const port = await freePort();
  const t = await startTestCloud({
    publicUrl: `http://127.0.0.1:${port}`,
    compute: { ...base.compute, host: computeHost, driver: 'fake', fakeHosts: hosts },
    volume: { ...base.volume, host, reportSeconds: 1 },
  });
  await t.cloud.app.listen({ port, host: '127.0.0.1' });
  const storage = await startFakeStorage(t.cloud.platform.bus);
  return {
    t, storage, host,
    async close() { await storage.stop(); await t.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Waits until `check` holds (work the conductor finishes after the answer). */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
