// "Bad input" for block storage (issue 6 §4): every route under /volume, fed hostile input
// (malformed, oversized and wrongly typed bodies, garbage ids and queries, bad microversions, URL
// projects that are not the token's) by an admin, a project member, a member of another project, a
// caller without a token and one with a bogus token, answers with Cinder's error body (never a 5xx
// or a stack trace), and a refused request adds no rows. Cases come from a seeded PRNG: a failure
// prints the seed to replay it with NUBIS_FUZZ_SEED=<seed>. Routes are read from the app itself.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FEATURES } from '../../src/volume/microversions.js';
import {
  holdManager, insertBackup, insertSnapshot, insertVolume, startVolumeTestCloud, type Caller, type HeldManager, type VolumeTestCloud,
} from '../../src/volume/snapshots/volume-test-fixtures.js';
import type { VolumeTables } from '../../src/volume/volume.tables.js';
import { fuzzSeed, GARBAGE_IDS, GARBAGE_QUERIES, MALFORMED_JSON, Prng, setOwn, ValueGen } from '../harness/fuzz.js';
import { createMemberUser } from '../harness/member-user.js';

const CASES_PER_ROUTE = Number(process.env.NUBIS_FUZZ_CASES ?? 12);
const ANSWER_TIMEOUT_MS = 10_000;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const STACK_TRACE = [/\bat (?:async )?[\w$.<>[\] ]*\(?(?:file:|node:|\/)[^\s)]*:\d+/, /\.ts:/, /\.js:/, /node_modules/];
const FAULTS = new Set(['badRequest', 'itemNotFound', 'forbidden', 'conflictingRequest', 'unauthorized', 'badMethod',
  'overLimit', 'badMediaType', 'computeFault', 'notImplemented', 'serviceUnavailable', 'notAcceptable']);
/** Tables only the API writes (messages are the manager's, backends the agents'). */
const GUARDED: (keyof VolumeTables)[] = ['volume', 'volume_metadata', 'volume_admin_metadata', 'volume_attachment', 'volume_type',
  'volume_type_extra_spec', 'volume_type_access', 'volume_qos_spec', 'volume_snapshot', 'volume_snapshot_metadata',
  'volume_backup', 'volume_transfer', 'volume_quota'];
const CONTENT_TYPES = ['application/json', 'application/json', 'application/json', 'text/plain', 'application/octet-stream', ''];
const GOOD_VERSIONS = ['3.0', '3.9', '3.27', '3.43', '3.55', '3.59', '3.60', 'latest', ...Object.values(FEATURES)];
const BAD_VERSIONS = ['volume 2.0', 'volume 3.61', 'volume 3.999', 'volume abc', 'volume 3.', 'volume -3.1', `volume ${'9'.repeat(400)}.1`, 'volume 4.0'];
const VOLUME_QUERIES = ['?limit=-1', '?limit=x', '?marker=nope', '?all_tenants=maybe', '?status=NOPE', '?sort=__proto__:asc',
  '?sort_key=size&sort_dir=sideways', '?sort=name&sort_key=name', '?offset=-3', '?metadata={bad', "?metadata={'k':'v'}",
  '?with_count=perhaps', '?bootable=maybe', '?project_id=%00', '?limit=1&limit=2', '?name=' + 'n'.repeat(300)];
const ACTIONS = ['os-extend', 'os-reset_status', 'os-force_delete', 'os-set_bootable', 'os-update_readonly_flag', 'os-attach',
  'os-detach', 'os-reserve', 'os-unreserve', 'os-begin_detaching', 'os-roll_detaching', 'os-initialize_connection',
  'os-terminate_connection', 'os-volume_upload_image', 'os-set_image_metadata', 'os-unset_image_metadata', 'os-show_image_metadata',
  'os-retype', 'revert', 'os-force_detach', 'addProjectAccess', 'removeProjectAccess', 'os-migrate_volume'];
const BODY_KEYS = ['name', 'description', 'size', 'new_size', 'volume_type', 'availability_zone', 'metadata', 'meta', 'snapshot_id',
  'source_volid', 'imageRef', 'backup_id', 'multiattach', 'volume_id', 'force', 'incremental', 'container', 'status',
  'auth_key', 'no_snapshots', 'extra_specs', 'is_public', 'bootable', 'readonly', 'image_name', 'disk_format', 'connector',
  'instance_uuid', 'mountpoint', 'host', 'volumes', 'gigabytes', 'snapshots', 'backups', 'project', 'keys', 'display_name'];

