// Volume transfers: offer a volume to another project under a one-time auth key, list, withdraw.
// Accepting lives in transfer-accept.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthContext } from '../../platform/auth-context.js';
import { hashSecret } from '../../identity/passwords.js';
import { badRequest, enforce, isAdmin, isUuid, notFound, now, parseBool, parseText, target, unwrap } from '../common.js';
import { filtersOf, pageRows, parsePaging, type Page, type Paging, type Query } from '../collection.js';
import type { VolumeContext } from '../context.js';
import { invalidSnapshot, invalidVolume, moveVolume } from '../volume-states.js';
import type { TransferRow } from '../volume.tables.js';
import { loadVisibleVolume } from '../volumes/volume-access.js';

export const TRANSFER_SORT_KEYS = ['id', 'name', 'display_name', 'volume_id', 'created_at'] as const;

export class TransferService {
  constructor(private readonly ctx: VolumeContext) {}
  private get deps() { return this.ctx.deps; }

  /** The transfer and its auth key (16 hex characters, shown only now; stored as a scrypt hash). */
  async create(auth: AuthContext, body: unknown, snapshotsOption: boolean): Promise<{ row: TransferRow; authKey: string }> {
    const b = unwrap(body, 'transfer');
    if (!isUuid(b.volume_id)) throw badRequest(`Invalid input received: volume_id must be a volume's UUID, got '${String(b.volume_id)}'.`);
    const name = parseText(b.name ?? b.display_name, 'name');
    if (!snapshotsOption && b.no_snapshots !== undefined) {
      throw badRequest("Invalid input received: Additional properties are not allowed ('no_snapshots' was unexpected).");
    }
    const noSnapshots = b.no_snapshots === undefined || b.no_snapshots === null ? false : parseBool(b.no_snapshots, 'no_snapshots');
    const volume = await loadVisibleVolume(this.deps, auth, b.volume_id);
    enforce(this.deps, auth, 'volume:create_transfer', target(auth, volume.project_id));

    const authKey = randomBytes(8).toString('hex');
    const hash = await hashSecret(authKey);
    const ts = now();
    const row: TransferRow = {
      id: randomUUID(), volume_id: volume.id, project_id: volume.project_id, name, salt: hash.split('$')[4] ?? '',
      crypt_hash: hash, no_snapshots: noSnapshots ? 1 : 0, created_at: ts, expires_at: null,
    };
    await this.deps.db.transaction().execute(async (trx) => {
      if (!noSnapshots) {
        const busy = await trx.selectFrom('volume_snapshot').select('id').where('volume_id', '=', volume.id)
          .where('status', '!=', 'available').executeTakeFirst();
        if (busy) throw invalidSnapshot(`snapshot: ${busy.id} status must be available`);
      }
      try {
        await moveVolume(trx, volume.id, ['available'], 'awaiting-transfer');
      } catch (err) {
        if ((err as { status?: number }).status === 404) throw err;
        throw invalidVolume('status must be available');
      }
      await trx.insertInto('volume_transfer').values(row).execute();
    });
    return { row, authKey };
  }

  async list(auth: AuthContext, q: Query): Promise<{ page: Page<TransferRow>; paging: Paging }> {
    enforce(this.deps, auth, 'volume:get_all_transfers');
    const paging = parsePaging(q, TRANSFER_SORT_KEYS);
    const filters = filtersOf(q);
    const allTenants = isAdmin(this.deps, auth) && filters.all_tenants !== undefined && parseBool(filters.all_tenants || 'true', 'all_tenants');
    let query = this.deps.db.selectFrom('volume_transfer').selectAll();
    if (!allTenants) query = query.where('project_id', '=', auth.projectId ?? '');
    if (filters.name !== undefined) query = query.where('name', '=', filters.name);
    if (filters.volume_id !== undefined) query = query.where('volume_id', '=', filters.volume_id);
    const rows = await query.execute();
    const page = pageRows(rows, paging, {
      value: (r, key) => (r as unknown as Record<string, unknown>)[key === 'display_name' ? 'name' : key],
      notFound: notFound.transfer,
    });
    return { page, paging };
  }

  /** The caller's project's transfer (any for admins), else 404. */
  async show(auth: AuthContext, id: string): Promise<TransferRow> {
    enforce(this.deps, auth, 'volume:get_transfer');
    const row = await this.deps.db.selectFrom('volume_transfer').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (row.project_id !== auth.projectId && !isAdmin(this.deps, auth))) throw notFound.transfer(id);
    return row;
  }

  /** Withdraws the offer: the volume is `available` again. */
  async remove(auth: AuthContext, id: string): Promise<void> {
    const row = await this.show(auth, id);
    enforce(this.deps, auth, 'volume:delete_transfer', target(auth, row.project_id));
    await this.deps.db.transaction().execute(async (trx) => {
      const res = await trx.deleteFrom('volume_transfer').where('id', '=', id).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw notFound.transfer(id);
      // An admin may have reset the volume meanwhile; only an awaiting one goes back.
      await trx.updateTable('volume').set({ status: 'available', updated_at: now() })
        .where('id', '=', row.volume_id).where('status', '=', 'awaiting-transfer').execute();
    });
  }
}
