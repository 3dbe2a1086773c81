import { Type, type Static } from '@sinclair/typebox';
import { Description } from '../domains/domains.schemas.js';

// Keystone: 1–255 characters with at least one that is not white space.
const RoleName = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });
const DomainId = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]);

/** Keystone's only role option: an immutable role cannot be changed or deleted until it is unset. */
export const RoleOptions = Type.Object({
  immutable: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
}, { additionalProperties: false });
export type RoleOptions = Static<typeof RoleOptions>;

export const RoleCreate = Type.Object({
  name: RoleName,
  domain_id: Type.Optional(DomainId),
  description: Type.Optional(Description),
  options: Type.Optional(RoleOptions),
}, { additionalProperties: true });
export type RoleCreate = Static<typeof RoleCreate>;

export const RoleUpdate = Type.Object({
  name: Type.Optional(RoleName),
  domain_id: Type.Optional(DomainId),
  description: Type.Optional(Description),
  options: Type.Optional(RoleOptions),
}, { additionalProperties: true });
export type RoleUpdate = Static<typeof RoleUpdate>;

export const RoleListQuery = Type.Object({
  name: Type.Optional(Type.String()),
  domain_id: Type.Optional(Type.String()),
}, { additionalProperties: true });
export type RoleListQuery = Static<typeof RoleListQuery>;

export const ImplicationParams = Type.Object({
  prior_role_id: Type.String({ minLength: 1, maxLength: 255 }),
  implied_role_id: Type.String({ minLength: 1, maxLength: 255 }),
});
