// Debian's Chromium driven by playwright-core, for the dashboard tests: headless with the flags
// ENVIRONMENT.md lists, a fresh profile each launch, and screenshots kept as test
// artifacts under $NUBIS_TEST_ARTIFACTS (default ./test-artifacts) /dashboard. Also the steps every
// dashboard test takes: log in, change page inside the app (the session lives in memory only), wait
// for a page's data, collect its errors, find a table row and its actions.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface TestBrowser {
  readonly browser: Browser;
  /** A new isolated context (its own memory, so its own dashboard session) and a page in it. */
  newPage(opts?: { width?: number; height?: number; locale?: string }): Promise<Page>;
  /** Saves a screenshot (the full page unless `fullPage: false`, e.g. with a modal dialog open) as
   *  <artifacts>/dashboard/<name>.png and returns the path. */
  screenshot(page: Page, name: string, opts?: { fullPage?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export function artifactsDir(): string {
  const dir = resolve(process.env.NUBIS_TEST_ARTIFACTS ?? 'test-artifacts', 'dashboard');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function launchBrowser(): Promise<TestBrowser> {
  // playwright-core gives each launch a fresh temporary --user-data-dir and removes it on close.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async newPage(opts = {}) {
      const ctx = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 }, locale: opts.locale });
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.setDefaultTimeout(20_000);
      trackRequests(page);
      return page;
    },
    async screenshot(page, name, opts = {}) {
      const path = join(artifactsDir(), `${name}.png`);
      await page.screenshot({ path, fullPage: opts.fullPage ?? true });
      return path;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}

/** Logs in through the login page (at `path`, e.g. /login?next=…) and waits to leave it. */
export async function logIn(page: Page, baseUrl: string, user: string, password: string, domain = 'Default', path = '/login'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('Domain').fill(domain);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

// Requests in flight per page, so a test can wait until a page has loaded its data (see settle()).
const traffic = new WeakMap<Page, { inflight: number; lastChange: number }>();
function trackRequests(page: Page): void {
  const t = { inflight: 0, lastChange: Date.now() };
  traffic.set(page, t);
  const done = () => { t.inflight = Math.max(0, t.inflight - 1); t.lastChange = Date.now(); };
  page.on('request', () => { t.inflight++; t.lastChange = Date.now(); });
  page.on('requestfinished', done);
  page.on('requestfailed', done);
}

/** Waits (bounded) until the page has had no request in flight for `quietMs` and shows no "Loading…". */
export async function settle(page: Page, quietMs = 400, maxMs = 15_000): Promise<void> {
  const t = traffic.get(page);
  const deadline = Date.now() + maxMs;
  for (;;) {
    const quiet = !t || (t.inflight === 0 && Date.now() - t.lastChange >= quietMs);
    if (quiet && (await page.locator('.loading').count()) === 0) return;
    if (Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The admin password `nubis up` wrote into <state>/clouds.yaml (generated unless NUBIS_ADMIN_PASSWORD was set). */
export function adminPassword(stateDir: string): string {
  // `nubis up` writes it as a JSON string (double-quoted, escaped).
  const m = /^\s*password: (".*")\s*$/m.exec(readFileSync(join(stateDir, 'clouds.yaml'), 'utf8'));
  if (!m) throw new Error(`no admin password in ${stateDir}/clouds.yaml`);
  return JSON.parse(m[1]!) as string;
}

/** Changes page inside the app, as a link does (a page load would lose the in-memory session). */
export async function goTo(page: Page, path: string): Promise<void> {
  // A string, not a function: this file is compiled without the DOM's types.
  await page.evaluate(`history.pushState(null, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate'))`);
}

/** Uncaught errors and console errors of a page, collected from now on; `allow` drops expected ones. */
export function collectErrors(page: Page, allow: RegExp[] = []): { list(): string[]; clear(): void } {
  let errors: string[] = [];
  const keep = (text: string) => { if (!allow.some((a) => a.test(text))) errors.push(text); };
  page.on('pageerror', (e) => keep(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') keep(`console: ${m.text()} (${m.location().url})`);
  });
  return { list: () => [...errors], clear: () => { errors = []; } };
}

/** The rows of the table named `table` (its aria-label) that show `text`. */
export function rowOf(page: Page, table: string, text: string | RegExp): Locator {
  return page.getByRole('table', { name: table, exact: true }).getByRole('row').filter({ hasText: text });
}

/** Opens the "Actions" menu of that row and picks `action`. */
export async function rowAction(page: Page, table: string, text: string | RegExp, action: string): Promise<void> {
  await rowOf(page, table, text).getByRole('button', { name: /^Actions/ }).click();
  await page.getByRole('menuitem', { name: action, exact: true }).click();
}

/** The open dialog titled `title`. */
export function dialogOf(page: Page, title: string | RegExp): Locator {
  return page.getByRole('dialog', { name: title });
}

/** Polls `check` (bounded) until it holds; the message says what did not happen. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not in time (${timeoutMs} ms): ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// Controls on the page without an accessible name (a <label>, aria-label(ledby), or a button's text).
// A string: this file is compiled without the DOM's types.
const UNLABELLED = `(() => {
  const bad = [];
  const shown = (el) => el.getClientRects().length > 0;
  const text = (el) => (el && el.textContent || '').trim();
  for (const el of document.querySelectorAll('input, select, textarea, button')) {
    if (el.type === 'hidden' || !shown(el)) continue;
    const byLabel = el.id ? [...document.querySelectorAll('label')].filter((l) => l.htmlFor === el.id).map(text).join('') : '';
    const byIds = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean).map((id) => text(document.getElementById(id))).join('');
    const name = (el.getAttribute('aria-label') || '').trim() || byIds || byLabel || text(el.closest('label'))
      || (el.tagName === 'BUTTON' ? text(el) : '') || (el.getAttribute('title') || '').trim();
    if (!name) bad.push(el.outerHTML.slice(0, 160));
  }
  return bad;
})()`;

/** The visible controls of the page that have no accessible name (outerHTML of each). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(UNLABELLED) as Promise<string[]>;
}