type PoolKind = 'volume' | 'snapshot' | 'backup' | 'transfer' | 'type' | 'project' | 'attachment' | 'message' | 'qos' | 'word';

const safeEncode = (s: string): string => { try { return encodeURIComponent(s) || 'x'; } catch { return 'x'; } };

interface Answer { status: number; text: string; contentType: string }

function problemWith(method: string, { status, text, contentType }: Answer): string | undefined {
  if (status >= 500) return `status ${status}: ${text.slice(0, 200)}`;
  const trace = STACK_TRACE.find((re) => re.test(text));
  if (trace) return `body looks like a stack trace (${trace}): ${text.slice(0, 300)}`;
  if (method === 'HEAD' || status < 400) return undefined;
  if (!contentType.startsWith('application/json')) return `error with content-type "${contentType}"`;
  let body: unknown;
  try { body = JSON.parse(text); } catch { return `error body is not JSON: ${text.slice(0, 200)}`; }
  const keys = typeof body === 'object' && body !== null ? Object.keys(body) : [];
  if (keys.length !== 1 || !FAULTS.has(keys[0]!)) return `not a Cinder error body: ${text.slice(0, 200)}`;
  const f = (body as Record<string, { code?: unknown; message?: unknown }>)[keys[0]!]!;
  if (f.code !== status) return `${keys[0]}.code ${String(f.code)} differs from status ${status}`;
  if (typeof f.message !== 'string' || f.message === '') return `${keys[0]}.message missing`;
  return undefined;
}

