import { Type, type Static } from '@sinclair/typebox';
import { Description } from '../domains/domains.schemas.js';

const ServiceType = Type.String({ minLength: 1, maxLength: 255 });
const ServiceName = Type.String({ minLength: 1, maxLength: 255 });

export const ServiceCreate = Type.Object({
  type: ServiceType,
  name: Type.Optional(ServiceName),
  description: Type.Optional(Description),
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: true });
export type ServiceCreate = Static<typeof ServiceCreate>;

export const ServiceUpdate = Type.Object({
  id: Type.Optional(Type.String()),
  type: Type.Optional(ServiceType),
  name: Type.Optional(ServiceName),
  description: Type.Optional(Description),
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: true, minProperties: 1 });
export type ServiceUpdate = Static<typeof ServiceUpdate>;

export const ServiceListQuery = Type.Object({
  type: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
}, { additionalProperties: true });
export type ServiceListQuery = Static<typeof ServiceListQuery>;
