// Reading a create-server body into a checked request: every field Nova accepts in our range,
// with Nova's 400 messages. No database access here.
import { isIP } from 'node:net';
import { badRequest } from '../../platform/errors.js';
import type { ApiVersion } from '../microversions.js';
import { has } from '../microversions.js';
import { isUuid } from '../common.js';
import { validateMetadata } from '../server-metadata/server-metadata.validate.js';
import { validateTags } from '../server-tags/server-tags.validate.js';
import { bootMapping, readBlockDevices, type BdmRequest } from '../block-devices/bdm-input.js';

export interface CreateInput {
  name: string;
  /** The image of a local root disk; null when the server boots from a volume. */
  imageRef: string | null;
  /** Block device mappings (v2, or v1 converted); the boot one has bootIndex 0. */
  blockDevices: BdmRequest[];
  /** The boot disk is a volume (from block_device_mapping_v2): no image, no local root disk. */
  bootFromVolume: boolean;
  flavorRef: string;
  keyName: string | null;
  userData: string | null;
  metadata: Record<string, string>;
  availabilityZone: string | null;
  forcedHost: string | null;
  minCount: number;
  maxCount: number;
  returnReservationId: boolean;
  /** 'legacy': the key was absent below 2.37 (every usable network; none is fine). */
  networks: 'none' | 'auto' | 'legacy' | Array<Record<string, string>>;
  /** Security group names (or ids) asked for; empty = the project's default. */
  securityGroups: string[];
  configDrive: boolean;
  description: string | null;
  tags: string[];
  accessIPv4: string | null;
  accessIPv6: string | null;
  hints: Record<string, unknown>;
}

const IGNORED = new Set(['adminPass', 'OS-DCF:diskConfig', 'personality',
  'trusted_image_certificates', 'max_count', 'min_count', 'return_reservation_id']);
const KNOWN = new Set(['name', 'imageRef', 'flavorRef', 'key_name', 'user_data', 'metadata', 'availability_zone',
  'networks', 'config_drive', 'description', 'tags', 'accessIPv4', 'accessIPv6', 'block_device_mapping_v2', 'block_device_mapping',
  'security_groups', ...IGNORED]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (name: string, why: string) => badRequest(`Invalid input for field/attribute ${name}. Value: ${why}`);

function stringField(s: Record<string, unknown>, name: string, max = 255, min = 0): string | null {
  const v = s[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw field(name, `${JSON.stringify(v)} is not of type 'string'`);
  if (v.length > max) throw field(name, `it is longer than ${max} characters`);
  if (v.length < min) throw field(name, `it is shorter than ${min} characters`);
  return v;
}

/** `min_count`/`max_count` may be integers or digit strings, as in Nova's schema. */
function count(v: unknown, name: string): number {
  if (v === undefined) return 1;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1000) throw field(name, `${JSON.stringify(v)} must be an integer from 1 to 1000`);
  return n;
}

/** An image or flavor reference may be a bare id or a URL whose last segment is the id. */
export const refId = (ref: string): string => ref.replace(/\/+$/, '').split('/').pop() ?? ref;

/** Metadata as the metadata API accepts it; absent or null is none. */
export function validMetadata(v: unknown, name = 'metadata'): Record<string, string> {
  return v === undefined || v === null ? {} : validateMetadata(v, name);
}

function networks(v: unknown, version: ApiVersion): CreateInput['networks'] {
  if (v === undefined) {
    if (has(version, 'networksAutoNone')) throw badRequest("Invalid input for field/attribute networks. Value: 'networks' is a required property");
    return 'legacy';
  }
  // openstackclient sends the string even below 2.37, so it is accepted at every version.
  if (v === 'none' || v === 'auto') return v;
  if (!Array.isArray(v)) throw field('networks', `${JSON.stringify(v)} is not one of 'none', 'auto' or a list`);
  return v.map((n) => {
    if (!isObject(n)) throw field('networks', `${JSON.stringify(n)} is not of type 'object'`);
    for (const [k, val] of Object.entries(n)) {
      if (!['uuid', 'port', 'fixed_ip', 'tag'].includes(k)) throw field('networks', `additional property '${k}' is not allowed`);
      if (typeof val !== 'string') throw field('networks', `${k} must be a string`);
    }
    const fixed = (n as Record<string, string>).fixed_ip;
    if (fixed !== undefined && !isIP(fixed)) throw field('fixed_ip', `${fixed}. '${fixed}' is not a 'ipv4'`);
    return n as Record<string, string>;
  });
}

/** `security_groups: [{name}]`, as Nova's schema: names of at most 255 characters, duplicates dropped. */
function securityGroups(v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw field('security_groups', `${JSON.stringify(v)} is not of type 'array'`);
  const names: string[] = [];
  for (const g of v) {
    if (!isObject(g) || Object.keys(g).some((k) => k !== 'name')) throw field('security_groups', `${JSON.stringify(g)} must be an object with only 'name'`);
    if (typeof g.name !== 'string' || g.name.trim() === '' || g.name.length > 255) throw field('security_groups', `${JSON.stringify(g.name)} is not a valid name`);
    if (!names.includes(g.name)) names.push(g.name);
  }
  return names;
}

function configDrive(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false) return false;
  if (v === true) return true;
  if (typeof v === 'string' && ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(v.toLowerCase())) {
    return ['true', '1', 'yes', 'on'].includes(v.toLowerCase());
  }
  throw field('config_drive', `${JSON.stringify(v)} is not a boolean`);
}

