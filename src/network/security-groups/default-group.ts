// The project's `default` security group, made on first use.
import { isUniqueViolation } from '../../platform/errors.js';
import type { NetworkDeps } from '../common.js';
import { insertGroup } from './security-group-records.js';

async function existing(deps: NetworkDeps, projectId: string): Promise<string | undefined> {
  const row = await deps.db.selectFrom('net_default_security_group').select('security_group_id')
    .where('project_id', '=', projectId).executeTakeFirst();
  return row?.security_group_id;
}

/**
 * The project's `default` security group, created on first use with Neutron's rules: ingress from
 * members of the group (IPv4 and IPv6), all egress (IPv4 and IPv6). Safe under concurrency (one
 * group per project, ever). Returns its id.
 * Call it outside any open transaction: it runs its own (on SQLite a nested one would wait forever
 * for the one connection).
 */
export async function ensureDefaultSecurityGroup(deps: NetworkDeps, projectId: string): Promise<string> {
  const found = await existing(deps, projectId);
  if (found) return found;
  try {
    return await deps.db.transaction().execute(async (trx) => {
      // Neutron does not count the default group against the project's quota when it makes it.
      const id = await insertGroup(trx, { projectId, name: 'default', description: 'Default security group', stateful: true }, true);
      // The primary key on project_id makes a racing creator fail here and roll its group back.
      await trx.insertInto('net_default_security_group').values({ project_id: projectId, security_group_id: id }).execute();
      return id;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await existing(deps, projectId);
    if (!winner) throw err;
    return winner;
  }
}
