// Every page of the dashboard opens: a real `nubis up` (fake compute driver) with a little of
// everything made through the CLI, then the admin visits each route of app/routes.tsx by in-app
// navigation: its heading shows, no uncaught error, no console error, no error note; a screenshot
// of each, and the instances page on a phone-sized screen.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startCompatCloud, type CompatCloud } from '../harness/compat-cloud.js';
import {
  adminPassword, collectErrors, goTo, launchBrowser, logIn, settle, unlabelledControls, type TestBrowser,
} from '../harness/browser.js';

// The route table of the app (a .tsx for the browser, so read as text): every path is visited.
const ROUTES_FILE = fileURLToPath(new URL('../../../src/dashboard/web/app/routes.tsx', import.meta.url));

interface Visit {
  /** The route's pattern, as in routes.tsx. */
  route: string;
  /** The page's h1. */
  h1: string | RegExp;
  /** Seeded data the page must show (by name), once it has loaded. */
  shows?: string[];
  /** Topology graph nodes the page must draw: [data-kind, data-name]. */
  nodes?: [string, string][];
  /** Console errors this page may log (besides none). */
  allow?: RegExp[];
  /** Error notes this page may show (the fake compute driver has no console, for one). */
  alerts?: RegExp[];
}

// Headings as the pages write them (the detail pages title the resource by name), matched whole.
const VISITS: Visit[] = [
  { route: '/project', h1: 'Overview', shows: ['Quota usage', 'nbui-server'] },
  { route: '/project/instances', h1: 'Instances', shows: ['nbui-server'] },
  { route: '/project/instances/launch', h1: 'Launch instance' },
  { route: '/project/instances/:id', h1: 'nbui-server', shows: ['nbui-server'] },
  { route: '/project/instances/:id/console', h1: 'Console of nbui-server',
    alerts: [/^Guest does not have a console available\.$/], allow: [/status of 409/] },
  { route: '/project/images', h1: 'Images', shows: ['nbui-image'] },
  { route: '/project/key-pairs', h1: 'Key pairs', shows: ['nbui-key'] },
  { route: '/project/server-groups', h1: 'Server groups' },
  { route: '/project/volumes', h1: 'Volumes', shows: ['nbui-volume'] },
  { route: '/project/topology', h1: 'Network topology',
    nodes: [['external', 'public'], ['router', 'nbui-router'], ['network', 'nbui-net'], ['instance', 'nbui-server']] },
  { route: '/project/networks', h1: 'Networks', shows: ['nbui-net', 'public'] },
  { route: '/project/networks/:id', h1: 'Network nbui-net', shows: ['nbui-net', '10.20.0.0/24'] },
  { route: '/project/routers', h1: 'Routers', shows: ['nbui-router'] },
  { route: '/project/routers/:id', h1: 'Router nbui-router', shows: ['nbui-router'] },
  { route: '/project/security-groups', h1: 'Security groups', shows: ['nbui-sg', 'default'] },
  { route: '/project/security-groups/:id', h1: 'Security group nbui-sg', shows: ['nbui-sg'] },
  { route: '/project/floating-ips', h1: 'Floating IPs', shows: ['$fip'] },
  { route: '/admin', h1: 'Usage report' },
  { route: '/admin/hypervisors', h1: 'Hypervisors' },
  { route: '/admin/aggregates', h1: 'Host aggregates and availability zones' },
  { route: '/admin/services', h1: 'Compute services' },
  { route: '/admin/flavors', h1: 'Flavors', shows: ['m1.nano', 'm1.small'] },
  { route: '/admin/instances', h1: 'All instances', shows: ['nbui-server'] },
  { route: '/admin/images', h1: 'All images', shows: ['nbui-image'] },
  { route: '/admin/volume-types', h1: 'Volume types', shows: ['__DEFAULT__'] },
  { route: '/admin/projects', h1: 'Projects', shows: ['admin'] },
  { route: '/admin/users', h1: 'Users', shows: ['admin'] },
  { route: '/admin/groups', h1: 'Groups' },
  { route: '/admin/roles', h1: 'Roles and assignments' },
  { route: '/admin/quotas', h1: 'Quotas' },
];

