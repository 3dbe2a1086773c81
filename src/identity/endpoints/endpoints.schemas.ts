import { Type, type Static } from '@sinclair/typebox';

const INTERFACES = ['admin', 'internal', 'public'] as const;
export type Interface = (typeof INTERFACES)[number];
export const Interface = Type.Unsafe<Interface>({ type: 'string', enum: [...INTERFACES] });

const NullableId = Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()]);
// Keystone's own limits: a scheme, a colon, something after it; at most 225 characters.
const Url = Type.String({ minLength: 1, maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' });

const fields = {
  interface: Interface,
  service_id: Type.String({ minLength: 1, maxLength: 64 }),
  url: Url,
  region_id: Type.Optional(NullableId),
  /** Before v3.2 the region was named `region`; still accepted, and auto-created if missing. */
  region: Type.Optional(NullableId),
  enabled: Type.Optional(Type.Boolean()),
};

export const EndpointCreate = Type.Object(fields, { additionalProperties: true });
export type EndpointCreate = Static<typeof EndpointCreate>;

export const EndpointUpdate = Type.Object({
  id: Type.Optional(Type.String()),
  interface: Type.Optional(fields.interface),
  service_id: Type.Optional(fields.service_id),
  url: Type.Optional(fields.url),
  region_id: fields.region_id,
  region: fields.region,
  enabled: fields.enabled,
}, { additionalProperties: true, minProperties: 1 });
export type EndpointUpdate = Static<typeof EndpointUpdate>;

export const EndpointListQuery = Type.Object({
  interface: Type.Optional(Interface),
  service_id: Type.Optional(Type.String()),
  region_id: Type.Optional(Type.String()),
}, { additionalProperties: true });
export type EndpointListQuery = Static<typeof EndpointListQuery>;
