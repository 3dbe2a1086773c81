// Tags of any resource, kept in one table keyed by (collection name, resource id).
import type { NetworkDb } from '../network.tables.js';

/** Tags of each of `ids` (resource_type is the collection name: networks, subnets, ports, routers, floatingips, security_groups…). */
export async function tagsFor(db: NetworkDb, resourceType: string, ids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  // Chunked: SQLite limits bound parameters per statement.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('net_tag').select(['resource_id', 'tag'])
      .where('resource_type', '=', resourceType).where('resource_id', 'in', ids.slice(i, i + 500)).orderBy('tag').execute();
    for (const r of rows) out.get(r.resource_id)?.push(r.tag);
  }
  return out;
}

/** Removes a deleted resource's tags. */
export async function deleteTags(db: NetworkDb, resourceType: string, id: string): Promise<void> {
  await db.deleteFrom('net_tag').where('resource_type', '=', resourceType).where('resource_id', '=', id).execute();
}
