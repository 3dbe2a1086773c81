import { Type, type Static } from '@sinclair/typebox';
import { Description, Name } from '../domains/domains.schemas.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
export const Password = Type.String({ minLength: 1, maxLength: 4096 });

export const UserCreate = Type.Object({
  name: Name,
  domain_id: Type.Optional(Id),
  password: Type.Optional(Type.Union([Password, Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
  default_project_id: Type.Optional(Type.Union([Id, Type.Null()])),
  description: Type.Optional(Description),
  email: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
  options: Type.Optional(Type.Object({}, { additionalProperties: true })),
}, { additionalProperties: true });
export type UserCreate = Static<typeof UserCreate>;

export const UserUpdate = Type.Object({
  name: Type.Optional(Name),
  password: Type.Optional(Type.Union([Password, Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
  default_project_id: Type.Optional(Type.Union([Id, Type.Null()])),
  description: Type.Optional(Description),
  email: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
  options: Type.Optional(Type.Object({}, { additionalProperties: true })),
}, { additionalProperties: true });
export type UserUpdate = Static<typeof UserUpdate>;

export const PasswordChange = Type.Object({
  user: Type.Object({ password: Password, original_password: Password }),
});
export type PasswordChange = Static<typeof PasswordChange>;

export const UserListQuery = Type.Object({
  name: Type.Optional(Type.String()),
  domain_id: Type.Optional(Type.String()),
  enabled: Type.Optional(Type.String()),
}, { additionalProperties: true });
export type UserListQuery = Static<typeof UserListQuery>;
