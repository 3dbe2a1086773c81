// The wizard's form: what the user chose, which steps are valid, and the POST /servers body it becomes.
import type { Flavor, Image, Port, Subnet } from './launch-data';
import { nicErrors } from './nic-check';
import type { Translate } from '../../i18n/i18n';

export type BootSource = 'image' | 'snapshot' | 'volume' | 'volume_snapshot';

/** One network interface: a new port on a network (optionally at a fixed IP), or an existing port. */
export type Nic = { kind: 'network'; id: string; fixedIp: string } | { kind: 'port'; id: string };
export const nicKey = (n: Nic) => `${n.kind}:${n.id}`;

export interface LaunchForm {
  name: string;
  description: string;
  zone: string;
  count: number;
  source: BootSource;
  /** The id of the chosen image, instance snapshot, volume or volume snapshot. */
  sourceId: string;
  newVolume: boolean;
  volumeSize: number;
  deleteOnTermination: boolean;
  flavorId: string;
  /** The instance's interfaces, in NIC order. */
  nics: Nic[];
  /** The server group to join (scheduler hint `group`), or ''. */
  serverGroup: string;
  securityGroups: string[];
  keyName: string;
  userData: string;
  configDrive: boolean;
  metadata: string;
}

export const emptyForm = (): LaunchForm => ({
  name: '', description: '', zone: '', count: 1, source: 'image', sourceId: '', newVolume: false, volumeSize: 1,
  deleteOnTermination: false, flavorId: '', nics: [], serverGroup: '', securityGroups: ['default'], keyName: '', userData: '',
  configDrive: false, metadata: '',
});

export const STEPS = ['details', 'source', 'flavor', 'networks', 'security', 'keypair', 'config'] as const;
export type Step = typeof STEPS[number];

/** "key=value" lines into metadata; the lines that do not parse are reported. */
export function parseMetadata(text: string): { metadata: Record<string, string>; bad: string[] } {
  const metadata: Record<string, string> = {};
  const bad: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) { bad.push(line); continue; }
    metadata[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { metadata, bad };
}

/** Why a flavor cannot boot the chosen image, or undefined when it can. */
export function flavorProblem(f: Flavor, image: Image | undefined, form: LaunchForm, t: Translate): string | undefined {
  if (!image) return undefined;
  if (image.min_ram && f.ram < image.min_ram) return t('Needs at least {n} MiB of RAM', { n: image.min_ram });
  // A root volume replaces the flavor's disk; only a local root disk must hold the image.
  const localDisk = (form.source === 'image' || form.source === 'snapshot') && !form.newVolume;
  if (localDisk && f.disk > 0 && image.min_disk && f.disk < image.min_disk) return t('Needs a root disk of at least {n} GiB', { n: image.min_disk });
  return undefined;
}

/** What the checks need beyond the form: whether the flavor fits, and the lists fixed IPs are checked against. */
export interface CheckContext { flavorBlocked: boolean; subnets?: Subnet[]; ports?: Port[] }

/** The errors of each step (empty when the step is valid). */
export function stepErrors(form: LaunchForm, t: Translate, ctx: CheckContext): Record<Step, Record<string, string>> {
  const details: Record<string, string> = {};
  if (!form.name.trim()) details.name = t('Enter a name for the instance.');
  else if (form.name !== form.name.trim()) details.name = t('The name may not start or end with a space.');
  if (!Number.isInteger(form.count) || form.count < 1) details.count = t('Enter a whole number of at least 1.');
  const source: Record<string, string> = {};
  if (!form.sourceId) source.sourceId = t('Choose what the instance boots from.');
  const usesNewVolume = (form.source === 'image' || form.source === 'snapshot') && form.newVolume;
  if (usesNewVolume && (!Number.isInteger(form.volumeSize) || form.volumeSize < 1)) source.volumeSize = t('Enter a size of at least 1 GiB.');
  const flavor: Record<string, string> = {};
  if (!form.flavorId) flavor.flavorId = t('Choose a flavor.');
  else if (ctx.flavorBlocked) flavor.flavorId = t('The chosen flavor is too small for the image.');
  const config: Record<string, string> = {};
  const { bad } = parseMetadata(form.metadata);
  if (bad.length) config.metadata = t('Write each metadata line as key=value: {lines}', { lines: bad.join(', ') });
  return { details, source, flavor, networks: nicErrors(form, ctx.subnets, ctx.ports, t), security: {}, keypair: {}, config };
}

/** UTF-8 text as base64 (what Nova expects in user_data). */
export function base64Utf8(text: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** The body of POST /compute/v2.1/servers for this form. */
export function serverBody(form: LaunchForm): { server: Record<string, unknown>; 'os:scheduler_hints'?: { group: string } } {
  const server: Record<string, unknown> = {
    name: form.name,
    flavorRef: form.flavorId,
    min_count: form.count,
    max_count: form.count,
    // Explicit: with no network chosen the instance has no NIC (2.37+ needs the key).
    networks: form.nics.length ? form.nics.map((n) => (n.kind === 'port' ? { port: n.id }
      : n.fixedIp.trim() ? { uuid: n.id, fixed_ip: n.fixedIp.trim() } : { uuid: n.id })) : 'none',
  };
  if (form.description.trim()) server.description = form.description;
  if (form.zone) server.availability_zone = form.zone;
  if (form.securityGroups.length) server.security_groups = form.securityGroups.map((name) => ({ name }));
  if (form.keyName) server.key_name = form.keyName;
  if (form.userData) server.user_data = base64Utf8(form.userData);
  if (form.configDrive) server.config_drive = true;
  const { metadata } = parseMetadata(form.metadata);
  if (Object.keys(metadata).length) server.metadata = metadata;

  const fromImage = form.source === 'image' || form.source === 'snapshot';
  if (fromImage && !form.newVolume) {
    server.imageRef = form.sourceId;
  } else {
    server.imageRef = '';
    const bdm: Record<string, unknown> = {
      boot_index: 0,
      uuid: form.sourceId,
      source_type: fromImage ? 'image' : form.source === 'volume' ? 'volume' : 'snapshot',
      destination_type: 'volume',
      delete_on_termination: form.deleteOnTermination,
    };
    if (fromImage) bdm.volume_size = form.volumeSize;
    server.block_device_mapping_v2 = [bdm];
  }
  return form.serverGroup ? { server, 'os:scheduler_hints': { group: form.serverGroup } } : { server };
}
