// Tags given at creation (Neutron's tag-creation extension): written in the creating transaction.
import type { Db } from './router-reads.js';

export async function insertTags(db: Db, resourceType: string, resourceId: string, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return;
  await db.insertInto('net_tag').values(tags.map((tag) => ({ resource_type: resourceType, resource_id: resourceId, tag }))).execute();
}
