import { badRequest, forbidden } from '../../platform/errors.js';
import { CONTAINER_FORMATS, DISK_FORMATS, VISIBILITIES } from '../common.js';
import { READ_ONLY, RESERVED } from './image-body.js';

/** The writable state of an image, as create and PATCH build it before one write. */
export interface ImageDraft {
  name: string | null;
  visibility: string;
  protected: boolean;
  os_hidden: boolean;
  owner: string | null;
  disk_format: string | null;
  container_format: string | null;
  min_disk: number;
  min_ram: number;
  tags: string[];
  properties: Record<string, string>;
}

const invalid = (name: string, why: string) => badRequest(`Provided object does not match schema 'image': ${why} (attribute '${name}')`);

function nullableEnum(name: string, value: unknown, allowed: readonly string[]): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw invalid(name, `${JSON.stringify(value)} is not one of [${allowed.join(', ')}]`);
  }
  return value;
}

function bool(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(name, `${JSON.stringify(value)} is not of type 'boolean'`);
  return value;
}

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(name, `${JSON.stringify(value)} is not a non-negative integer`);
  }
  return value;
}

export function validTags(value: unknown): string[] {
  if (!Array.isArray(value)) throw invalid('tags', `${JSON.stringify(value)} is not of type 'array'`);
  for (const t of value) validTag(t);
  return [...new Set(value as string[])];
}

export function validTag(t: unknown): string {
  if (typeof t !== 'string' || t.length === 0 || t.length > 255) throw invalid('tags', `${JSON.stringify(t)} is not a string of 1 to 255 characters`);
  return t;
}

/** Sets one attribute on the draft after checking it; throws Glance's 400/403. */
export function setAttribute(draft: ImageDraft, name: string, value: unknown, isAdmin: boolean): void {
  if (READ_ONLY.has(name)) throw forbidden(`Attribute '${name}' is read-only.`);
  if (RESERVED.has(name)) throw forbidden(`Attribute '${name}' is reserved.`);
  switch (name) {
    case 'name':
      if (value !== null && (typeof value !== 'string' || value.length > 255)) throw invalid(name, 'not a string of at most 255 characters');
      draft.name = value as string | null;
      return;
    case 'visibility': {
      const v = nullableEnum(name, value, VISIBILITIES);
      if (v === null) throw invalid(name, 'null is not allowed');
      draft.visibility = v;
      return;
    }
    case 'protected': draft.protected = bool(name, value); return;
    case 'os_hidden': draft.os_hidden = bool(name, value); return;
    case 'disk_format': draft.disk_format = nullableEnum(name, value, DISK_FORMATS); return;
    case 'container_format': draft.container_format = nullableEnum(name, value, CONTAINER_FORMATS); return;
    case 'min_disk': draft.min_disk = nonNegative(name, value); return;
    case 'min_ram': draft.min_ram = nonNegative(name, value); return;
    case 'tags': draft.tags = validTags(value); return;
    case 'owner':
      // Handing an image to another project is an admin's act.
      if (!isAdmin) throw forbidden(`Attribute 'owner' can be set only by an administrator.`);
      if (value !== null && (typeof value !== 'string' || value.length > 255)) throw invalid(name, 'not a string of at most 255 characters');
      draft.owner = value as string | null;
      return;
    default:
      if (name.length === 0 || name.length > 255) throw badRequest(`Property names must be 1 to 255 characters long.`);
      if (typeof value !== 'string') throw invalid(name, `${JSON.stringify(value)} is not of type 'string'`);
      if (value.length > 65535) throw invalid(name, 'longer than 65535 characters');
      draft.properties[name] = value;
  }
}
