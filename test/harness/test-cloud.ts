// An in-process cloud for API tests: SQLite in memory, or a fresh PostgreSQL database when
// NUBIS_TEST_DATABASE names a server (make test runs every test file both ways).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createCloud, type Cloud } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { freshPostgresDatabase } from './postgres-database.js';

export const ADMIN_PASSWORD = 'nubis-test-admin';

export interface TestCloud {
  cloud: Cloud;
  config: Config;
  /** Sends a request through Fastify's inject; JSON in, parsed JSON out. */
  request(method: string, url: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string | Buffer }): Promise<TestResponse>;
  /** A project-scoped token for a user (password auth). */
  login(user: string, password: string, project?: string, domain?: string): Promise<string>;
  /** The admin's project-scoped token. */
  adminToken(): Promise<string>;
  /** The admin project's id (block storage URLs name it: /volume/v3/{project_id}/…). */
  adminProjectId(): Promise<string>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  /** The body's bytes, for binary answers (image data). */
  raw: Buffer;
}

export async function startTestCloud(overrides: Partial<Config> = {}): Promise<TestCloud> {
  const stateDir = mkdtempSync(join(tmpdir(), 'nbtest-'));
  const pgServer = process.env.NUBIS_TEST_DATABASE;
  const pgDb = pgServer ? await freshPostgresDatabase(pgServer) : undefined;
  const config: Config = {
    ...loadConfig({ stateDir, listen: '127.0.0.1:5000' }, {}),
    database: pgDb?.url ?? ':memory:',
    ...overrides,
    // No compute agent unless a test asks for one (`compute: {...driver: 'fake'}`): tests that set
    // up hosts by inserting rows see only their own.
    compute: { ...loadConfig({ stateDir }, {}).compute, driver: 'none', ...(overrides.compute ?? {}) },
    // No dataplane agent either (API tests), and no external network made at start.
    network: { ...loadConfig({ stateDir }, {}).network, dataplane: 'none', defaultExternal: null, ...(overrides.network ?? {}) },
  };
  const cloud = await createCloud(config, { adminPassword: ADMIN_PASSWORD, logger: pino({ level: 'silent' }) });

  const request: TestCloud['request'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers['x-auth-token'] = opts.token;
    let payload: string | Buffer | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await cloud.app.inject({ method: method as 'GET', url, headers, payload });
    let body: unknown;
    try { body = res.body ? JSON.parse(res.body) : undefined; } catch { body = undefined; }
    return { status: res.statusCode, headers: res.headers, body, text: res.body, raw: res.rawPayload };
  };

  const login: TestCloud['login'] = async (user, password, project, domain = 'Default') => {
    const res = await request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: { methods: ['password'], password: { user: { name: user, domain: { name: domain }, password } } },
          ...(project ? { scope: { project: { name: project, domain: { name: domain } } } } : {}),
        },
      },
    });
    if (res.status !== 201) throw new Error(`login of ${user} failed: ${res.status} ${res.text}`);
    return String(res.headers['x-subject-token']);
  };

  let adminTokenCache: string | undefined;
  return {
    cloud, config, request, login,
    async adminToken() {
      adminTokenCache ??= await login('admin', ADMIN_PASSWORD, 'admin');
      return adminTokenCache;
    },
    async adminProjectId() {
      const res = await request('GET', '/identity/v3/projects?name=admin', { token: await login('admin', ADMIN_PASSWORD, 'admin') });
      return String(res.body.projects[0].id);
    },
    async close() {
      await cloud.close();
      await pgDb?.drop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
