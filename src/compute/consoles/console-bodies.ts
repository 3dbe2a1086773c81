// Request bodies of the console calls, checked by hand as Nova's JSON schemas would, with
// Nova's "Invalid input for field/attribute …" wording so clients show a familiar message.
import { badRequest } from '../../platform/errors.js';

/** A value as Nova's messages print it (Python's repr: strings in single quotes). */
const show = (v: unknown): string => {
  if (typeof v === 'string') return `'${v}'`;
  try { return JSON.stringify(v) ?? String(v); } catch { return String(v); }
};
const invalid = (field: string, value: unknown, why: string) =>
  badRequest(`Invalid input for field/attribute ${field}. Value: ${show(value)}. ${why}`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object under `key` of a body that must hold exactly that key (and only `allowed` inside it). */
function member(body: unknown, key: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isObject(body)) throw badRequest('Invalid input for field/attribute request body: it must be a JSON object.');
  const extra = Object.keys(body).find((k) => k !== key);
  if (!(key in body)) throw invalid(key, body, `'${key}' is a required property`);
  if (extra !== undefined) throw invalid(extra, body[extra], `Additional properties are not allowed ('${extra}' was unexpected)`);
  return argsOf(key, body[key], allowed);
}

/** An action's argument object (the value under its name), holding only `allowed` keys. */
function argsOf(key: string, inner: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (!isObject(inner)) throw invalid(key, inner, `${show(inner)} is not of type 'object'`);
  const unexpected = Object.keys(inner).find((k) => !allowed.includes(k));
  if (unexpected !== undefined) {
    throw invalid(key, inner, `Additional properties are not allowed ('${unexpected}' was unexpected)`);
  }
  return inner;
}

function oneOf<T extends string>(field: string, value: unknown, choices: readonly T[]): T {
  if (value === undefined) throw invalid(field, value, `'${field}' is a required property`);
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw invalid(field, value, `${show(value)} is not one of [${choices.map((c) => `'${c}'`).join(', ')}]`);
  }
  return value as T;
}

const unavailable = (type: string) => badRequest(`Unavailable console type ${type}.`);

/** The arguments of `{"os-getVNCConsole": {"type": "novnc"}}` → 'novnc' (the only type Nubis proxies). */
export function parseVncConsoleArgs(args: unknown): 'novnc' {
  const inner = argsOf('os-getVNCConsole', args, ['type']);
  const type = oneOf('type', inner.type, ['novnc', 'xvpvnc'] as const);
  if (type !== 'novnc') throw unavailable(type);
  return type;
}

/** The protocol each console type speaks (Nova's remote-consoles schema, 2.6–2.8). */
const TYPE_PROTOCOL = {
  novnc: 'vnc', xvpvnc: 'vnc', 'spice-html5': 'spice', 'rdp-html5': 'rdp', serial: 'serial', webmks: 'mks',
} as const;
type ConsoleType = keyof typeof TYPE_PROTOCOL;
const PROTOCOLS = ['vnc', 'spice', 'rdp', 'serial', 'mks'] as const;

/** `{"remote_console": {"protocol": "vnc", "type": "novnc"}}`; anything Nubis cannot proxy is a 400. */
export function parseRemoteConsoleBody(body: unknown): { protocol: 'vnc'; type: 'novnc' } {
  const inner = member(body, 'remote_console', ['protocol', 'type']);
  const protocol = oneOf('protocol', inner.protocol, PROTOCOLS);
  const type = oneOf('type', inner.type, Object.keys(TYPE_PROTOCOL) as ConsoleType[]);
  if (TYPE_PROTOCOL[type] !== protocol) throw badRequest(`Invalid console type ${type} for protocol ${protocol}.`);
  if (type !== 'novnc') throw unavailable(type);
  return { protocol: 'vnc', type: 'novnc' };
}

/**
 * The arguments of `{"os-getConsoleOutput": {"length": N}}` → the number of last lines wanted, or
 * undefined for the whole log (length absent, null or -1). Nova takes an integer or a string of digits.
 */
export function parseConsoleOutputArgs(args: unknown): number | undefined {
  const inner = argsOf('os-getConsoleOutput', args, ['length']);
  const raw = inner.length;
  if (raw === undefined || raw === null) return undefined;
  let n: number;
  if (typeof raw === 'number' && Number.isInteger(raw)) n = raw;
  else if (typeof raw === 'string' && /^-?[0-9]+$/.test(raw)) n = Number(raw);
  else throw invalid('length', raw, `${show(raw)} is not of type 'integer', 'string', 'null' matching '^-?[0-9]+$'`);
  if (n < -1) throw invalid('length', raw, `${show(raw)} is less than the minimum of -1`);
  if (!Number.isSafeInteger(n)) throw invalid('length', raw, `${show(raw)} is too large`);
  return n === -1 ? undefined : n;
}
