import { Type, type Static } from '@sinclair/typebox';
import { Description, Name } from '../domains/domains.schemas.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const GroupCreate = Type.Object({
  name: Name,
  domain_id: Type.Optional(Id),
  description: Type.Optional(Description),
}, { additionalProperties: true });
export type GroupCreate = Static<typeof GroupCreate>;

export const GroupUpdate = Type.Object({
  name: Type.Optional(Name),
  domain_id: Type.Optional(Id),
  description: Type.Optional(Description),
}, { additionalProperties: true });
export type GroupUpdate = Static<typeof GroupUpdate>;

export const GroupListQuery = Type.Object({
  name: Type.Optional(Type.String()),
  domain_id: Type.Optional(Type.String()),
}, { additionalProperties: true });
export type GroupListQuery = Static<typeof GroupListQuery>;

/** Filters of GET /v3/groups/{group_id}/users. */
export const GroupUsersQuery = Type.Object({
  name: Type.Optional(Type.String()),
  domain_id: Type.Optional(Type.String()),
  enabled: Type.Optional(Type.String()),
}, { additionalProperties: true });
export type GroupUsersQuery = Static<typeof GroupUsersQuery>;

export const MembershipParams = Type.Object({
  group_id: Type.String({ minLength: 1, maxLength: 255 }),
  user_id: Type.String({ minLength: 1, maxLength: 255 }),
});
