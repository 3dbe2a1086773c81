import type { IdentityDb } from '../identity.tables.js';
import { readGeneration } from '../validity-generation.js';

export interface CatalogEndpoint { id: string; interface: string; region: string | null; region_id: string | null; url: string }
export interface CatalogEntry { endpoints: CatalogEndpoint[]; id: string; type: string; name: string }

const PLACEHOLDER = /[$%]\((project_id|tenant_id)\)s/g;
const HAS_PLACEHOLDER = /[$%]\((project_id|tenant_id)\)s/;

/**
 * The service catalog as a token carries it: enabled services with their enabled endpoints,
 * `$(project_id)s` in URLs filled from the token's project (such endpoints are left out of
 * tokens without a project).
 */
/** The enabled endpoints of enabled services, as the catalog lists them. */
function readEndpoints(db: IdentityDb) {
  return db.selectFrom('endpoint')
    .innerJoin('service', 'service.id', 'endpoint.service_id')
    .select([
      'endpoint.id as endpoint_id', 'endpoint.interface', 'endpoint.region_id', 'endpoint.url',
      'service.id as service_id', 'service.type', 'service.name',
    ])
    .where('endpoint.enabled', '=', 1).where('service.enabled', '=', 1)
    .orderBy('service.type').orderBy('endpoint.interface')
    .execute();
}

type EndpointRows = Awaited<ReturnType<typeof readEndpoints>>;

// Endpoints change rarely and every token body carries them: kept per database until the
// identity validity generation moves (any identity write, in any process).
const endpointCache = new WeakMap<IdentityDb, { generation: number; rows: EndpointRows }>();

async function endpoints(db: IdentityDb): Promise<EndpointRows> {
  const generation = await readGeneration(db);
  const hit = endpointCache.get(db);
  if (hit?.generation === generation) return hit.rows;
  const rows = await readEndpoints(db);
  endpointCache.set(db, { generation, rows });
  return rows;
}

export async function buildCatalog(db: IdentityDb, projectId: string | undefined): Promise<CatalogEntry[]> {
  const rows = await endpoints(db);
  const byService = new Map<string, CatalogEntry>();
  for (const r of rows) {
    let url = r.url;
    if (HAS_PLACEHOLDER.test(url)) {
      if (!projectId) continue;
      url = url.replace(PLACEHOLDER, projectId);
    }
    const entry = byService.get(r.service_id) ?? { endpoints: [], id: r.service_id, type: r.type, name: r.name };
    entry.endpoints.push({ id: r.endpoint_id, interface: r.interface, region: r.region_id, region_id: r.region_id, url });
    byService.set(r.service_id, entry);
  }
  return [...byService.values()];
}
