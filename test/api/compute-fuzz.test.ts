// "Bad input" for compute: every route under /compute, fed hostile input (malformed, oversized and
// wrongly typed bodies, garbage ids and queries, bad microversions) by an admin, a project member,
// a member of another project, a caller without a token and one with a bogus token, answers with
// Nova's error body (never a 500 or a stack trace), and a refused request adds no rows. Cases come
// from a seeded PRNG: a failure prints the seed to replay it with NUBIS_FUZZ_SEED=<seed>. Routes
// are read from the app itself, so each compute slice is covered as soon as it is registered.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/platform/config.js';
import type { ComputeDb, ComputeTables } from '../../src/compute/compute.tables.js';
import { FEATURES } from '../../src/compute/microversions.js';
import { fuzzSeed, GARBAGE_IDS, GARBAGE_QUERIES, MALFORMED_JSON, Prng, setOwn, ValueGen } from '../harness/fuzz.js';
import { createMemberUser } from '../harness/member-user.js';
import { startTestCloud, type TestCloud } from '../harness/test-cloud.js';
import { insertServer } from '../harness/compute-fixtures.js';

const CASES_PER_ROUTE = Number(process.env.NUBIS_FUZZ_CASES ?? 12);
const ANSWER_TIMEOUT_MS = 10_000;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const STACK_TRACE = [/\bat (?:async )?[\w$.<>[\] ]*\(?(?:file:|node:|\/)[^\s)]*:\d+/, /\.ts:/, /\.js:/, /node_modules/];
const NOVA_FAULTS = new Set(['badRequest', 'itemNotFound', 'forbidden', 'conflictingRequest', 'unauthorized', 'badMethod',
  'overLimit', 'badMediaType', 'computeFault', 'notImplemented', 'serviceUnavailable']);
/** Tables only the API writes: a refused request must not add rows to them. (Actions are checked
 *  by request id instead, since workflows started earlier may record theirs meanwhile; events,
 *  allocations, nodes, services and console tokens are written by agents and timers as well.) */
const GUARDED: (keyof ComputeTables)[] = ['compute_instance', 'compute_instance_metadata', 'compute_instance_tag',
  'compute_flavor', 'compute_flavor_access', 'compute_flavor_extra_spec', 'compute_keypair',
  'compute_aggregate', 'compute_aggregate_host', 'compute_aggregate_metadata', 'compute_server_group',
  'compute_server_group_member', 'compute_quota'];
const CONTENT_TYPES = ['application/json', 'application/json', 'application/json', 'text/plain',
  'application/x-www-form-urlencoded', 'application/octet-stream', 'application/json; charset=utf-8', ''];
const GOOD_VERSIONS = ['2.1', '2.26', '2.37', '2.51', '2.58', '2.62', 'latest', ...Object.values(FEATURES)];
const BAD_VERSIONS = ['compute 2.0', 'compute 3.0', 'compute 2.65', 'compute 2.999', 'compute abc', 'compute 2.', 'compute -2.1',
  'compute 2.1.1', `compute ${'9'.repeat(400)}.1`, 'compute 1.1'];
const COMPUTE_QUERIES = ['?limit=-1', '?limit=x', '?marker=nope', '?changes-since=yesterday', '?all_tenants=maybe',
  '?status=NOPE', '?sort_key=__proto__', '?sort_dir=sideways', '?detailed=perhaps', '?start=x&end=y', '?minDisk=-5',
  '?is_public=maybe', '?user_id=%00', '?tags=,,', '?limit=1&limit=2', '?changes-before=2026-13-01', '?host=' + 'h'.repeat(300)];
