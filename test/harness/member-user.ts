// A user holding only the `member` role on a fresh project: the subject of policy tests.
import type { TestCloud } from './test-cloud.js';

export interface MemberUser { id: string; name: string; password: string; projectId: string; projectName: string; token: string }

/** Creates the project (unless it exists), the user and the member grant, all through the API. */
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
  const roles = await t.request('GET', '/identity/v3/roles?name=member', { token: admin });
  const memberRole = roles.body?.roles?.[0]?.id;
  const grant = await t.request('PUT', `/identity/v3/projects/${p.id}/users/${u.body.user.id}/roles/${memberRole}`, { token: admin });
  if (grant.status !== 204) throw new Error(`grant member to ${name}: ${grant.status} ${grant.text}`);
  const token = await t.login(name, password, project);
  return { id: u.body.user.id, name, password, projectId: p.id, projectName: project, token };
}
