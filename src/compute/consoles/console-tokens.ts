// Console tokens: the only credential a browser holds for a remote console (it has no Keystone
// token). Random, short-lived, and stored only as a SHA-256 hash, so a database dump cannot be
// replayed against the proxy.
import { createHash, randomBytes } from 'node:crypto';
import type { ComputeDeps } from '../common.js';

export interface ConsoleGrant { instanceUuid: string; host: string; consoleType: string }

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Drops expired tokens; called on every issue and redeem, so the table never grows unbounded. */
export async function purgeExpiredTokens(deps: ComputeDeps, at = new Date()): Promise<void> {
  await deps.db.deleteFrom('compute_console_token').where('expires_at', '<=', at.toISOString()).execute();
}

/** A fresh token for one instance's console on one host, valid for compute.consoleTokenTtlSeconds. */
export async function issueConsoleToken(deps: ComputeDeps, grant: ConsoleGrant): Promise<string> {
  await purgeExpiredTokens(deps);
  const token = randomBytes(32).toString('base64url');
  const expires = new Date(Date.now() + deps.config.compute.consoleTokenTtlSeconds * 1000);
  await deps.db.insertInto('compute_console_token').values({
    token_hash: hash(token), instance_uuid: grant.instanceUuid, host: grant.host,
    console_type: grant.consoleType, expires_at: expires.toISOString(),
  }).execute();
  return token;
}

/**
 * What a token grants, or null when it is unknown or expired. A token may be redeemed more than
 * once until it expires, as Nova's are: a browser reconnects after a guest reboot.
 */
export async function redeemConsoleToken(deps: ComputeDeps, token: string): Promise<ConsoleGrant | null> {
  if (token === '' || token.length > 256) return null;
  await purgeExpiredTokens(deps);
  const row = await deps.db.selectFrom('compute_console_token').selectAll()
    .where('token_hash', '=', hash(token)).where('expires_at', '>', new Date().toISOString())
    .executeTakeFirst();
  return row ? { instanceUuid: row.instance_uuid, host: row.host, consoleType: row.console_type } : null;
}
