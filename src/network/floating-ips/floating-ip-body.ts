// Floating IP request bodies: the attributes POST and PUT accept (Neutron's l3, fip-port-details,
// qos-fip, tag-creation definitions) and their validation.
import { badRequest, neutronError } from '../common.js';
import {
  ipAttr, resourceBody, shown, stringAttr, tagsAttr, uuidAttr, type AttributeRule, type Body,
} from '../routers/request-body.js';

const rw: AttributeRule = { post: true, put: true };
const postOnly: AttributeRule = { post: true, put: false };
const readOnly: AttributeRule = { post: false, put: false };

const FIP_RULES: Record<string, AttributeRule> = {
  id: readOnly, floating_ip_address: postOnly, subnet_id: postOnly, floating_network_id: postOnly, router_id: readOnly,
  port_id: rw, fixed_ip_address: rw, tenant_id: postOnly, project_id: postOnly, status: readOnly, description: rw,
  qos_policy_id: rw, port_details: readOnly, port_forwardings: readOnly, tags: postOnly,
  created_at: readOnly, updated_at: readOnly, revision_number: readOnly,
};

export interface FloatingIpFields {
  floatingNetworkId?: string;
  floatingIpAddress?: string;
  subnetId?: string;
  /** null: disassociate; undefined: not given. */
  portId?: string | null;
  fixedIpAddress?: string | null;
  description?: string;
  tags?: string[];
  raw: Body;
}

const uuidOrNone = (attr: string, v: unknown): string | null => (v === null ? null : uuidAttr(attr, v));

export function parseFloatingIpBody(body: unknown, method: 'POST' | 'PUT'): FloatingIpFields {
  const f = resourceBody(body, 'floatingip', FIP_RULES, method);
  const out: FloatingIpFields = { raw: f };
  if (method === 'POST') {
    if (f.floating_network_id === undefined) throw badRequest("Failed to parse request. Required attribute 'floating_network_id' not specified");
    out.floatingNetworkId = uuidAttr('floating_network_id', f.floating_network_id);
    if (f.floating_ip_address !== undefined && f.floating_ip_address !== null) out.floatingIpAddress = ipAttr('floating_ip_address', f.floating_ip_address);
    if (f.subnet_id !== undefined && f.subnet_id !== null) out.subnetId = uuidAttr('subnet_id', f.subnet_id);
  }
  if (f.port_id !== undefined) out.portId = uuidOrNone('port_id', f.port_id);
  if (f.fixed_ip_address !== undefined) out.fixedIpAddress = f.fixed_ip_address === null ? null : ipAttr('fixed_ip_address', f.fixed_ip_address);
  if (f.description !== undefined) out.description = stringAttr('description', f.description);
  // No QoS policies exist in Nubis: only "none" can be asked for.
  if (f.qos_policy_id !== undefined && f.qos_policy_id !== null) {
    throw neutronError(404, 'QosPolicyNotFound', `QoS policy ${shown(f.qos_policy_id)} could not be found.`);
  }
  if (f.tags !== undefined) out.tags = tagsAttr(f.tags);
  return out;
}
