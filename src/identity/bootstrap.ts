// First start creates what a cloud needs to be used at all (as `keystone-manage bootstrap` does);
// later starts keep what is there and only add what is missing.
import { hexId, secret } from '../platform/ids.js';
import type { Config } from '../platform/config.js';
import type { IdentityDb } from './identity.tables.js';
import { DEFAULT_DOMAIN_ID } from './domains/domains.service.js';
import { hashSecret } from './passwords.js';
import { writeCredentialFiles } from './credentials-files.js';

export const REGION = 'RegionOne';
const INTERFACES = ['public', 'internal', 'admin'] as const;

export interface CatalogService { type: string; name: string; catalogPath: string }

export interface BootstrapResult {
  /** Set only when the admin user was created now; the password went to these files. */
  created?: { cloudsYaml: string; openrc: string };
  adminUserId: string;
}

export async function bootstrapIdentity(db: IdentityDb, config: Config, services: CatalogService[],
  adminPassword: string | undefined): Promise<BootstrapResult> {
  let newPassword: string | undefined;
  const adminUserId = await db.transaction().execute(async (trx) => {
    const has = async (table: 'domain' | 'region', id: string) =>
      Boolean(await trx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst());
    if (!(await has('domain', DEFAULT_DOMAIN_ID))) {
      await trx.insertInto('domain').values({
        id: DEFAULT_DOMAIN_ID, name: 'Default', description: 'The default domain', enabled: 1, extra: '{}',
      }).execute();
    }

    const project = async (name: string, description: string) => {
      const found = await trx.selectFrom('project').select('id')
        .where('name', '=', name).where('domain_id', '=', DEFAULT_DOMAIN_ID).executeTakeFirst();
      if (found) return found.id;
      const id = hexId();
      await trx.insertInto('project').values({
        id, name, domain_id: DEFAULT_DOMAIN_ID, parent_id: null, description, enabled: 1, tags: '[]', extra: '{}',
      }).execute();
      return id;
    };
    const adminProject = await project('admin', 'Bootstrap project for initializing the cloud.');
    await project('service', 'Project of the cloud\'s own services.');

    const role = async (name: string) => {
      const found = await trx.selectFrom('role').select('id').where('name', '=', name).where('domain_id', '=', '').executeTakeFirst();
      if (found) return found.id;
      const id = hexId();
      await trx.insertInto('role').values({ id, name, domain_id: '', description: '', options: '{}' }).execute();
      return id;
    };
    const admin = await role('admin');
    const member = await role('member');
    const reader = await role('reader');
    for (const [prior, implied] of [[admin, member], [member, reader]] as const) {
      const found = await trx.selectFrom('implied_role').select('prior_role_id')
        .where('prior_role_id', '=', prior).where('implied_role_id', '=', implied).executeTakeFirst();
      if (!found) await trx.insertInto('implied_role').values({ prior_role_id: prior, implied_role_id: implied }).execute();
    }

    let user = await trx.selectFrom('identity_user').select('id')
      .where('name', '=', 'admin').where('domain_id', '=', DEFAULT_DOMAIN_ID).executeTakeFirst();
    if (!user) {
      const password = adminPassword || secret(18);
      user = { id: hexId() };
      await trx.insertInto('identity_user').values({
        id: user.id, name: 'admin', domain_id: DEFAULT_DOMAIN_ID, enabled: 1, password_hash: await hashSecret(password),
        default_project_id: null, extra: '{}', created_at: new Date().toISOString(), password_changed_at: null,
      }).execute();
      newPassword = password;
    }
    for (const [targetType, targetId] of [['project', adminProject], ['system', 'all']] as const) {
      const found = await trx.selectFrom('role_assignment').select('role_id')
        .where('actor_type', '=', 'user').where('actor_id', '=', user.id)
        .where('target_type', '=', targetType).where('target_id', '=', targetId).where('role_id', '=', admin)
        .executeTakeFirst();
      if (!found) {
        await trx.insertInto('role_assignment').values({
          actor_type: 'user', actor_id: user.id, target_type: targetType, target_id: targetId, role_id: admin,
        }).execute();
      }
    }

    if (!(await has('region', REGION))) {
      await trx.insertInto('region').values({ id: REGION, description: '', parent_region_id: null, extra: '{}' }).execute();
    }
    // Nubis's own endpoints follow the address it listens on now.
    for (const s of services) {
      let svc = await trx.selectFrom('service').select('id').where('type', '=', s.type).where('name', '=', s.name).executeTakeFirst();
      if (!svc) {
        svc = { id: hexId() };
        await trx.insertInto('service').values({ id: svc.id, type: s.type, name: s.name, description: '', enabled: 1, extra: '{}' }).execute();
      }
      const url = `${config.publicUrl}${s.catalogPath}`;
      for (const iface of INTERFACES) {
        const ep = await trx.selectFrom('endpoint').select('id')
          .where('service_id', '=', svc.id).where('interface', '=', iface).where('region_id', '=', REGION).executeTakeFirst();
        if (ep) await trx.updateTable('endpoint').set({ url }).where('id', '=', ep.id).execute();
        else await trx.insertInto('endpoint').values({ id: hexId(), service_id: svc.id, interface: iface, region_id: REGION, url, enabled: 1, extra: '{}' }).execute();
      }
    }
    return user.id;
  });
  // Written after the commit, so the files never hold a password the database does not.
  const created = newPassword === undefined ? undefined
    : writeCredentialFiles(config.stateDir, { authUrl: `${config.publicUrl}/identity`, password: newPassword, region: REGION });
  return { created, adminUserId };
}
