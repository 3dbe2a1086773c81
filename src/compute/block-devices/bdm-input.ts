// Reading a server create's block device mappings (`block_device_mapping_v2`, and the legacy v1
// `block_device_mapping`) into checked requests, with Nova's 400 messages. No database access here:
// whether volumes, snapshots and images exist is checked by server-create.
import { badRequest } from '../../platform/errors.js';
import { normalizeDevice } from './device-names.js';

export type SourceType = 'image' | 'volume' | 'snapshot' | 'blank';
export type DestinationType = 'volume' | 'local';

export interface BdmRequest {
  sourceType: SourceType;
  destinationType: DestinationType;
  /** The image, volume or snapshot id (null for blank). */
  uuid: string | null;
  /** GB; required for image → volume and blank → volume. */
  volumeSize: number | null;
  /** 0 = the boot disk; null (or Nova's -1) = not bootable. */
  bootIndex: number | null;
  deleteOnTermination: boolean;
  /** `/dev/vdb` form, or null to let compute pick. */
  deviceName: string | null;
  diskBus: string | null;
  deviceType: string | null;
  volumeType: string | null;
}

const invalid = (why: string) => badRequest(`Block Device Mapping is Invalid: ${why}`);
const field = (name: string, why: string) => badRequest(`Invalid input for field/attribute ${name}. Value: ${why}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const V2_KEYS = new Set(['source_type', 'destination_type', 'uuid', 'image_id', 'volume_size', 'boot_index', 'delete_on_termination',
  'device_name', 'disk_bus', 'device_type', 'guest_format', 'no_device', 'connection_info', 'tag', 'volume_type']);
const V1_KEYS = new Set(['volume_id', 'snapshot_id', 'device_name', 'delete_on_termination', 'volume_size', 'virtual_name', 'no_device', 'connection_info']);

/** Nova's parameter_types.boolean: JSON booleans and the usual strings. */
function bool(v: unknown, name: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && ['true', '1', 'yes', 'on', 'y', 't'].includes(v.toLowerCase())) return true;
  if (typeof v === 'string' && ['false', '0', 'no', 'off', 'n', 'f'].includes(v.toLowerCase())) return false;
  throw field(name, `${JSON.stringify(v)} is not of type 'boolean'`);
}

/** An integer or a string of one (clients send boot_index '0', volume_size '10'). */
function int(v: unknown, name: string, min: number): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw field(name, `${JSON.stringify(v)} is not an integer`);
  if (n < min) throw field(name, `${JSON.stringify(v)} is less than the minimum of ${min}`);
  return n;
}

function str(v: unknown, name: string, max = 255): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw field(name, `${JSON.stringify(v)} is not of type 'string'`);
  if (v.length > max) throw field(name, `it is longer than ${max} characters`);
  return v;
}

function readV2(m: unknown): BdmRequest | null {
  if (!isObject(m)) throw field('block_device_mapping_v2', `${JSON.stringify(m)} is not of type 'object'`);
  for (const k of Object.keys(m)) if (!V2_KEYS.has(k)) throw field('block_device_mapping_v2', `Additional properties are not allowed ('${k}' was unexpected)`);
  if (bool(m.no_device, 'no_device')) return null;
  const source = m.source_type ?? (m.image_id !== undefined ? 'image' : undefined);
  if (source !== 'image' && source !== 'volume' && source !== 'snapshot' && source !== 'blank') throw invalid('Invalid source_type field.');
  let destination = m.destination_type;
  if (destination === undefined || destination === null) destination = source === 'blank' || source === 'image' ? 'local' : 'volume';
  if (destination !== 'volume' && destination !== 'local') throw invalid('Invalid destination_type field.');
  const uuid = str(m.uuid ?? m.image_id, 'uuid');
  if (uuid !== null && !/^[a-zA-Z0-9._-]*$/.test(uuid)) throw field('uuid', `'${uuid}' does not match '^[a-zA-Z0-9._-]*$'`);
  if (source !== 'blank' && !uuid) throw invalid('Missing device UUID.');
  const bootRaw = int(m.boot_index, 'boot_index', -1);
  const bootIndex = bootRaw === null || bootRaw < 0 ? null : bootRaw;
  const volumeSize = int(m.volume_size, 'volume_size', 0);
  const deviceRaw = str(m.device_name, 'device_name');
  if (deviceRaw !== null && /\s/.test(deviceRaw.trim())) throw invalid('Device name contains spaces.');
  const req: BdmRequest = {
    sourceType: source, destinationType: destination, uuid: source === 'blank' ? null : uuid,
    volumeSize: volumeSize === 0 ? null : volumeSize, bootIndex,
    deleteOnTermination: m.delete_on_termination === undefined ? destination === 'local' : bool(m.delete_on_termination, 'delete_on_termination'),
    deviceName: deviceRaw ? normalizeDevice(deviceRaw) : null,
    diskBus: str(m.disk_bus, 'disk_bus'), deviceType: str(m.device_type, 'device_type'), volumeType: str(m.volume_type, 'volume_type'),
  };
  if (req.destinationType === 'local') {
    if (req.sourceType === 'image' && req.bootIndex !== 0) throw invalid('Mapping image to local is not supported.');
    if (req.sourceType !== 'image') throw invalid('Local blank disks (ephemeral, swap) come from the flavor on this cloud; map volumes instead.');
  }
  if (req.sourceType === 'image' && req.destinationType === 'volume' && !req.volumeSize) {
    throw invalid("Images with destination_type 'volume' need to have a non-zero size specified");
  }
  if (req.sourceType === 'blank' && !req.volumeSize) throw invalid("Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size");
  return req;
}

/** The legacy v1 form: volumes or snapshots by id, the root one named by device (vda). */
function readV1(m: unknown): BdmRequest | null {
  if (!isObject(m)) throw field('block_device_mapping', `${JSON.stringify(m)} is not of type 'object'`);
  for (const k of Object.keys(m)) if (!V1_KEYS.has(k)) throw field('block_device_mapping', `Additional properties are not allowed ('${k}' was unexpected)`);
  if (bool(m.no_device, 'no_device')) return null;
  const volumeId = str(m.volume_id, 'volume_id');
  const snapshotId = str(m.snapshot_id, 'snapshot_id');
  if (!volumeId && !snapshotId) throw invalid('Missing device UUID.');
  const deviceRaw = str(m.device_name, 'device_name');
  if (!deviceRaw) throw invalid('Device name empty or too long.');
  const device = normalizeDevice(deviceRaw);
  const root = device === '/dev/vda' || device === '/dev/sda' || device === '/dev/xvda';
  return {
    sourceType: volumeId ? 'volume' : 'snapshot', destinationType: 'volume', uuid: volumeId ?? snapshotId,
    volumeSize: int(m.volume_size, 'volume_size', 0) || null, bootIndex: root ? 0 : null,
    deleteOnTermination: bool(m.delete_on_termination, 'delete_on_termination'), deviceName: device,
    diskBus: null, deviceType: null, volumeType: null,
  };
}

/**
 * Both forms (Nova refuses them together), checked for a sane boot sequence: boot indexes unique,
 * from 0 and without gaps (Nova's InvalidBDMBootSequence).
 */
export function readBlockDevices(v2: unknown, v1: unknown): BdmRequest[] {
  if (v2 !== undefined && v1 !== undefined) throw badRequest('Using different block_device_mapping syntaxes is not allowed in the same request.');
  const raw = v2 ?? v1;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw field(v2 !== undefined ? 'block_device_mapping_v2' : 'block_device_mapping', `${JSON.stringify(raw)} is not of type 'array'`);
  const out = raw.map((m) => (v2 !== undefined ? readV2(m) : readV1(m))).filter((m): m is BdmRequest => m !== null);
  const indexes = out.map((m) => m.bootIndex).filter((i): i is number => i !== null).sort((a, b) => a - b);
  if (indexes.length && indexes.some((i, n) => i !== n)) {
    throw invalid('Boot sequence for the instance and image/block device mapping combination is not valid.');
  }
  const devices = out.map((m) => m.deviceName).filter((d): d is string => d !== null);
  const dup = devices.find((d, i) => devices.indexOf(d) !== i);
  if (dup) throw invalid(`The device ${dup} is used more than once.`);
  return out;
}

/** The mapping the server boots from (boot_index 0), if any. */
export const bootMapping = (bdms: BdmRequest[]): BdmRequest | undefined => bdms.find((m) => m.bootIndex === 0);

/** Whether the server boots from a volume (its boot mapping ends up as a volume). */
export const bootsFromVolume = (bdms: BdmRequest[]): boolean => bootMapping(bdms)?.destinationType === 'volume';
