// Issue 7, end to end: the dashboard in Debian's Chromium against a real `nubis up` (QEMU/TCG, the
// linuxbridge dataplane with an "outside world" namespace of the test's own), as a tenant user who
// does everything through the pages: upload an image (progress bar), build a network, a subnet and a
// router, open ICMP in the security group, launch an instance through the wizard and see it Active,
// read the guest's ready marker in the console log, open the noVNC console, attach a new volume (the
// guest sees the disk), associate a floating IP (it answers pings from outside), see it all in the
// topology graph, and delete everything again. Screenshots of each page go to the test artifacts.
// (Written by the lead; the other dashboard tests are in test/dashboard/.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { buildTestImage, type TestImage } from '../../src/dev/test-image/build-test-image.js';
import { launchBrowser, logIn, type TestBrowser } from '../harness/browser.js';
import { removeDataplane } from '../harness/dataplane-cleanup.js';
import { ExternalNamespace } from '../harness/external-namespace.js';
import { killGuests } from '../harness/guest-processes.js';
import { startNubis, type NubisProcess } from '../harness/nubis-process.js';
import { OpenStackCli } from '../harness/openstack-cli.js';

type Row = Record<string, unknown>;
const skip = process.env.NUBIS_TEST_DATABASE ? 'boots a real guest; runs once, in the SQLite pass' : false;
const USER = 'nb-dash';
const PASSWORD = 'nb-dash-secret';
const PROJECT = 'nb-dash-project';

