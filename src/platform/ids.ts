import { randomBytes, randomUUID } from 'node:crypto';

/** Keystone-style id: a UUID4 as 32 hex characters without dashes. */
export const hexId = (): string => randomUUID().replaceAll('-', '');

/**
 * A random URL-safe secret of `bytes` bytes of entropy. Never starts with '-': tokens and
 * passwords are passed on command lines (`openstack token revoke <token>`), where a leading dash
 * reads as an option (1 in 64 secrets did).
 */
export function secret(bytes = 32): string {
  for (;;) {
    const s = randomBytes(bytes).toString('base64url');
    if (!s.startsWith('-')) return s;
  }
}

/** ISO 8601 with microseconds and Z, as Keystone writes timestamps (2015-11-06T15:32:17.893769Z). */
export function keystoneTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
