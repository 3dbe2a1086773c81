// Test helpers for attachments: volume rows written straight into the table (placed on a backend,
// so no manager or storage agent is needed to make them), and a stand-in storage agent on the bus
// that answers the export calls the way the file backend does and records them.
import { randomUUID } from 'node:crypto';
import type { Connector, VolumeConnection } from '../../agent/storage/backend.js';
import { storageTopic } from '../../agent/storage/storage-agent-client.js';
import type { Bus, Subscription } from '../../platform/bus/bus.js';
import type { VolumeDb, VolumeRow } from '../volume.tables.js';

export async function insertVolume(db: VolumeDb, projectId: string, userId: string, over: Partial<VolumeRow> = {}): Promise<VolumeRow> {
  const type = await db.selectFrom('volume_type').select('id').executeTakeFirstOrThrow();
  const ts = new Date().toISOString();
  const row: VolumeRow = {
    id: randomUUID(), project_id: projectId, user_id: userId, name: 'nb-vol', description: null, size: 1,
    status: 'available', attach_status: 'detached', status_reason: null, availability_zone: 'nova', volume_type_id: type.id,
    bootable: 0, multiattach: 0, source_volid: null, snapshot_id: null, backup_id: null, image_id: null,
    host: 'nbfake@fake#fake', provider_location: null, migration_status: null, created_at: ts, updated_at: ts, launched_at: ts,
    ...over,
  };
  await db.insertInto('volume').values(row).execute();
  return row;
}

export interface FakeStorage {
  /** `initializeConnection` / `terminateConnection` calls, in order. */
  calls: Array<{ method: string; id: string; connector: Connector }>;
  /** The host the exports claim to be on; null = the consumer's own host (every host works). */
  fileHost: string | null;
  stop(): Promise<void>;
}

/** Serves `volume.nbfake@fake` (the backend of insertVolume's rows). */
export async function startFakeStorage(bus: Bus, backendHost = 'nbfake@fake'): Promise<FakeStorage> {
  const fake: FakeStorage = { calls: [], fileHost: null, stop: async () => { await sub.unsubscribe(); } };
  const sub: Subscription = await bus.serve(storageTopic(backendHost), async (method, args: { id: string; connector: Connector }) => {
    fake.calls.push({ method, id: args.id, connector: args.connector });
    if (method === 'initializeConnection') {
      const conn: VolumeConnection = { driver_volume_type: 'file', data: { path: `/nonexistent/nb-${args.id}`, format: 'raw', host: fake.fileHost ?? args.connector.host } };
      return conn;
    }
    if (method === 'terminateConnection') return null;
    throw new Error(`fake storage has no ${method}`);
  });
  return fake;
}