describe('block storage API under hostile input', () => {
  const seed = fuzzSeed();
  const rng = new Prng(seed);
  const gen = new ValueGen(rng);
  let v: VolumeTestCloud;
  let held: HeldManager;
  let callers: Array<{ who: Caller | undefined; token: string | undefined; label: string }>;
  const pools: Record<PoolKind, string[]> = { volume: [], snapshot: [], backup: [], transfer: [], type: [], project: [], attachment: [], message: [], qos: [], word: ['k0', 'a'] };
  let routes: { method: string; url: string }[];

  const rowCounts = () => Promise.all(GUARDED.map(async (table) => {
    const row = await v.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }));

  before(async () => {
    console.log(`# volume fuzz seed ${seed} (replay with NUBIS_FUZZ_SEED=${seed})`);
    v = await startVolumeTestCloud();
    // Work on these rows would only fail (no backend data behind them) and load the machine.
    held = holdManager(v);
    routes = v.tc.cloud.routes.filter((r) => r.url.startsWith('/volume'));
    const m = await createMemberUser(v.tc, 'nb-fuzz-volume-member');
    const s = await createMemberUser(v.tc, 'nb-fuzz-volume-stranger');
    const member: Caller = { token: m.token, projectId: m.projectId, userId: m.id };
    const stranger: Caller = { token: s.token, projectId: s.projectId, userId: s.id };
    callers = [
      { who: v.admin, token: v.admin.token, label: 'admin' }, { who: v.admin, token: v.admin.token, label: 'admin' },
      { who: member, token: member.token, label: 'member' }, { who: member, token: member.token, label: 'member' },
      { who: stranger, token: stranger.token, label: 'stranger' }, { who: undefined, token: undefined, label: 'none' },
      { who: undefined, token: 'gAAAAABbogus-token', label: 'bogus' },
    ];
    pools.project.push(member.projectId, v.admin.projectId);

    for (const owner of [member, v.admin]) {
      const vol = await insertVolume(v, owner, { size: 2 });
      const busy = await insertVolume(v, owner, { status: 'in-use', attach_status: 'attached' });
      await v.db.insertInto('volume_metadata').values({ volume_id: vol.id, key: 'k0', value: 'v' }).execute();
      const snap = await insertSnapshot(v, vol);
      await v.db.insertInto('volume_snapshot_metadata').values({ snapshot_id: snap.id, key: 'k0', value: 'v' }).execute();
      const full = await insertBackup(v, vol);
      const child = await insertBackup(v, vol, { is_incremental: 1, parent_id: full.id });
      const offered = await insertVolume(v, owner);
      const t = await v.call(owner, 'POST', '/os-volume-transfer', { transfer: { volume_id: offered.id } });
      if (t.status === 202) pools.transfer.push(t.body.transfer.id);
      pools.volume.push(vol.id, busy.id, offered.id);
      pools.snapshot.push(snap.id);
      pools.backup.push(full.id, child.id);
    }
    pools.type.push(...(await v.db.selectFrom('volume_type').select('id').execute()).map((r) => r.id));
    const t = await v.call(v.admin, 'POST', '/types', { volume_type: { name: 'nb-fuzz-type', extra_specs: { k0: 'v' } } });
    if (t.status === 200) pools.type.push(t.body.volume_type.id);
    const q = await v.call(v.admin, 'POST', '/qos-specs', { qos_specs: { name: 'nb-fuzz-qos', k0: 'v' } });
    if (q.status === 200) pools.qos.push(q.body.qos_specs.id);
  });
  after(async () => { held?.release(); await v?.close(); });

  function poolFor(param: string): string[] {
    const p = param.toLowerCase();
    const pick = (k: PoolKind) => (pools[k].length > 0 ? pools[k] : pools.word);
    for (const k of ['snapshot', 'backup', 'transfer', 'attachment', 'message', 'qos', 'project'] as const) if (p.includes(k)) return pick(k);
    if (p.includes('type')) return pick('type');
    if (p.includes('volume')) return pick('volume');
    return Object.values(pools).flat();
  }

  /** The route's path: the URL project mostly the caller's own, ids mostly real. */
  function fill(url: string, who: Caller | undefined, real = false): string {
    return url.replace(/:([A-Za-z_]+)/g, (_, param: string) => {
      if (param === 'project_id' && who && (real || rng.chance(0.85))) return who.projectId;
      if (real || rng.chance(0.6)) return safeEncode(rng.pick(poolFor(param)));
      return rng.chance(0.6) ? rng.pick(GARBAGE_IDS) : safeEncode(gen.string());
    });
  }

  function payload(url: string): string | undefined {
    if (rng.chance(0.1)) return undefined;
    if (rng.chance(0.15)) return rng.pick(MALFORMED_JSON);
    const last = url.split('/').filter((s) => s && !s.startsWith(':')).pop() ?? 'x';
    const guess = last.replace(/^os-/, '').replace(/-/g, '_').replace(/s$/, '');
    const wrapper = url.endsWith('/action') ? rng.pick(ACTIONS)
      : rng.pick([guess, guess, guess, 'volume', 'snapshot', 'backup', 'transfer', 'restore', 'accept', 'quota_set', 'metadata', 'meta', gen.key()]);
    let inner: unknown;
    if (rng.chance(0.25)) inner = gen.value(3);
    else {
      const obj: Record<string, unknown> = {};
      for (let i = 1 + rng.int(5); i > 0; i--) {
        const key = rng.chance(0.85) ? rng.pick(BODY_KEYS) : gen.key();
        const plausible: Record<string, () => unknown> = {
          volume_id: () => rng.pick(pools.volume), snapshot_id: () => rng.pick(pools.snapshot), backup_id: () => rng.pick(pools.backup),
          source_volid: () => rng.pick(pools.volume), size: () => rng.pick([1, 0, -1, 2 ** 40, '2', 1.5, 'x']),
          new_size: () => rng.pick([3, 1, -1, '4', 2 ** 53]), volume_type: () => rng.pick(pools.type.length ? pools.type : ['x']),
          status: () => rng.pick(['available', 'error', 'in-use', 'deleting', 'bogus']), force: () => rng.pick([true, 'True', 'maybe', 1]),
          auth_key: () => rng.pick(['0123456789abcdef', '', gen.string()]), incremental: () => rng.pick([true, 'yes', 'nah']),
        };
        setOwn(obj, key, Object.hasOwn(plausible, key) && rng.chance(0.7) ? plausible[key]!() : gen.value(2));
      }
      inner = obj;
    }
    const body: Record<string, unknown> = {};
    setOwn(body, wrapper, inner);
    if (rng.chance(0.1)) setOwn(body, gen.key(), gen.value(1));
    return JSON.stringify(rng.chance(0.05) ? [body] : body);
  }

  async function send(method: string, url: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${method} ${url.slice(0, 200)}: no answer within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
    });
    const res = await Promise.race([v.tc.cloud.app.inject({ method: method as 'GET', url, headers, payload: body }), hung]).finally(() => clearTimeout(timer));
    return { status: res.statusCode, text: res.body, contentType: String(res.headers['content-type'] ?? '') };
  }

  it('answers every route with a Cinder error body or a proper success, and refusals add no rows', async (ctx) => {
    assert.ok(routes.length >= 20, `only ${routes.length} volume routes registered`);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const route of routes) {
      for (let i = 0; i < CASES_PER_ROUTE; i++) {
        const c = rng.pick(callers);
        const url = fill(route.url, c.who) + (rng.chance(0.3) ? rng.pick([...VOLUME_QUERIES, ...GARBAGE_QUERIES]) : '');
        const contentType = rng.pick(CONTENT_TYPES);
        const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
        if (c.token) headers['x-auth-token'] = c.token;
        const r = rng.next();
        if (r < 0.45) headers['openstack-api-version'] = `volume ${rng.pick(GOOD_VERSIONS)}`;
        else if (r < 0.55) headers['openstack-api-version'] = rng.pick(BAD_VERSIONS);
        const body = BODY_METHODS.has(route.method) ? payload(route.url) : undefined;
        const writes = route.method !== 'GET' && route.method !== 'HEAD';
        const before = writes ? await rowCounts() : undefined;
        const res = await send(route.method, url, headers, body);
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const where = `${route.method} ${url.slice(0, 160)} [${contentType}; ${headers['openstack-api-version'] ?? '-'}; ${c.label}] ${String(body ?? '').slice(0, 120)}`;
        const p = problemWith(route.method, res);
        if (p) problems.push(`${where}: ${p}`);
        if (before && res.status >= 400) {
          const after = await rowCounts();
          const grew = GUARDED.filter((_, k) => after[k]! > before[k]!);
          if (grew.length > 0) problems.push(`${where}: answered ${res.status} yet added rows to ${grew.join(', ')}`);
        }
      }
    }
    const histogram = [...statuses].sort((a, b) => a[0] - b[0]).map(([k, n]) => `${k}×${n}`).join(' ');
    ctx.diagnostic(`seed ${seed}: ${sent} requests over ${routes.length} routes (${histogram})`);
    assert.equal(problems.length, 0, `seed ${seed} (replay with NUBIS_FUZZ_SEED=${seed}): ${problems.length} bad answers:\n${problems.slice(0, 30).join('\n')}`);
  });

  it('refuses unauthenticated callers, foreign URL projects, bad microversions and oversized bodies the Cinder way', async () => {
    const problems: string[] = [];
    const check = (where: string, method: string, res: Answer, expected: number[]) => {
      const p = problemWith(method, res);
      if (p) problems.push(`${where}: ${p}`);
      else if (!expected.includes(res.status)) problems.push(`${where}: ${res.status}, expected ${expected.join(' or ')}: ${res.text.slice(0, 160)}`);
    };
    const member = callers[2]!.who!;
    const stranger = callers[4]!.who!;
    for (const route of routes) {
      const inV3 = route.url.startsWith('/volume/v3/:project_id');
      const url = fill(route.url, member, true);
      const open = [200, 204, 300, 302, 401, 404];
      check(`${route.method} ${url} without a token`, route.method, await send(route.method, url, {}), inV3 ? [401] : open);
      check(`${route.method} ${url} with a bogus token`, route.method, await send(route.method, url, { 'x-auth-token': 'bogus' }), inV3 ? [401] : open);
      if (!inV3) continue;
      // A member naming another project in the URL is refused before anything is looked at.
      check(`${route.method} ${url} by another project's member`, route.method,
        await send(route.method, url, { 'x-auth-token': stranger.token, 'content-type': 'application/json' }, BODY_METHODS.has(route.method) ? '{}' : undefined), [403]);
      const bad = rng.pick(BAD_VERSIONS);
      check(`${route.method} ${url} at "${bad}"`, route.method, await send(route.method, url, { 'x-auth-token': member.token, 'openstack-api-version': bad }), [400, 404, 406]);
      if (BODY_METHODS.has(route.method)) {
        const huge = JSON.stringify({ x: { name: 'n'.repeat(2 * 1024 * 1024) } });
        check(`${route.method} ${url} with a 2 MiB body`, route.method,
          await send(route.method, url, { 'x-auth-token': member.token, 'content-type': 'application/json' }, huge), [413]);
        const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
        check(`${route.method} ${url} with deep JSON`, route.method,
          await send(route.method, url, { 'x-auth-token': member.token, 'content-type': 'application/json' }, deep), [400, 403, 404, 413]);
      }
    }
    assert.equal(problems.length, 0, `seed ${seed}: ${problems.length} bad answers:\n${problems.slice(0, 30).join('\n')}`);
  });

  it('leaves every listing readable', async () => {
    for (const path of ['/volumes/detail', '/snapshots/detail', '/backups/detail', '/os-volume-transfer/detail']) {
      const res = await v.call(v.admin, 'GET', `${path}?all_tenants=1`);
      if (res.status === 404 && !routes.some((r) => r.url.endsWith(path))) continue;
      assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 300)}`);
    }
  });
});