/** Nova's check of `user_data` (create, and rebuild from 2.57). */
export function checkUserData(userData: string): void {
  // Python's b64decode (what Nova runs) also refuses a length that is not a multiple of 4.
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/.test(userData) || userData.replace(/[\r\n]/g, '').length % 4 !== 0
    || Buffer.from(userData, 'base64').length === 0 && userData.length > 0) {
    throw badRequest('User data needs to be valid base 64.');
  }
}

export function readCreateInput(body: unknown, version: ApiVersion): CreateInput {
  if (!isObject(body) || !isObject(body.server)) throw badRequest("Invalid input for field/attribute server. Value: 'server' is a required property");
  const s = body.server;
  for (const k of Object.keys(s)) {
    const allowed = KNOWN.has(k) && (k !== 'description' || has(version, 'serverDescription')) && (k !== 'tags' || has(version, 'tagsOnCreate'));
    if (!allowed) throw badRequest(`Invalid input for field/attribute server. Value: Additional properties are not allowed ('${k}' was unexpected)`);
  }
  const name = stringField(s, 'name', 255, 1);
  if (name === null) throw badRequest("Invalid input for field/attribute server. Value: 'name' is a required property");
  if (name.trim() === '' || name !== name.trim()) throw field('name', 'it may not be blank or start or end with whitespace');
  const flavorRef = s.flavorRef;
  if (typeof flavorRef !== 'string' && typeof flavorRef !== 'number') throw badRequest("Invalid input for field/attribute server. Value: 'flavorRef' is a required property");
  const imageRefRaw = stringField(s, 'imageRef', 2048);
  const blockDevices = readBlockDevices(s.block_device_mapping_v2, s.block_device_mapping);
  const boot = bootMapping(blockDevices);
  const bootFromVolume = boot?.destinationType === 'volume';
  // An image mapped to the local boot disk is the image a server boots (what openstackclient sends
  // with --image); booting from a volume leaves imageRef '' (or absent).
  const imageRef = bootFromVolume ? null
    : boot?.sourceType === 'image' ? boot.uuid : imageRefRaw ? refId(imageRefRaw) : null;
  if (!imageRef && !bootFromVolume) throw badRequest('Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.');

  const userData = stringField(s, 'user_data', 65535);
  if (userData !== null) checkUserData(userData);
  let availabilityZone = stringField(s, 'availability_zone', 255);
  let forcedHost: string | null = null;
  if (availabilityZone?.includes(':')) {
    const [az, host] = availabilityZone.split(':');
    availabilityZone = az || null;
    forcedHost = host || null;
  }
  const minCount = count(s.min_count, 'min_count');
  const maxCount = s.max_count === undefined ? minCount : count(s.max_count, 'max_count');
  if (minCount > maxCount) throw badRequest('min_count must be <= max_count');
  const rri = s.return_reservation_id;
  if (rri !== undefined && typeof rri !== 'boolean' && !['true', 'false', 'True', 'False'].includes(String(rri))) throw field('return_reservation_id', 'is not a boolean');

  const ip = (k: 'accessIPv4' | 'accessIPv6', family: 4 | 6) => {
    const v = stringField(s, k, 64);
    if (v !== null && v !== '' && isIP(v) !== family) throw field(k, `'${v}' is not an IPv${family} address`);
    return v || null;
  };
  const hintsRaw = (body as Record<string, unknown>)['os:scheduler_hints'] ?? (body as Record<string, unknown>)['OS-SCH-HNT:scheduler_hints'];
  if (hintsRaw !== undefined && !isObject(hintsRaw)) throw field('os:scheduler_hints', 'is not an object');
  const hints = (hintsRaw ?? {}) as Record<string, unknown>;
  if (hints.group !== undefined && (typeof hints.group !== 'string' || !isUuid(hints.group))) throw field('os:scheduler_hints.group', 'is not a UUID');

  return {
    name, imageRef, blockDevices: blockDevices.filter((m) => m.destinationType === 'volume'), bootFromVolume,
    flavorRef: refId(String(flavorRef)),
    keyName: stringField(s, 'key_name', 255),
    userData,
    metadata: validMetadata(s.metadata),
    availabilityZone, forcedHost, minCount, maxCount,
    returnReservationId: rri === true || String(rri).toLowerCase() === 'true',
    networks: networks(s.networks, version),
    securityGroups: securityGroups(s.security_groups),
    configDrive: configDrive(s.config_drive),
    description: stringField(s, 'description', 255),
    tags: s.tags === undefined ? [] : [...new Set(validateTags(s.tags))],
    accessIPv4: ip('accessIPv4', 4), accessIPv6: ip('accessIPv6', 6),
    hints,
  };
}

/** A DNS label from the display name, as Nova derives `hostname`. */
export function hostnameFrom(name: string): string {
  const h = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return h || 'server';
}
