// Hostile bodies and ids on POST /volumes/{id}/action from an admin, the owner and a stranger:
// always Cinder's 4xx body or a success, never a 500. A failure prints the seed (NUBIS_FUZZ_SEED).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fuzzSeed, GARBAGE_IDS, MALFORMED_JSON, Prng, setOwn, ValueGen } from '../../../test/harness/fuzz.js';
import { createMemberUser } from '../../../test/harness/member-user.js';
import { VOLUME_STATUSES } from '../volume-states.js';
import { recordManager, startActionCloud, type ActionCloud } from './action-test-kit.js';

const ACTIONS = ['os-extend', 'os-set_bootable', 'os-update_readonly_flag', 'os-reset_status', 'os-force_delete',
  'os-volume_upload_image', 'os-set_image_metadata', 'os-unset_image_metadata', 'os-show_image_metadata', 'os-retype', 'revert',
  'os-nothing'];
const ARGS = ['new_size', 'bootable', 'readonly', 'status', 'attach_status', 'migration_status', 'image_name', 'force', 'disk_format',
  'container_format', 'visibility', 'protected', 'metadata', 'key', 'new_type', 'migration_policy', 'snapshot_id'];
const CASES = 200;

describe('volume action API under hostile input', () => {
  const seed = fuzzSeed();
  const rng = new Prng(seed);
  const gen = new ValueGen(rng);
  let c: ActionCloud;
  const who: Array<{ token: string; projectId: string }> = [];
  const ids: string[] = [];
  before(async () => {
    console.log(`# volume action fuzz seed ${seed} (replay with NUBIS_FUZZ_SEED=${seed})`);
    c = await startActionCloud();
    recordManager(c.ctx);
    const stranger = await createMemberUser(c.tc, `vact-stranger-${seed % 100000}`);
    who.push(c.admin, { token: c.member.token, projectId: c.member.projectId }, { token: stranger.token, projectId: stranger.projectId });
    for (const status of ['available', 'in-use', 'error', 'uploading', 'extending'] as const) {
      const v = await c.volume(c.member.projectId, { status, attach_status: status === 'in-use' ? 'attached' : 'detached' });
      await c.snapshot(v);
      ids.push(v.id);
    }
  });
  after(async () => { await c?.close(); });

  const plausible: Record<string, () => unknown> = {
    new_size: () => rng.pick([2, '3', 0, -1, 1.5, 2 ** 40]),
    status: () => rng.pick([...VOLUME_STATUSES, 'AVAILABLE', 'bogus']),
    disk_format: () => rng.pick(['raw', 'qcow2', 'vmdk', 'iso']),
    visibility: () => rng.pick(['public', 'private', 'shared', 'community', 'none']),
    metadata: () => ({ [gen.key()]: rng.chance(0.7) ? gen.string() : gen.value(1) }),
    image_name: () => gen.string(),
  };

  function body(): unknown {
    const args: Record<string, unknown> = {};
    for (let i = rng.int(4); i > 0; i--) {
      const k = rng.pick(ARGS);
      setOwn(args, k, rng.chance(0.5) && plausible[k] ? plausible[k]!() : gen.value(2));
    }
    const out: Record<string, unknown> = {};
    setOwn(out, rng.pick(ACTIONS), rng.chance(0.9) ? args : gen.value(1));
    if (rng.chance(0.05)) setOwn(out, rng.pick(ACTIONS), {});
    return rng.chance(0.05) ? gen.value(2) : out;
  }

  it('answers every action with a Cinder 4xx body or a success', async () => {
    const problems: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const caller = rng.pick(who);
      const id = rng.chance(0.8) ? rng.pick(ids) : rng.pick(GARBAGE_IDS);
      const raw = rng.chance(0.1) ? rng.pick(MALFORMED_JSON) : JSON.stringify(body());
      const version = rng.pick(['3.0', '3.1', '3.40', '3.42', '3.60']);
      const res = await c.tc.request('POST', `/volume/v3/${caller.projectId}/volumes/${id}/action`, {
        token: caller.token, rawBody: raw, headers: { 'content-type': 'application/json', 'openstack-api-version': `volume ${version}` },
      });
      const fault = res.body && typeof res.body === 'object' ? Object.values(res.body)[0] as { code?: number; message?: unknown } : undefined;
      const ok = res.status < 300 || (res.status >= 400 && res.status < 500 && fault?.code === res.status && typeof fault.message === 'string');
      if (!ok) problems.push(`${version} ${id} ${raw.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`);
    }
    assert.deepEqual(problems, [], `seed ${seed}`);
  });
});
