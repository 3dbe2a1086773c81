// Who gets into the dashboard and what they see: a real `nubis up` (fake compute driver) and Chromium.
// Logging in and out (the token is revoked), a wrong password, a member without the admin pages, a
// session ended by a 401, the project switcher and the language switch.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startCompatCloud, type CompatCloud } from '../harness/compat-cloud.js';
import {
  adminPassword, collectErrors, eventually, goTo, launchBrowser, logIn, unlabelledControls, type TestBrowser,
} from '../harness/browser.js';

const MEMBER = 'nbui-member';
const MEMBER_PW = 'nbui-member-pw';
const PROJECTS = ['nbui-p1', 'nbui-p2'];
// The browser logs every refused request (a wrong password is a 401) as a console error.
const EXPECTED_HTTP = /Failed to load resource: the server responded with a status of 401/;

/** Every token Keystone issued to this page (POST /auth/tokens → X-Subject-Token), oldest first. */
function trackTokens(page: Page): string[] {
  const tokens: string[] = [];
  page.on('response', (res) => {
    if (res.request().method() === 'POST' && res.url().endsWith('/identity/v3/auth/tokens') && res.status() === 201) {
      const id = res.headers()['x-subject-token'];
      if (id) tokens.push(id);
    }
  });
  return tokens;
}

