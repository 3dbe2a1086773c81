// Ids that become file names (volumes, snapshots, backups) must be UUIDs: checked once here, so no
// request can name a host file (`../../etc/shadow`) through an id.
const UUID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;

/** A UUID with or without dashes, as Cinder and Keystone spell them. */
export const isUuid = (id: unknown): id is string => typeof id === 'string' && UUID.test(id);

/** `id` if it is a UUID; otherwise throws, naming `what` it should have been. */
export function checkUuid(id: unknown, what: string): string {
  if (!isUuid(id)) throw new Error(`invalid ${what} id ${JSON.stringify(id)}: expected a UUID`);
  return id;
}