const ACTIONS = ['os-start', 'os-stop', 'reboot', 'rebuild', 'resize', 'confirmResize', 'revertResize', 'createImage',
  'pause', 'unpause', 'suspend', 'resume', 'lock', 'unlock', 'shelve', 'unshelve', 'shelveOffload', 'rescue', 'unrescue',
  'os-resetState', 'forceDelete', 'restore', 'migrate', 'os-getConsoleOutput', 'os-getVNCConsole', 'add_host',
  'remove_host', 'set_metadata', 'addTenantAccess', 'removeTenantAccess', 'changePassword', 'trigger_crash_dump'];
const BODY_KEYS = ['name', 'flavorRef', 'imageRef', 'networks', 'metadata', 'meta', 'tags', 'key_name', 'min_count',
  'max_count', 'vcpus', 'ram', 'disk', 'id', 'type', 'host', 'policy', 'policies', 'rules', 'availability_zone',
  'description', 'adminPass', 'user_data', 'block_device_mapping_v2', 'security_groups', 'public_key', 'instances',
  'cores', 'locked_reason', 'state', 'console', 'protocol', 'length', 'tenant', 'status', 'forced_down', 'force'];

type Pools = Record<'server' | 'flavor' | 'project' | 'user' | 'request' | 'host' | 'keypair' | 'aggregate' | 'group' | 'image' | 'word', string[]>;

function safeEncode(s: string): string {
  try { return encodeURIComponent(s) || 'x'; } catch { return 'x'; }
}

interface Answer { status: number; text: string; contentType: string; requestId?: string }

/** What is wrong with one answer, or undefined if it is a proper one. */
function problemWith(method: string, { status, text, contentType }: Answer): string | undefined {
  // 501 is an answer Nova gives on purpose (hypervisor uptime a driver cannot tell); other 5xx are faults.
  if (status >= 500 && status !== 501) return `status ${status}: ${text.slice(0, 200)}`;
  const trace = STACK_TRACE.find((re) => re.test(text));
  if (trace) return `body looks like a stack trace (${trace}): ${text.slice(0, 300)}`;
  if (method === 'HEAD' || status < 400) return undefined;
  if (!contentType.startsWith('application/json')) return `error with content-type "${contentType}"`;
  let body: unknown;
  try { body = JSON.parse(text); } catch { return `error body is not JSON: ${text.slice(0, 200)}`; }
  const keys = typeof body === 'object' && body !== null ? Object.keys(body) : [];
  if (keys.length !== 1 || !NOVA_FAULTS.has(keys[0]!)) return `not a Nova error body: ${text.slice(0, 200)}`;
  const f = (body as Record<string, { code?: unknown; message?: unknown }>)[keys[0]!]!;
  if (f.code !== status) return `${keys[0]}.code ${String(f.code)} differs from status ${status}`;
  if (typeof f.message !== 'string' || f.message === '') return `${keys[0]}.message missing`;
  return undefined;
}

async function rowCounts(db: ComputeDb): Promise<number[]> {
  return Promise.all(GUARDED.map(async (table) => {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }));
}

