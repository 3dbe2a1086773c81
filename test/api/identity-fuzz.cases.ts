// Builds the fuzz cases for one identity route: path params (real ids or garbage), query
// strings, bodies (malformed, wrong types, deep, huge, mutated, unicode) and callers. Pure:
// the same seed and routes give the same cases.
import { deepJson, GARBAGE_IDS, GARBAGE_QUERIES, MALFORMED_JSON, Prng, setOwn, ValueGen } from '../harness/fuzz.js';

export type Caller = 'admin' | 'member' | 'none' | 'bogus';

export interface FuzzCase {
  method: string;
  url: string;
  caller: Caller;
  headers: Record<string, string>;
  payload?: string;
  /** What kind of input this is, for failure messages. */
  label: string;
}

/** Real ids the cases may put in paths and bodies: resources the test made to be fuzzed. */
export type Victims = Partial<Record<VictimKind, string>>;
export type VictimKind = 'domain' | 'project' | 'user' | 'group' | 'role' | 'role2' | 'region' | 'service'
  | 'endpoint' | 'application_credential' | 'credential';

/** Which victim a path parameter or body field names, by its Keystone name. */
export function victimKind(param: string): VictimKind | undefined {
  switch (param.replace(/_id$/, '')) {
    case 'domain': case 'project': case 'user': case 'group': case 'region': case 'service': case 'endpoint':
    case 'application_credential': case 'credential':
      return param.replace(/_id$/, '') as VictimKind;
    case 'parent_region': return 'region';
    case 'parent': case 'default_project': return 'project';
    case 'role': case 'prior_role': return 'role';
    case 'implied_role': return 'role2';
    default: return undefined;
  }
}

// The fields Keystone knows for each request wrapper, so mutated bodies get past the outer
// schema and reach the service code, where the interesting failures are.
const FIELDS: Record<string, string[]> = {
  domain: ['name', 'description', 'enabled', 'tags', 'explicit_domain_id', 'options'],
  project: ['name', 'domain_id', 'parent_id', 'description', 'enabled', 'tags', 'is_domain', 'options'],
  user: ['name', 'domain_id', 'password', 'enabled', 'default_project_id', 'description', 'email', 'options', 'original_password'],
  group: ['name', 'domain_id', 'description'],
  role: ['name', 'domain_id', 'description', 'options'],
  region: ['id', 'description', 'parent_region_id'],
  service: ['type', 'name', 'description', 'enabled'],
  endpoint: ['service_id', 'interface', 'url', 'region_id', 'region', 'enabled'],
  application_credential: ['name', 'description', 'secret', 'expires_at', 'roles', 'unrestricted', 'access_rules'],
  credential: ['blob', 'type', 'user_id', 'project_id'],
};

/** The request wrapper of a route, from its last literal path segment. */
export function wrapperOf(url: string): string | undefined {
  const last = url.split('/').filter((s) => s && !s.startsWith(':')).pop() ?? '';
  if (last === 'tokens') return 'auth';
  if (last === 'password') return 'user';
  if (last === 'tags') return 'tags';
  const singular = last.replace(/ies$/, 'y').replace(/s$/, '');
  return FIELDS[singular] ? singular : undefined;
}

export class CaseBuilder {
  private readonly values: ValueGen;
  private serial = 0;
  constructor(private readonly rng: Prng, private readonly victims: Victims) {
    this.values = new ValueGen(rng);
  }

  /** `count` cases for one route. */
  forRoute(method: string, url: string, count: number): FuzzCase[] {
    return Array.from({ length: count }, () => this.one(method, url));
  }

  /** A path with every `:param` replaced: mostly a real id of the right kind, else garbage. */
  path(url: string): string {
    return url.split('/').map((seg) => {
      if (!seg.startsWith(':')) return seg;
      const real = this.victims[victimKind(seg.slice(1)) ?? 'project'];
      return real && this.rng.chance(0.65) ? real : this.rng.pick(GARBAGE_IDS);
    }).join('/');
  }

  /** A path with every `:param` replaced by a real id (or a well-formed unknown one). */
  realPath(url: string): string {
    return url.split('/').map((seg) => (seg.startsWith(':') ? this.victims[victimKind(seg.slice(1)) ?? 'project'] ?? 'nonexistent' : seg)).join('/');
  }

  private one(method: string, url: string): FuzzCase {
    const caller = this.rng.pick<Caller>(['admin', 'admin', 'admin', 'member', 'member', 'none', 'bogus']);
    const query = this.rng.chance(0.3) ? this.rng.pick(GARBAGE_QUERIES) : '';
    const headers: Record<string, string> = {};
    if (this.rng.chance(0.1)) headers['x-subject-token'] = this.rng.pick(['', 'garbage', 'z'.repeat(2000), '\u00e9t\u00e9']);
    const body = this.body(wrapperOf(url));
    if (body.contentType !== undefined) headers['content-type'] = body.contentType;
    return { method, url: this.path(url) + query, caller, headers, payload: body.payload, label: body.label };
  }