/** A heading as the pattern that matches it whole. */
const whole = (h: string | RegExp) => (typeof h === 'string' ? new RegExp(`^${h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : h);

/** `/project/instances/:id/console` → `project-instances-id-console` (the screenshot's name). */
const shotName = (route: string) => route.replace(/^\//, '').replace(/[/:]+/g, '-');

describe('dashboard pages: every route opens with the seeded data', { timeout: 240_000 }, () => {
  let cloud: CompatCloud;
  let browser: TestBrowser;
  let page: Page;
  let errors: ReturnType<typeof collectErrors>;
  let dir: string;
  const ids: Record<string, string> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nbui-pages-'));
    const disk = join(dir, 'tiny.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '16M']);
    cloud = await startCompatCloud({ env: { NUBIS_COMPUTE_DRIVER: 'fake', NUBIS_NETWORK_DATAPLANE: 'none' } });
    const cli = cloud.admin;
    const id = async (args: string[]) => String((await cli.json<{ id: string }>(args)).id);
    // Independent things side by side; the server once its image and network exist.
    await Promise.all([
      (async () => {
        ids.image = await id(['image', 'create', '--disk-format', 'qcow2', '--container-format', 'bare', '--file', disk, '--public', 'nbui-image']);
      })(),
      (async () => {
        ids.network = await id(['network', 'create', 'nbui-net']);
        await cli.ok(['subnet', 'create', '--network', 'nbui-net', '--subnet-range', '10.20.0.0/24', 'nbui-subnet']);
        ids.router = await id(['router', 'create', 'nbui-router']);
        await cli.ok(['router', 'set', '--external-gateway', 'public', 'nbui-router']);
        await cli.ok(['router', 'add', 'subnet', 'nbui-router', 'nbui-subnet']);
      })(),
      (async () => { ids.volume = await id(['volume', 'create', '--size', '1', 'nbui-volume']); })(),
      (async () => { await cli.ok(['keypair', 'create', 'nbui-key']); })(),
      (async () => { ids.sg = await id(['security', 'group', 'create', 'nbui-sg']); })(),
      (async () => {
        const fip = await cli.json<{ id: string; floating_ip_address: string }>(['floating', 'ip', 'create', 'public']);
        ids.fip = fip.id;
        ids.fipAddress = fip.floating_ip_address;
      })(),
    ]);
    ids.server = await id(['server', 'create', '--flavor', 'm1.nano', '--image', 'nbui-image', '--network', 'nbui-net', '--wait', 'nbui-server']);

    browser = await launchBrowser();
    page = await browser.newPage();
    errors = collectErrors(page);
    await logIn(page, cloud.nubis.baseUrl, 'admin', adminPassword(cloud.nubis.stateDir));
  });

  after(async () => {
    await browser?.close();
    await cloud?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('visits every route of app/routes.tsx', () => {
    const routes = [...readFileSync(ROUTES_FILE, 'utf8').matchAll(/\{\s*path:\s*'([^']+)'/g)].map((m) => m[1]);
    assert.ok(routes.length > 20, `routes found in ${ROUTES_FILE}`);
    assert.deepEqual([...routes].sort(), VISITS.map((v) => v.route).sort());
  });

  const paramFor: Record<string, () => string> = {
    '/project/instances/:id': () => ids.server!, '/project/instances/:id/console': () => ids.server!,
    '/project/networks/:id': () => ids.network!, '/project/routers/:id': () => ids.router!,
    '/project/security-groups/:id': () => ids.sg!,
  };
  /** The route with the seeded resource's id in place of :id. */
  const pathOf = (route: string) => (route.includes(':id') ? route.replace(':id', paramFor[route]!()) : route);

  for (const v of VISITS) {
    it(`opens ${v.route}`, async () => {
      const path = pathOf(v.route);
      errors.clear();
      await goTo(page, path);
      const h1 = page.getByRole('heading', { level: 1 });
      await page.waitForFunction(`location.pathname === ${JSON.stringify(path)}`);
      await h1.filter({ hasText: whole(v.h1) }).waitFor();
      await settle(page);
      assert.equal(await h1.count(), 1, 'one h1');
      for (const name of v.shows ?? []) {
        const text = name === '$fip' ? ids.fipAddress! : name;
        await page.getByRole('main').getByText(text, { exact: false }).first().waitFor({ timeout: 10_000 });
      }
      for (const [kind, name] of v.nodes ?? []) {
        await page.locator(`[data-kind="${kind}"][data-name="${name}"]`).first().waitFor({ timeout: 10_000 });
      }
      const alerts = (await page.getByRole('alert').allTextContents()).map((a) => a.trim())
        .filter((a) => !(v.alerts ?? []).some((x) => x.test(a)));
      assert.deepEqual(alerts, [], `no error note on ${path}`);
      assert.deepEqual(await unlabelledControls(page), [], `every control on ${path} has an accessible name`);
      await browser.screenshot(page, shotName(v.route));
      const unexpected = errors.list().filter((e) => !(v.allow ?? []).some((a) => a.test(e)));
      assert.deepEqual(unexpected, [], `no page or console error on ${path}`);
    });
  }

  it('the console log tab keeps refreshing while the output stays the same', async () => {
    // The fake guest's log never changes after boot: each poll returns the same text, which must not
    // stop the polling (a slow real guest can print nothing for longer than one period).
    await goTo(page, `/project/instances/${ids.server}`);
    await page.getByRole('tab', { name: 'Console log' }).click();
    await page.locator('pre[aria-label="Console log"]').getByText(/NUBIS-GUEST-READY/).waitFor();
    let polls = 0;
    const count = (r: { method(): string; url(): string; postData(): string | null }) => {
      if (r.method() === 'POST' && r.url().endsWith(`/servers/${ids.server}/action`) && r.postData()?.includes('os-getConsoleOutput')) polls++;
    };
    page.on('request', count);
    await sleep(10_000);
    page.off('request', count);
    // Every 3 s: three or four in 10 s; a stalled poller makes at most one.
    assert.ok(polls >= 3, `console log fetched ${polls} times in 10 s`);
  });

  it("every page's create dialog has a title and named controls, and Escape closes it", async () => {
    const opened: string[] = [];
    const unexpected: string[] = [];
    for (const v of VISITS) {
      const path = pathOf(v.route);
      unexpected.push(...errors.list());
      errors.clear();
      await goTo(page, path);
      await page.getByRole('heading', { level: 1 }).filter({ hasText: whole(v.h1) }).waitFor();
      await settle(page, 300);
      // The page header's own actions that open a form: Create …, Allocate …, Add …, Grant ….
      const buttons = page.locator('.page-header').getByRole('button', { name: /^(Create|Allocate|Add|Grant|Import)\b/ });
      for (let i = 0; i < await buttons.count(); i++) {
        const button = buttons.nth(i);
        const name = ((await button.textContent()) ?? '').trim();
        if (!(await button.isEnabled())) continue;
        await button.click();
        const dialog = page.getByRole('dialog');
        await dialog.waitFor({ timeout: 5000 });
        const title = ((await dialog.getByRole('heading').first().textContent()) ?? '').trim();
        assert.ok(title, `${path}: "${name}" opens a dialog with a title`);
        assert.equal(await page.getByRole('dialog', { name: title }).count(), 1, `${path}: the dialog is named by its title`);
        assert.deepEqual(await unlabelledControls(page), [], `${path}: every control of "${title}" has a name`);
        await browser.screenshot(page, `dialog-${shotName(v.route)}-${i}`, { fullPage: false });
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached', timeout: 5000 });
        opened.push(`${v.route}: ${title}`);
      }
      unexpected.push(...errors.list().filter((e) => !(v.allow ?? []).some((a) => a.test(e))));
      errors.clear();
    }
    assert.ok(opened.length >= 10, `create dialogs opened: ${opened.join('; ')}`);
    assert.deepEqual(unexpected, []);
  });

  it('an unknown path says there is no page there', async () => {
    await goTo(page, '/project/nothing-here');
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await page.getByText('There is no page at /project/nothing-here.').waitFor();
  });

  it('no page scrolls sideways on a phone (390 px wide)', async () => {
    const phone = await browser.newPage({ width: 390, height: 844 });
    await logIn(phone, cloud.nubis.baseUrl, 'admin', adminPassword(cloud.nubis.stateDir));
    const wide: string[] = [];
    for (const v of VISITS) {
      const path = pathOf(v.route);
      await goTo(phone, path);
      await phone.getByRole('heading', { level: 1 }).filter({ hasText: whole(v.h1) }).waitFor();
      await settle(phone, 300);
      const width = Number(await phone.evaluate('document.documentElement.scrollWidth'));
      if (width > 390) {
        wide.push(`${v.route}: ${width} px`);
        await browser.screenshot(phone, `phone-${shotName(v.route)}`);
      }
    }
    assert.deepEqual(wide, [], 'pages wider than the screen');
  });

  it('the instances page on a phone (390×844): the seeded instance, no sideways scrolling', async () => {
    const phone = await browser.newPage({ width: 390, height: 844 });
    const phoneErrors = collectErrors(phone);
    await logIn(phone, cloud.nubis.baseUrl, 'admin', adminPassword(cloud.nubis.stateDir));
    await goTo(phone, '/project/instances');
    await phone.getByRole('heading', { level: 1, name: 'Instances' }).waitFor();
    await settle(phone);
    await phone.getByRole('main').getByText('nbui-server').first().waitFor({ timeout: 10_000 });
    await browser.screenshot(phone, 'project-instances-phone');
    const width = Number(await phone.evaluate('document.documentElement.scrollWidth'));
    assert.ok(width <= 390, `the page is ${width} px wide`);
    // The navigation is behind the menu button on a phone.
    const menu = phone.getByRole('button', { name: 'Menu' });
    assert.equal(await menu.isVisible(), true, 'a menu button');
    await menu.click();
    await phone.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Volumes', exact: true }).click();
    await phone.getByRole('heading', { level: 1, name: 'Volumes' }).waitFor();
    assert.deepEqual(phoneErrors.list(), []);
  });
});
