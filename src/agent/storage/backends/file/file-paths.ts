// Where a file backend keeps things. Every path is built from an id checked to be a UUID.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkUuid, isUuid } from '../../storage-ids.js';

export type FileFormat = 'qcow2' | 'raw';
export const FORMATS: readonly FileFormat[] = ['qcow2', 'raw'];

export const checkId = (id: unknown, what = 'volume'): string => checkUuid(id, what);

export type Kind = 'volume' | 'snapshot';

/** The file of `kind` `id` in `format`. */
export function filePath(dir: string, kind: Kind, id: string, format: FileFormat): string {
  return join(dir, `${kind}-${checkId(id, kind)}.${format}`);
}

/** The existing file of a volume or snapshot (either format), or null. */
export function findFile(dir: string, kind: Kind, id: string): { path: string; format: FileFormat } | null {
  for (const format of FORMATS) {
    const path = filePath(dir, kind, id, format);
    if (existsSync(path)) return { path, format };
  }
  return null;
}

export function requireFile(dir: string, kind: Kind, id: string): { path: string; format: FileFormat } {
  const f = findFile(dir, kind, id);
  if (!f) throw new Error(`${kind} ${id} does not exist on this backend`);
  return f;
}

/** Temporary files start with `.tmp-` so listings skip them and a restarted agent removes them. */
export const TMP_PREFIX = '.tmp-';

export function tempPath(dir: string, label: string): string {
  return join(dir, `${TMP_PREFIX}${label}-${randomBytes(6).toString('hex')}`);
}

/** Parses a backend file name back into kind, id and format; null for anything else. */
export function parseName(name: string): { kind: Kind; id: string; format: FileFormat } | null {
  const m = /^(volume|snapshot)-(.+)\.(qcow2|raw)$/.exec(name);
  if (!m || !isUuid(m[2])) return null;
  return { kind: m[1] as Kind, id: m[2]!, format: m[3] as FileFormat };
}