describe('compute API under hostile input', () => {
  const seed = fuzzSeed();
  const rng = new Prng(seed);
  const gen = new ValueGen(rng);
  let t: TestCloud;
  let db: ComputeDb;
  let tokens: (string | undefined)[];
  let admin: string;
  const pools: Pools = { server: [], flavor: [], project: [], user: [], request: [], host: [], keypair: [], aggregate: [], group: [], image: [], word: ['a', 'k0', 'tag-1'] };
  let routes: { method: string; url: string }[];

  /** Collects the ids a seeding answer names, by the kind its key suggests. */
  function harvest(value: unknown, kind: keyof Pools): void {
    if (Array.isArray(value)) { value.forEach((v) => harvest(v, kind)); return; }
    if (typeof value !== 'object' || value === null) return;
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && (k === 'id' || k === 'uuid' || k === 'name')) pools[kind].push(v);
      else harvest(v, kind);
    }
  }

  async function seedVia(method: string, url: string, token: string, body: unknown, kind: keyof Pools, headers: Record<string, string> = {}) {
    // A slice not registered yet: seeding through it would only add 404s.
    if (!routes.some((r) => r.method === method && new RegExp(`^${r.url.replace(/:[^/]+/g, '[^/]+')}$`).test(url))) return undefined;
    const res = await t.request(method, url, { token, body, headers });
    if (res.status < 300) harvest(res.body, kind);
    return res;
  }

  before(async () => {
    console.log(`# compute fuzz seed ${seed} (replay with NUBIS_FUZZ_SEED=${seed})`);
    t = await startTestCloud({ compute: { ...loadConfig({ stateDir: '/tmp/nb-compute-fuzz' }, {}).compute, driver: 'fake', fakeHosts: 2 } });
    db = t.cloud.compute.ctx.deps.db;
    routes = t.cloud.routes.filter((r) => r.url.startsWith('/compute'));
    admin = await t.adminToken();
    const member = await createMemberUser(t, 'nb-fuzz-compute-member');
    const stranger = await createMemberUser(t, 'nb-fuzz-compute-stranger');
    // Mostly real callers, so most cases get past authentication (the second test covers the rest).
    tokens = [admin, admin, member.token, member.token, stranger.token, undefined, 'gAAAAABbogus-token'];
    const adminProject = (await t.request('GET', '/identity/v3/projects?name=admin', { token: admin })).body.projects[0].id as string;
    const adminUser = (await t.request('GET', '/identity/v3/users?name=admin', { token: admin })).body.users[0].id as string;
    pools.project.push(member.projectId, adminProject);
    pools.user.push(member.id, adminUser);

    // Seed through the API where the slices exist, so later cases reach deep into real objects.
    await seedVia('POST', '/compute/v2.1/flavors', admin, { flavor: { name: 'nb-fuzz-flavor', ram: 64, vcpus: 1, disk: 1 } }, 'flavor');
    if (pools.flavor.length === 0) {
      const ts = new Date().toISOString();
      await db.insertInto('compute_flavor').values({ id: 'nb-fuzz-flavor', name: 'nb-fuzz-flavor', vcpus: 1, ram: 64, disk: 1, ephemeral: 0, swap: 0,
        rxtx_factor: 1, is_public: 1, disabled: 0, description: null, created_at: ts, updated_at: null }).execute();
      pools.flavor.push('nb-fuzz-flavor');
    }
    const image = await t.request('POST', '/image/v2/images', { token: admin, body: { name: 'nb-fuzz-image', disk_format: 'raw', container_format: 'bare', visibility: 'public' } });
    if (image.status === 201) {
      pools.image.push(image.body.id);
      await t.request('PUT', `/image/v2/images/${image.body.id}/file`, { token: admin, rawBody: Buffer.alloc(1024 * 1024), headers: { 'content-type': 'application/octet-stream' } });
    }
    const boot = await seedVia('POST', '/compute/v2.1/servers', member.token,
      { server: { name: 'nb-fuzz-vm', flavorRef: pools.flavor[0], imageRef: pools.image[0], networks: 'none' } }, 'server',
      { 'OpenStack-API-Version': 'compute 2.37' });
    if (boot?.status === 202) {
      for (let i = 0; i < 50; i++) {
        const s = await t.request('GET', `/compute/v2.1/servers/${boot.body.server.id}`, { token: member.token });
        if (s.body?.server?.status !== 'BUILD') break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await seedVia('POST', '/compute/v2.1/os-keypairs', member.token, { keypair: { name: 'nb-fuzz-key' } }, 'keypair');
    await seedVia('POST', '/compute/v2.1/os-server-groups', member.token, { server_group: { name: 'nb-fuzz-group', policies: ['anti-affinity'] } }, 'group');
    await seedVia('POST', '/compute/v2.1/os-aggregates', admin, { aggregate: { name: 'nb-fuzz-agg' } }, 'aggregate');
    const hosts = await db.selectFrom('compute_service').select('host').execute();
    pools.host.push(...hosts.map((h) => h.host), ...(await db.selectFrom('compute_node').select('id').execute()).map((n) => n.id));

    // Servers in the states the API cannot reach at once: locked, stopped, building, deleted.
    const fixtures = [
      await insertServer(db, member.projectId, member.id, {}),
      await insertServer(db, member.projectId, member.id, { locked: 1, locked_by: 'admin', vm_state: 'stopped', power_state: 4 }),
      await insertServer(db, adminProject, adminUser, { vm_state: 'building', task_state: 'spawning' }),
      await insertServer(db, member.projectId, member.id, { deleted: 1, vm_state: 'deleted', deleted_at: new Date().toISOString() }),
    ];
    for (const s of fixtures) {
      pools.server.push(s.uuid);
      await db.insertInto('compute_instance_metadata').values({ instance_uuid: s.uuid, key: 'k0', value: 'v' }).execute();
      await db.insertInto('compute_instance_tag').values({ instance_uuid: s.uuid, tag: 'tag-1' }).execute();
      const ts = new Date().toISOString();
      await db.insertInto('compute_instance_action').values({ id: `nb-${s.uuid}`, instance_uuid: s.uuid, request_id: `req-${s.uuid}`,
        action: 'create', project_id: s.project_id, user_id: s.user_id, start_time: ts, finish_time: ts, message: null, updated_at: ts }).execute();
    }
    pools.request.push(...(await db.selectFrom('compute_instance_action').select('request_id').execute()).map((r) => r.request_id));
  });
  after(async () => { await t?.close(); });

  function poolFor(param: string): string[] {
    const p = param.toLowerCase();
    const pick = (k: keyof Pools) => (pools[k].length > 0 ? pools[k] : pools.word);
    if (p.includes('server') || p.includes('instance')) return pick('server');
    if (p.includes('flavor')) return pick('flavor');
    if (p.includes('project') || p.includes('tenant')) return pick('project');
    if (p.includes('user')) return pick('user');
    if (p.includes('request')) return pick('request');
    if (p.includes('host') || p.includes('hypervisor') || p.includes('node') || p.includes('service')) return pick('host');
    if (p.includes('keypair')) return pick('keypair');
    if (p.includes('aggregate')) return pick('aggregate');
    if (p.includes('group')) return pick('group');
    if (p.includes('image')) return pick('image');
    return Object.values(pools).flat();
  }

  /** The route's path with each `:param` replaced by a real id, a garbage id or a nasty string. */
  function fill(url: string, real = false): string {
    return url.replace(/:([A-Za-z_]+)/g, (_, param: string) => {
      if (real || rng.chance(0.55)) return safeEncode(rng.pick(poolFor(param)));
      return rng.chance(0.6) ? rng.pick(GARBAGE_IDS) : safeEncode(gen.string());
    });
  }

  /** A body shaped like a compute request often enough to pass the first checks. */
  function payload(url: string, contentType: string): string | Buffer | undefined {
    if (rng.chance(0.1)) return undefined;
    if (rng.chance(0.15)) return rng.pick(MALFORMED_JSON);
    if (contentType === 'application/octet-stream') return Buffer.alloc(rng.int(2000), rng.int(256));
    const last = url.split('?')[0]!.split('/').filter((s) => s && !s.startsWith(':')).pop() ?? 'x';
    const guess = last.replace(/^os-/, '').replace(/-/g, '_').replace(/s$/, '');
    const wrapper = url.endsWith('/action') ? rng.pick(ACTIONS) : rng.pick([guess, guess, guess, last, 'metadata', 'meta', 'tags', gen.key()]);
    let inner: unknown;
    if (rng.chance(0.25)) inner = gen.value(3);
    else {
      const obj: Record<string, unknown> = {};
      for (let i = 1 + rng.int(5); i > 0; i--) {
        const key = rng.chance(0.85) ? rng.pick(BODY_KEYS) : gen.key();
        const plausible: Record<string, () => unknown> = {
          flavorRef: () => rng.pick(pools.flavor.length ? pools.flavor : ['x']), imageRef: () => rng.pick(pools.image.length ? pools.image : ['x']),
          networks: () => rng.pick(['none', 'auto', [], [{ uuid: 'nope' }], [{ port: 1 }]]), name: () => rng.chance(0.5) ? `nb-fuzz-${rng.int(1000)}` : gen.string(),
          ram: () => rng.pick([64, -1, 0, 2 ** 40, '64', 1.5]), vcpus: () => rng.pick([1, 0, -1, 10 ** 9, '1']), disk: () => rng.pick([1, 0, -1, 'x']),
          host: () => rng.pick(pools.host.length ? pools.host : ['x']), type: () => rng.pick(['HARD', 'SOFT', 'ssh', 'x509', 'novnc', gen.string()]),
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

  async function send(method: string, url: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${method} ${url.slice(0, 200)}: no answer within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
    });
    const res = await Promise.race([t.cloud.app.inject({ method: method as 'GET', url, headers, payload: body }), hung]).finally(() => clearTimeout(timer));
    const requestId = res.headers['x-openstack-request-id'];
    return { status: res.statusCode, text: res.body, contentType: String(res.headers['content-type'] ?? ''), requestId: typeof requestId === 'string' ? requestId : undefined };
  }

  it('answers every route with a Nova error body or a proper success, and refusals add no rows', async (ctx) => {
    assert.ok(routes.length >= 10, `only ${routes.length} compute routes registered`);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const route of routes) {
      for (let i = 0; i < CASES_PER_ROUTE; i++) {
        const url = fill(route.url) + (rng.chance(0.3) ? rng.pick([...COMPUTE_QUERIES, ...GARBAGE_QUERIES]) : '');
        const contentType = rng.pick(CONTENT_TYPES);
        const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
        const token = rng.pick(tokens);
        if (token) headers['x-auth-token'] = token;
        const v = rng.next();
        if (v < 0.4) headers['openstack-api-version'] = `compute ${rng.pick(GOOD_VERSIONS)}`;
        else if (v < 0.5) headers['openstack-api-version'] = rng.pick(BAD_VERSIONS);
        else if (v < 0.55) headers['x-openstack-nova-api-version'] = rng.pick(['2.5', 'x', '', '2.64', '4.0']);
        const body = BODY_METHODS.has(route.method) ? payload(route.url, contentType) : undefined;
        const writes = route.method !== 'GET' && route.method !== 'HEAD';
        const countsBefore = writes ? await rowCounts(db) : undefined;
        const res = await send(route.method, url, headers, body);
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const where = `${route.method} ${url.slice(0, 160)} [${contentType}; ${headers['openstack-api-version'] ?? '-'}; ${token === admin ? 'admin' : token ? 'other' : 'none'}] ${String(body ?? '').slice(0, 120)}`;
        const p = problemWith(route.method, res);
        if (p) problems.push(`${where}: ${p}`);
        if (countsBefore && res.status >= 400) {
          const countsAfter = await rowCounts(db);
          const grew = GUARDED.filter((_, k) => countsAfter[k]! > countsBefore[k]!);
          if (grew.length > 0) problems.push(`${where}: answered ${res.status} yet added rows to ${grew.join(', ')}`);
          const recorded = res.requestId === undefined ? undefined
            : await db.selectFrom('compute_instance_action').select('action').where('request_id', '=', res.requestId).executeTakeFirst();
          if (recorded) problems.push(`${where}: answered ${res.status} yet recorded instance action ${recorded.action}`);
        }
      }
    }
    const histogram = [...statuses].sort((a, b) => a[0] - b[0]).map(([k, n]) => `${k}×${n}`).join(' ');
    const seeded = Object.entries(pools).map(([k, v]) => `${k} ${v.length}`).join(', ');
    ctx.diagnostic(`seed ${seed}: ${sent} requests over ${routes.length} routes (${histogram}); seeded ${seeded}`);
    assert.equal(problems.length, 0, `seed ${seed} (replay with NUBIS_FUZZ_SEED=${seed}): ${problems.length} bad answers:\n${problems.slice(0, 30).join('\n')}`);
  });

  it('refuses unauthenticated callers, bad microversions, oversized bodies and absent methods the Nova way', async () => {
    const problems: string[] = [];
    const check = (where: string, method: string, res: Answer, expected: number[]) => {
      const p = problemWith(method, res);
      if (p) problems.push(`${where}: ${p}`);
      else if (!expected.includes(res.status)) problems.push(`${where}: ${res.status}, expected ${expected.join(' or ')}: ${res.text.slice(0, 160)}`);
    };
    const byPath = new Map<string, Set<string>>();
    for (const r of routes) byPath.set(r.url, (byPath.get(r.url) ?? new Set()).add(r.method === 'HEAD' ? 'GET' : r.method));
    for (const route of routes) {
      const url = fill(route.url, true);
      // Version documents (/compute, /compute/v2.1/) are public; everything else wants a token.
      const inV21 = route.url.startsWith('/compute/v2.1/') && route.url !== '/compute/v2.1/';
      const anon = await send(route.method, url, {});
      if (inV21) check(`${route.method} ${url} without a token`, route.method, anon, [401]);
      else check(`${route.method} ${url} without a token`, route.method, anon, [200, 204, 300, 302, 401, 404]);
      check(`${route.method} ${url} with a bogus token`, route.method, await send(route.method, url, { 'x-auth-token': 'bogus' }), inV21 ? [401] : [200, 204, 300, 302, 401, 404]);
      if (inV21) {
        const bad = rng.pick(BAD_VERSIONS);
        check(`${route.method} ${url} at "${bad}"`, route.method, await send(route.method, url, { 'x-auth-token': admin, 'openstack-api-version': bad }), [400, 406]);
      }
      if (BODY_METHODS.has(route.method)) {
        const huge = JSON.stringify({ x: { name: 'n'.repeat(2 * 1024 * 1024) } });
        check(`${route.method} ${url} with a 2 MiB body`, route.method,
          await send(route.method, url, { 'x-auth-token': admin, 'content-type': 'application/json', 'openstack-api-version': 'compute latest' }, huge), [413]);
        const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
        check(`${route.method} ${url} with deep JSON`, route.method,
          await send(route.method, url, { 'x-auth-token': admin, 'content-type': 'application/json' }, deep), [400, 404, 413]);
      }
    }
    for (const [path, methods] of byPath) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !methods.has(m))) {
        const url = fill(path, true);
        check(`${method} ${url} (no such method)`, method, await send(method, url, { 'x-auth-token': admin }), [404, 405]);
      }
    }
    assert.equal(problems.length, 0, `seed ${seed}: ${problems.length} bad answers:\n${problems.slice(0, 30).join('\n')}`);
  });

  it('leaves every stored server readable and consistent', async () => {
    // A half-written server (bad flavor JSON, metadata on a missing row) would break every listing.
    const rows = await db.selectFrom('compute_instance').select(['uuid', 'flavor', 'system_metadata', 'networks', 'scheduler_hints']).execute();
    for (const r of rows) {
      for (const col of ['flavor', 'system_metadata', 'networks', 'scheduler_hints'] as const) {
        assert.doesNotThrow(() => JSON.parse(r[col]), `server ${r.uuid} has ${col} that is not JSON`);
      }
    }
    if (routes.some((r) => r.method === 'GET' && r.url === '/compute/v2.1/servers/detail')) {
      const res = await t.request('GET', '/compute/v2.1/servers/detail?all_tenants=1', { token: admin });
      assert.equal(res.status, 200, res.text.slice(0, 300));
    }
  });
});