describe('dashboard end to end: Chromium, nubis up, a real QEMU guest', { skip, timeout: 1_200_000 }, () => {
  let image: TestImage;
  let work: string;
  let nubis: NubisProcess;
  let ext: ExternalNamespace;
  let admin: OpenStackCli;
  let tenant: OpenStackCli;
  let browser: TestBrowser;
  let page: Page;
  const problems: string[] = [];
  const ids: Record<string, string> = {};

  /** In-app navigation by the side menu, as a user clicks (a page load would end the session). */
  const open = async (nav: string, heading: string | RegExp = nav) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: nav, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };
  const shot = (name: string) => browser.screenshot(page, `e2e-${name}`);
  const dialog = (name: string | RegExp) => page.getByRole('dialog', { name });
  /** The table row holding `text`. */
  const row = (table: string, text: string) => page.getByRole('table', { name: table }).getByRole('row').filter({ hasText: text });
  const rowAction = async (table: string, text: string, action: string) => {
    await row(table, text).getByRole('button', { name: /^Actions/ }).click();
    await page.getByRole('menuitem', { name: action, exact: true }).click();
  };
  /** Picks the option of a select whose text contains `text` (options carry details beside names). */
  async function choose(select: ReturnType<Page['locator']>, text: string): Promise<void> {
    const option = select.locator('option').filter({ hasText: text }).first();
    await option.waitFor({ state: 'attached' });
    await select.selectOption(await option.getAttribute('value') ?? '');
  }
  async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
      await sleep(1000);
    }
  }

  before(async () => {
    image = await buildTestImage(join(tmpdir(), 'nubis-test-image-cache'));
    work = mkdtempSync(join(tmpdir(), 'nbdash-'));
    ext = await ExternalNamespace.start('198.51.100.1', 24, 8080);
    const config = join(work, 'nubis.json');
    writeFileSync(config, JSON.stringify({ network: ext.networkConfig() }));
    nubis = await startNubis({ stateDir: join(work, 'state'), env: { NUBIS_CONFIG: config, NUBIS_NETWORK_DATAPLANE: 'linuxbridge' } });
    admin = new OpenStackCli({ OS_CLIENT_CONFIG_FILE: join(nubis.stateDir, 'clouds.yaml') }, ['--os-cloud', 'nubis']);
    await admin.ok(['flavor', 'create', '--vcpus', '1', '--ram', '160', '--disk', '1', 'nb.dash']);
    await admin.ok(['project', 'create', PROJECT]);
    await admin.ok(['user', 'create', '--password', PASSWORD, '--project', PROJECT, USER]);
    await admin.ok(['role', 'add', '--user', USER, '--project', PROJECT, 'member']);
    tenant = new OpenStackCli({
      OS_AUTH_URL: nubis.authUrl, OS_IDENTITY_API_VERSION: '3', OS_REGION_NAME: 'RegionOne', OS_USERNAME: USER,
      OS_PASSWORD: PASSWORD, OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_NAME: PROJECT, OS_PROJECT_DOMAIN_NAME: 'Default',
    });
    browser = await launchBrowser();
    page = await browser.newPage({ width: 1366, height: 900 });
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    await nubis?.stop().catch(() => undefined);
    if (nubis) {
      killGuests(nubis.stateDir);
      await removeDataplane(nubis.stateDir).catch((err: Error) => console.error(`dataplane cleanup: ${err.message}`));
    }
    await ext?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('logs in as a tenant user and lands on the overview', async () => {
    await logIn(page, nubis.baseUrl, USER, PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByRole('meter', { name: 'Instances' }).waitFor();
    await shot('overview');
  });

  it('uploads the test image and the progress bar finishes', async () => {
    await open('Images');
    await page.getByRole('button', { name: 'Create image' }).first().click();
    const d = dialog('Create image');
    await d.getByLabel('Image file').setInputFiles(image.disk);
    await d.getByLabel(/^Image name/).fill('nb-dash-image');
    await d.getByRole('button', { name: 'Create image' }).click();
    await d.getByText('Upload complete').waitFor({ timeout: 120_000 });
    assert.equal(await d.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value'), await d.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('max'));
    await shot('image-uploaded');
    await d.getByRole('button', { name: 'Close' }).click();
    await row('Images', 'nb-dash-image').getByText('active', { exact: false }).waitFor({ timeout: 60_000 });
    const img = await tenant.json<Row>(['image', 'show', 'nb-dash-image']);
    assert.equal(img.status, 'active');
    assert.equal(img.disk_format, 'qcow2');
    ids.image = String(img.id);
  });

  it('creates a network with a subnet, and a router to the external network with an interface on it', async () => {
    await open('Networks');
    await page.getByRole('button', { name: 'Create network' }).first().click();
    let d = dialog('Create network');
    await d.getByLabel(/^Network name/).fill('nb-dash-net');
    await d.getByLabel(/^Subnet name/).fill('nb-dash-subnet');
    await d.getByLabel(/^Network address/).fill('10.77.0.0/24');
    await d.getByRole('button', { name: 'Create network' }).click();
    await d.waitFor({ state: 'detached' });
    await row('Networks', 'nb-dash-net').getByText('10.77.0.0/24').waitFor();

    await open('Routers');
    await page.getByRole('button', { name: 'Create router' }).first().click();
    d = dialog('Create router');
    await d.getByLabel(/^Router name/).fill('nb-dash-router');
    await choose(d.getByLabel(/^External network/), 'public');
    await d.getByRole('button', { name: 'Create router' }).click();
    await d.waitFor({ state: 'detached' });
    await row('Routers', 'nb-dash-router').getByRole('link', { name: 'nb-dash-router' }).click();
    await page.getByRole('heading', { level: 1, name: /nb-dash-router/ }).waitFor();
    await page.getByRole('button', { name: 'Add interface' }).first().click();
    d = dialog('Add interface');
    await choose(d.getByLabel(/^Subnet/), 'nb-dash-subnet');
    await d.getByRole('button', { name: 'Add interface' }).click();
    await d.waitFor({ state: 'detached' });
    await page.getByRole('table', { name: 'Interfaces' }).getByText('10.77.0.1').waitFor();
    await shot('router');
    const router = await tenant.json<Row>(['router', 'show', 'nb-dash-router']);
    const gw = router.external_gateway_info as { network_id: string; external_fixed_ips: Array<{ ip_address: string }> };
    assert.match(gw.external_fixed_ips[0]!.ip_address, /^198\.51\.100\./);
    ids.router = String(router.id);
  });

  it('opens ICMP in the default security group with the rules editor', async () => {
    await open('Security groups');
    await row('Security groups', 'default').getByRole('link', { name: 'default' }).click();
    await page.getByRole('heading', { level: 1, name: /default/ }).waitFor();
    await page.getByRole('button', { name: 'Add rule' }).click();
    const d = dialog('Add rule');
    await choose(d.getByLabel(/^Rule/), 'All ICMP');
    await d.getByRole('button', { name: 'Add rule' }).click();
    await d.waitFor({ state: 'detached' });
    await page.getByRole('table', { name: 'Rules' }).getByRole('row').filter({ hasText: /icmp/i }).first().waitFor();
  });

  it('launches an instance through the wizard on that network and sees it become Active', async () => {
    await open('Instances');
    await page.getByRole('button', { name: 'Launch instance' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Launch instance' }).waitFor();
    await page.getByLabel(/^Instance name/).fill('nb-dash-vm');
    const next = () => page.getByRole('button', { name: 'Next' }).click();
    await shot('launch-details');
    await next();
    await page.getByRole('radio', { name: 'nb-dash-image' }).check();
    await next();
    await page.getByRole('radio', { name: 'nb.dash' }).check();
    await next();
    await page.getByRole('checkbox', { name: /nb-dash-net/ }).check();
    await shot('launch-networks');
    await page.getByRole('button', { name: 'Launch instance' }).last().click();
    await page.getByRole('heading', { level: 1, name: 'Instances' }).waitFor();
    // Live status: the table updates itself, no reload.
    await row('Instances', 'nb-dash-vm').getByText('ACTIVE', { exact: true }).waitFor({ timeout: 240_000 });
    await shot('instances');
    const s = await tenant.json<Row>(['server', 'show', 'nb-dash-vm']);
    assert.equal(s.status, 'ACTIVE');
    ids.server = String(s.id);
  });

  it('shows the guest\'s ready marker in the console log, and opens the console page', async () => {
    await row('Instances', 'nb-dash-vm').getByRole('link', { name: 'nb-dash-vm' }).click();
    await page.getByRole('heading', { level: 1, name: /nb-dash-vm/ }).waitFor();
    await shot('instance-detail');
    await page.getByRole('tab', { name: 'Console log' }).click();
    // The tab refreshes itself every few seconds until the guest has printed its marker.
    await page.locator('pre[aria-label="Console log"]').getByText(/NUBIS-GUEST-READY/).waitFor({ timeout: 180_000 });
    await shot('console-log');
    await page.getByRole('tab', { name: 'Console', exact: true }).click();
    await page.getByRole('link', { name: 'Open console' }).click();
    const frame = page.frameLocator('iframe');
    await page.locator('iframe').waitFor();
    // noVNC draws the guest's screen into a canvas once the websocket is connected.
    await frame.locator('canvas').first().waitFor({ timeout: 60_000 });
    await sleep(1500);
    await shot('console');
  });

  it('creates a volume and attaches it: the guest sees the disk', async () => {
    await open('Volumes');
    await page.getByRole('button', { name: 'Create volume' }).first().click();
    let d = dialog('Create volume');
    await d.getByLabel(/^Volume name/).fill('nb-dash-vol');
    await d.getByLabel(/^Size/).fill('1');
    await d.getByRole('button', { name: 'Create volume' }).click();
    await d.waitFor({ state: 'detached' });
    await row('Volumes', 'nb-dash-vol').getByText('available').waitFor({ timeout: 60_000 });
    await rowAction('Volumes', 'nb-dash-vol', 'Attach');
    d = dialog(/^Attach volume/);
    await choose(d.getByLabel(/^Instance/), 'nb-dash-vm');
    await d.getByRole('button', { name: 'Attach' }).click();
    await d.waitFor({ state: 'detached' });
    await row('Volumes', 'nb-dash-vol').getByText('in-use').waitFor({ timeout: 120_000 });
    await shot('volumes');
    const vol = await tenant.json<Row>(['volume', 'show', 'nb-dash-vol']);
    ids.volume = String(vol.id);
    const serial = ids.volume.slice(0, 20);
    await waitFor('the guest prints the new disk', async () =>
      (await tenant.ok(['console', 'log', 'show', 'nb-dash-vm'])).stdout.includes(`serial=${serial}`), 60_000);
  });

  it('allocates a floating IP and associates it: it answers pings from outside', async () => {
    await open('Floating IPs');
    await page.getByRole('button', { name: 'Allocate IP' }).first().click();
    let d = dialog('Allocate IP');
    await choose(d.getByLabel(/^Pool/), 'public');
    await d.getByRole('button', { name: 'Allocate IP' }).click();
    await d.waitFor({ state: 'detached' });
    const fips = await tenant.json<Row[]>(['floating', 'ip', 'list']);
    assert.equal(fips.length, 1);
    const fip = String(fips[0]!['Floating IP Address']);
    ids.fip = fip;
    await rowAction('Floating IPs', fip, 'Associate');
    d = dialog(/^Associate/);
    await choose(d.getByLabel(/^Port to associate/), 'nb-dash-vm');
    await d.getByRole('button', { name: 'Associate' }).click();
    await d.waitFor({ state: 'detached' });
    await row('Floating IPs', fip).getByText('nb-dash-vm').waitFor();
    await shot('floating-ips');
    await waitFor(`ping ${fip} from outside`, () => ext.ping(fip), 60_000);
  });

  it('shows the router, the network and the instance with its floating IP in the topology graph', async () => {
    await open('Network topology');
    const node = (kind: string, name: string) => page.locator(`g[data-kind="${kind}"][data-name="${name}"]`);
    await node('external', 'public').waitFor();
    await node('router', 'nb-dash-router').waitFor();
    await node('network', 'nb-dash-net').waitFor();
    // Drawn on the node (its tooltip <title> holds the address too).
    await node('instance', 'nb-dash-vm').locator('text').filter({ hasText: ids.fip! }).waitFor();
    await shot('topology');
  });

  it('deletes everything through the pages', async () => {
    await open('Floating IPs');
    await rowAction('Floating IPs', ids.fip!, 'Release');
    await dialog('Release floating IP').getByRole('button', { name: 'Release' }).click();
    await row('Floating IPs', ids.fip!).waitFor({ state: 'detached' });

    await open('Volumes');
    await rowAction('Volumes', 'nb-dash-vol', 'Detach');
    await dialog('Detach volume').getByRole('button', { name: 'Detach' }).click();
    await row('Volumes', 'nb-dash-vol').getByText('available').waitFor({ timeout: 120_000 });
    await rowAction('Volumes', 'nb-dash-vol', 'Delete volume');
    await dialog('Delete volume').getByRole('button', { name: 'Delete volume' }).click();
    await row('Volumes', 'nb-dash-vol').waitFor({ state: 'detached', timeout: 60_000 });

    await open('Instances');
    await rowAction('Instances', 'nb-dash-vm', 'Delete');
    await dialog(/^Delete instance/).getByRole('button', { name: /^Delete/ }).click();
    await row('Instances', 'nb-dash-vm').waitFor({ state: 'detached', timeout: 120_000 });

    await open('Routers');
    await row('Routers', 'nb-dash-router').getByRole('link', { name: 'nb-dash-router' }).click();
    await page.getByRole('button', { name: 'Remove interface' }).first().click();
    await dialog('Remove interface').getByRole('button', { name: 'Remove interface' }).click();
    await page.getByRole('table', { name: 'Interfaces' }).getByText('10.77.0.1').waitFor({ state: 'detached' });
    await open('Routers');
    await rowAction('Routers', 'nb-dash-router', 'Delete router');
    await dialog('Delete router').getByRole('button', { name: 'Delete router' }).click();
    await row('Routers', 'nb-dash-router').waitFor({ state: 'detached' });

    await open('Networks');
    await rowAction('Networks', 'nb-dash-net', 'Delete network');
    await dialog('Delete network').getByRole('button', { name: 'Delete network' }).click();
    await row('Networks', 'nb-dash-net').waitFor({ state: 'detached', timeout: 60_000 });

    await open('Images');
    await rowAction('Images', 'nb-dash-image', 'Delete image');
    await dialog('Delete image').getByRole('button', { name: 'Delete image' }).click();
    await row('Images', 'nb-dash-image').waitFor({ state: 'detached' });

    // What the API says is left in the project: nothing this test made.
    assert.deepEqual(await tenant.json<Row[]>(['server', 'list']), []);
    assert.deepEqual(await tenant.json<Row[]>(['volume', 'list']), []);
    assert.deepEqual(await tenant.json<Row[]>(['floating', 'ip', 'list']), []);
    assert.deepEqual(await tenant.json<Row[]>(['router', 'list']), []);
    assert.equal((await tenant.json<Row[]>(['network', 'list'])).filter((n) => n.Name === 'nb-dash-net').length, 0);
    assert.equal((await tenant.run(['image', 'show', ids.image!])).code !== 0, true);
    assert.deepEqual(problems, []);
  });
});
