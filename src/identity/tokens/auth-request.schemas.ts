import { Type, type Static } from '@sinclair/typebox';

const Str = Type.String({ minLength: 1, maxLength: 255 });
const DomainRef = Type.Object({ id: Type.Optional(Str), name: Type.Optional(Str) });
const UserRef = Type.Object({
  id: Type.Optional(Str),
  name: Type.Optional(Str),
  domain: Type.Optional(DomainRef),
  password: Type.Optional(Type.String({ maxLength: 4096 })),
});

export const AuthRequest = Type.Object({
  auth: Type.Object({
    identity: Type.Object({
      methods: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 3 }),
      password: Type.Optional(Type.Object({ user: UserRef })),
      token: Type.Optional(Type.Object({ id: Type.String({ minLength: 1, maxLength: 1024 }) })),
      application_credential: Type.Optional(Type.Object({
        id: Type.Optional(Str),
        name: Type.Optional(Str),
        secret: Type.String({ minLength: 1, maxLength: 4096 }),
        user: Type.Optional(Type.Object({ id: Type.Optional(Str), name: Type.Optional(Str), domain: Type.Optional(DomainRef) })),
      })),
    }),
    scope: Type.Optional(Type.Union([
      Type.Literal('unscoped'),
      Type.Object({
        project: Type.Optional(Type.Object({ id: Type.Optional(Str), name: Type.Optional(Str), domain: Type.Optional(DomainRef) })),
        domain: Type.Optional(DomainRef),
        system: Type.Optional(Type.Object({ all: Type.Boolean() })),
      }),
    ])),
  }),
});
export type AuthRequest = Static<typeof AuthRequest>;
export type AuthIdentity = AuthRequest['auth']['identity'];
export type AuthScope = NonNullable<AuthRequest['auth']['scope']>;
