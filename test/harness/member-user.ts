// A user holding only the `member` role on a fresh project: the subject of policy tests.
import type { TestCloud } from './test-cloud.js';

export interface MemberUser { id: string; name: string; password: string; projectId: string; projectName: string; token: string }

/**
 * Creates project and user through the API; the grant is written directly, so slices can test
 * their policy without depending on the grants API.
 */
export async function createMemberUser(t: TestCloud, name: string, project = `${name}-project`): Promise<MemberUser> {
  const admin = await t.adminToken();
  const password = `pw-${name}-secret`;
  let p = (await t.request('GET', `/identity/v3/projects?name=${encodeURIComponent(project)}`, { token: admin })).body?.projects?.[0];
  if (!p) {
    const res = await t.request('POST', '/identity/v3/projects', { token: admin, body: { project: { name: project } } });
    if (res.status !== 201) throw new Error(`project ${project}: ${res.status} ${res.text}`);
    p = res.body.project;
  }
  const u = await t.request('POST', '/identity/v3/users', { token: admin, body: { user: { name, password } } });
  if (u.status !== 201) throw new Error(`user ${name}: ${u.status} ${u.text}`);
  const db = t.cloud.identity.deps.db;
  const member = await db.selectFrom('role').select('id').where('name', '=', 'member').where('domain_id', '=', '').executeTakeFirstOrThrow();
  await db.insertInto('role_assignment').values({
    actor_type: 'user', actor_id: u.body.user.id, target_type: 'project', target_id: p.id, role_id: member.id,
  }).execute();
  const token = await t.login(name, password, project);
  return { id: u.body.user.id, name, password, projectId: p.id, projectName: project, token };
}
