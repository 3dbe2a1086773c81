// The quota check every create calls inside its inserting transaction.
import type { Transaction } from 'kysely';
import type { NetworkConfig, NetworkQuotaResource } from '../../platform/config.network.js';
import { serializeOn } from '../../platform/db/serialize.js';
import { conflict } from '../common.js';
import type { NetworkTables } from '../network.tables.js';
import { countUsed, limitOf } from './quota-usage.js';

/**
 * Refuses (409 OverQuota, "Quota exceeded for resources: ['port'].") when `projectId` would hold more
 * than its limit of `resource` after adding `adding`. Call inside the transaction that inserts: it
 * serialises on the project (serializeOn) so racing creates cannot pass the limit together.
 */
export async function checkQuota(trx: Transaction<NetworkTables>, config: NetworkConfig, projectId: string,
  resource: NetworkQuotaResource, adding = 1): Promise<void> {
  if (projectId === '') return;   // ports of no project (router gateways, DHCP) count against no quota
  await serializeOn(trx, `network-quota:${projectId}`);
  const limit = await limitOf(trx, config, projectId, resource);
  if (limit < 0) return;
  const used = await countUsed(trx, projectId, resource);
  if (used + adding > limit) throw conflict('OverQuota', `Quota exceeded for resources: ['${resource}'].`);
}
