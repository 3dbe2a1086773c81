// Helpers shared by the identity slices: links, JSON columns, booleans, Keystone messages.
import type { Config } from '../platform/config.js';
import { badRequest, conflict, notFound } from '../platform/errors.js';
import type { Policy } from '../platform/policy/policy.js';
import type { IdentityDb } from './identity.tables.js';

/** What every identity service object is built with. */
export interface IdentityDeps {
  readonly db: IdentityDb;
  readonly policy: Policy;
  readonly config: Config;
}

export const v3Url = (config: Config): string => `${config.publicUrl}/identity/v3`;

export const selfLink = (config: Config, path: string) => ({ self: `${v3Url(config)}/${path}` });

/** The `links` object of a Keystone collection (Keystone does not paginate). */
export const collectionLinks = (config: Config, path: string) => ({
  self: `${v3Url(config)}/${path}`,
  previous: null,
  next: null,
});

export const bool = (v: number): boolean => v === 1;
export const int = (v: boolean | undefined, fallback: boolean): number => ((v ?? fallback) ? 1 : 0);

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export const notFoundError = (kind: string, id: string) => notFound(`Could not find ${kind}: ${id}.`);

export const duplicateError = (kind: string, detail: string) =>
  conflict(`Conflict occurred attempting to store ${kind} - Duplicate entry found with ${detail}.`);

/** Query-string booleans as Keystone reads them: "true"/"1"/"" are true, "false"/"0" false. */
export function queryBool(value: string | undefined, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes' || v === '') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw badRequest(`Invalid value for query parameter '${field}': expected a boolean, got "${value}".`);
}

/** Free-form attributes a client may send that Keystone stores and returns as is. */
export function extraOf(body: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!known.includes(k)) extra[k] = v;
  return extra;
}
