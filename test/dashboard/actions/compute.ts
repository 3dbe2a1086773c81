// Compute actions through the pages: server groups (create, delete) and the launch wizard's server
// group, fixed IP and existing-port choices, each checked with the `openstack` CLI.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import type { Page } from 'playwright-core';
import { dialogOf, eventually, goTo, rowAction, rowOf, settle } from '../../harness/browser.js';
import type { ActionsContext } from './context.js';

const P = 'nbui-compute-';
const NET = `${P}net`;
const CIDR = '10.77.0.0/24';
const FIXED_IP = '10.77.0.50';
const IMAGE = `${P}image`;
const GROUP = `${P}group`;
const PORT = `${P}port`;
/** A flavor `nubis up` makes; the launches need nothing bigger. */
const FLAVOR = 'm1.nano';
/** Server group commands need 2.64 for `policy` and `rules` (the CLI's default is 2.1). */
const V = ['--os-compute-api-version', '2.64'];

interface Launch { name: string; group?: string; network?: string; fixedIp?: string; port?: string }

/** The wizard's own Next (a table's pager has one too). */
const next = (page: Page) => page.locator('.launch-buttons').getByRole('button', { name: 'Next', exact: true }).click();

/** Fills the wizard step by step as a user does, then presses "Launch instance"; `expectCreate`: the new server's id. */
async function launchThroughWizard(page: Page, l: Launch, expectCreate = true): Promise<string | undefined> {
  // From the instances list, as a user opens it (a wizard left open on the same path would keep its state).
  await goTo(page, '/project/instances');
  await page.getByRole('heading', { level: 1, name: 'Instances' }).waitFor();
  await goTo(page, '/project/instances/launch');
  await page.getByRole('heading', { level: 1, name: 'Launch instance' }).waitFor();
  await page.getByLabel('Instance name').fill(l.name);
  if (l.group) {
    const select = page.getByLabel('Server group');
    await select.locator(`option[value="${l.group}"]`).waitFor({ state: 'attached' });
    await select.selectOption(l.group);
  }
  await next(page);
  await page.getByLabel('Filter Images').fill(IMAGE);
  await page.getByRole('radio', { name: IMAGE, exact: true }).check();
  await next(page);
  await page.getByLabel('Filter Flavors').fill(FLAVOR);
  await page.getByRole('radio', { name: FLAVOR, exact: true }).check();
  await next(page);
  await page.getByRole('heading', { name: /Step 4 of 7: Networks/ }).waitFor();
  if (l.network) {
    await page.getByRole('checkbox', { name: l.network, exact: true }).check();
    if (l.fixedIp) await page.getByLabel(`Fixed IP on ${l.network}`).fill(l.fixedIp);
  }
  if (l.port) await page.getByRole('checkbox', { name: l.port, exact: true }).check();
  await settle(page, 200);
  const created = expectCreate
    ? page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/compute/v2.1/servers'))
    : undefined;
  await page.getByRole('button', { name: 'Launch instance' }).click();
  if (!created) return undefined;
  const res = await created;
  assert.equal(res.status(), 202, await res.text());
  return ((await res.json()) as { server: { id: string } }).server.id;
}

