import type { Transaction } from 'kysely';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, conflict, forbidden, isForeignKeyViolation, isUniqueViolation } from '../../platform/errors.js';
import { hexId } from '../../platform/ids.js';
import { extraOf, notFoundError, parseJson, selfLink, type IdentityDeps } from '../common.js';
import type { IdentityDb, IdentityTables, RegionRow } from '../identity.tables.js';
import type { RegionCreate, RegionListQuery, RegionUpdate } from './regions.schemas.js';

const KNOWN = ['id', 'description', 'parent_region_id', 'links'];

type Db = IdentityDb | Transaction<IdentityTables>;

const duplicateRegion = (id: string) => conflict(`Conflict occurred attempting to store region - Duplicate ID, ${id}.`);

/** Catalog regions: a tree by parent_region_id, referenced by endpoints. */
export class RegionService {
  constructor(private readonly deps: IdentityDeps) {}

  view(row: RegionRow) {
    return {
      ...parseJson<Record<string, unknown>>(row.extra, {}),
      id: row.id,
      description: row.description,
      parent_region_id: row.parent_region_id,
      links: selfLink(this.deps.config, `regions/${encodeURIComponent(row.id)}`),
    };
  }

  find(id: string, db: Db = this.deps.db): Promise<RegionRow | undefined> {
    return db.selectFrom('region').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async show(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:get_region', { region: { id } });
    const row = await this.find(id);
    if (!row) throw notFoundError('region', id);
    return this.view(row);
  }

  async list(auth: AuthContext, q: RegionListQuery) {
    this.deps.policy.enforce(auth, 'identity:list_regions');
    let query = this.deps.db.selectFrom('region').selectAll().orderBy('id');
    if (q.parent_region_id !== undefined) query = query.where('parent_region_id', '=', q.parent_region_id);
    return (await query.execute()).map((r) => this.view(r));
  }

  /** POST (id from the body or generated) and PUT (id from the path) both land here. */
  async create(auth: AuthContext, body: RegionCreate, pathId?: string) {
    this.deps.policy.enforce(auth, 'identity:create_region');
    if (pathId !== undefined && body.id != null && body.id !== pathId) {
      throw badRequest(`Conflicting region IDs specified: "${pathId}" != "${body.id}"`);
    }
    const row: RegionRow = {
      id: pathId ?? (body.id || hexId()),
      description: body.description ?? '',
      parent_region_id: body.parent_region_id ?? null,
      extra: JSON.stringify(extraOf(body, KNOWN)),
    };
    await this.deps.db.transaction().execute((trx) => this.insert(trx, row));
    return this.view(row);
  }

  /** Inserts a region inside the caller's transaction (endpoints auto-create legacy regions). */
  async insert(trx: Db, row: RegionRow): Promise<void> {
    // A lone surrogate would be stored as U+FFFD: the region would not have the id it was given.
    if (/\p{Cs}/u.test(row.id)) throw badRequest('Invalid region ID: it must be well-formed Unicode text.');
    if (await this.find(row.id, trx)) throw duplicateRegion(row.id);
    if (row.parent_region_id !== null && !(await this.find(row.parent_region_id, trx))) {
      throw notFoundError('region', row.parent_region_id);
    }
    try {
      await trx.insertInto('region').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicateRegion(row.id);
      if (isForeignKeyViolation(err)) throw notFoundError('region', row.parent_region_id ?? '');
      throw err;
    }
  }

  async update(auth: AuthContext, id: string, body: RegionUpdate) {
    this.deps.policy.enforce(auth, 'identity:update_region', { region: { id } });
    if (body.id != null && body.id !== id) throw badRequest('Cannot change ID');
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await this.find(id, trx);
      if (!row) throw notFoundError('region', id);
      const parent = body.parent_region_id === undefined ? row.parent_region_id : body.parent_region_id;
      if (parent !== null && parent !== row.parent_region_id) await this.assertParentFits(trx, id, parent);
      const next: RegionRow = {
        ...row,
        description: body.description === undefined ? row.description : (body.description ?? ''),
        parent_region_id: parent,
        extra: JSON.stringify({ ...parseJson<Record<string, unknown>>(row.extra, {}), ...extraOf(body, KNOWN) }),
      };
      await trx.updateTable('region').set(next).where('id', '=', id).execute();
      return this.view(next);
    });
  }

  /** The parent must exist and must not be the region itself or one of its descendants. */
  private async assertParentFits(trx: Db, id: string, parentId: string): Promise<void> {
    if (!(await this.find(parentId, trx))) throw notFoundError('region', parentId);
    const circular = () => badRequest(`The specified parent region ${parentId} would create a circular region hierarchy.`);
    const seen = new Set<string>();
    for (let cur: string | null = parentId; cur !== null; ) {
      if (cur === id || seen.has(cur)) throw circular();
      seen.add(cur);
      const up: RegionRow | undefined = await this.find(cur, trx);
      cur = up?.parent_region_id ?? null;
    }
  }

  /** Deletes the region and its whole subtree, refused (403) while any of them has endpoints. */
  async remove(auth: AuthContext, id: string) {
    this.deps.policy.enforce(auth, 'identity:delete_region', { region: { id } });
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await this.find(id, trx))) throw notFoundError('region', id);
      const subtree = [id];
      for (let i = 0; i < subtree.length; i++) {
        const children = await trx.selectFrom('region').select('id').where('parent_region_id', '=', subtree[i]!).execute();
        for (const c of children) if (!subtree.includes(c.id)) subtree.push(c.id);
      }
      const used = await trx.selectFrom('endpoint').select('id').where('region_id', 'in', subtree).executeTakeFirst();
      if (used) {
        throw forbidden(`Unable to delete region ${id} because it or its child regions have associated endpoints.`);
      }
      // Unlink first so the parent references never block the delete, whatever the order.
      await trx.updateTable('region').set({ parent_region_id: null }).where('id', 'in', subtree).execute();
      await trx.deleteFrom('region').where('id', 'in', subtree).execute();
    });
  }
}
