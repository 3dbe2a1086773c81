// A backup's manifest: every chunk of the volume's raw data at the time, by content hash (null for
// an all-zero chunk). Each manifest lists the whole volume, so a restore never walks the parent
// chain; incrementals are cheap because chunks are shared by hash.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { checkUuid, isUuid } from '../storage-ids.js';

export interface BackupManifest {
  parent: string | null;
  chunkBytes: number;
  sizeBytes: number;
  chunks: Array<string | null>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export const checkBackupId = (id: unknown): string => checkUuid(id, 'backup');

export const CHUNKS_DIR = 'chunks';

export const manifestPath = (root: string, backupId: string): string => join(root, checkBackupId(backupId), 'manifest.json');
export const chunkPath = (root: string, sha: string): string => join(root, CHUNKS_DIR, sha);

export function readManifest(root: string, backupId: string): BackupManifest {
  const path = manifestPath(root, backupId);
  if (!existsSync(path)) throw new Error(`backup ${backupId} is not in the backup store`);
  const m = JSON.parse(readFileSync(path, 'utf8')) as BackupManifest;
  if (!Array.isArray(m.chunks) || !m.chunks.every((c) => c === null || SHA256.test(c))) throw new Error(`backup ${backupId}: damaged manifest`);
  return m;
}

/** Written whole under a temp name and renamed: a reader sees no manifest or a complete one. */
export function writeManifest(root: string, backupId: string, m: BackupManifest): void {
  const path = manifestPath(root, backupId);
  mkdirSync(join(root, backupId), { recursive: true });
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  writeFileSync(tmp, JSON.stringify(m));
  renameSync(tmp, path);
}

export function removeManifest(root: string, backupId: string): void {
  rmSync(join(root, checkBackupId(backupId)), { recursive: true, force: true });
}

/** Ids of the backups whose manifest exists. */
export function listBackups(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((name) => isUuid(name) && existsSync(join(root, name, 'manifest.json')));
}
