// Issue 2 §6, "bad input": every identity route, fed hostile input by admins, members and
// strangers, answers with a Keystone 4xx body (never a 500 or a stack trace) and leaves nothing
// half-created. Cases come from a seeded PRNG: a failure prints the seed to replay it with
// NUBIS_FUZZ_SEED=<seed>. Routes are read from the app itself, so new routes are covered as
// soon as they are registered.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fuzzSeed, Prng } from '../harness/fuzz.js';
import { startTestCloud, type TestCloud } from '../harness/test-cloud.js';
import { CaseBuilder, wrapperOf, type Caller, type FuzzCase, type Victims } from './identity-fuzz.cases.js';
import { entityIds, ENTITY_TABLES, orphans, setUpVictims, type EntityTable, type FuzzSetup, type Snapshot } from './identity-fuzz.setup.js';

const CASES_PER_ROUTE = 30;
// Not a speed check: a request that never answers (a deadlock) must fail the test, not hang it.
const ANSWER_TIMEOUT_MS = 10_000;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
// Stack frames ("at fn (file:///x.js:1:2)", "at /x.js:1:2") and source positions.
const STACK_TRACE = [/\bat (?:async )?[\w$.<>[\] ]*\(?(?:file:|node:|\/)[^\s)]*:\d+/, /\.ts:/, /\.js:/, /node_modules/];

interface Sent { c: FuzzCase; status: number; text: string; contentType: string }

/** What is wrong with one answer, or undefined if it is a proper one. */
function problemWith({ c, status, text, contentType }: Sent): string | undefined {
  if (status >= 500) return `status ${status}`;
  const trace = STACK_TRACE.find((re) => re.test(text));
  if (trace) return `body looks like a stack trace (${trace}): ${text.slice(0, 300)}`;
  if (c.method === 'HEAD') return text === '' ? undefined : 'HEAD answered with a body';
  if (status >= 400) {
    if (!contentType.startsWith('application/json')) return `error with content-type "${contentType}"`;
    let body: unknown;
    try { body = JSON.parse(text); } catch { return `error body is not JSON: ${text.slice(0, 200)}`; }
    const e = (body as { error?: Record<string, unknown> } | null)?.error;
    if (!e || Object.keys(body as object).length !== 1) return `error body is not {"error": …}: ${text.slice(0, 200)}`;
    if (e.code !== status) return `error.code ${String(e.code)} differs from status ${status}`;
    if (typeof e.title !== 'string' || e.title === '') return 'error.title missing';
    if (typeof e.message !== 'string' || e.message === '') return 'error.message missing';
    return undefined;
  }
  if (text !== '') {
    try { JSON.parse(text); } catch { return `${status} body is not JSON: ${text.slice(0, 200)}`; }
  }
  return undefined;
}

