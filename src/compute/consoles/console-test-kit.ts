// Test helpers for the console slice: instances written straight into the table (the test cloud
// runs no compute agent) and a stand-in agent serving `compute.<host>` on the bus.
import { randomUUID } from 'node:crypto';
import type { TestCloud } from '../../../test/harness/test-cloud.js';
import type { ConsoleAddress } from '../../agent/compute/driver.js';
import type { InstanceRow } from '../compute.tables.js';

export async function insertInstance(t: TestCloud, fields: Partial<InstanceRow> & { project_id: string }): Promise<string> {
  const uuid = fields.uuid ?? randomUUID();
  const at = new Date().toISOString();
  await t.cloud.compute.ctx.deps.db.insertInto('compute_instance').values({
    uuid, name: 'nb-console-test', description: null, user_id: 'u', image_ref: '', kernel_id: null, ramdisk_id: null,
    flavor_id: 'f1', flavor: '{}', old_flavor: null, new_flavor: null, vcpus: 1, memory_mb: 64, root_gb: 1, ephemeral_gb: 0,
    key_name: null, key_data: null, user_data: null, availability_zone: null, host: 'h1', node: 'h1',
    vm_state: 'active', task_state: null, power_state: 1, locked: 0, locked_by: null, launch_index: 0,
    reservation_id: 'r-1', hostname: 'nb-console-test', config_drive: '', access_ip_v4: null, access_ip_v6: null,
    progress: 0, networks: '"none"', scheduler_hints: '{}', system_metadata: '{}', fault: null,
    created_at: at, updated_at: at, launched_at: at, terminated_at: null, deleted_at: null, deleted: 0,
    ...fields,
  }).execute();
  return uuid;
}

export interface FakeAgent {
  /** Every call received: method and arguments. */
  readonly calls: { method: string; args: Record<string, unknown> }[];
  /** What vncAddress answers (an Error is thrown instead). */
  vnc: ConsoleAddress | Error;
  /** What consoleOutput answers (an Error is thrown instead). */
  output: string | Error;
  stop(): Promise<void>;
}

export async function serveFakeAgent(t: TestCloud, host: string): Promise<FakeAgent> {
  const agent = {
    calls: [] as FakeAgent['calls'],
    vnc: new Error('no VNC address set') as ConsoleAddress | Error,
    output: '' as string | Error,
  };
  const sub = await t.cloud.platform.bus.serve(`compute.${host}`, (method, args: Record<string, unknown>) => {
    agent.calls.push({ method, args });
    const answer = method === 'vncAddress' ? agent.vnc : method === 'consoleOutput' ? agent.output : new Error(`unexpected ${method}`);
    if (answer instanceof Error) throw answer;
    return answer;
  });
  return Object.assign(agent, { stop: () => sub.unsubscribe() });
}

/** A user with one role (e.g. `reader`) on a fresh project, and a token scoped to it. */
export async function createUserWithRole(t: TestCloud, name: string, role: string): Promise<{ projectId: string; token: string }> {
  const admin = await t.adminToken();
  const project = `${name}-project`;
  const p = await t.request('POST', '/identity/v3/projects', { token: admin, body: { project: { name: project } } });
  const password = `pw-${name}-secret`;
  const u = await t.request('POST', '/identity/v3/users', { token: admin, body: { user: { name, password } } });
  const r = await t.request('GET', `/identity/v3/roles?name=${role}`, { token: admin });
  const grant = await t.request('PUT', `/identity/v3/projects/${p.body.project.id}/users/${u.body.user.id}/roles/${r.body.roles[0].id}`, { token: admin });
  if (grant.status !== 204) throw new Error(`grant ${role} to ${name}: ${grant.status} ${grant.text}`);
  return { projectId: p.body.project.id, token: await t.login(name, password, project) };
}
