// Hostile bodies, ids and versions on every attach route: Cinder's /attachments and legacy attach
// actions, Nova's os-volume_attachments. Always the service's 4xx body or a success, never a 500.
// A failure prints the seed (replay with NUBIS_FUZZ_SEED).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fuzzSeed, GARBAGE_IDS, MALFORMED_JSON, Prng, setOwn, ValueGen } from '../../../test/harness/fuzz.js';
import { createActiveImage, createFlavor, waitForServer } from '../../../test/harness/compute-fixtures.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startVolumeComputeCloud, type VolumeComputeCloud } from '../../compute/volume-attachments/volume-attachment.fixture.js';
import { insertVolume } from './attachment.fixture.js';

const CASES = 300;
const LEGACY = ['os-reserve', 'os-unreserve', 'os-begin_detaching', 'os-roll_detaching', 'os-initialize_connection',
  'os-terminate_connection', 'os-attach', 'os-detach', 'os-force_detach'];
const KEYS = ['volume_uuid', 'instance_uuid', 'connector', 'mode', 'volumeId', 'device', 'attachment_id', 'mountpoint', 'host_name', 'host'];

describe('attach routes under hostile input', () => {
  const seed = fuzzSeed();
  const rng = new Prng(seed);
  const gen = new ValueGen(rng);
  let c: VolumeComputeCloud;
  let member: MemberUser;
  let stranger: MemberUser;
  const volumes: string[] = [];
  const servers: string[] = [];
  const attachmentIds: string[] = [];

  before(async () => {
    console.log(`# attach fuzz seed ${seed} (replay with NUBIS_FUZZ_SEED=${seed})`);
    c = await startVolumeComputeCloud(1);
    const t = c.t;
    member = await createMemberUser(t, `nb-afz-m-${seed % 100000}`);
    stranger = await createMemberUser(t, `nb-afz-s-${seed % 100000}`);
    const admin = await t.adminToken();
    const flavor = await createFlavor(t, admin, { name: 'nb-afz-flavor' });
    const image = await createActiveImage(t, admin, 'nb-afz-img');
    const res = await t.request('POST', '/compute/v2.1/servers', { token: member.token, body: { server: { name: 'nb-afz', flavorRef: flavor, imageRef: image, networks: 'none' } } });
    servers.push(res.body.server.id);
    await waitForServer(t, member.token, res.body.server.id, 'ACTIVE');
    const db = t.cloud.volume.ctx.deps.db;
    for (const over of [{}, {}, { multiattach: 1 }, { status: 'in-use' as const, attach_status: 'attached' as const }, { status: 'error' as const }]) {
      volumes.push((await insertVolume(db, member.projectId, member.id, over)).id);
    }
    const a = await t.request('POST', `/volume/v3/${member.projectId}/attachments`, { token: member.token, headers: { 'openstack-api-version': 'volume 3.44' },
      body: { attachment: { volume_uuid: volumes[0], instance_uuid: randomUUID() } } });
    attachmentIds.push(a.body.attachment.id);
  });
  after(async () => { await c?.close(); });

  const id = (pool: string[]) => (rng.chance(0.75) && pool.length ? rng.pick(pool) : rng.pick([...GARBAGE_IDS, randomUUID()]));
  const plausible = (k: string): unknown => {
    switch (k) {
      case 'connector': return rng.chance(0.5) ? { host: rng.pick([c.host, 'elsewhere', '']), mode: rng.pick(['rw', 'ro', 'x']) } : gen.value(2);
      case 'volume_uuid': case 'volumeId': return id(volumes);
      case 'instance_uuid': return rng.chance(0.5) ? id(servers) : gen.value(1);
      case 'attachment_id': return id(attachmentIds);
      case 'device': case 'mountpoint': return rng.pick(['/dev/vdb', 'vdc', '/dev/vda', '/dev/', gen.string()]);
      default: return gen.value(2);
    }
  };
  function inner(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = rng.int(4); i > 0; i--) { const k = rng.pick(KEYS); setOwn(out, k, rng.chance(0.7) ? plausible(k) : gen.value(2)); }
    return out;
  }
  function request(): { method: string; url: string; raw: string; version: string } {
    const who = rng.pick([member, stranger]);
    const cinder = `/volume/v3/${who.projectId}`;
    const wrap = (key: string) => { const b: Record<string, unknown> = {}; setOwn(b, key, rng.chance(0.9) ? inner() : gen.value(1)); return b; };
    const pick = rng.int(6);
    const [method, url, body] = pick === 0 ? ['POST', `${cinder}/attachments`, wrap('attachment')]
      : pick === 1 ? ['PUT', `${cinder}/attachments/${id(attachmentIds)}`, wrap('attachment')]
        : pick === 2 ? [rng.pick(['POST', 'DELETE', 'GET']), `${cinder}/attachments/${id(attachmentIds)}${rng.chance(0.5) ? '/action' : ''}`, { 'os-complete': gen.value(1) }]
          : pick === 3 ? ['POST', `${cinder}/volumes/${id(volumes)}/action`, (() => { const b: Record<string, unknown> = {}; setOwn(b, rng.pick(LEGACY), rng.chance(0.8) ? inner() : gen.value(1)); return b; })()]
            : pick === 4 ? ['POST', `/compute/v2.1/servers/${id(servers)}/os-volume_attachments`, wrap('volumeAttachment')]
              : [rng.pick(['DELETE', 'GET', 'PUT']), `/compute/v2.1/servers/${id(servers)}/os-volume_attachments/${id(volumes)}`, wrap('volumeAttachment')];
    const raw = rng.chance(0.08) ? rng.pick(MALFORMED_JSON) : JSON.stringify(body);
    return { method, url: `${url}`, raw, version: url.startsWith('/compute') ? `compute ${rng.pick(['2.1', '2.60', '2.64'])}` : `volume ${rng.pick(['3.0', '3.27', '3.44', '3.54', '3.60'])}` };
  }

  it('answers every request with a 4xx body or a success', async () => {
    const problems: string[] = [];
    const tokenOf = (url: string) => (url.includes(stranger.projectId) || rng.chance(0.2) ? stranger.token : member.token);
    for (let i = 0; i < CASES; i++) {
      const r = request();
      const res = await c.t.request(r.method, r.url, { token: tokenOf(r.url), rawBody: r.method === 'GET' || r.method === 'DELETE' ? undefined : r.raw,
        headers: { 'content-type': 'application/json', 'openstack-api-version': r.version } });
      const fault = res.body && typeof res.body === 'object' ? Object.values(res.body)[0] as { code?: number; message?: unknown } : undefined;
      const ok = res.status < 300 || (res.status >= 400 && res.status < 500 && fault?.code === res.status && typeof fault.message === 'string');
      if (!ok) problems.push(`${r.method} ${r.url} ${r.version} ${r.raw.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`);
    }
    assert.deepEqual(problems, [], `seed ${seed}`);
  });
});
