// Validations are cached while the identity validity generation stands still. These tests prove
// the cache never outlives a change: made by another process on the same database, or by SQL
// that bypasses every service.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { createCloud, type Cloud } from '../../app.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { ADMIN_PASSWORD, startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { hashToken } from './tokens.service.js';

const TOKENS = '/identity/v3/auth/tokens';

describe('token validation cache', () => {
  let t: TestCloud;
  let other: Cloud;
  let dir: string;
  let admin: string;
  let member: MemberUser;

  before(async () => {
    // Two clouds on one database, as two processes would share it (a file for SQLite, since an
    // in-memory database cannot be shared).
    dir = mkdtempSync(join(tmpdir(), 'nbcache-'));
    t = await startTestCloud(process.env.NUBIS_TEST_DATABASE ? {} : { database: `sqlite:${join(dir, 'shared.db')}` });
    other = await createCloud(t.config, { adminPassword: ADMIN_PASSWORD, logger: pino({ level: 'silent' }) });
    admin = await t.adminToken();
    member = await createMemberUser(t, 'cache-member');
  });
  after(async () => {
    await other?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const validate = (subject: string, query = '') =>
    t.request('GET', `${TOKENS}${query}`, { token: admin, headers: { 'x-subject-token': subject } });

  /** Validates twice (the second answer comes from the cache), runs `change`, validates again. */
  async function afterChange(subject: string, change: () => Promise<unknown>) {
    assert.equal((await validate(subject)).status, 200);
    assert.equal((await validate(subject)).status, 200);
    await change();
    return validate(subject);
  }

  it('sees a revocation made by another process at once', async () => {
    const subject = await t.login(member.name, member.password, member.projectName);
    const res = await afterChange(subject, () => other.app.inject({
      method: 'DELETE', url: TOKENS, headers: { 'x-auth-token': admin, 'x-subject-token': subject },
    }).then((r) => assert.equal(r.statusCode, 204)));
    assert.equal(res.status, 404);
    assert.equal((await t.request('GET', `/identity/v3/projects/${member.projectId}`, { token: subject })).status, 401);
  });

  it('sees a role removed by another process at once', async () => {
    const subject = await t.login(member.name, member.password, member.projectName);
    const res = await afterChange(subject, () =>
      other.identity.deps.db.deleteFrom('role_assignment').where('actor_id', '=', member.id).execute());
    assert.equal(res.status, 404);
    await t.cloud.identity.deps.db.insertInto('role_assignment').values({
      actor_type: 'user', actor_id: member.id, target_type: 'project', target_id: member.projectId,
      role_id: (await t.cloud.identity.deps.db.selectFrom('role').select('id').where('name', '=', 'member').executeTakeFirstOrThrow()).id,
    }).execute();
    assert.equal((await validate(subject)).status, 200);
  });

  it('sees changes written with plain SQL, table by table', async () => {
    const db = t.cloud.identity.deps.db;
    const subject = await t.login(member.name, member.password, member.projectName);
    const own = hashToken(subject);
    // The member's own call, so changes that also hit the admin (the shared domain) do not matter.
    const probe = () => t.request('GET', `/identity/v3/projects/${member.projectId}`, { token: subject });
    const cases: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      ['user disabled', () => db.updateTable('identity_user').set({ enabled: 0 }).where('id', '=', member.id).execute(),
        () => db.updateTable('identity_user').set({ enabled: 1 }).where('id', '=', member.id).execute()],
      ['project disabled', () => db.updateTable('project').set({ enabled: 0 }).where('id', '=', member.projectId).execute(),
        () => db.updateTable('project').set({ enabled: 1 }).where('id', '=', member.projectId).execute()],
      ['domain disabled', () => db.updateTable('domain').set({ enabled: 0 }).where('id', '=', 'default').execute(),
        () => db.updateTable('domain').set({ enabled: 1 }).where('id', '=', 'default').execute()],
      ['token expired', () => db.updateTable('token').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('id_hash', '=', own).execute(),
        () => db.updateTable('token').set({ expires_at: '2999-01-01T00:00:00.000Z' }).where('id_hash', '=', own).execute()],
    ];
    for (const [what, change, undo] of cases) {
      assert.equal((await probe()).status, 200, `before ${what}`);
      assert.equal((await probe()).status, 200, `before ${what}, from the cache`);
      await change();
      const res = await probe();
      assert.equal(res.status, 401, `${what}: ${res.status} ${res.text}`);
      await undo();
      assert.equal((await probe()).status, 200, `${what} undone`);
    }

    const renamed = await afterChange(subject, () => db.updateTable('role').set({ name: 'member-renamed' }).where('name', '=', 'member').execute());
    assert.ok(renamed.body.token.roles.some((r: { name: string }) => r.name === 'member-renamed'));
    await db.updateTable('role').set({ name: 'member' }).where('name', '=', 'member-renamed').execute();

    const moved = await afterChange(subject, () => sql`UPDATE "endpoint" SET "url" = 'http://moved.example:5000/identity'`.execute(db));
    const urls = moved.body.token.catalog.flatMap((s: { endpoints: { url: string }[] }) => s.endpoints.map((e) => e.url));
    assert.ok(urls.length > 0 && urls.every((u: string) => u === 'http://moved.example:5000/identity'), String(urls));

    const gone = await afterChange(subject, () => db.deleteFrom('token').where('id_hash', '=', own).execute());
    assert.equal(gone.status, 404);
  });
});
