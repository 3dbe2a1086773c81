import { Type, type Static } from '@sinclair/typebox';
import { Description, Name, Tags } from '../domains/domains.schemas.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const ProjectCreate = Type.Object({
  name: Name,
  domain_id: Type.Optional(Id),
  parent_id: Type.Optional(Type.Union([Id, Type.Null()])),
  description: Type.Optional(Description),
  enabled: Type.Optional(Type.Boolean()),
  is_domain: Type.Optional(Type.Literal(false)),
  tags: Type.Optional(Tags),
  options: Type.Optional(Type.Object({}, { additionalProperties: true })),
}, { additionalProperties: true });
export type ProjectCreate = Static<typeof ProjectCreate>;

export const ProjectUpdate = Type.Object({
  name: Type.Optional(Name),
  description: Type.Optional(Description),
  enabled: Type.Optional(Type.Boolean()),
  tags: Type.Optional(Tags),
  options: Type.Optional(Type.Object({}, { additionalProperties: true })),
}, { additionalProperties: true });
export type ProjectUpdate = Static<typeof ProjectUpdate>;

export const ProjectListQuery = Type.Object({
  name: Type.Optional(Type.String()),
  domain_id: Type.Optional(Type.String()),
  parent_id: Type.Optional(Type.String()),
  enabled: Type.Optional(Type.String()),
  is_domain: Type.Optional(Type.String()),
  tags: Type.Optional(Type.String()),
  'tags-any': Type.Optional(Type.String()),
}, { additionalProperties: true });
export type ProjectListQuery = Static<typeof ProjectListQuery>;
