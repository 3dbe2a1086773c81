// The checks of POST /volumes that need no transaction: reading the body, the size against its
// source (snapshot, volume, backup, image) and the image's facts, with Cinder's messages.
import { ApiError } from '../../platform/errors.js';
import { badRequest, isUuid, parseBool, parseMetadata, parseText } from '../common.js';
import type { VolumeImageView } from '../image-access.js';
import { has } from '../microversions.js';
import type { ApiVersion } from '../../platform/http/microversion.js';

export interface CreateRequest {
  /** GB; null when the source's size is to be used. */
  size: number | null;
  name: string | null;
  description: string | null;
  volumeType: string | null;
  availabilityZone: string | null;
  metadata: Record<string, string>;
  snapshotId: string | null;
  sourceVolid: string | null;
  imageId: string | null;
  backupId: string | null;
  /** The legacy body flag (a type with `multiattach: <is> True` is the usual way). */
  multiattach: boolean;
}

const invalidInput = (reason: string) => badRequest(`Invalid input received: ${reason}`);

/** Cinder's size check: a positive whole number (a string of digits too, as cinderclient sends). */
export function parseVolumeSize(v: unknown): number {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0 || n > 2 ** 31 - 1) {
    throw invalidInput(`Volume size '${v === null || v === undefined ? 'None' : String(v)}' must be an integer and greater than 0`);
  }
  return n;
}

function optionalId(v: unknown, field: string): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (!isUuid(v)) throw badRequest(`Invalid input for field/attribute ${field}. Value: ${String(v)}. '${String(v)}' is not a 'uuid'`);
  return v.toLowerCase();
}

/** The image id of an `imageRef`, which Nova-made refs give as a URL ending in the id. */
function imageIdOf(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string') throw badRequest('Invalid imageRef provided.');
  return v.split('/').pop() ?? v;
}

/** Reads `{"volume": {...}}` of POST /volumes. */
export function parseCreateRequest(b: Record<string, unknown>, version: ApiVersion): CreateRequest {
  const pick = (a: string, legacy: string) => (a in b ? b[a] : b[legacy]);
  const size = b.size === undefined || b.size === null ? null : parseVolumeSize(b.size);
  const volumeType = b.volume_type === undefined || b.volume_type === null || b.volume_type === '' ? null : b.volume_type;
  if (volumeType !== null && typeof volumeType !== 'string') throw badRequest('Invalid input received: volume_type must be a string.');
  const az = b.availability_zone === undefined || b.availability_zone === null || b.availability_zone === '' ? null : b.availability_zone;
  if (az !== null && typeof az !== 'string') throw badRequest('Invalid input received: availability_zone must be a string.');
  if (b.consistencygroup_id || b.group_id) {
    const id = String(b.group_id ?? b.consistencygroup_id);
    throw new ApiError(404, `Group ${id} could not be found.`);
  }
  const backupId = optionalId(b.backup_id, 'backup_id');
  if (backupId !== null && !has(version, 'createFromBackup')) throw badRequest("Additional properties are not allowed ('backup_id' was unexpected)");
  const req: CreateRequest = {
    size,
    name: parseText(pick('name', 'display_name'), 'name'),
    description: parseText(pick('description', 'display_description'), 'description'),
    volumeType,
    availabilityZone: az,
    metadata: b.metadata === undefined || b.metadata === null ? {} : parseMetadata(b.metadata),
    snapshotId: optionalId(b.snapshot_id, 'snapshot_id'),
    sourceVolid: optionalId(b.source_volid, 'source_volid'),
    imageId: imageIdOf(b.imageRef ?? b.image_id),
    backupId,
    multiattach: b.multiattach === undefined || b.multiattach === null ? false : parseBool(b.multiattach, 'multiattach'),
  };
  const sources = [req.snapshotId, req.sourceVolid, req.imageId, req.backupId].filter((s) => s !== null).length;
  if (sources > 1) throw invalidInput('only one of snapshot_id, source_volid, imageRef and backup_id may be given.');
  return req;
}

/** The size of a volume made from a source: the asked one, which must hold the source, or the source's. */
export function sizeFromSource(asked: number | null, source: { kind: 'snapshot' | 'volume' | 'backup'; size: number } | null): number {
  const size = asked ?? source?.size ?? null;
  if (size === null) throw invalidInput("Volume size 'None' must be an integer and greater than 0");
  if (!source || size >= source.size) return size;
  if (source.kind === 'snapshot') {
    throw invalidInput(`Volume size '${size}'GB cannot be smaller than the snapshot size ${source.size}GB. They must be >= original snapshot size.`);
  }
  if (source.kind === 'volume') {
    throw invalidInput(`Volume size '${size}'GB cannot be smaller than original volume size  ${source.size}GB. They must be >= original volume size.`);
  }
  throw invalidInput(`Volume size ${size}GB cannot be smaller than the backup size ${source.size}GB. It must be >= backup size.`);
}

const GB = 1024 ** 3;

/** Cinder's check_image_metadata: the image is active, and its data, min_disk and virtual size fit. */
export function checkImageFits(image: VolumeImageView, sizeGb: number): void {
  if (image.status !== 'active') throw invalidInput(`Image ${image.id} is not active.`);
  const dataGb = Math.ceil((image.size ?? 0) / GB);
  if (dataGb > sizeGb) throw invalidInput(`Size of specified image ${dataGb}GB is larger than volume size ${sizeGb}GB.`);
  if (sizeGb < image.min_disk) throw invalidInput(`Volume size ${sizeGb}GB cannot be smaller than the image minDisk size ${image.min_disk}GB.`);
  if (image.virtual_size) {
    const virtualGb = Math.ceil(image.virtual_size / GB);
    if (virtualGb > sizeGb) {
      throw badRequest(`Image ${image.id} is unacceptable: Image virtual size is ${virtualGb}GB and doesn't fit in a volume of size ${sizeGb}GB.`);
    }
  }
}

/**
 * What a volume made from the image keeps in volume_image_metadata (Cinder copies the image's
 * properties and core facts; the manager reads disk_format and virtual_size from here).
 */
export function imageFacts(image: VolumeImageView): Record<string, string> {
  const facts: Record<string, string> = { ...image.properties, image_id: image.id };
  if (image.name !== null) facts.image_name = image.name;
  if (image.disk_format !== null) facts.disk_format = image.disk_format;
  if (image.container_format !== null) facts.container_format = image.container_format;
  if (image.size !== null) facts.size = String(image.size);
  if (image.virtual_size !== null) facts.virtual_size = String(image.virtual_size);
  facts.min_disk = String(image.min_disk);
  facts.min_ram = String(image.min_ram);
  return Object.fromEntries(Object.entries(facts).filter(([k, v]) => k.length <= 255 && v.length <= 65535));
}
