import { keystoneTime } from '../../platform/ids.js';
import type { CatalogEntry } from '../catalog/catalog.js';
import { bool, parseJson } from '../common.js';
import type { ResolvedToken } from './tokens.service.js';

/** The `token` object of Keystone's token responses. */
export function tokenBody(r: ResolvedToken, catalog: CatalogEntry[] | undefined) {
  const body: Record<string, unknown> = {
    methods: parseJson<string[]>(r.row.methods, []),
    user: {
      domain: { id: r.userDomain.id, name: r.userDomain.name },
      id: r.user.id,
      name: r.user.name,
      password_expires_at: null,
    },
    audit_ids: [r.row.audit_id],
    expires_at: keystoneTime(new Date(r.row.expires_at)),
    issued_at: keystoneTime(new Date(r.row.issued_at)),
  };
  const scoped = Boolean(r.project || r.domain || r.system);
  if (r.project && r.projectDomain) {
    body.project = { domain: { id: r.projectDomain.id, name: r.projectDomain.name }, id: r.project.id, name: r.project.name };
    body.is_domain = false;
  }
  if (r.domain) body.domain = { id: r.domain.id, name: r.domain.name };
  if (r.system) body.system = { all: true };
  if (scoped) {
    body.roles = r.roles.map((role) => ({ id: role.id, name: role.name }));
    if (catalog) body.catalog = catalog;
  }
  if (r.appCred) {
    body.application_credential = { id: r.appCred.id, name: r.appCred.name, restricted: !bool(r.appCred.unrestricted) };
  }
  return body;
}
