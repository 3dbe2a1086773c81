// What the identity fuzz needs before it starts and checks after it ends: a member with a token,
// "victims" (one resource of each kind, made to be fuzzed), snapshots of every entity table and
// an orphan check over the relation tables.
import type { TestCloud } from '../harness/test-cloud.js';
import type { Victims, VictimKind } from './identity-fuzz.cases.js';

export const ENTITY_TABLES = ['domain', 'project', 'identity_user', 'identity_group', 'role', 'region', 'service',
  'endpoint', 'application_credential'] as const;
export type EntityTable = (typeof ENTITY_TABLES)[number];
export type Snapshot = Record<EntityTable, Set<string>>;

const MEMBER_PASSWORD = 'fuzz-member-password';
const VICTIM_PASSWORD = 'fuzz-victim-password';

export async function entityIds(t: TestCloud): Promise<Snapshot> {
  const db = t.cloud.identity.deps.db;
  const out = {} as Snapshot;
  for (const table of ENTITY_TABLES) {
    out[table] = new Set((await db.selectFrom(table).select('id').execute()).map((r) => r.id));
  }
  return out;
}

/** Rows of relation tables that point at nothing: what a half-done write leaves behind. */
export async function orphans(t: TestCloud): Promise<string[]> {
  const db = t.cloud.identity.deps.db;
  const ids = await entityIds(t);
  const out: string[] = [];
  const need = (ok: boolean, what: string) => { if (!ok) out.push(what); };
  for (const a of await db.selectFrom('role_assignment').selectAll().execute()) {
    const what = `role_assignment ${JSON.stringify(a)}`;
    need(ids.role.has(a.role_id), `${what}: no such role`);
    need((a.actor_type === 'user' ? ids.identity_user : ids.identity_group).has(a.actor_id), `${what}: no such actor`);
    need(a.target_type === 'system' ? a.target_id === 'all' : ids[a.target_type].has(a.target_id), `${what}: no such target`);
  }
  for (const m of await db.selectFrom('group_membership').selectAll().execute()) {
    need(ids.identity_group.has(m.group_id) && ids.identity_user.has(m.user_id), `group_membership ${JSON.stringify(m)} dangles`);
  }
  for (const i of await db.selectFrom('implied_role').selectAll().execute()) {
    need(ids.role.has(i.prior_role_id) && ids.role.has(i.implied_role_id), `implied_role ${JSON.stringify(i)} dangles`);
  }
  for (const r of await db.selectFrom('application_credential_role').selectAll().execute()) {
    need(ids.application_credential.has(r.app_cred_id), `application_credential_role ${JSON.stringify(r)} dangles`);
  }
  for (const c of await db.selectFrom('application_credential').selectAll().execute()) {
    need(ids.identity_user.has(c.user_id) && ids.project.has(c.project_id), `application_credential ${c.id} dangles`);
  }
  for (const e of await db.selectFrom('endpoint').selectAll().execute()) {
    need(ids.service.has(e.service_id), `endpoint ${e.id}: no such service ${e.service_id}`);
    need(e.region_id === null || ids.region.has(e.region_id), `endpoint ${e.id}: no such region ${e.region_id}`);
  }
  for (const p of await db.selectFrom('project').selectAll().execute()) {
    need(ids.domain.has(p.domain_id), `project ${p.id}: no such domain`);
    need(p.parent_id === null || ids.project.has(p.parent_id), `project ${p.id}: no such parent`);
  }
  for (const u of await db.selectFrom('identity_user').selectAll().execute()) need(ids.domain.has(u.domain_id), `user ${u.id}: no such domain`);
  for (const g of await db.selectFrom('identity_group').selectAll().execute()) need(ids.domain.has(g.domain_id), `group ${g.id}: no such domain`);
  for (const r of await db.selectFrom('region').selectAll().execute()) {
    need(r.parent_region_id === null || ids.region.has(r.parent_region_id), `region ${r.id}: no such parent`);
  }
  for (const tok of await db.selectFrom('token').selectAll().execute()) {
    need(ids.identity_user.has(tok.user_id), `token of missing user ${tok.user_id}`);
    need(tok.project_id === null || ids.project.has(tok.project_id), `token for missing project ${tok.project_id}`);
  }
  return out;
}

type Route = { method: string; url: string };

