// Reproducible hostile input for API fuzz tests: a seeded PRNG and generators of the bodies,
// ids and query strings a careless or malicious client sends. Nothing here knows a service.

/** mulberry32: tiny, fast, and the same sequence for the same seed on every machine. */
export class Prng {
  private state: number;
  constructor(readonly seed: number) { this.state = seed >>> 0; }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number { return Math.floor(this.next() * maxExclusive); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T { return items[this.int(items.length)]!; }
}

/** The seed to use: NUBIS_FUZZ_SEED if set (to replay a failure), else a fresh one. */
export function fuzzSeed(): number {
  const fixed = process.env.NUBIS_FUZZ_SEED;
  if (fixed !== undefined && fixed !== '') return Number(fixed) >>> 0;
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

// Strings chosen to break parsers, SQL, encodings and length limits. None contains text that
// looks like a stack frame, so an echo of them in a message cannot trip the stack-trace check.
const NASTY_STRINGS = [
  '', ' ', 'a', 'x'.repeat(256), 'y'.repeat(70_000), 'null', 'true', '0', '-1', '1e309',
  "' OR '1'='1", '"; DROP TABLE project; --', '%s%s%n', '${jndi:x}', '../../etc/passwd',
  'ünïcödé', '名前', 'emoji 😀🚀', 'rtl \u202e txet', 'zero\u200bwidth', 'nul\u0000byte',
  'lone \ud800 surrogate', 'tab\tnew\nline', '<script>alert(1)</script>', '\\', '%00', '%zz',
  'default', 'admin', 'RegionOne', 'public',
];

/** Path segments that are not valid ids (already percent-encoded where needed). */
export const GARBAGE_IDS = [
  'nonexistent', '0', '-1', 'a'.repeat(64), 'b'.repeat(101), 'c'.repeat(300), '%20', '%00', '%zz', '%E2%82%AC',
  '%F0%9F%98%80', '..', '.', '%2e%2e%2f', "'%20OR%201=1", 'null', 'undefined', '__proto__', 'constructor',
  '%ff%fe', '%C0%AF', 'UPPER-case_id', '12345678-1234-1234-1234-123456789abc',
];

export const GARBAGE_QUERIES = [
  '', '', '', '?enabled=maybe', '?enabled=', '?name=%zz', '?name=', '?name[]=x&name[]=y', '?domain_id=%00',
  '?limit=-1&marker=nope', '?nocatalog', '?is_domain=perhaps', '?tags=,,,', '?parent_id=' + 'p'.repeat(300),
  '?' + 'q='.repeat(500), '?__proto__[x]=1', '?include_subtree=yes&subtree_as_list=',
];

export const MALFORMED_JSON = [
  '{', '}', '{"a":', '{"a":1,}', "{'a': 1}", '{"a": NaN}', '{"a": undefined}', '[1, 2', 'nul', 'tru',
  '{"a":1}{"b":2}', '\u0000', '{"a":"\\x41"}', '{"a":"\\ud800"', '{"a":01}', '// comment\n{}', '\ufeff{}',
  '{"a":1} trailing',
];

/** Nested arrays and objects `depth` levels deep, as JSON text (built iteratively). */
export function deepJson(depth: number, objects: boolean): string {
  return objects ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + '1' + ']'.repeat(depth);
}

export class ValueGen {
  constructor(private readonly rng: Prng) {}

  string(): string { return this.rng.pick(NASTY_STRINGS); }

  scalar(): unknown {
    switch (this.rng.int(8)) {
      case 0: return null;
      case 1: return this.rng.chance(0.5);
      case 2: return this.rng.pick([0, -1, 1.5, 2 ** 53 + 1, -1e308, 1e-308]);
      case 3: return [];
      case 4: return {};
      default: return this.string();
    }
  }

  /** Any JSON value, at most `depth` levels of nesting. */
  value(depth = 3): unknown {
    if (depth <= 0 || this.rng.chance(0.6)) return this.scalar();
    if (this.rng.chance(0.5)) return Array.from({ length: this.rng.int(4) }, () => this.value(depth - 1));
    const out: Record<string, unknown> = {};
    for (let i = this.rng.int(4); i > 0; i--) setOwn(out, this.key(), this.value(depth - 1));
    return out;
  }

  key(): string {
    return this.rng.pick(['name', 'id', 'enabled', 'description', 'domain_id', 'extra', '', '__proto__',
      'constructor', 'ключ', 'k'.repeat(300), 'links', 'options', 'tags', 'type', 'password']);
  }
}

/** Sets a key as an own property, so '__proto__' reaches the wire instead of the prototype. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
