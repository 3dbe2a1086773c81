import { Type, type Static } from '@sinclair/typebox';

/** Filters and flags of GET /v3/role_assignments, spelled as Keystone spells them. */
export const RoleAssignmentQuery = Type.Object({
  'user.id': Type.Optional(Type.String()),
  'group.id': Type.Optional(Type.String()),
  'role.id': Type.Optional(Type.String()),
  'scope.project.id': Type.Optional(Type.String()),
  'scope.domain.id': Type.Optional(Type.String()),
  'scope.system': Type.Optional(Type.String()),
  'scope.OS-INHERIT:inherited_to': Type.Optional(Type.String()),
  effective: Type.Optional(Type.String()),
  include_names: Type.Optional(Type.String()),
  include_subtree: Type.Optional(Type.String()),
}, { additionalProperties: true });
export type RoleAssignmentQuery = Static<typeof RoleAssignmentQuery>;
