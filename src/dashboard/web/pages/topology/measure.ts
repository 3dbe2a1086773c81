// How wide a label of the topology graph is, measured with a canvas in the fonts topology.css gives
// each kind of text, so labels can be clipped to their box and placed where they do not collide.

export type TextKind = 'name' | 'status' | 'line' | 'edge';
export type Measure = (text: string, kind: TextKind) => number;

// Must match topology.css (.topo-name, .topo-status, .topo-line, .topo-edge text).
const FONTS: Record<TextKind, { weight: number; size: number; mono: boolean }> = {
  name: { weight: 700, size: 13, mono: false },
  status: { weight: 700, size: 11, mono: false },
  line: { weight: 400, size: 11.5, mono: true },
  edge: { weight: 400, size: 10.5, mono: true },
};
const MONO = 'ui-monospace, monospace';
// Canvas and SVG may round glyph advances differently: keep a little slack.
const SLACK = 1.06;

/** Without a canvas (or before one is available): a generous per-character guess. */
export const estimate: Measure = (text, kind) => {
  const f = FONTS[kind];
  return [...text].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 1 : f.mono ? 0.62 : 0.68), 0) * f.size;
};

let ctx: CanvasRenderingContext2D | null | undefined;
const cache = new Map<string, number>();

function context(): CanvasRenderingContext2D | null {
  if (ctx === undefined) ctx = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  return ctx;
}

export const measure: Measure = (text, kind) => {
  const key = `${kind}\u0000${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const c = context();
  if (!c) return estimate(text, kind);
  const f = FONTS[kind];
  const family = f.mono ? MONO : getComputedStyle(document.body).fontFamily || 'sans-serif';
  c.font = `${f.weight} ${f.size}px ${family}`;
  const w = c.measureText(text).width * SLACK;
  cache.set(key, w);
  return w;
};

/** `text` as is if it fits `max` px, else cut with an ellipsis to fit (the full text goes in a title). */
export function fit(text: string, max: number, kind: TextKind, m: Measure = measure): string {
  if (m(text, kind) <= max) return text;
  const chars = [...text];
  let lo = 0, hi = chars.length;
  // The longest prefix that fits with its ellipsis.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (m(`${chars.slice(0, mid).join('')}…`, kind) <= max) lo = mid; else hi = mid - 1;
  }
  return lo === 0 ? '…' : `${chars.slice(0, lo).join('')}…`;
}
