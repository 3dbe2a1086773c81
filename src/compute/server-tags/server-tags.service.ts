// Server tags (compute_instance_tag), microversion 2.26+. Changes follow Nova's server_tags
// controller: only while the server rests in active/paused/suspended/stopped (409 otherwise),
// at most 50 per server. A locked server also refuses them from non-admins, as every other
// change to a locked server is refused here.
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, notFound } from '../../platform/errors.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { enforce, target, type ComputeDeps } from '../common.js';
import type { ComputeDb, InstanceRow } from '../compute.tables.js';
import type { VmState } from '../vm-states.js';
import { checkNotLocked, loadServer, reloadServer, requireState } from '../servers/server-load.js';
import { MAX_TAGS, tagProblem } from './server-tags.validate.js';

const CHANGEABLE: readonly VmState[] = ['active', 'paused', 'suspended', 'stopped'];

async function readTags(db: ComputeDb, uuid: string): Promise<string[]> {
  const rows = await db.selectFrom('compute_instance_tag').select('tag').where('instance_uuid', '=', uuid).orderBy('tag').execute();
  return rows.map((r) => r.tag);
}

export class ServerTagService {
  constructor(private readonly deps: ComputeDeps) {}

  async list(auth: AuthContext, serverId: string): Promise<string[]> {
    const server = await this.allowed(auth, serverId, 'index');
    return readTags(this.deps.db, server.uuid);
  }

  /** Resolves if the server has the tag; Nova's 404 otherwise. */
  async check(auth: AuthContext, serverId: string, tag: string): Promise<void> {
    const server = await this.allowed(auth, serverId, 'show');
    const row = await this.deps.db.selectFrom('compute_instance_tag').select('tag')
      .where('instance_uuid', '=', server.uuid).where('tag', '=', tag).executeTakeFirst();
    if (!row) throw notFound(`Server ${serverId} has no tag '${tag}'`);
  }

  /** Adds one tag; true if it was new (201), false if the server had it already (204). */
  async add(auth: AuthContext, serverId: string, tag: string): Promise<boolean> {
    const server = await this.allowed(auth, serverId, 'update');
    return this.deps.db.transaction().execute(async (trx) => {
      await serializeOn(trx, `tags:${server.uuid}`);
      await this.changeable(trx, auth, server, 'update tag');
      // Nova checks the state before the tag, so a bad tag on a building server is a 409.
      const problem = tagProblem(tag);
      if (problem) {
        throw badRequest(`Tag '${tag}' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: ${problem}`);
      }
      const tags = await readTags(trx, server.uuid);
      if (tags.includes(tag)) return false;
      if (tags.length >= MAX_TAGS) throw badRequest(`The number of tags exceeded the per-server limit ${MAX_TAGS}`);
      await trx.insertInto('compute_instance_tag').values({ instance_uuid: server.uuid, tag }).execute();
      await this.touch(trx, server.uuid);
      return true;
    });
  }

  /** Replaces all tags (already validated and without repeats); returns them as stored. */
  async replace(auth: AuthContext, serverId: string, tags: string[]): Promise<string[]> {
    const server = await this.allowed(auth, serverId, 'update_all');
    return this.deps.db.transaction().execute(async (trx) => {
      await serializeOn(trx, `tags:${server.uuid}`);
      await this.changeable(trx, auth, server, 'update tags');
      await trx.deleteFrom('compute_instance_tag').where('instance_uuid', '=', server.uuid).execute();
      if (tags.length > 0) await trx.insertInto('compute_instance_tag').values(tags.map((tag) => ({ instance_uuid: server.uuid, tag }))).execute();
      await this.touch(trx, server.uuid);
      return readTags(trx, server.uuid);
    });
  }

  async remove(auth: AuthContext, serverId: string, tag: string): Promise<void> {
    const server = await this.allowed(auth, serverId, 'delete');
    await this.deps.db.transaction().execute(async (trx) => {
      await serializeOn(trx, `tags:${server.uuid}`);
      await this.changeable(trx, auth, server, 'delete tag');
      const gone = await trx.deleteFrom('compute_instance_tag').where('instance_uuid', '=', server.uuid).where('tag', '=', tag).executeTakeFirst();
      if (Number(gone.numDeletedRows) === 0) throw notFound(`Instance ${server.uuid} has no tag '${tag}'`);
      await this.touch(trx, server.uuid);
    });
  }

  async removeAll(auth: AuthContext, serverId: string): Promise<void> {
    const server = await this.allowed(auth, serverId, 'delete_all');
    await this.deps.db.transaction().execute(async (trx) => {
      await serializeOn(trx, `tags:${server.uuid}`);
      await this.changeable(trx, auth, server, 'delete tags');
      await trx.deleteFrom('compute_instance_tag').where('instance_uuid', '=', server.uuid).execute();
      await this.touch(trx, server.uuid);
    });
  }

  private async allowed(auth: AuthContext, serverId: string, rule: string): Promise<InstanceRow> {
    const server = await loadServer(this.deps, auth, serverId);
    enforce(this.deps, auth, `os-server-tags:${rule}`, target(auth, server.project_id));
    return server;
  }

  /** Re-reads the server in the transaction and applies the lock and vm_state checks. */
  private async changeable(trx: ComputeDb, auth: AuthContext, server: InstanceRow, action: string): Promise<void> {
    const now = await reloadServer(trx, server.uuid);
    checkNotLocked(this.deps, auth, now);
    requireState(now, action, CHANGEABLE, false);
  }

  private async touch(trx: ComputeDb, uuid: string): Promise<void> {
    await trx.updateTable('compute_instance').set({ updated_at: new Date().toISOString() }).where('uuid', '=', uuid).execute();
  }
}
