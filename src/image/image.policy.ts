import type { PolicyRules } from '../platform/policy/policy.js';

// Glance's default rules under Glance's own names (so an operator's glance policy file applies),
// in the oslo.policy language. Who may *see* an image (public, community, own, shared with an
// accepted or pending membership) is decided by the service before these rules run; the rules
// decide who may act on it. Only admins publicize, deactivate and reactivate.
const admin = 'role:admin';
const ownerMember = `${admin} or (role:member and project_id:%(target.owner)s)`;

export const imagePolicy: PolicyRules = {
  context_is_admin: admin,
  add_image: ownerMember,
  get_image: '',
  get_images: '',
  modify_image: ownerMember,
  delete_image: ownerMember,
  publicize_image: admin,
  communitize_image: ownerMember,
  upload_image: ownerMember,
  download_image: '',
  deactivate: admin,
  reactivate: admin,
  add_member: ownerMember,
  delete_member: ownerMember,
  get_member: '',
  get_members: '',
  modify_member: 'project_id:%(target.member_id)s',
};