export interface FuzzSetup {
  victims: Victims;
  memberToken: string;
  /** Every entity the setup made, by table. */
  made: Partial<Record<EntityTable, string[]>>;
}

/**
 * A member (role `member` on its own project) for the member-token cases, and one victim of each
 * kind whose create route exists. Victims live in the Default domain or are global, so deleting
 * the victim domain takes nothing else with it.
 */
export async function setUpVictims(t: TestCloud, routes: readonly Route[]): Promise<FuzzSetup> {
  const admin = await t.adminToken();
  const has = (method: string, url: string) => routes.some((r) => r.method === method && r.url === `/identity/v3/${url}`);
  const made: FuzzSetup['made'] = {};
  const victims: Victims = {};

  const create = async (table: EntityTable, path: string, body: Record<string, unknown>, token = admin): Promise<string> => {
    const res = await t.request('POST', `/identity/v3/${path}`, { token, body });
    if (res.status !== 201) throw new Error(`setup: POST ${path} gave ${res.status} ${res.text}`);
    const id = String((Object.values(res.body as object)[0] as { id: string }).id);
    (made[table] ??= []).push(id);
    return id;
  };
  const memberRole = await t.cloud.identity.deps.db.selectFrom('role').select('id')
    .where('name', '=', 'member').where('domain_id', '=', '').executeTakeFirstOrThrow();
  const grant = async (project: string, user: string) => {
    if (has('PUT', 'projects/:project_id/users/:user_id/roles/:role_id')) {
      const res = await t.request('PUT', `/identity/v3/projects/${project}/users/${user}/roles/${memberRole.id}`, { token: admin });
      if (res.status !== 204) throw new Error(`setup: grant gave ${res.status} ${res.text}`);
    } else {
      // Until the grants API exists, the assignment goes straight into the table.
      await t.cloud.identity.deps.db.insertInto('role_assignment').values({
        actor_type: 'user', actor_id: user, target_type: 'project', target_id: project, role_id: memberRole.id,
      }).execute();
    }
  };

  const memberProject = await create('project', 'projects', { project: { name: 'fuzz-member-project', domain_id: 'default' } });
  const member = await create('identity_user', 'users', { user: { name: 'fuzz-member', domain_id: 'default', password: MEMBER_PASSWORD } });
  await grant(memberProject, member);
  const memberToken = await t.login('fuzz-member', MEMBER_PASSWORD, 'fuzz-member-project');

  const victim = async (kind: VictimKind, table: EntityTable, path: string, body: Record<string, unknown>, token?: string) => {
    if (has('POST', path)) victims[kind] = await create(table, path, body, token);
  };
  await victim('domain', 'domain', 'domains', { domain: { name: 'fuzz-victim-domain' } });
  await victim('project', 'project', 'projects', { project: { name: 'fuzz-victim-project', domain_id: 'default' } });
  await victim('user', 'identity_user', 'users', { user: { name: 'fuzz-victim-user', domain_id: 'default', password: VICTIM_PASSWORD } });
  await victim('group', 'identity_group', 'groups', { group: { name: 'fuzz-victim-group', domain_id: 'default' } });
  await victim('role', 'role', 'roles', { role: { name: 'fuzz-victim-role' } });
  await victim('role2', 'role', 'roles', { role: { name: 'fuzz-victim-role-2' } });
  await victim('region', 'region', 'regions', { region: { id: 'fuzz-victim-region', description: 'fuzzed' } });
  await victim('service', 'service', 'services', { service: { type: 'fuzz-victim', name: 'fuzz-victim-service' } });
  if (victims.service && victims.region) {
    await victim('endpoint', 'endpoint', 'endpoints', {
      endpoint: { service_id: victims.service, interface: 'public', url: 'http://127.0.0.1:9/fuzz', region_id: victims.region },
    });
  }
  if (victims.user && victims.project && has('POST', 'users/:user_id/application_credentials')) {
    await grant(victims.project, victims.user);
    const own = await t.login('fuzz-victim-user', VICTIM_PASSWORD, 'fuzz-victim-project');
    victims.application_credential = await create('application_credential',
      `users/${victims.user}/application_credentials`, { application_credential: { name: 'fuzz-victim-cred' } }, own);
  }
  return { victims, memberToken, made };
}
