// Keypairs belong to a user (not a project): create (import or generate), list, show, delete,
// and the lookup server create uses.
import { createHash } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { ApiError, badRequest, conflict, isUniqueViolation, notFound } from '../../platform/errors.js';
import { now, type ComputeDeps } from '../common.js';
import type { KeypairRow } from '../compute.tables.js';
import { keypairUsage, quotaLimits } from '../quotas/quota-limits.js';
import { generateSshKeypair, invalidKeypair, sshFingerprint, x509Fingerprint } from './keypair-keys.js';
import { generateX509Keypair } from './x509-cert.js';

export const keypairNotFound = (name: string, userId: string) => notFound(`Keypair ${name} not found for user ${userId}`);

// Nova (before 2.92) allows letters, digits, '_', '-' and spaces in keypair names.
const SAFE_NAME = /^[A-Za-z0-9_\- ]*$/;

export function checkKeypairName(name: string): void {
  if (!SAFE_NAME.test(name)) throw invalidKeypair('Keypair name contains unsafe characters');
  if (name.length < 1 || name.length > 255) throw invalidKeypair('Keypair name must be string and between 1 and 255 characters long');
}

export interface KeypairRequest { userId: string; name: string; type: 'ssh' | 'x509'; publicKey?: string }

/** The new row, plus the private key when Nova generated the pair (shown once, never stored). */
export async function createKeypair(deps: ComputeDeps, auth: AuthContext, req: KeypairRequest): Promise<{ row: KeypairRow; privateKey?: string }> {
  checkKeypairName(req.name);
  let publicKey: string;
  let fingerprint: string;
  let privateKey: string | undefined;
  if (req.publicKey !== undefined) {
    publicKey = req.publicKey;
    fingerprint = req.type === 'x509' ? x509Fingerprint(publicKey) : sshFingerprint(publicKey);
  } else {
    const made = req.type === 'x509' ? await generateX509Keypair(req.userId) : await generateSshKeypair();
    ({ publicKey, fingerprint, privateKey } = made);
  }
  const row: KeypairRow = { user_id: req.userId, name: req.name, type: req.type, public_key: publicKey, fingerprint, created_at: now() };
  const exists = conflict(`Key pair '${req.name}' already exists.`);
  try {
    await deps.db.transaction().execute(async (trx) => {
      await serializeOn(trx, `keypairs:${req.userId}`);
      const dup = await trx.selectFrom('compute_keypair').select('name').where('user_id', '=', req.userId).where('name', '=', req.name).executeTakeFirst();
      if (dup) throw exists;
      // The key_pairs limit is per user; the limit itself is read from the caller's project.
      const limit = (await quotaLimits(trx, deps.config.compute, auth.projectId ?? '')).key_pairs;
      if (limit >= 0 && (await keypairUsage(trx, req.userId)) + 1 > limit) throw new ApiError(403, 'Quota exceeded, too many key pairs.');
      await trx.insertInto('compute_keypair').values(row).execute();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw exists;
    throw err;
  }
  return { row, ...(privateKey !== undefined ? { privateKey } : {}) };
}

export async function getKeypair(deps: ComputeDeps, userId: string, name: string): Promise<KeypairRow> {
  const row = await deps.db.selectFrom('compute_keypair').selectAll().where('user_id', '=', userId).where('name', '=', name).executeTakeFirst();
  if (!row) throw keypairNotFound(name, userId);
  return row;
}

export async function deleteKeypair(deps: ComputeDeps, userId: string, name: string): Promise<void> {
  const res = await deps.db.deleteFrom('compute_keypair').where('user_id', '=', userId).where('name', '=', name).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw keypairNotFound(name, userId);
}

/** A user's keypairs by name, after `marker` (a name), at most `limit` (all when absent). */
export async function listKeypairs(deps: ComputeDeps, userId: string, limit?: number, marker?: string): Promise<KeypairRow[]> {
  let q = deps.db.selectFrom('compute_keypair').selectAll().where('user_id', '=', userId);
  if (marker !== undefined) {
    const m = await deps.db.selectFrom('compute_keypair').select('name').where('user_id', '=', userId).where('name', '=', marker).executeTakeFirst();
    if (!m) throw badRequest(`Marker ${marker} could not be found.`);
    q = q.where('name', '>', marker);
  }
  q = q.orderBy('name');
  return (limit === undefined ? q : q.limit(limit)).execute();
}

/** The keypair a server is booted with (Nova's 400 when the user has none by that name). */
export async function loadKeypair(deps: ComputeDeps, userId: string, name: string): Promise<KeypairRow> {
  const row = await deps.db.selectFrom('compute_keypair').selectAll().where('user_id', '=', userId).where('name', '=', name).executeTakeFirst();
  if (!row) throw badRequest('Invalid key_name provided.');
  return row;
}

/**
 * The integer `id` Nova shows (its row id). Our table is keyed by (user, name) without a serial,
 * so the id is derived from that key: stable for the keypair's life, and clients only print it.
 */
export function keypairId(row: KeypairRow): number {
  return createHash('sha1').update(`${row.user_id}\n${row.name}`).digest().readUInt32BE(0) & 0x7fffffff;
}