describe('dashboard access: login, roles, session, project and language', { timeout: 240_000 }, () => {
  let cloud: CompatCloud;
  let browser: TestBrowser;
  let base: string;
  let password: string;
  let adminToken: string;

  const status = async (token: string, path = '/compute/v2.1/servers') => (await cloud.http('GET', path, { 'x-auth-token': token })).status;
  const tokenInfo = async (subject: string) =>
    (await cloud.http('GET', '/identity/v3/auth/tokens', { 'x-auth-token': adminToken, 'x-subject-token': subject })).body as
      { token: { project?: { name: string }; user: { name: string } } };
  const navHeadings = async (page: Page) =>
    (await page.getByRole('navigation', { name: 'Main' }).getByRole('heading').allTextContents()).map((s) => s.trim());

  before(async () => {
    cloud = await startCompatCloud({ env: { NUBIS_COMPUTE_DRIVER: 'fake', NUBIS_NETWORK_DATAPLANE: 'none' } });
    base = cloud.nubis.baseUrl;
    password = adminPassword(cloud.nubis.stateDir);
    const auth = await cloud.http('POST', '/identity/v3/auth/tokens', {}, {
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password } } },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    });
    assert.equal(auth.status, 201, JSON.stringify(auth.body));
    adminToken = auth.headers.get('x-subject-token')!;
    // A member of two projects, nothing more.
    const h = { 'x-auth-token': adminToken };
    const user = await cloud.http('POST', '/identity/v3/users', h, { user: { name: MEMBER, password: MEMBER_PW } });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    const roles = await cloud.http('GET', '/identity/v3/roles?name=member', h);
    const member = (roles.body as { roles: { id: string }[] }).roles[0]!.id;
    for (const name of PROJECTS) {
      const p = await cloud.http('POST', '/identity/v3/projects', h, { project: { name } });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      const id = (p.body as { project: { id: string } }).project.id;
      const userId = (user.body as { user: { id: string } }).user.id;
      assert.equal((await cloud.http('PUT', `/identity/v3/projects/${id}/users/${userId}/roles/${member}`, h)).status, 204);
    }
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await cloud?.close();
  });

  it('the login page is interactive after loading /', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${base}/`);
    await page.waitForURL((u) => u.pathname === '/login');
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
    for (const label of ['Domain', 'User name', 'Password']) {
      assert.ok(await page.getByLabel(label, { exact: true }).isEditable(), `${label} is editable`);
    }
    assert.equal(await page.getByLabel('Domain').inputValue(), 'Default');
    assert.ok(await page.getByRole('button', { name: 'Log in' }).isEnabled());
    assert.deepEqual(await unlabelledControls(page), []);
    await browser.screenshot(page, 'login');
    assert.deepEqual(errors.list(), []);
  });

  it('a wrong password says so in an alert and stays on the login page', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page, [EXPECTED_HTTP]);
    await page.goto(`${base}/login`);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal((await alert.textContent())?.trim(), 'The user name or password is not correct.');
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'the password field is cleared');
    // Empty fields are refused before asking the cloud.
    await page.getByLabel('User name').fill('');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter your user name and password.' }).waitFor();
    await browser.screenshot(page, 'login-wrong-password');
    assert.deepEqual(errors.list(), []);
  });

  it('the admin logs in, lands on the project overview, sees the admin navigation; logging out revokes the token', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const tokens = trackTokens(page);
    await logIn(page, base, 'admin', password);
    assert.equal(new URL(page.url()).pathname, '/project');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    assert.deepEqual(await navHeadings(page), ['Compute', 'Volumes', 'Network', 'Admin', 'Identity']);
    assert.deepEqual(await unlabelledControls(page), [], 'the header and navigation controls have names');
    await page.getByRole('link', { name: 'Hypervisors' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hypervisors' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin/hypervisors');

    assert.equal(tokens.length, 2, 'an unscoped token, then one scoped to the project');
    const [unscoped, scoped] = tokens as [string, string];
    assert.equal((await tokenInfo(scoped)).token.project?.name, 'admin');
    assert.equal(await status(scoped), 200, 'the session token works before logging out');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    await eventually('the scoped token is revoked', async () => (await status(scoped)) === 401);
    await eventually('the unscoped token is revoked', async () => (await status(unscoped, '/identity/v3/auth/projects')) === 401);
    assert.deepEqual(errors.list(), []);
  });

  it('a member sees no admin navigation and is told the admin pages need the admin role', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await logIn(page, base, MEMBER, MEMBER_PW);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    assert.deepEqual(await navHeadings(page), ['Compute', 'Volumes', 'Network']);
    assert.equal(await page.getByRole('link', { name: 'Hypervisors' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0);

    await goTo(page, '/admin/hypervisors');
    await page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
    await page.getByText('You need the admin role to open this page.').waitFor();
    await browser.screenshot(page, 'member-admin-page-refused');
    await page.getByRole('link', { name: 'Go to the project overview' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    assert.deepEqual(errors.list(), []);
  });

  it('a member who types an admin URL logs in and is refused there too', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${base}/admin/hypervisors`);
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/admin/hypervisors');
    await logIn(page, base, MEMBER, MEMBER_PW, 'Default', '/login?next=%2Fadmin%2Fhypervisors');
    assert.equal(new URL(page.url()).pathname, '/admin/hypervisors');
    await page.getByText('You need the admin role to open this page.').waitFor();
    assert.equal(await page.getByRole('heading', { level: 1, name: 'Hypervisors' }).count(), 0);
    assert.deepEqual(errors.list(), []);
  });

  it('a session ends on a 401: back to the login page, saying why', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page, [EXPECTED_HTTP]);
    const tokens = trackTokens(page);
    await logIn(page, base, MEMBER, MEMBER_PW);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const scoped = tokens.at(-1)!;
    const revoke = await cloud.http('DELETE', '/identity/v3/auth/tokens', { 'x-auth-token': adminToken, 'x-subject-token': scoped });
    assert.equal(revoke.status, 204);
    // Any page that asks a service: the instances list. (The overview polls too, so the session may
    // already be over: then this only changes where to go back to after logging in.)
    await goTo(page, '/project/instances');
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Your session has ended.' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/project/instances', 'it goes back there after logging in');
    await browser.screenshot(page, 'session-ended');
    // Logging in again goes back to the page.
    await page.getByLabel('User name').fill(MEMBER);
    await page.getByLabel('Password').fill(MEMBER_PW);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((u) => u.pathname === '/project/instances');
    assert.deepEqual(errors.list(), []);
  });

  it('the project switcher re-scopes the session to another project of the user', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const tokens = trackTokens(page);
    await logIn(page, base, MEMBER, MEMBER_PW);
    const select = page.getByLabel('Project', { exact: true });
    const options = (await select.locator('option').allTextContents()).sort();
    assert.deepEqual(options, PROJECTS);
    assert.equal((await tokenInfo(tokens.at(-1)!)).token.project?.name, 'nbui-p1', 'the first project by name');
    const before = tokens.length;
    await select.selectOption({ label: 'nbui-p2' });
    await eventually('a token for the second project', async () => tokens.length > before);
    assert.equal((await tokenInfo(tokens.at(-1)!)).token.project?.name, 'nbui-p2');
    assert.equal(await select.locator('option:checked').textContent(), 'nbui-p2');
    // The token of the first project is let go.
    await eventually('the old project token is revoked', async () => (await status(tokens[before - 1]!)) === 401);
    assert.deepEqual(errors.list(), []);
  });

  it('the language select switches the dashboard to Chinese and back', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await logIn(page, base, 'admin', password);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Instances', exact: true }).waitFor();
    await page.getByLabel('Language').selectOption({ label: '中文' });
    await nav.getByRole('link', { name: '实例', exact: true }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Instances', exact: true }).count(), 0);
    for (const zh of ['概览', '镜像', '卷', '网络拓扑', '虚拟机管理器', '用户']) {
      assert.equal(await nav.getByRole('link', { name: zh, exact: true }).count(), 1, zh);
    }
    // Nothing of the navigation is left in English.
    const untranslated = (await nav.getByRole('link').allTextContents()).filter((l) => !/[\u4e00-\u9fff]/.test(l));
    assert.deepEqual(untranslated, []);
    assert.deepEqual((await navHeadings(page)).filter((l) => !/[\u4e00-\u9fff]/.test(l)), []);
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await browser.screenshot(page, 'overview-zh');
    await page.getByLabel('语言').selectOption({ label: 'English' });
    await nav.getByRole('link', { name: 'Instances', exact: true }).waitFor();
    assert.deepEqual(errors.list(), []);
  });

  it('the language chosen on the login page is kept after logging in', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('Language').selectOption({ label: '中文' });
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('navigation').getByRole('link', { name: '实例', exact: true }).waitFor();
  });
});
