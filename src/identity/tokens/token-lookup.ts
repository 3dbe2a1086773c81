// Everything a token's validity depends on, read in one statement: the token row, its user and
// the user's domain, the scope (project and its domain, or domain) and the application
// credential. Validation runs on every API call, so one round trip instead of six matters; the
// rows are read fresh each time, so a revocation or a disabled user or project in another
// process takes effect at once.
import { sql, type RawBuilder } from 'kysely';
import type { AppCredRow, DomainRow, IdentityDb, ProjectRow, TokenRow, UserRow } from '../identity.tables.js';

export interface TokenParts {
  row: TokenRow;
  user: UserRow;
  userDomain: DomainRow;
  project?: ProjectRow;
  projectDomain?: DomainRow;
  domain?: DomainRow;
  appCred?: AppCredRow;
}

// Column lists checked against the table types, so a schema change breaks the build here.
const TOKEN: readonly (keyof TokenRow)[] = ['id_hash', 'user_id', 'project_id', 'domain_id', 'system', 'methods',
  'audit_id', 'issued_at', 'expires_at', 'app_cred_id'];
const USER: readonly (keyof UserRow)[] = ['id', 'name', 'domain_id', 'enabled', 'password_hash', 'default_project_id',
  'extra', 'created_at', 'password_changed_at'];
const PROJECT: readonly (keyof ProjectRow)[] = ['id', 'name', 'domain_id', 'parent_id', 'description', 'enabled', 'tags', 'extra'];
const DOMAIN: readonly (keyof DomainRow)[] = ['id', 'name', 'description', 'enabled', 'extra'];
const APP_CRED: readonly (keyof AppCredRow)[] = ['id', 'name', 'user_id', 'project_id', 'secret_hash', 'description',
  'expires_at', 'unrestricted', 'created_at'];

const PARTS = [['u', USER], ['ud', DOMAIN], ['p', PROJECT], ['pd', DOMAIN], ['sd', DOMAIN], ['ac', APP_CRED]] as const;

const columns = (alias: string, names: readonly string[]) => names.map((n) => `"${alias}"."${n}" AS "${alias}_${n}"`);

const SELECT_PARTS = PARTS.flatMap(([alias, names]) => columns(alias, names)).join(', ');

const SELECT_TOKEN = columns('t', TOKEN).join(', ');

/** From user "u" to its domain and to the scope and credential named by the three ids (column
 *  references for a stored token, values for one being issued). */
const joins = (projectId: unknown, domainId: unknown, appCredId: unknown) => sql`
  JOIN "domain" "ud" ON "ud"."id" = "u"."domain_id"
  LEFT JOIN "project" "p" ON "p"."id" = ${projectId}
  LEFT JOIN "domain" "pd" ON "pd"."id" = "p"."domain_id"
  LEFT JOIN "domain" "sd" ON "sd"."id" = ${domainId}
  LEFT JOIN "application_credential" "ac" ON "ac"."id" = ${appCredId}`;

const STORED_JOINS = joins(sql.ref('t.project_id'), sql.ref('t.domain_id'), sql.ref('t.app_cred_id'));

type Joined = Record<string, unknown>;

/** The `alias_`-prefixed columns of a joined row as a row of its own; undefined if absent. */
function part<T>(joined: Joined, alias: string, names: readonly string[]): T | undefined {
  if (joined[`${alias}_id`] === null || joined[`${alias}_id`] === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const n of names) out[n] = joined[`${alias}_${n}`];
  return out as T;
}

function split(joined: Joined, row: TokenRow): TokenParts {
  return {
    row,
    user: part<UserRow>(joined, 'u', USER)!,
    userDomain: part<DomainRow>(joined, 'ud', DOMAIN)!,
    project: part<ProjectRow>(joined, 'p', PROJECT),
    projectDomain: part<DomainRow>(joined, 'pd', DOMAIN),
    domain: part<DomainRow>(joined, 'sd', DOMAIN),
    appCred: part<AppCredRow>(joined, 'ac', APP_CRED),
  };
}

async function first(db: IdentityDb, query: RawBuilder<Joined>): Promise<Joined | undefined> {
  return (await query.execute(db)).rows[0];
}

/** The stored token with this hash and what it refers to; undefined if there is no such token
 *  or its user no longer exists. */
export async function loadByHash(db: IdentityDb, idHash: string): Promise<TokenParts | undefined> {
  const joined = await first(db, sql<Joined>`SELECT ${sql.raw(SELECT_TOKEN)}, ${sql.raw(SELECT_PARTS)}
    FROM "token" "t" JOIN "identity_user" "u" ON "u"."id" = "t"."user_id" ${STORED_JOINS}
    WHERE "t"."id_hash" = ${idHash}`);
  if (!joined) return undefined;
  const row = {} as Record<string, unknown>;
  for (const n of TOKEN) row[n] = joined[`t_${n}`];
  return split(joined, row as unknown as TokenRow);
}

/** The same for a token about to be issued (not stored yet). */
export async function loadForRow(db: IdentityDb, row: TokenRow): Promise<TokenParts | undefined> {
  const joined = await first(db, sql<Joined>`SELECT ${sql.raw(SELECT_PARTS)}
    FROM "identity_user" "u" ${joins(row.project_id, row.domain_id, row.app_cred_id)}
    WHERE "u"."id" = ${row.user_id}`);
  return joined ? split(joined, row) : undefined;
}
