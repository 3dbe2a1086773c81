// The metadata service's control-plane half: network agents' proxies ask on the bus (topic
// METADATA_TOPIC, method `metadata`) with where a request came from; the server is found from
// that (never from anything the guest sent), and the document answered is about it alone.
import { METADATA_TOPIC, type MetadataRequest, type MetadataResponse } from '../../agent/network/host-state.js';
import type { Subscription } from '../../platform/bus/bus.js';
import type { ComputeDeps } from '../common.js';
import { json } from '../common.js';
import type { InstanceFlavor } from '../compute.tables.js';
import { metadataOf, serverPorts } from '../conductor/guest-spec.js';
import { metadataDocument, notFoundDoc } from './metadata-documents.js';

const EMPTY_VIEW = { addresses: {}, securityGroups: [] };

export async function answerMetadata(deps: ComputeDeps, req: MetadataRequest): Promise<MetadataResponse> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return { status: 405, contentType: 'text/plain; charset=UTF-8', body: '405 Method Not Allowed\n' };
  }
  const uuid = await deps.network.instanceForMetadata(req);
  if (!uuid) return notFoundDoc();
  const row = await deps.db.selectFrom('compute_instance').selectAll().where('uuid', '=', uuid).where('deleted', '=', 0).executeTakeFirst();
  if (!row) return notFoundDoc();
  const portIds = serverPorts(row).map((p) => p.id);
  const [metadata, network, views] = await Promise.all([
    metadataOf(deps.db, uuid), deps.network.guestNetwork(portIds), deps.network.serverViews([{ uuid, portIds }]),
  ]);
  return metadataDocument({
    row, metadata, network, view: views.get(uuid) ?? EMPTY_VIEW, flavorName: json<InstanceFlavor>(row.flavor, {} as InstanceFlavor).name ?? '',
  }, req.path);
}

/** Serves the bus topic; the returned subscription stops it. */
export function serveMetadata(deps: ComputeDeps): Promise<Subscription> {
  return deps.bus.serve(METADATA_TOPIC, async (method, args) => {
    if (method !== 'metadata') throw new Error(`metadata service has no method ${method}`);
    try {
      return await answerMetadata(deps, args as MetadataRequest);
    } catch (err) {
      deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'metadata request failed');
      return { status: 500, contentType: 'text/plain; charset=UTF-8', body: '500 Internal Server Error\n' } satisfies MetadataResponse;
    }
  });
}
