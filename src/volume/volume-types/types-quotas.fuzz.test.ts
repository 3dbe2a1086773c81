// Hostile bodies, ids and queries on the volume type, extra spec, type access, quota, quota class,
// limits, services, pools and QoS routes, from an admin, a member and a stranger: always a Cinder 4xx
// body or a success, never a 500. A failure prints the seed (replay with NUBIS_FUZZ_SEED).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fuzzSeed, GARBAGE_IDS, MALFORMED_JSON, Prng, setOwn, ValueGen } from '../../../test/harness/fuzz.js';
import { createMemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const CASES = 300;
const ERROR_KEYS = ['badRequest', 'itemNotFound', 'forbidden', 'conflictingRequest', 'overLimit', 'computeFault', 'notImplemented', 'HTTPMethodNotAllowed'];

describe('volume type, quota, limits and services APIs under hostile input', () => {
  const seed = fuzzSeed();
  const rng = new Prng(seed);
  const gen = new ValueGen(rng);
  let t: TestCloud;
  let callers: Array<{ token: string; project: string }>;
  const typeIds: string[] = [];
  before(async () => {
    console.log(`# volume types/quotas fuzz seed ${seed} (replay with NUBIS_FUZZ_SEED=${seed})`);
    t = await startTestCloud();
    const member = await createMemberUser(t, 'fuzz-vtyp-member');
    const stranger = await createMemberUser(t, 'fuzz-vtyp-stranger');
    callers = [{ token: await t.adminToken(), project: await t.adminProjectId() }, { token: member.token, project: member.projectId },
      { token: stranger.token, project: stranger.projectId }];
    const pub = await t.request('POST', `/volume/v3/${callers[0]!.project}/types`, { token: callers[0]!.token, body: { volume_type: { name: 'nb-fuzz-pub' } } });
    const priv = await t.request('POST', `/volume/v3/${callers[0]!.project}/types`, { token: callers[0]!.token, body: { volume_type: { name: 'nb-fuzz-priv', 'os-volume-type-access:is_public': false } } });
    typeIds.push(pub.body.volume_type.id, priv.body.volume_type.id);
  });
  after(async () => { await t?.close(); });

  function body(): unknown {
    const plausible: Array<() => unknown> = [
      () => ({ volume_type: { name: rng.chance(0.5) ? `nb-f-${rng.int(50)}` : gen.value(1), description: gen.value(1), extra_specs: gen.value(2), 'os-volume-type-access:is_public': gen.value(1) } }),
      () => ({ volume_type: { is_public: gen.value(1), name: gen.value(1) } }),
      () => ({ extra_specs: gen.value(2) }),
      () => ({ [rng.pick(['addProjectAccess', 'removeProjectAccess', 'bogus'])]: { project: rng.chance(0.5) ? rng.pick(callers).project : gen.value(1) } }),
      () => ({ quota_set: { [rng.pick(['volumes', 'gigabytes', 'per_volume_gigabytes', 'volumes_nb-fuzz-pub', 'id', 'nope'])]: rng.pick([5, -1, -2, '3', 1.5, 2 ** 40, gen.value(1)]) } }),
      () => ({ quota_class_set: { [rng.pick(['volumes', 'backups', 'x'])]: gen.value(1) } }),
      () => ({ qos_specs: { name: rng.chance(0.5) ? `nb-q-${rng.int(20)}` : gen.value(1), consumer: rng.pick(['both', 'front-end', gen.value(1)]), [gen.key()]: gen.value(1) } }),
      () => ({ keys: rng.chance(0.5) ? ['read_iops_sec'] : gen.value(1) }),
      () => ({ host: gen.value(1), binary: rng.pick(['cinder-volume', 'cinder-backup', gen.value(1)]), disabled_reason: gen.value(1) }),
    ];
    if (rng.chance(0.1)) return gen.value(2);
    const out = rng.pick(plausible)() as Record<string, unknown>;
    if (rng.chance(0.1)) setOwn(out, gen.key(), gen.value(1));
    return out;
  }

  function url(project: string): string {
    const id = rng.chance(0.6) ? rng.pick(typeIds) : rng.pick([...GARBAGE_IDS, 'default']);
    const key = rng.pick(['volume_backend_name', 'multiattach', 'k'.repeat(300), '%00', '%zz']);
    const target = rng.chance(0.6) ? rng.pick(callers).project : rng.pick(GARBAGE_IDS);
    const q = rng.pick(['', '?is_public=maybe', '?is_public=None', '?limit=-1', '?limit=x', '?marker=nope', '?sort=name:up', '?sort_key=size',
      '?usage=perhaps', '?usage=True', '?detail=maybe', '?project_id=%00', '?binary=x&binary=y', '?host=%zz',
      '?is_public=a&is_public=b', '?limit=1&limit=2', '?project_id=a&project_id=b', '?usage=1&usage=0', '?detail=1&detail=0&name=a&name=b',
      '?vol_type_id=a&vol_type_id=b', '?force=1&force=x', '?sort=name&sort=id']);
    return `/volume/v3/${project}${rng.pick([
      `/types${q}`, `/types/${id}`, `/types/${id}/extra_specs`, `/types/${id}/extra_specs/${key}`, `/types/${id}/action`,
      `/types/${id}/os-volume-type-access`, `/os-quota-sets/${target}${q}`, `/os-quota-sets/${target}/defaults`,
      `/os-quota-class-sets/${rng.pick(['default', 'gold', ...GARBAGE_IDS])}`, `/limits${q}`, `/os-availability-zone`,
      `/os-services${q}`, `/os-services/${rng.pick(['enable', 'disable', 'disable-log-reason', 'freeze', '%00'])}`,
      `/scheduler-stats/get_pools${q}`, `/capabilities/${rng.pick(GARBAGE_IDS)}`, `/qos-specs${q}`, `/qos-specs/${rng.pick(GARBAGE_IDS)}`,
      `/qos-specs/${rng.pick(GARBAGE_IDS)}/${rng.pick(['associate', 'disassociate', 'disassociate_all', 'associations', 'delete_keys'])}?vol_type_id=${id}`,
    ])}`;
  }

  it('answers every route with a Cinder 4xx body or a success', async () => {
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < CASES; i++) {
      const who = rng.pick(callers);
      const method = rng.pick(['GET', 'GET', 'POST', 'PUT', 'DELETE']);
      const target = url(rng.chance(0.9) ? who.project : rng.pick(callers).project);
      const payload = rng.chance(0.1) ? rng.pick(MALFORMED_JSON) : JSON.stringify(body());
      const withBody = method === 'POST' || method === 'PUT';
      const res = await t.request(method, target, { token: who.token, ...(withBody ? { rawBody: payload, headers: { 'content-type': 'application/json' } } : {}) });
      const errKey = Object.keys(res.body ?? {})[0] ?? '';
      const ok = res.status < 300 || (res.status >= 400 && res.status < 500 && ERROR_KEYS.includes(errKey)
        && typeof res.body[errKey]?.message === 'string');
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (!ok) problems.push(`${method} ${target} ${payload.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`);
    }
    console.log(`# statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.deepEqual(problems, [], `seed ${seed}`);
  });
});