export function computeActions(ctx: ActionsContext): void {
  const cli = () => ctx.cloud.admin;
  const made: { servers: string[]; port?: string; group?: string; network?: boolean; image?: boolean } = { servers: [] };
  let ready: Promise<void> | undefined;
  /** The network, subnet, image and flavor the launches use (made once, with the CLI). */
  const setup = () => (ready ??= (async () => {
    await Promise.all([
      (async () => {
        await cli().ok(['network', 'create', NET]);
        made.network = true;
        await cli().ok(['subnet', 'create', '--network', NET, '--subnet-range', CIDR, `${P}subnet`]);
      })(),
      (async () => {
        await cli().ok(['image', 'create', '--file', ctx.tinyDisk, '--disk-format', 'qcow2', '--container-format', 'bare', IMAGE]);
        made.image = true;
      })(),
    ]);
  })());
  after(async () => {
    await Promise.all([
      (async () => {
        if (made.servers.length) await cli().run(['server', 'delete', '--wait', ...made.servers]);
        if (made.port) await cli().run(['port', 'delete', made.port]);
        if (made.network) await cli().run(['network', 'delete', NET]);
      })(),
      made.group ? cli().run(['server', 'group', 'delete', made.group]) : undefined,
      made.image ? cli().run(['image', 'delete', IMAGE]) : undefined,
    ]);
  });

  it('compute: creates an anti-affinity server group through the page', async () => {
    const page = ctx.adminPage();
    await goTo(page, '/project/server-groups');
    await page.getByRole('heading', { level: 1, name: 'Server groups' }).waitFor();
    await settle(page);
    await page.locator('.page-header').getByRole('button', { name: 'Create server group' }).click();
    const dialog = dialogOf(page, 'Create server group');
    await dialog.getByLabel('Server group name').fill(GROUP);
    await dialog.getByLabel('Policy').selectOption('anti-affinity');
    await dialog.getByLabel('Max instances per host').fill('2');
    await dialog.getByRole('button', { name: 'Create server group' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await rowOf(page, 'Server groups', GROUP).waitFor();
    const shown = await cli().json<{ id: string; policy: string; rules: unknown }>(['server', 'group', 'show', ...V, GROUP]);
    made.group = shown.id;
    assert.equal(shown.policy, 'anti-affinity');
    assert.match(JSON.stringify(shown.rules), /max_server_per_host.{0,4}2/);
  });

  it('compute: a fixed IP outside the subnet is refused in the wizard and nothing is created', async () => {
    await setup();
    const page = ctx.adminPage();
    const name = `${P}badip`;
    let posted = 0;
    const count = (r: { method(): string; url(): string }) => { if (r.method() === 'POST' && r.url().endsWith('/servers')) posted++; };
    page.on('request', count);
    await launchThroughWizard(page, { name, network: NET, fixedIp: '192.0.2.10' }, false);
    // The wizard goes back to the Networks step and says why, next to the field.
    await page.getByRole('heading', { name: /Step 4 of 7: Networks/ }).waitFor();
    await page.getByText(/192\.0\.2\.10 is outside the subnets of this network \(10\.77\.0\.0\/24\)/).waitFor();
    assert.equal(new URL(page.url()).pathname, '/project/instances/launch');
    await settle(page);
    page.off('request', count);
    assert.equal(posted, 0, 'the wizard sent no create');
    const servers = await cli().json<{ Name: string }[]>(['server', 'list', '--name', `^${name}$`]);
    assert.deepEqual(servers, [], 'no server was created');
  });

  it('compute: launches into the group with a fixed IP through the wizard', async () => {
    await setup();
    assert.ok(made.group, 'the group of the first test exists');
    const page = ctx.adminPage();
    const name = `${P}fixed`;
    const id = (await launchThroughWizard(page, { name, group: made.group, network: NET, fixedIp: FIXED_IP }))!;
    made.servers.push(id);
    await page.waitForURL((u) => u.pathname === '/project/instances');
    // Joining the group is part of the create; the port (with its address) follows it.
    const group = await cli().json<{ members: unknown }>(['server', 'group', 'show', ...V, made.group]);
    let addresses = '';
    await eventually(`server ${name} has ${FIXED_IP}`, async () => {
      addresses = JSON.stringify((await cli().json<{ addresses: unknown }>(['server', 'show', id])).addresses);
      return addresses.includes(FIXED_IP);
    }, 30_000, 500);
    assert.match(JSON.stringify(group.members), new RegExp(id));
  });

  it('compute: launches on an existing port through the wizard', async () => {
    await setup();
    const port = await cli().json<{ id: string }>(['port', 'create', '--network', NET, PORT]);
    made.port = port.id;
    const page = ctx.adminPage();
    const name = `${P}port`;
    const id = (await launchThroughWizard(page, { name, port: PORT }))!;
    made.servers.push(id);
    await page.waitForURL((u) => u.pathname === '/project/instances');
    await eventually('the port is the server\'s', async () =>
      (await cli().json<{ device_id: string }>(['port', 'show', port.id])).device_id === id, 30_000, 500);
  });

  it('compute: deletes the server group through the page once its instances are gone', async () => {
    assert.ok(made.group, 'the group of the first test exists');
    if (made.servers.length) await cli().ok(['server', 'delete', '--wait', ...made.servers.splice(0)]);
    const page = ctx.adminPage();
    await goTo(page, '/project/server-groups');
    await page.getByRole('heading', { level: 1, name: 'Server groups' }).waitFor();
    await rowOf(page, 'Server groups', GROUP).waitFor();
    await rowAction(page, 'Server groups', GROUP, 'Delete server group');
    const dialog = dialogOf(page, 'Delete server group');
    await dialog.getByRole('button', { name: 'Delete server group' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await rowOf(page, 'Server groups', GROUP).waitFor({ state: 'detached' });
    const groups = await cli().json<{ ID: string }[]>(['server', 'group', 'list']);
    assert.ok(!groups.some((g) => g.ID === made.group), 'the group is gone');
    made.group = undefined;
  });
}
