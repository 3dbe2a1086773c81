/** Who is calling, as established from a validated token; passed to every service call. */
export interface AuthContext {
  readonly userId: string;
  readonly userName: string;
  readonly userDomainId: string;
  /** Set for project-scoped tokens. */
  readonly projectId?: string;
  readonly projectName?: string;
  readonly projectDomainId?: string;
  /** Set for domain-scoped tokens. */
  readonly domainId?: string;
  /** True for system-scoped tokens (`system: {all: true}`). */
  readonly system: boolean;
  /** Effective role names on the scope, implied roles included. */
  readonly roles: readonly string[];
  readonly methods: readonly string[];
  /** Set when the token came from an application credential. */
  readonly applicationCredentialId?: string;
  /** Whether that application credential may create further credentials. */
  readonly unrestricted?: boolean;
}

/** Turns a token from `X-Auth-Token` into an AuthContext, or null if invalid. Identity implements it. */
export interface TokenValidator {
  authenticate(token: string): Promise<AuthContext | null>;
}
