import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

// One of id or name per role, as Keystone's schema says (exactly one property).
const RoleRef = Type.Object({
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '[\\S]+' })),
}, { additionalProperties: false, minProperties: 1, maxProperties: 1 });

// Closed like Keystone's: a misspelt field is an error, not silently dropped.
export const AppCredCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255, pattern: '[\\S]+' }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 65535 }))),
  secret: Type.Optional(Nullable(Type.String({ maxLength: 4096 }))),
  expires_at: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  roles: Type.Optional(Type.Array(RoleRef, { maxItems: 100 })),
  unrestricted: Type.Optional(Nullable(Type.Boolean())),
  access_rules: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
  /** Ignored as in Keystone: the credential always gets a fresh id and the token's project. */
  id: Type.Optional(Type.String()),
  project_id: Type.Optional(Type.String()),
  system: Type.Optional(Nullable(Type.String())),
}, { additionalProperties: false });
export type AppCredCreate = Static<typeof AppCredCreate>;

export const AppCredListQuery = Type.Object({
  name: Type.Optional(Type.String()),
}, { additionalProperties: true });
export type AppCredListQuery = Static<typeof AppCredListQuery>;
