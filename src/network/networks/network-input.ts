// A network request body read into typed values, with Neutron's per-attribute checks.
import { NETWORK_ATTRIBUTES } from './network-view.js';
import { bool, checkAttributes, int, invalid, list, str, type AttributeRules, type Body } from './attributes.js';

const rw = { post: true, put: true };
const ro = { post: false, put: false };
const postOnly = { post: true, put: false };

export const NETWORK_RULES: AttributeRules = {
  ...Object.fromEntries(NETWORK_ATTRIBUTES.map((a) => [a, ro])),
  name: rw, description: rw, admin_state_up: rw, shared: rw, 'router:external': rw, is_default: rw, mtu: rw,
  port_security_enabled: rw, availability_zone_hints: postOnly, tenant_id: postOnly, project_id: postOnly,
  'provider:network_type': rw, 'provider:physical_network': rw, 'provider:segmentation_id': rw,
  // Accepted at create time (newer Neutron does); afterwards tags change through /tags.
  tags: postOnly,
};

export interface NetworkInput {
  name?: string; description?: string; adminStateUp?: boolean; shared?: boolean; external?: boolean; isDefault?: boolean;
  mtu?: number; portSecurity?: boolean; azHints?: string[]; tags?: string[];
  networkType?: string; physicalNetwork?: string | null; segmentationId?: number | null;
}

/** Neutron's tag rules: at most 60 characters, no comma; at most 50 per resource. */
export function readTags(v: unknown): string[] {
  const tags = list('tags', v);
  if (tags.length > 50) invalid('tags', `${tags.length} tags exceed the maximum of 50.`);
  const out: string[] = [];
  for (const t of tags) {
    const s = str('tags', t, 60);
    if (s === '' || s.includes(',')) invalid('tags', `'${s}' is not a valid tag.`);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

export function readNetwork(body: Body, method: 'POST' | 'PUT'): NetworkInput {
  checkAttributes(body, NETWORK_RULES, method);
  const has = (k: string) => body[k] !== undefined;
  const out: NetworkInput = {};
  if (has('name')) out.name = str('name', body.name);
  if (has('description')) out.description = str('description', body.description);
  if (has('admin_state_up')) out.adminStateUp = bool('admin_state_up', body.admin_state_up);
  if (has('shared')) out.shared = bool('shared', body.shared);
  if (has('router:external')) out.external = bool('router:external', body['router:external']);
  if (has('is_default')) out.isDefault = bool('is_default', body.is_default);
  if (has('port_security_enabled')) out.portSecurity = bool('port_security_enabled', body.port_security_enabled);
  if (has('mtu') && body.mtu !== null) {
    out.mtu = int('mtu', body.mtu);
    if (out.mtu < 68) invalid('mtu', `'${out.mtu}' is too small - must be at least '68'`);
  }
  if (has('availability_zone_hints')) {
    const hints = list('availability_zone_hints', body.availability_zone_hints).map((h) => str('availability_zone_hints', h));
    // One availability zone exists: nova.
    for (const h of hints) if (h !== 'nova') invalid('availability_zone_hints', `AvailabilityZone ${h} could not be found.`);
    out.azHints = [...new Set(hints)];
  }
  if (has('tags')) out.tags = readTags(body.tags);
  if (has('provider:network_type')) out.networkType = str('provider:network_type', body['provider:network_type']);
  if ('provider:physical_network' in body) {
    const v = body['provider:physical_network'];
    out.physicalNetwork = v === null || v === '' ? null : str('provider:physical_network', v, 64);
  }
  if ('provider:segmentation_id' in body) {
    const v = body['provider:segmentation_id'];
    out.segmentationId = v === null ? null : int('provider:segmentation_id', v);
  }
  return out;
}
