// The metadata service's documents for one server, OpenStack style (/openstack/<version>/…) and
// EC2 style (/<version>/meta-data/…, /<version>/user-data), as Nova's metadata API answers them.
// Pure: the server, its metadata and its network facts in, a response out.
import type { MetadataResponse } from '../../agent/network/host-state.js';
import type { InstanceRow } from '../compute.tables.js';
import type { GuestNetwork, ServerNetworkView } from '../network-access.js';
import { metaData } from './meta-data.js';

export const OPENSTACK_VERSIONS = ['2012-08-10', '2013-04-04', '2013-10-17', '2015-10-15', '2016-06-30', '2016-10-06', '2017-02-22', '2018-08-27', 'latest'];
export const EC2_VERSIONS = ['1.0', '2007-01-19', '2007-03-01', '2007-08-29', '2007-10-10', '2007-12-15', '2008-02-01', '2008-09-01', '2009-04-04', 'latest'];

export interface ServerFacts {
  row: InstanceRow;
  metadata: Record<string, string>;
  network: GuestNetwork;
  view: ServerNetworkView;
  flavorName: string;
}

const text = (body: string, status = 200): MetadataResponse => ({ status, contentType: 'text/plain; charset=UTF-8', body });
const jsonDoc = (v: unknown): MetadataResponse => ({ status: 200, contentType: 'application/json', body: JSON.stringify(v) });
export const notFoundDoc = (): MetadataResponse => text('404 Not Found\n\nThe resource could not be found.\n', 404);

function userData(f: ServerFacts): MetadataResponse {
  if (!f.row.user_data) return notFoundDoc();
  // The API stored the base64 the user sent; the guest reads the decoded text.
  return { status: 200, contentType: 'application/octet-stream', body: Buffer.from(f.row.user_data, 'base64').toString('utf8') };
}

function openstack(f: ServerFacts, parts: string[]): MetadataResponse {
  if (parts.length === 0) return text(OPENSTACK_VERSIONS.join('\n'));
  const [version, doc, ...rest] = parts;
  if (!OPENSTACK_VERSIONS.includes(version!) || rest.length) return notFoundDoc();
  const files = ['meta_data.json', 'password', 'vendor_data.json', 'network_data.json', 'vendor_data2.json', ...(f.row.user_data ? ['user_data'] : [])];
  switch (doc) {
    case undefined: case '': return text(files.join('\n'));
    case 'meta_data.json': return jsonDoc(metaData(f.row, f.metadata));
    case 'network_data.json': return jsonDoc(f.network.networkData);
    case 'vendor_data.json': case 'vendor_data2.json': return jsonDoc({});
    case 'password': return text('');
    case 'user_data': return userData(f);
    default: return notFoundDoc();
  }
}

/** The EC2 meta-data tree: leaves are strings, folders objects. */
function ec2Tree(f: ServerFacts): Record<string, unknown> {
  const { row } = f;
  const addrs = Object.values(f.view.addresses).flat();
  const fixed = addrs.find((a) => a.version === 4 && a['OS-EXT-IPS:type'] === 'fixed')?.addr ?? '';
  const floating = addrs.find((a) => a.version === 4 && a['OS-EXT-IPS:type'] === 'floating')?.addr ?? '';
  const keys: Record<string, unknown> = {};
  if (row.key_name && row.key_data) keys[`0=${row.key_name}`] = { 'openssh-key': row.key_data };
  const tree: Record<string, unknown> = {
    'ami-id': row.image_ref ? `ami-${row.image_ref.slice(0, 8)}` : '',
    'ami-launch-index': String(row.launch_index),
    'ami-manifest-path': 'FIXME',
    'block-device-mapping': { ami: 'vda', root: '/dev/vda' },
    hostname: row.hostname,
    'instance-action': 'none',
    'instance-id': `i-${row.uuid.slice(0, 8)}`,
    'instance-type': f.flavorName,
    'local-hostname': row.hostname,
    'local-ipv4': fixed,
    placement: { 'availability-zone': row.availability_zone ?? 'nova' },
    'public-hostname': row.hostname,
    'public-ipv4': floating,
    'reservation-id': row.reservation_id,
    'security-groups': f.view.securityGroups.join('\n'),
  };
  if (Object.keys(keys).length) tree['public-keys'] = keys;
  return tree;
}

function listing(node: Record<string, unknown>): string {
  return Object.entries(node).map(([k, v]) => {
    // public-keys/ lists `0=name`; its entry is reached as public-keys/0/.
    if (k.includes('=')) return k;
    return typeof v === 'object' ? `${k}/` : k;
  }).join('\n');
}

function ec2(f: ServerFacts, parts: string[]): MetadataResponse {
  const [version, section, ...rest] = parts;
  if (!EC2_VERSIONS.includes(version!)) return notFoundDoc();
  if (section === undefined || section === '') return text(['meta-data/', ...(f.row.user_data ? ['user-data'] : [])].join('\n'));
  if (section === 'user-data') return rest.length ? notFoundDoc() : userData(f);
  if (section !== 'meta-data') return notFoundDoc();
  let node: unknown = ec2Tree(f);
  for (const key of rest) {
    if (typeof node !== 'object' || node === null) return notFoundDoc();
    const entries = node as Record<string, unknown>;
    const match = key in entries ? key : Object.keys(entries).find((k) => k.split('=')[0] === key);
    if (match === undefined) return notFoundDoc();
    node = entries[match];
  }
  return typeof node === 'string' ? text(node) : text(listing(node as Record<string, unknown>));
}

/** Answers a GET for `path` (query ignored) about the server in `f`. */
export function metadataDocument(f: ServerFacts, path: string): MetadataResponse {
  const clean = path.split('?')[0]!;
  if (clean.split('/').includes('..')) return notFoundDoc();
  const parts = clean.split('/').slice(1);
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0) return text(EC2_VERSIONS.join('\n'));
  if (parts[0] === 'openstack') return openstack(f, parts.slice(1));
  return ec2(f, parts);
}
