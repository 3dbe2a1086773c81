// The login session, kept in memory only (never in localStorage or a cookie): a reload asks for the
// password again. Log in with domain, user and password (Keystone's password method, unscoped),
// then scope to a project with the token method; switching project re-scopes the same way.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { call, setUnauthorizedHandler } from '../api/http';
import type { CatalogEntry } from '../api/catalog';
import { makeClients, type Clients } from '../api/clients';

export interface NamedRef { id: string; name: string }
export interface ProjectRef extends NamedRef { domain_id?: string; domain?: NamedRef }

export interface Session {
  readonly token: string;
  readonly expiresAt: string;
  readonly user: NamedRef & { domain: NamedRef };
  readonly project: NamedRef & { domain: NamedRef };
  readonly roles: readonly string[];
  readonly isAdmin: boolean;
  readonly catalog: readonly CatalogEntry[];
  /** Projects this user may switch to. */
  readonly projects: readonly ProjectRef[];
  readonly api: Clients;
}

interface TokenBody {
  token: {
    expires_at: string;
    user: NamedRef & { domain: NamedRef };
    project?: NamedRef & { domain: NamedRef };
    roles?: NamedRef[];
    catalog?: CatalogEntry[];
  };
}

export const IDENTITY_URL = `${window.location.origin}/identity/v3`;

async function issueToken(body: unknown): Promise<{ id: string; body: TokenBody }> {
  const res = await call<Response>(`${IDENTITY_URL}/auth/tokens`, undefined, { method: 'POST', body, raw: true });
  const id = res.headers.get('x-subject-token');
  if (!id) throw new Error('The identity service gave no token.');
  return { id, body: (await res.json()) as TokenBody };
}

interface SessionApi {
  session: Session | null;
  /** Why the last session ended on its own (expired), shown on the login page. */
  endedBecause: string | undefined;
  login(domain: string, user: string, password: string): Promise<void>;
  logout(): Promise<void>;
  switchProject(projectId: string): Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [endedBecause, setEndedBecause] = useState<string | undefined>();
  const unscoped = useRef<string | undefined>(undefined);
  const current = useRef<Session | null>(null);
  current.current = session;

  const scope = useCallback(async (projectId: string, projects: readonly ProjectRef[]) => {
    const from = unscoped.current;
    if (!from) throw new Error('Log in again.');
    const { id, body } = await issueToken({
      auth: { identity: { methods: ['token'], token: { id: from } }, scope: { project: { id: projectId } } },
    });
    const t = body.token;
    if (!t.project) throw new Error('The identity service did not scope the token to the project.');
    const roles = (t.roles ?? []).map((r) => r.name);
    const catalog = t.catalog ?? [];
    const next: Session = {
      token: id, expiresAt: t.expires_at, user: t.user, project: t.project, roles,
      isAdmin: roles.includes('admin'), catalog, projects, api: makeClients(catalog, () => id, IDENTITY_URL),
    };
    const old = current.current;
    setSession(next);
    if (old) void revoke(id, old.token);
  }, []);

  const login = useCallback(async (domain: string, user: string, password: string) => {
    const { id, body } = await issueToken({
      auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { name: domain }, password } } } },
    });
    unscoped.current = id;
    const { projects } = await call<{ projects: ProjectRef[] }>(`${IDENTITY_URL}/auth/projects`, id);
    if (projects.length === 0) throw new Error('This user has no role on any project: ask an administrator to add you to one.');
    const preferred = body.token.project?.id;
    const first = projects.find((p) => p.id === preferred) ?? [...projects].sort((a, b) => a.name.localeCompare(b.name))[0];
    setEndedBecause(undefined);
    await scope(first.id, projects);
  }, [scope]);

  const logout = useCallback(async () => {
    const s = current.current;
    const u = unscoped.current;
    unscoped.current = undefined;
    setSession(null);
    if (s) await revoke(s.token, s.token);
    if (u) await revoke(u, u);
  }, []);

  const switchProject = useCallback(async (projectId: string) => {
    const s = current.current;
    if (!s || s.project.id === projectId) return;
    await scope(projectId, s.projects);
  }, [scope]);

  // A 401 from any service, or the token's expiry time: back to the login page, saying why.
  useEffect(() => {
    const end = () => {
      unscoped.current = undefined;
      setSession(null);
      setEndedBecause('Your session has ended. Log in again.');
    };
    setUnauthorizedHandler(end);
    if (!session) return () => setUnauthorizedHandler(undefined);
    const left = Date.parse(session.expiresAt) - Date.now();
    const timer = window.setTimeout(end, Math.max(0, Math.min(left, 2 ** 31 - 1)));
    return () => { window.clearTimeout(timer); setUnauthorizedHandler(undefined); };
  }, [session]);

  const value = useMemo<SessionApi>(() => ({ session, endedBecause, login, logout, switchProject }),
    [session, endedBecause, login, logout, switchProject]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** Revokes `subject` (best effort: a token already gone is fine, and must not end the session). */
async function revoke(token: string, subject: string): Promise<void> {
  await fetch(`${IDENTITY_URL}/auth/tokens`, { method: 'DELETE', headers: { 'x-auth-token': token, 'x-subject-token': subject } })
    .catch(() => undefined);
}

export function useSessionApi(): SessionApi {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSessionApi outside SessionProvider');
  return s;
}

/** The session of a logged-in page (pages render only inside the logged-in layout). */
export function useSession(): Session {
  const { session } = useSessionApi();
  if (!session) throw new Error('useSession without a session');
  return session;
}
