import { Type, type Static, type TSchema } from '@sinclair/typebox';

const RegionId = Type.String({ minLength: 1, maxLength: 255 });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Description = Nullable(Type.String({ maxLength: 255 }));

// Keystone takes the id on create from the body (POST, may be empty: one is generated) or the
// path (PUT); nothing else is required.
export const RegionCreate = Type.Object({
  id: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  description: Type.Optional(Description),
  parent_region_id: Type.Optional(Nullable(RegionId)),
}, { additionalProperties: true });
export type RegionCreate = Static<typeof RegionCreate>;

export const RegionUpdate = Type.Object({
  id: Type.Optional(Nullable(RegionId)),
  description: Type.Optional(Description),
  parent_region_id: Type.Optional(Nullable(RegionId)),
}, { additionalProperties: true, minProperties: 1 });
export type RegionUpdate = Static<typeof RegionUpdate>;

export const RegionListQuery = Type.Object({
  parent_region_id: Type.Optional(Type.String()),
}, { additionalProperties: true });
export type RegionListQuery = Static<typeof RegionListQuery>;
