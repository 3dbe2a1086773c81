// Shared by the volume route tests: a test cloud with an admin and two members in their own
// projects, requests under /volume/v3/{project} at a chosen microversion, and polling helpers.
import { randomBytes } from 'node:crypto';
import { freePort } from '../../../test/harness/free-port.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud, type TestResponse } from '../../../test/harness/test-cloud.js';
import type { VolumeDb } from '../volume.tables.js';

export interface Caller { token: string; projectId: string }

export interface VolumeKit {
  tc: TestCloud;
  db: VolumeDb;
  admin: Caller;
  alice: MemberUser;
  bob: MemberUser;
  /** A request under `/volume/v3/{caller's project}` at microversion `version` (default 3.60). */
  call(who: Caller, method: string, path: string, body?: unknown, version?: string): Promise<TestResponse>;
  /** Polls a volume until `done(body.volume)`; the last body (or throws with it after `timeoutMs`). */
  waitVolume(who: Caller, id: string, done: (v: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Creates a volume and waits until it is `available`. */
  availableVolume(who: Caller, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export const suffix = () => randomBytes(3).toString('hex');

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startVolumeKit(): Promise<VolumeKit> {
  // A volume from an image makes the storage agent GET the image's data over HTTP: listen for real.
  const port = await freePort();
  const tc = await startTestCloud({ publicUrl: `http://127.0.0.1:${port}` });
  await tc.cloud.app.listen({ port, host: '127.0.0.1' });
  const s = suffix();
  const alice = await createMemberUser(tc, `vvol-alice-${s}`);
  const bob = await createMemberUser(tc, `vvol-bob-${s}`);
  const admin = { token: await tc.adminToken(), projectId: await tc.adminProjectId() };
  const db = tc.cloud.volume.ctx.deps.db;
  const call: VolumeKit['call'] = (who, method, path, body, version = '3.60') => tc.request(method, `/volume/v3/${who.projectId}${path}`, {
    token: who.token, body, headers: { 'openstack-api-version': `volume ${version}` },
  });
  const waitVolume: VolumeKit['waitVolume'] = async (who, id, done, timeoutMs = 120_000) => {
    let last: Record<string, unknown> | undefined;
    try {
      return await waitFor(`volume ${id}`, async () => {
        const res = await call(who, 'GET', `/volumes/${id}`);
        last = res.body?.volume;
        return last && done(last) ? last : undefined;
      }, timeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last)}`);
    }
  };
  return {
    tc, db, admin, alice, bob, call, waitVolume,
    async availableVolume(who, body) {
      const res = await call(who, 'POST', '/volumes', { volume: body });
      if (res.status !== 202) throw new Error(`create: ${res.status} ${res.text}`);
      return waitVolume(who, res.body.volume.id, (v) => v.status === 'available' || v.status === 'error')
        .then((v) => { if (v.status !== 'available') throw new Error(`volume ended ${String(v.status)}`); return v; });
    },
    close: () => tc.close(),
  };
}
