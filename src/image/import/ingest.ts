import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { ImageDeps } from '../common.js';
import type { ImageRow } from '../image.tables.js';
import { convertImage, wantsConversion } from '../inspect/qemu-img-convert.js';
import { inspectImage } from '../inspect/qemu-img-inspect.js';
import { capped, remainingBytes } from '../quota/image-quota.js';

/** Why an import failed when it was the data's fault (not what disk_format says, unsafe…). */
export class ImportRefused extends Error {}

/** Property recording the disk_format an image had before conversion (Glance records none). */
export const ORIGINAL_FORMAT_PROPERTY = 'nubis_original_disk_format';

/** What an import changes on the image once its data is in the store. */
export interface Ingested {
  readonly location: string; readonly size: number; readonly md5: string; readonly sha512: string;
  readonly diskFormat: string; readonly virtualSize: number | null;
  readonly properties: Record<string, string>;
}

/**
 * Staged data (a local file) → inspection → optional conversion to the hosts' preferred format
 * → the store, within the project's byte quota. If it throws, nothing it wrote is left.
 */
export async function ingestStaged(deps: ImageDeps, row: ImageRow, stagedPath: string): Promise<Ingested> {
  const declared = row.disk_format!;
  const found = await inspectImage(stagedPath, declared);
  if (found.problem) throw new ImportRefused(found.problem);
  let path = stagedPath;
  let diskFormat = declared;
  let virtualSize = found.virtualSize;
  const properties: Record<string, string> = {};
  let scratch: string | undefined;
  try {
    const target = deps.config.imageConvertTo;
    if (wantsConversion(declared, row.container_format, target)) {
      scratch = deps.staging.scratchPath(row.id);
      await convertImage(stagedPath, declared, scratch, target);
      const converted = await inspectImage(scratch, target);
      if (converted.problem) throw new ImportRefused(`Converted image failed inspection: ${converted.problem}`);
      path = scratch;
      diskFormat = target;
      virtualSize = converted.virtualSize;
      properties[ORIGINAL_FORMAT_PROPERTY] = declared;
    }
    const room = await remainingBytes(deps, row.owner);
    const stored = await deps.store.put(row.id, capped(createReadStream(path), room, deps.config.imageQuotaBytes));
    return { ...stored, diskFormat, virtualSize, properties };
  } finally {
    if (scratch) await unlink(scratch).catch(() => undefined);
  }
}