describe('identity API under hostile input', () => {
  const seed = fuzzSeed();
  let t: TestCloud;
  let tokens: Record<Caller, string | undefined>;
  let victims: Victims;
  let before0: Snapshot;
  /** Ids the setup made on purpose, and ids the fuzz was told it created (2xx bodies). */
  let made: FuzzSetup['made'];
  const created = new Set<string>();
  /** Paths of DELETEs that answered 2xx: what they named (and what hangs off it) may be gone. */
  const deletedPaths: string[] = [];
  let routes: { method: string; url: string }[] = [];

  before(async () => {
    console.log(`# identity fuzz seed ${seed} (replay with NUBIS_FUZZ_SEED=${seed})`);
    t = await startTestCloud();
    before0 = await entityIds(t);
    routes = t.cloud.routes.filter((r) => r.url.startsWith('/identity'))
      .sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) || a.url.localeCompare(b.url));
    const setup = await setUpVictims(t, routes);
    victims = setup.victims;
    made = setup.made;
    tokens = { admin: await t.adminToken(), member: setup.memberToken, none: undefined, bogus: 'gAAAAABbogus-token-' + seed };
  });
  after(async () => { await t?.close(); });

  async function send(c: FuzzCase): Promise<Sent> {
    const headers = { ...c.headers };
    const token = tokens[c.caller];
    if (token) headers['x-auth-token'] = token;
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
    });
    const res = await Promise.race([t.cloud.app.inject({ method: c.method as 'GET', url: c.url, headers, payload: c.payload }), hung])
      .catch((err: Error) => { throw new Error(`${c.method} ${c.url.slice(0, 200)} as ${c.caller} with ${c.label.slice(0, 200)}: ${err.message}`); })
      .finally(() => clearTimeout(timer));
    const sent = { c, status: res.statusCode, text: res.body, contentType: String(res.headers['content-type'] ?? '') };
    if (res.statusCode < 300 && c.method === 'DELETE') deletedPaths.push(c.url);
    if (res.statusCode < 300 && c.method !== 'GET' && c.method !== 'HEAD' && res.body) {
      // A 2xx to a write names what it made: {"project": {"id": …}}, and what it made on the
      // way ({"endpoint": {"region_id": …}} for a region created with its endpoint).
      const body = JSON.parse(res.body) as Record<string, Record<string, unknown> | null>;
      for (const v of Object.values(body)) {
        if (!v || typeof v !== 'object') continue;
        for (const [k, id] of Object.entries(v)) if ((k === 'id' || k.endsWith('_id')) && typeof id === 'string') created.add(id);
      }
    }
    return sent;
  }

  it('answers every route, method and caller with a Keystone error body, never a 500', async (ctx) => {
    assert.ok(routes.length >= 20, `only ${routes.length} identity routes registered`);
    const rng = new Prng(seed);
    const builder = new CaseBuilder(rng, victims);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const record = (s: Sent) => {
      statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
      const p = problemWith(s);
      if (p) problems.push(`${s.c.method} ${s.c.url.slice(0, 200)} as ${s.c.caller} with ${s.c.label.slice(0, 200)}: ${p}`);
    };
    let sent = 0;
    for (const route of routes) {
      for (const c of builder.forRoute(route.method, route.url, CASES_PER_ROUTE)) { record(await send(c)); sent++; }
    }

    // Bodies over the 1 MiB limit are refused before any handler runs.
    for (const route of routes.filter((r) => BODY_METHODS.has(r.method))) {
      const c: FuzzCase = {
        method: route.method, url: builder.realPath(route.url), caller: 'admin', label: '2 MiB body',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ [wrapperOf(route.url) ?? 'x']: { name: 'n'.repeat(2 * 1024 * 1024) } }),
      };
      const s = await send(c);
      record(s);
      if (s.status !== 413) problems.push(`${c.method} ${c.url} with a 2 MiB body: ${s.status}, expected 413`);
      sent++;
    }

    // Methods a path does not have.
    const byPath = new Map<string, Set<string>>();
    // Fastify registers a HEAD of its own beside each GET (sometimes only the HEAD is reported).
    for (const r of routes) byPath.set(r.url, (byPath.get(r.url) ?? new Set()).add(r.method === 'HEAD' ? 'GET' : r.method));
    for (const [url, methods] of byPath) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !methods.has(m))) {
        const s = await send({ method, url: builder.realPath(url), caller: 'admin', headers: {}, label: 'unrouted method' });
        record(s);
        if (s.status !== 404 && s.status !== 405) problems.push(`${method} ${url}: ${s.status} for a method it lacks`);
        sent++;
      }
    }
    const histogram = [...statuses].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}×${v}`).join(' ');
    ctx.diagnostic(`seed ${seed}: ${sent} requests over ${routes.length} routes (${histogram}); ` +
      `${created.size} ids created, ${deletedPaths.length} deletes`);
    assert.equal(problems.length, 0,
      `seed ${seed} (replay with NUBIS_FUZZ_SEED=${seed}): ${problems.length} bad answers:\n${problems.slice(0, 30).join('\n')}`);
  });

  it('leaves nothing half-created and nothing it did not delete missing', async () => {
    const now = await entityIds(t);
    const victimIds = new Set(Object.values(victims));
    const deleted = (id: string) => deletedPaths.some((p) => p.includes(`/${id}`) ||
      [...victimIds].some((v) => p.includes(`/${v}`) && dependsOn(id, v)));
    const problems: string[] = [];
    for (const table of ENTITY_TABLES) {
      const expected = new Set([...before0[table], ...(made[table] ?? [])]);
      for (const id of now[table]) {
        if (!expected.has(id) && !created.has(id)) problems.push(`${table} ${id} exists but no request reported creating it`);
      }
      for (const id of expected) {
        if (now[table].has(id)) continue;
        if (!victimIds.has(id)) problems.push(`${table} ${id} vanished, yet the fuzz never named it`);
        else if (!deleted(id)) problems.push(`${table} ${id} vanished without a successful DELETE of it`);
      }
    }
    problems.push(...await orphans(t));
    assert.deepEqual(problems, []);

    // The same through the API: each listing shows exactly what the database holds.
    const admin = tokens.admin!;
    const listings: [string, string, EntityTable][] = [
      ['projects', 'projects', 'project'], ['users', 'users', 'identity_user'], ['groups', 'groups', 'identity_group'],
      ['roles', 'roles', 'role'], ['regions', 'regions', 'region'], ['services', 'services', 'service'],
      ['endpoints', 'endpoints', 'endpoint'], ['domains', 'domains', 'domain'],
    ];
    for (const [path, key, table] of listings) {
      if (!routes.some((r) => r.method === 'GET' && r.url === `/identity/v3/${path}`)) continue;
      const res = await t.request('GET', `/identity/v3/${path}`, { token: admin });
      assert.equal(res.status, 200, `GET /v3/${path} after the fuzz: ${res.text}`);
      const listed = new Set<string>((res.body[key] as { id: string }[]).map((x) => x.id));
      const inDb = table === 'role' ? await globalRoleIds(t) : now[table];
      assert.deepEqual([...listed].sort(), [...inDb].sort(), `GET /v3/${path} differs from the database`);
      const expected = [...before0[table]].filter((id) => !victimIds.has(id));
      for (const id of expected) assert.ok(listed.has(id), `${path}: ${id} from before the fuzz is missing`);
    }
  });

  /** Whether deleting victim `v` may take `id` with it (an endpoint with its service or region,
   *  an application credential with its user or project). */
  function dependsOn(id: string, v: string): boolean {
    if (id === victims.endpoint) return v === victims.service || v === victims.region;
    if (id === victims.application_credential) return v === victims.user || v === victims.project;
    return false;
  }
});

async function globalRoleIds(t: TestCloud): Promise<Set<string>> {
  const rows = await t.cloud.identity.deps.db.selectFrom('role').select('id').where('domain_id', '=', '').execute();
  return new Set(rows.map((r) => r.id));
}
