// The real `openstack` CLI (Debian's python3-openstackclient 6.0) against a real `nubis up`:
// every identity command of issue 2 §7, checked by the values the CLI prints. Runs on SQLite, and
// on PostgreSQL when NUBIS_TEST_DATABASE is set (scripts/run-tests.sh does both).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCompatCloud, type CompatCloud } from '../harness/compat-cloud.js';
import { freePort } from '../harness/free-port.js';
import { cleanEnv, runNubis } from '../harness/nubis-process.js';
import type { OpenStackCli } from '../harness/openstack-cli.js';

type Row = Record<string, unknown>;

const FORBIDDEN = /\b403\b|forbidden|not authorized/i;
const UNAUTHORIZED = /\b401\b|requires authentication|unauthorized/i;
const CONFLICT = /\b409\b|conflict|duplicate|already exists/i;

const names = (rows: Row[], key = 'Name') => rows.map((r) => r[key]);

/** `export KEY='value'` lines of admin-openrc.sh as an object. */
function parseOpenrc(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const m of text.matchAll(/^export (\w+)=(.*)$/gm)) {
    vars[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1').replaceAll(`'\\''`, `'`);
  }
  return vars;
}

/** `bash -c '. admin-openrc.sh && openstack ARGS'`, exactly as the README tells users to. */
function withSourcedOpenrc(openrc: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', '. "$0" && exec openstack "$@"', openrc, ...args],
      { env: cleanEnv(), timeout: 60_000, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

describe('the openstack CLI against nubis up', { timeout: 300_000 }, () => {
  let cloud: CompatCloud;
  let admin: OpenStackCli;
  // Created along the way and used by later tests: a user with only `member` on one project.
  let projectId = '';
  let aliceId = '';
  let alicePassword = 'alice-secret-1';
  const alice = () => cloud.cliAs('alice', alicePassword, 'compat-project');

  const forbidden = async (cli: OpenStackCli, args: string[]) => {
    const r = await cli.fails(args);
    assert.match(r.stderr, FORBIDDEN, `${r.command}: ${r.stderr}`);
  };
  const passwordLogin = async (user: string, password: string) => (await cloud.http('POST', '/identity/v3/auth/tokens', {}, {
    auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } } },
  })).status;

  before(async () => {
    cloud = await startCompatCloud();
    admin = cloud.admin;
  });
  after(async () => { await cloud?.close(); });

  it('writes clouds.yaml and admin-openrc.sh, readable by their owner only', () => {
    for (const file of ['clouds.yaml', 'admin-openrc.sh']) {
      assert.equal(statSync(join(cloud.nubis.stateDir, file)).mode & 0o777, 0o600, file);
    }
    const rc = parseOpenrc(readFileSync(join(cloud.nubis.stateDir, 'admin-openrc.sh'), 'utf8'));
    assert.equal(rc.OS_AUTH_URL, cloud.nubis.authUrl);
    assert.equal(rc.OS_USERNAME, 'admin');
    assert.equal(rc.OS_PROJECT_NAME, 'admin');
    assert.equal(rc.OS_USER_DOMAIN_NAME, 'Default');
    assert.equal(rc.OS_PROJECT_DOMAIN_NAME, 'Default');
    assert.equal(rc.OS_IDENTITY_API_VERSION, '3');
    assert.equal(rc.OS_REGION_NAME, 'RegionOne');
    assert.ok((rc.OS_PASSWORD ?? '').length >= 12, 'a generated admin password');
    assert.match(readFileSync(join(cloud.nubis.stateDir, 'clouds.yaml'), 'utf8'), new RegExp(`auth_url: "${cloud.nubis.authUrl}"`));
  });

  it('issues tokens with clouds.yaml, with admin-openrc.sh variables and with the file sourced', async () => {
    const openrc = join(cloud.nubis.stateDir, 'admin-openrc.sh');
    const viaCloud = await admin.json(['token', 'issue']);
    const viaEnv = await cloud.cliWith(parseOpenrc(readFileSync(openrc, 'utf8'))).json(['token', 'issue']);
    const viaSourced = JSON.parse(await withSourcedOpenrc(openrc, ['token', 'issue', '-f', 'json'])) as Row;
    const project = await admin.json(['project', 'show', 'admin']);
    const user = await admin.json(['user', 'show', 'admin']);
    for (const t of [viaCloud, viaEnv, viaSourced]) {
      assert.equal(t.project_id, project.id);
      assert.equal(t.user_id, user.id);
      assert.ok(Date.parse(String(t.expires)) > Date.now(), `expires ${String(t.expires)}`);
    }
    assert.equal(new Set([viaCloud.id, viaEnv.id, viaSourced.id]).size, 3);
    const check = await cloud.http('GET', '/identity/v3/auth/tokens', { 'x-auth-token': String(viaEnv.id), 'x-subject-token': String(viaCloud.id) });
    assert.equal(check.status, 200);
    assert.equal((check.body as { token: { user: { name: string } } }).token.user.name, 'admin');
  });

  it('revokes a token with token revoke', async () => {
    const doomed = String((await admin.json(['token', 'issue'])).id);
    const other = String((await admin.json(['token', 'issue'])).id);
    await admin.ok(['token', 'revoke', doomed]);
    assert.equal((await cloud.http('GET', '/identity/v3/auth/tokens', { 'x-auth-token': other, 'x-subject-token': doomed })).status, 404);
    assert.equal((await cloud.http('GET', '/identity/v3/auth/projects', { 'x-auth-token': doomed })).status, 401);
  });

  it('lists the catalog with the identity endpoints', async () => {
    const catalog = await admin.json<Row[]>(['catalog', 'list']);
    const identity = catalog.find((s) => s.Type === 'identity');
    assert.ok(identity, JSON.stringify(catalog));
    assert.equal(identity.Name, 'keystone');
    const endpoints = identity.Endpoints as Row[];
    assert.deepEqual(endpoints.map((e) => e.interface).sort(), ['admin', 'internal', 'public']);
    for (const e of endpoints) {
      assert.equal(e.url, cloud.nubis.authUrl);
      assert.equal(e.region, 'RegionOne');
    }
  });

  it('lists endpoints and regions', async () => {
    const endpoints = (await admin.json<Row[]>(['endpoint', 'list'])).filter((e) => e['Service Type'] === 'identity');
    assert.deepEqual(endpoints.map((e) => e.Interface).sort(), ['admin', 'internal', 'public']);
    for (const e of endpoints) {
      assert.equal(e.URL, cloud.nubis.authUrl);
      assert.equal(e.Region, 'RegionOne');
      assert.equal(e['Service Name'], 'keystone');
      assert.equal(e.Enabled, true);
    }
    const pub = await admin.json<Row[]>(['endpoint', 'list', '--service', 'identity', '--interface', 'public']);
    assert.deepEqual(pub.map((e) => e.Interface), ['public']);
    const regions = await admin.json<Row[]>(['region', 'list']);
    assert.ok(regions.some((r) => r.Region === 'RegionOne'), JSON.stringify(regions));
  });

  it('creates, lists, shows, updates and deletes a domain', async () => {
    const d = await admin.json(['domain', 'create', '--description', 'compat domain', 'compat-domain']);
    assert.equal(d.name, 'compat-domain');
    assert.equal(d.description, 'compat domain');
    assert.equal(d.enabled, true);
    assert.match(String((await admin.fails(['domain', 'create', 'compat-domain'])).stderr), CONFLICT);
    const list = await admin.json<Row[]>(['domain', 'list']);
    assert.deepEqual(list.find((r) => r.ID === d.id), { ID: d.id, Name: 'compat-domain', Enabled: true, Description: 'compat domain' });
    assert.ok(list.some((r) => r.ID === 'default' && r.Name === 'Default'));
    assert.equal((await admin.json(['domain', 'show', 'compat-domain'])).id, d.id);
    // Keystone refuses to delete an enabled domain.
    await admin.fails(['domain', 'delete', 'compat-domain']);
    await admin.ok(['domain', 'set', '--name', 'compat-domain-2', '--description', 'changed', '--disable', 'compat-domain']);
    const shown = await admin.json(['domain', 'show', String(d.id)]);
    assert.equal(shown.name, 'compat-domain-2');
    assert.equal(shown.description, 'changed');
    assert.equal(shown.enabled, false);
    await admin.ok(['domain', 'delete', 'compat-domain-2']);
    assert.match((await admin.fails(['domain', 'show', String(d.id)])).stderr, /No domain with a name or ID/);
  });

  it('creates, lists, shows, updates and deletes projects, with a parent', async () => {
    const p = await admin.json(['project', 'create', '--domain', 'default', '--description', 'compat parent', 'compat-parent']);
    assert.equal(p.domain_id, 'default');
    assert.equal(p.parent_id, 'default');
    assert.equal(p.is_domain, false);
    assert.equal(p.enabled, true);
    const child = await admin.json(['project', 'create', '--parent', 'compat-parent', 'compat-child']);
    assert.equal(child.parent_id, p.id);
    assert.equal(child.domain_id, 'default');
    assert.match((await admin.fails(['project', 'create', '--domain', 'default', 'compat-parent'])).stderr, CONFLICT);
    const list = await admin.json<Row[]>(['project', 'list', '--domain', 'default']);
    for (const name of ['admin', 'service', 'compat-parent', 'compat-child']) assert.ok(names(list).includes(name), name);
    const shown = await admin.json(['project', 'show', 'compat-parent']);
    assert.equal(shown.id, p.id);
    assert.equal(shown.description, 'compat parent');
    await admin.ok(['project', 'set', '--name', 'compat-renamed', '--description', 'changed', '--disable', 'compat-parent']);
    const changed = await admin.json(['project', 'show', String(p.id)]);
    assert.deepEqual([changed.name, changed.description, changed.enabled], ['compat-renamed', 'changed', false]);
    await admin.ok(['project', 'delete', 'compat-child']);
    await admin.ok(['project', 'delete', 'compat-renamed']);
    assert.match((await admin.fails(['project', 'show', String(p.id)])).stderr, /No project with a name or ID/);
  });

  it('creates, lists, shows, updates and deletes users', async () => {
    const u = await admin.json(['user', 'create', '--domain', 'default', '--password', 'bob-pw-1', '--email', 'bob@example.org',
      '--description', 'compat user', 'compat-bob']);
    assert.equal(u.name, 'compat-bob');
    assert.equal(u.domain_id, 'default');
    assert.equal(u.email, 'bob@example.org');
    assert.equal(u.enabled, true);
    assert.ok(!('password' in u) && !('password_hash' in u), JSON.stringify(u));
    assert.match((await admin.fails(['user', 'create', '--password', 'x', 'compat-bob'])).stderr, CONFLICT);
    assert.ok(names(await admin.json<Row[]>(['user', 'list'])).includes('compat-bob'));
    assert.equal((await admin.json(['user', 'show', 'compat-bob'])).id, u.id);
    assert.equal(await passwordLogin('compat-bob', 'bob-pw-1'), 201);

    await admin.ok(['user', 'set', '--email', 'bob@example.com', '--disable', 'compat-bob']);
    const disabled = await admin.json(['user', 'show', String(u.id)]);
    assert.deepEqual([disabled.email, disabled.enabled], ['bob@example.com', false]);
    assert.equal(await passwordLogin('compat-bob', 'bob-pw-1'), 401);
    await admin.ok(['user', 'set', '--enable', '--password', 'bob-pw-2', 'compat-bob']);
    assert.equal(await passwordLogin('compat-bob', 'bob-pw-1'), 401);
    assert.equal(await passwordLogin('compat-bob', 'bob-pw-2'), 201);

    await admin.ok(['user', 'delete', 'compat-bob']);
    assert.match((await admin.fails(['user', 'show', String(u.id)])).stderr, /No user with a name or ID/);
  });

  it('gives a user the member role on one project', async () => {
    projectId = String((await admin.json(['project', 'create', '--domain', 'default', 'compat-project'])).id);
    aliceId = String((await admin.json(['user', 'create', '--domain', 'default', '--project', 'compat-project',
      '--password', alicePassword, 'alice'])).id);
    await admin.ok(['role', 'add', '--user', 'alice', '--project', 'compat-project', 'member']);
    const token = await alice().json(['token', 'issue']);
    assert.deepEqual([token.user_id, token.project_id], [aliceId, projectId]);
    assert.deepEqual(names(await admin.json<Row[]>(['project', 'list', '--user', 'alice'])), ['compat-project']);
    assert.equal((await alice().json(['project', 'show', projectId])).name, 'compat-project');
  });

  it('lets a user change their own password with user password set', async () => {
    await alice().ok(['user', 'password', 'set', '--original-password', alicePassword, '--password', 'alice-secret-2']);
    const old = await alice().fails(['token', 'issue']);
    assert.match(old.stderr, UNAUTHORIZED);
    alicePassword = 'alice-secret-2';
    assert.equal((await alice().json(['token', 'issue'])).user_id, aliceId);
  });

  it('forbids admin operations to a user with only member on a project', async () => {
    const cli = alice();
    await forbidden(cli, ['user', 'create', '--password', 'x', 'compat-mallory']);
    await forbidden(cli, ['project', 'create', 'compat-mallory-project']);
    await forbidden(cli, ['domain', 'list']);
    await forbidden(cli, ['role', 'create', 'compat-mallory-role']);
    const adminRoleId = String((await admin.json(['role', 'show', 'admin'])).id);
    await forbidden(cli, ['role', 'add', '--user', aliceId, '--project', projectId, adminRoleId]);
    // The grant itself, not only the role lookup the CLI does first, is refused.
    const token = String((await cli.json(['token', 'issue'])).id);
    const grant = await cloud.http('PUT', `/identity/v3/projects/${projectId}/users/${aliceId}/roles/${adminRoleId}`, { 'x-auth-token': token });
    assert.equal(grant.status, 403);
    assert.ok(!names(await admin.json<Row[]>(['user', 'list'])).includes('compat-mallory'), 'nothing was created');
  });

  it('manages application credentials and authenticates with one', async () => {
    const cli = alice();
    const ac = await cli.json(['application', 'credential', 'create', '--role', 'member', '--expiration', '2099-01-01T00:00:00',
      '--description', 'compat app cred', 'compat-ac']);
    assert.equal(ac.name, 'compat-ac');
    assert.equal(ac.project_id, projectId);
    assert.equal(ac.roles, 'member', 'only the roles asked for');
    assert.equal(ac.description, 'compat app cred');
    assert.match(String(ac.expires_at), /^2099-01-01T00:00:00/);
    assert.equal(ac.unrestricted, false);
    assert.ok(typeof ac.secret === 'string' && ac.secret.length >= 16, 'a generated secret');
    const list = await cli.json<Row[]>(['application', 'credential', 'list']);
    assert.deepEqual(list.map((r) => [r.ID, r.Name, r['Project ID']]), [[ac.id, 'compat-ac', projectId]]);
    const shown = await cli.json(['application', 'credential', 'show', 'compat-ac']);
    assert.equal(shown.id, ac.id);
    assert.ok(!('secret' in shown), 'the secret is shown only once');

    const withAppCred = (secret: string) => cloud.cliWith({
      OS_AUTH_TYPE: 'v3applicationcredential', OS_AUTH_URL: cloud.nubis.authUrl, OS_IDENTITY_API_VERSION: '3',
      OS_APPLICATION_CREDENTIAL_ID: String(ac.id), OS_APPLICATION_CREDENTIAL_SECRET: secret,
    });
    const token = await withAppCred(String(ac.secret)).json(['token', 'issue']);
    assert.deepEqual([token.user_id, token.project_id], [aliceId, projectId]);
    assert.match((await withAppCred('wrong-secret').fails(['token', 'issue'])).stderr, UNAUTHORIZED);

    await cli.ok(['application', 'credential', 'delete', 'compat-ac']);
    assert.deepEqual(await cli.json<Row[]>(['application', 'credential', 'list']), []);
    assert.match((await withAppCred(String(ac.secret)).fails(['token', 'issue'])).stderr, UNAUTHORIZED);
  });

  it('creates groups and adds and removes members', async () => {
    const g = await admin.json(['group', 'create', '--domain', 'default', '--description', 'compat group', 'compat-group']);
    assert.deepEqual([g.name, g.domain_id, g.description], ['compat-group', 'default', 'compat group']);
    await admin.ok(['group', 'add', 'user', 'compat-group', 'alice']);
    assert.match((await admin.ok(['group', 'contains', 'user', 'compat-group', 'alice'])).stdout, /alice in group compat-group/);
    assert.ok(names(await admin.json<Row[]>(['group', 'list'])).includes('compat-group'));
    assert.deepEqual(names(await admin.json<Row[]>(['group', 'list', '--user', 'alice'])), ['compat-group']);
    assert.deepEqual(names(await admin.json<Row[]>(['user', 'list', '--group', 'compat-group'])), ['alice']);
    await admin.ok(['group', 'remove', 'user', 'compat-group', 'alice']);
    assert.match((await admin.ok(['group', 'contains', 'user', 'compat-group', 'alice'])).stderr, /alice not in group compat-group/);
    assert.deepEqual(await admin.json<Row[]>(['group', 'list', '--user', 'alice']), []);
    await admin.ok(['group', 'delete', 'compat-group']);
    assert.ok(!names(await admin.json<Row[]>(['group', 'list'])).includes('compat-group'));
  });

  it('creates and lists roles and implied roles', async () => {
    const r1 = await admin.json(['role', 'create', 'compat-role-1']);
    const r2 = await admin.json(['role', 'create', 'compat-role-2']);
    await admin.json(['role', 'create', 'compat-role-3']);
    assert.equal(r1.name, 'compat-role-1');
    assert.match((await admin.fails(['role', 'create', 'compat-role-1'])).stderr, CONFLICT);
    const roles = names(await admin.json<Row[]>(['role', 'list']));
    for (const name of ['admin', 'member', 'reader', 'compat-role-1', 'compat-role-2', 'compat-role-3']) assert.ok(roles.includes(name), name);
    assert.deepEqual(await admin.json(['implied', 'role', 'create', 'compat-role-1', '--implied-role', 'compat-role-2']),
      { implies: r2.id, prior_role: r1.id });
    const rules = (await admin.json<Row[]>(['implied', 'role', 'list'])).map((r) => `${String(r['Prior Role Name'])}>${String(r['Implied Role Name'])}`);
    for (const rule of ['admin>member', 'member>reader', 'compat-role-1>compat-role-2']) assert.ok(rules.includes(rule), rule);
  });

  it('adds and removes roles for users and groups on projects and domains, and lists effective assignments', async () => {
    await admin.json(['group', 'create', '--domain', 'default', 'compat-team']);
    await admin.ok(['group', 'add', 'user', 'compat-team', 'alice']);
    const grants = [
      ['--user', 'alice', '--project', 'compat-project', 'compat-role-1'],
      ['--user', 'alice', '--domain', 'default', 'compat-role-3'],
      ['--group', 'compat-team', '--project', 'compat-project', 'compat-role-3'],
      ['--group', 'compat-team', '--domain', 'default', 'compat-role-1'],
    ];
    for (const g of grants) await admin.ok(['role', 'add', ...g]);

    const key = (r: Row) => `${String(r.Role)} on ${String(r.Project || r.Domain)}`;
    const direct = await admin.json<Row[]>(['role', 'assignment', 'list', '--names', '--group', 'compat-team']);
    assert.deepEqual(direct.map(key).sort(), ['compat-role-1 on Default', 'compat-role-3 on compat-project@Default']);
    assert.ok(direct.every((r) => r.Group === 'compat-team@Default' && r.User === ''));

    const effective = async () => {
      const rows = await admin.json<Row[]>(['role', 'assignment', 'list', '--names', '--effective', '--user', 'alice']);
      // Effective assignments name the user, never the group they came through.
      assert.ok(rows.every((r) => r.User === 'alice@Default' && r.Group === ''), JSON.stringify(rows));
      return [...new Set(rows.map(key))].sort();
    };
    assert.deepEqual(await effective(), [
      'compat-role-1 on Default', 'compat-role-1 on compat-project@Default', // direct and via the group
      'compat-role-2 on Default', 'compat-role-2 on compat-project@Default', // implied by compat-role-1
      'compat-role-3 on Default', 'compat-role-3 on compat-project@Default',
      'member on compat-project@Default', 'reader on compat-project@Default',
    ]);

    for (const g of grants) await admin.ok(['role', 'remove', ...g]);
    assert.deepEqual(await effective(), ['member on compat-project@Default', 'reader on compat-project@Default']);

    await admin.ok(['implied', 'role', 'delete', 'compat-role-1', '--implied-role', 'compat-role-2']);
    await admin.ok(['role', 'delete', 'compat-role-1', 'compat-role-2', 'compat-role-3']);
    await admin.ok(['group', 'delete', 'compat-team']);
    const roles = names(await admin.json<Row[]>(['role', 'list']));
    assert.ok(!roles.some((n) => String(n).startsWith('compat-')), JSON.stringify(roles));
  });

  it('refuses a second nubis up on the same state dir, and stops cleanly on SIGTERM', async () => {
    const second = await runNubis(['up', '--state-dir', cloud.nubis.stateDir, '--listen', `127.0.0.1:${await freePort()}`]);
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, new RegExp(`already running.*pid ${cloud.nubis.pid}|pid ${cloud.nubis.pid}.*already running`));
    assert.equal((await cloud.http('GET', '/healthz')).status, 200, 'the first server still serves');
    assert.deepEqual(await cloud.nubis.stop(), { code: 0, signal: null }, cloud.nubis.output());
    assert.ok(!existsSync(join(cloud.nubis.stateDir, 'nubis.pid')), 'the state dir lock is released');
  });
});
