// Server metadata: the user's key/value pairs on a server (compute_instance_metadata). Reads need
// only visibility and the reader rule; changes follow Nova's update_instance_metadata: refused
// on a locked server (non-admins), outside active/paused/suspended/stopped or with a task in
// flight, and past the metadata_items quota (403), all checked in the writing transaction.
import type { AuthContext } from '../../platform/auth-context.js';
import { notFound } from '../../platform/errors.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { enforce, target, type ComputeDeps } from '../common.js';
import type { ComputeDb, InstanceRow } from '../compute.tables.js';
import type { VmState } from '../vm-states.js';
import { checkMetadataQuota } from '../quotas/quota-limits.js';
import { checkNotLocked, loadServer, reloadServer, requireState } from '../servers/server-load.js';

type Metadata = Record<string, string>;

/** vm_states in which Nova lets metadata change (compute API update/delete_instance_metadata). */
const CHANGEABLE: readonly VmState[] = ['active', 'paused', 'suspended', 'stopped'];

const itemNotFound = () => notFound('Metadata item was not found');

async function readAll(db: ComputeDb, uuid: string): Promise<Metadata> {
  const rows = await db.selectFrom('compute_instance_metadata').select(['key', 'value'])
    .where('instance_uuid', '=', uuid).orderBy('key').execute();
  const out: Metadata = Object.create(null) as Metadata;
  for (const r of rows) out[r.key] = r.value;
  return out;
}

export class ServerMetadataService {
  constructor(private readonly deps: ComputeDeps) {}

  async list(auth: AuthContext, serverId: string): Promise<Metadata> {
    const server = await this.readable(auth, serverId, 'index');
    return readAll(this.deps.db, server.uuid);
  }

  async show(auth: AuthContext, serverId: string, key: string): Promise<Metadata> {
    const server = await this.readable(auth, serverId, 'show');
    const row = await this.deps.db.selectFrom('compute_instance_metadata').select('value')
      .where('instance_uuid', '=', server.uuid).where('key', '=', key).executeTakeFirst();
    if (!row) throw itemNotFound();
    const out: Metadata = Object.create(null) as Metadata;
    out[key] = row.value;
    return out;
  }

  /**
   * Writes `items` over the server's metadata; `replace` drops the keys not given first (PUT of
   * the whole set), else the given keys are merged in. Returns the metadata as it now stands.
   */
  async write(auth: AuthContext, serverId: string, items: Metadata, replace: boolean, rule: string): Promise<Metadata> {
    const server = await loadServer(this.deps, auth, serverId);
    enforce(this.deps, auth, `server-metadata:${rule}`, target(auth, server.project_id));
    return this.deps.db.transaction().execute(async (trx) => {
      // One writer per project at a time: the quota counts this server's items against the
      // project's limit, and two merges racing on the same server must not both pass it.
      await serializeOn(trx, `quota:${server.project_id}`);
      const current = await this.changeable(trx, auth, server, 'update metadata');
      const existing = await readAll(trx, current.uuid);
      const next: Metadata = Object.create(null) as Metadata;
      if (!replace) Object.assign(next, existing);
      for (const [k, v] of Object.entries(items)) next[k] = v;
      await checkMetadataQuota(trx, this.deps.config.compute, current.project_id, Object.keys(next).length);
      if (replace) {
        await trx.deleteFrom('compute_instance_metadata').where('instance_uuid', '=', current.uuid).execute();
      } else if (Object.keys(items).length > 0) {
        await trx.deleteFrom('compute_instance_metadata').where('instance_uuid', '=', current.uuid)
          .where('key', 'in', Object.keys(items)).execute();
      }
      const rows = Object.entries(replace ? next : items).map(([key, value]) => ({ instance_uuid: current.uuid, key, value }));
      // Chunked: SQLite caps bound parameters per statement.
      for (let i = 0; i < rows.length; i += 200) await trx.insertInto('compute_instance_metadata').values(rows.slice(i, i + 200)).execute();
      await trx.updateTable('compute_instance').set({ updated_at: new Date().toISOString() }).where('uuid', '=', current.uuid).execute();
      return readAll(trx, current.uuid);
    });
  }

  async remove(auth: AuthContext, serverId: string, key: string): Promise<void> {
    const server = await loadServer(this.deps, auth, serverId);
    enforce(this.deps, auth, 'server-metadata:delete', target(auth, server.project_id));
    await this.deps.db.transaction().execute(async (trx) => {
      await serializeOn(trx, `quota:${server.project_id}`);
      // Nova looks the item up before the lock and state checks: a missing key is a 404 first.
      const found = await trx.selectFrom('compute_instance_metadata').select('key')
        .where('instance_uuid', '=', server.uuid).where('key', '=', key).executeTakeFirst();
      if (!found) throw itemNotFound();
      const current = await this.changeable(trx, auth, server, 'delete metadata');
      await trx.deleteFrom('compute_instance_metadata').where('instance_uuid', '=', current.uuid).where('key', '=', key).execute();
      await trx.updateTable('compute_instance').set({ updated_at: new Date().toISOString() }).where('uuid', '=', current.uuid).execute();
    });
  }

  private async readable(auth: AuthContext, serverId: string, rule: string): Promise<InstanceRow> {
    const server = await loadServer(this.deps, auth, serverId);
    enforce(this.deps, auth, `server-metadata:${rule}`, target(auth, server.project_id));
    return server;
  }

  /** Re-reads the server inside the transaction (it may have been deleted, locked or put to work
   *  since the lookup) and applies Nova's lock and state checks. */
  private async changeable(trx: ComputeDb, auth: AuthContext, server: InstanceRow, action: string): Promise<InstanceRow> {
    const now = await reloadServer(trx, server.uuid);
    checkNotLocked(this.deps, auth, now);
    requireState(now, action, CHANGEABLE, true);
    return now;
  }
}