  private body(wrapper: string | undefined): { payload?: string; contentType?: string; label: string } {
    const json = 'application/json';
    switch (this.rng.int(12)) {
      case 0: return { label: 'no body' };
      case 1: return { payload: '', contentType: json, label: 'empty body' };
      case 2: {
        const text = this.rng.pick(MALFORMED_JSON);
        return { payload: text, contentType: json, label: `malformed JSON ${JSON.stringify(text)}` };
      }
      case 3: {
        const v = this.rng.pick<unknown>([[], [1, 2], 0, -1.5, null, 'string', true, { [wrapper ?? 'x']: [] }, { [wrapper ?? 'x']: null }]);
        return { payload: JSON.stringify(v), contentType: json, label: `wrong type ${JSON.stringify(v)}` };
      }
      case 4: {
        const depth = this.rng.pick([100, 1_000, 10_000, 100_000]);
        const objects = this.rng.chance(0.5);
        const inner = deepJson(depth, objects);
        const payload = wrapper && this.rng.chance(0.7) ? `{"${wrapper}":{"name":"fuzz-deep","extra":${inner}}}` : inner;
        return { payload, contentType: json, label: `nested ${depth} deep` };
      }
      case 5: {
        const big = 'h'.repeat(this.rng.pick([4_096, 65_536, 400_000]));
        return { payload: JSON.stringify({ [wrapper ?? 'x']: { name: big, description: big } }), contentType: json, label: 'huge strings' };
      }
      case 6: {
        const plausible = JSON.stringify(this.plausible(wrapper));
        const ct = this.rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
          'application/xml', 'application/json; charset=latin1', 'application/jsonx', '', 'application/json-patch+json']);
        return { payload: plausible, contentType: ct, label: `content-type "${ct}"` };
      }
      case 7: {
        const v = this.values.value(4);
        return { payload: JSON.stringify(v), contentType: json, label: 'random JSON' };
      }
      default: {
        const body = this.mutate(this.plausible(wrapper));
        return { payload: JSON.stringify(body), contentType: json, label: `mutated ${JSON.stringify(body).slice(0, 160)}` };
      }
    }
  }

  /** A body the route would likely accept (unique names, victim ids for *_id fields). */
  private plausible(wrapper: string | undefined): Record<string, unknown> {
    const n = ++this.serial;
    if (wrapper === 'auth') {
      return {
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'fuzz-victim-user', domain: { id: 'default' }, password: 'wrong' } } },
          scope: { project: { id: this.victims.project ?? 'nope' } },
        },
      };
    }
    if (wrapper === 'tags') return { tags: ['a', 'b'] };
    if (!wrapper) return { [this.values.key()]: this.values.value(2) };
    const inner: Record<string, unknown> = {};
    for (const field of FIELDS[wrapper] ?? []) {
      if (this.rng.chance(0.5)) continue;
      setOwn(inner, field, this.fieldValue(field, n));
    }
    return { [wrapper]: inner };
  }

  private fieldValue(field: string, n: number): unknown {
    const kind = victimKind(field);
    if (kind) return this.rng.chance(0.7) ? (this.victims[kind] ?? 'nope') : this.rng.pick(GARBAGE_IDS);
    switch (field) {
      case 'name': case 'type': return `fuzz-${this.rng.seed}-${n}`;
      case 'id': return `fuzz-region-${this.rng.seed}-${n}`;
      case 'enabled': case 'unrestricted': return this.rng.chance(0.8);
      case 'tags': return ['fuzz', `t${n}`];
      case 'interface': return this.rng.pick(['public', 'internal', 'admin', 'bogus']);
      case 'url': return this.rng.pick(['http://127.0.0.1:9/x', 'http://h/$(project_id)s', 'not a url', '']);
      case 'password': case 'original_password': case 'secret': return 'fuzz-password';
      case 'expires_at': return this.rng.pick(['2099-01-01T00:00:00Z', '2000-01-01T00:00:00Z', 'tomorrow', null]);
      case 'roles': return [{ id: this.victims.role ?? 'nope' }];
      default: return this.values.string();
    }
  }

  /** One change to a plausible body: a field deleted, retyped, added or made nasty. */
  private mutate(body: Record<string, unknown>): Record<string, unknown> {
    const top = Object.keys(body)[0];
    const inner = top !== undefined ? body[top] : undefined;
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) return body;
    const obj = inner as Record<string, unknown>;
    const keys = Object.keys(obj);
    const op = this.rng.int(5);
    if (op === 0 && keys.length) delete obj[this.rng.pick(keys)];
    else if (op === 1 && keys.length) setOwn(obj, this.rng.pick(keys), this.values.value(2));
    else if (op === 2) setOwn(obj, this.values.key(), this.values.value(3));
    else if (op === 3 && keys.length) setOwn(obj, this.rng.pick(keys), this.values.string());
    else if (op === 4) setOwn(body, this.values.key(), this.values.value(1));
    return body;
  }
}
