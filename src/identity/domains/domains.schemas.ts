import { Type, type Static } from '@sinclair/typebox';

export const Name = Type.String({ minLength: 1, maxLength: 255 });
export const Description = Type.Union([Type.String({ maxLength: 65535 }), Type.Null()]);
export const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 80 });

export const DomainCreate = Type.Object({
  name: Name,
  description: Type.Optional(Description),
  enabled: Type.Optional(Type.Boolean()),
  explicit_domain_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
  tags: Type.Optional(Tags),
}, { additionalProperties: true });
export type DomainCreate = Static<typeof DomainCreate>;

export const DomainUpdate = Type.Object({
  name: Type.Optional(Name),
  description: Type.Optional(Description),
  enabled: Type.Optional(Type.Boolean()),
  tags: Type.Optional(Tags),
}, { additionalProperties: true });
export type DomainUpdate = Static<typeof DomainUpdate>;

export const IdParams = (name: string) => Type.Object({ [name]: Type.String({ minLength: 1, maxLength: 255 }) });

export const ListQuery = Type.Object({
  name: Type.Optional(Type.String()),
  enabled: Type.Optional(Type.String()),
}, { additionalProperties: true });
