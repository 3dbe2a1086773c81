// The admin pages' actions, done through the admin's pages as a user would and checked with the
// `openstack` CLI: projects, users and passwords, role grants, groups, flavors and extra specs, host
// aggregates, compute services, quotas, key pairs, and resize/snapshot of an instance from its row.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { dialogOf, eventually, goTo, rowAction, rowOf, settle } from '../../harness/browser.js';
import type { ActionsContext } from './context.js';

const P = 'nbui-admin-';
const PROJECT = `${P}project`;
const USER = `${P}user`;
const GROUP = `${P}group`;
const FLAVOR = `${P}flavor`;
const AGGREGATE = `${P}aggregate`;
const ZONE = `${P}zone`;
const KEY = `${P}key`;
const IMPORTED = `${P}imported`;
const IMAGE = `${P}image`;
const NET = `${P}net`;
const SERVER = `${P}server`;
const SNAPSHOT = `${P}snapshot`;

/** An OpenSSH ed25519 public key line, as `ssh-keygen` would write it. */
function sshPublicKey(comment: string): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  const str = (b: Buffer) => { const n = Buffer.alloc(4); n.writeUInt32BE(b.length); return Buffer.concat([n, b]); };
  const blob = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(der.subarray(der.length - 32))]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

/** The control labelled `label` inside `scope` (a required field's label ends in an aria-hidden " *"). */
function field(scope: Locator | Page, label: string): Locator {
  return scope.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`));
}

/** Opens an admin page by in-app navigation and waits for its heading and data. */
async function open(page: Page, path: string, heading: string): Promise<void> {
  await goTo(page, path);
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
  await settle(page);
}

/** Narrows a table to `text` with its filter box (tables page by 20 rows). */
async function filter(page: Page, table: string, text: string): Promise<void> {
  await page.getByLabel(`Filter ${table}`, { exact: true }).fill(text);
  await rowOf(page, table, text).first().waitFor();
}

/** Picks a row action once the row's menu offers it enabled (the page polls the state that allows it). */
async function rowActionWhenEnabled(page: Page, table: string, text: string, action: string): Promise<void> {
  await eventually(`${action} offered for ${text}`, async () => {
    await rowOf(page, table, text).getByRole('button', { name: /^Actions/ }).click();
    const item = page.getByRole('menuitem', { name: action, exact: true });
    if (await item.isEnabled()) { await item.click(); return true; }
    await page.keyboard.press('Escape');
    return false;
  }, 20_000, 500);
}

export function adminActions(ctx: ActionsContext): void {
  const cli = () => ctx.cloud.admin;
  const pw1 = 'nbui-admin-pw-1';
  const pw2 = 'nbui-admin-pw-2';
  let projectId = '';
  const made = { project: false, user: false, group: false, flavor: false, keys: false, server: false };

  // The instance the resize and snapshot act on, made with the CLI while the identity steps run.
  let serverReady: Promise<void> | undefined;
  const startServer = () => (serverReady ??= (async () => {
    const c = cli();
    made.server = true;
    await Promise.all([
      c.ok(['image', 'create', '--disk-format', 'qcow2', '--container-format', 'bare', '--file', ctx.tinyDisk, IMAGE]),
      c.ok(['network', 'create', NET]).then(() => c.ok(['subnet', 'create', '--network', NET, '--subnet-range', '10.251.7.0/24', NET])),
    ]);
    await c.ok(['server', 'create', '--flavor', 'm1.nano', '--image', IMAGE, '--network', NET, '--wait', SERVER]);
  })());

  const clean = () => {
    assert.deepEqual(ctx.errors.list(), [], 'no page or console errors');
  };

  it('admin: creates a project, then edits its description', async () => {
    void startServer().catch(() => undefined);
    ctx.errors.clear();
    const page = ctx.adminPage();
    await open(page, '/admin/projects', 'Projects');
    await page.getByRole('button', { name: 'Create project', exact: true }).first().click();
    const create = dialogOf(page, 'Create project');
    await field(create, 'Name').fill(PROJECT);
    await create.getByRole('button', { name: 'Create project', exact: true }).click();
    await create.waitFor({ state: 'hidden' });
    made.project = true;
    await filter(page, 'Projects', PROJECT);
    await rowAction(page, 'Projects', PROJECT, 'Edit project');
    const edit = dialogOf(page, 'Edit project');
    await field(edit, 'Description').fill('made by the admin test');
    await edit.getByRole('button', { name: 'Save', exact: true }).click();
    await edit.waitFor({ state: 'hidden' });
    const shown = await cli().json<{ id: string; description: string; enabled: boolean }>(['project', 'show', PROJECT]);
    projectId = shown.id;
    assert.equal(shown.description, 'made by the admin test');
    assert.equal(shown.enabled, true);
    clean();
  });

  it('admin: creates a user in that project, then changes their password', async () => {
    ctx.errors.clear();
    const page = ctx.adminPage();
    await open(page, '/admin/users', 'Users');
    await page.getByRole('button', { name: 'Create user', exact: true }).first().click();
    const create = dialogOf(page, 'Create user');
    await field(create, 'User name').fill(USER);
    await field(create, 'Password').fill(pw1);
    await field(create, 'Confirm password').fill(pw1);
    await field(create, 'Default project').selectOption({ label: PROJECT });
    await create.getByRole('button', { name: 'Create user', exact: true }).click();
    await create.waitFor({ state: 'hidden' });
    made.user = true;
    await filter(page, 'Users', USER);
    await rowAction(page, 'Users', USER, 'Change password');
    const change = dialogOf(page, `Change password of ${USER}`);
    // A mismatch is caught in the dialog, before any request.
    await field(change, 'New password').fill(pw2);
    await field(change, 'Confirm password').fill('not the same');
    await change.getByRole('button', { name: 'Change password', exact: true }).click();
    await change.getByText('The passwords do not match.').waitFor();
    await field(change, 'Confirm password').fill(pw2);
    await change.getByRole('button', { name: 'Change password', exact: true }).click();
    await change.waitFor({ state: 'hidden' });
    // The new password logs in (with the member role the create dialog granted); the old one no longer does.
    const [user] = await Promise.all([
      cli().json<{ default_project_id: string }>(['user', 'show', USER]),
      ctx.cloud.cliAs(USER, pw2, PROJECT).ok(['token', 'issue']),
      ctx.cloud.cliAs(USER, pw1, PROJECT).fails(['token', 'issue']),
    ]);
    assert.equal(user.default_project_id, projectId);
    clean();
  });

  it('admin: grants a role to the user on the project, then revokes it', async () => {
    ctx.errors.clear();
    const page = ctx.adminPage();
    const roles = () => cli().json<{ Role: string }[]>(['role', 'assignment', 'list', '--user', USER, '--project', PROJECT, '--names'])
      .then((l) => l.map((a) => a.Role));
    await open(page, '/admin/roles', 'Roles and assignments');
    await page.getByRole('button', { name: 'Grant role', exact: true }).first().click();
    const grant = dialogOf(page, 'Grant role');
    await field(grant, 'Role').selectOption({ label: 'reader' });
    await field(grant, 'User').selectOption({ label: USER });
    await field(grant, 'Project').selectOption({ label: PROJECT });
    await grant.getByRole('button', { name: 'Grant role', exact: true }).click();
    await grant.waitFor({ state: 'hidden' });
    assert.ok((await roles()).includes('reader'), 'reader granted');
    await page.getByLabel('Filter by user', { exact: true }).selectOption({ label: USER });
    await page.getByRole('button', { name: new RegExp(`^Revoke reader from ${USER}`) }).click();
    await dialogOf(page, 'Revoke role').getByRole('button', { name: 'Revoke', exact: true }).click();
    await dialogOf(page, 'Revoke role').waitFor({ state: 'hidden' });
    const left = await roles();
    assert.ok(!left.includes('reader'), 'reader revoked');
    assert.ok(left.includes('member'), 'the member role stays');
    clean();
  });

  it('admin: creates a group and adds the user to it', async () => {
    ctx.errors.clear();
    const page = ctx.adminPage();
    await open(page, '/admin/groups', 'Groups');
    await page.getByRole('button', { name: 'Create group', exact: true }).first().click();
    const create = dialogOf(page, 'Create group');
    await field(create, 'Name').fill(GROUP);
    await create.getByRole('button', { name: 'Create group', exact: true }).click();
    await create.waitFor({ state: 'hidden' });
    made.group = true;
    await filter(page, 'Groups', GROUP);
    await rowAction(page, 'Groups', GROUP, 'Manage members');
    const members = dialogOf(page, `Members of ${GROUP}`);
    await field(members, 'User').selectOption({ label: USER });
    await members.getByRole('button', { name: 'Add member', exact: true }).click();
    await members.getByRole('list', { name: 'Current members' }).getByText(USER, { exact: true }).waitFor();
    await members.getByRole('button', { name: 'Close', exact: true }).click();
    const users = await cli().json<{ Name: string }[]>(['user', 'list', '--group', GROUP]);
    assert.deepEqual(users.map((u) => u.Name), [USER]);
    clean();
  });

  it('admin: creates a flavor with an extra spec', async () => {
    ctx.errors.clear();
    const page = ctx.adminPage();
    await open(page, '/admin/flavors', 'Flavors');
    await page.getByRole('button', { name: 'Create flavor', exact: true }).first().click();
    const create = dialogOf(page, 'Create flavor');
    await field(create, 'Name').fill(FLAVOR);
    await field(create, 'vCPUs').fill('2');
    await field(create, 'RAM (MiB)').fill('256');
    await create.getByRole('button', { name: 'Create', exact: true }).click();
    await create.waitFor({ state: 'hidden' });
    made.flavor = true;
    await filter(page, 'Flavors', FLAVOR);
    await rowAction(page, 'Flavors', FLAVOR, 'Edit extra specs');
    const specs = dialogOf(page, `Extra specs of ${FLAVOR}`);
    await field(specs, 'Key').fill('hw:cpu_policy');
    await field(specs, 'Value').fill('dedicated');
    await specs.getByRole('button', { name: 'Save extra spec', exact: true }).click();
    await specs.getByRole('list', { name: 'Extra specs' }).getByText('hw:cpu_policy').waitFor();
    await specs.getByRole('button', { name: 'Close', exact: true }).click();
    const shown = await cli().json<{ vcpus: number; ram: number; properties: unknown }>(['flavor', 'show', FLAVOR]);
    assert.equal(shown.vcpus, 2);
    assert.equal(shown.ram, 256);
    // The CLI prints properties as a dict or as "k='v'" text depending on its version.
    assert.match(JSON.stringify(shown.properties), /hw:cpu_policy.*dedicated/);
    clean();
  });

  it('admin: creates a host aggregate with a zone and adds the compute host', async () => {
    ctx.errors.clear();
    const page = ctx.adminPage();
    let host = '';
    let done = false;
    try {
      await open(page, '/admin/aggregates', 'Host aggregates and availability zones');
      await page.getByRole('button', { name: 'Create host aggregate', exact: true }).first().click();
      const create = dialogOf(page, 'Create host aggregate');
      await field(create, 'Name').fill(AGGREGATE);
      await field(create, 'Availability zone').fill(ZONE);
      await create.getByRole('button', { name: 'Create', exact: true }).click();
      await create.waitFor({ state: 'hidden' });
      await rowAction(page, 'Host aggregates', AGGREGATE, 'Manage hosts');
      const hosts = dialogOf(page, `Manage hosts of ${AGGREGATE}`);
      // The fake driver's cloud has one compute host: the first choice after the placeholder.
      const pick = field(hosts, 'Host to add');
      await pick.locator('option').nth(1).waitFor({ state: 'attached' });
      [host] = await pick.selectOption({ index: 1 });
      assert.ok(host, 'a compute host to add');
      await hosts.getByRole('button', { name: 'Add host', exact: true }).click();
      await hosts.getByRole('button', { name: `Remove host ${host}`, exact: true }).waitFor();
      const shown = await cli().json<{ availability_zone: string; hosts: string[] }>(['aggregate', 'show', AGGREGATE]);
      assert.equal(shown.availability_zone, ZONE);
      assert.deepEqual(shown.hosts, [host]);
      // The host goes back to the default zone at once (by the same dialog): later steps and areas launch instances.
      await hosts.getByRole('button', { name: `Remove host ${host}`, exact: true }).click();
      await dialogOf(page, 'Remove host').getByRole('button', { name: 'Remove', exact: true }).click();
      await hosts.getByText('No hosts yet. Add one below.').waitFor();
      await hosts.getByRole('button', { name: 'Close', exact: true }).click();
      await rowOf(page, 'Host aggregates', AGGREGATE).getByRole('cell', { name: ZONE, exact: true }).waitFor();
      done = true;
    } finally {
      if (!done && host) await cli().run(['aggregate', 'remove', 'host', AGGREGATE, host]);
      await cli().run(['aggregate', 'delete', AGGREGATE]);
    }
    clean();
  });

  it('admin: changes the compute instances quota of a project', async () => {
    ctx.errors.clear();
    const page = ctx.adminPage();
    await open(page, '/admin/quotas', 'Quotas');
    await field(page.getByRole('main'), 'Project').selectOption({ label: PROJECT });
    await settle(page);
    const compute = page.getByRole('region', { name: 'Compute', exact: true });
    await field(compute, 'Instances').fill('7');
    await compute.getByRole('button', { name: 'Save Compute', exact: true }).click();
    await page.getByText('Compute saved').first().waitFor();
    const quota = await cli().json<Record<string, unknown> | { Resource: string; Limit: number }[]>(['quota', 'show', PROJECT]);
    // Newer CLIs print {instances: 7, …}, older ones a list of {Resource, Limit}.
    const instances = Array.isArray(quota) ? quota.find((q) => q.Resource === 'instances')?.Limit : quota.instances;
    assert.equal(instances, 7);
    clean();
  });

  it('admin: resizes an instance (confirmed in the page) and snapshots it from its row', async () => {
    ctx.errors.clear();
    await startServer();
    const page = ctx.adminPage();
    await open(page, '/project/instances', 'Instances');
    await rowAction(page, 'Instances', SERVER, 'Resize');
    const resize = dialogOf(page, `Resize instance ${SERVER}`);
    const newFlavor = field(resize, 'New flavor');
    // Options read "m1.tiny (1 vCPU, 512 MiB, 1 GB)": pick by the name the label starts with.
    const tiny = await newFlavor.locator('option', { hasText: /^m1\.tiny / }).getAttribute('value');
    await newFlavor.selectOption(tiny!);
    await resize.getByRole('button', { name: 'Resize', exact: true }).click();
    await resize.waitFor({ state: 'hidden' });
    await rowActionWhenEnabled(page, 'Instances', SERVER, 'Confirm resize');
    await eventually('the resize is confirmed', async () => {
      const s = await cli().json<{ status: string; flavor: unknown }>(['server', 'show', SERVER]);
      return s.status === 'ACTIVE' && JSON.stringify(s.flavor).includes('m1.tiny');
    }, 20_000, 500);

    await rowActionWhenEnabled(page, 'Instances', SERVER, 'Create snapshot');
    const snap = dialogOf(page, `Create snapshot of ${SERVER}`);
    await field(snap, 'Snapshot name').fill(SNAPSHOT);
    await snap.getByRole('button', { name: 'Create snapshot', exact: true }).click();
    await snap.waitFor({ state: 'hidden' });
    const image = await cli().json<{ name: string; properties?: unknown }>(['image', 'show', SNAPSHOT]);
    assert.equal(image.name, SNAPSHOT);
    clean();
  });

  it('admin: disables the compute service with a reason, then enables it', async () => {
    ctx.errors.clear();
    const page = ctx.adminPage();
    let host = '';
    let enabled = false;
    type Svc = { Binary: string; Host: string; Status: string; 'Disabled Reason': string | null };
    const service = () => cli().json<Svc[]>(['compute', 'service', 'list', '--long', '--service', 'nova-compute'])
      .then((l) => l.find((s) => s.Host === host)!);
    try {
      await open(page, '/admin/services', 'Compute services');
      const button = page.getByRole('button', { name: /^Disable service nova-compute on / }).first();
      host = (await button.getAttribute('aria-label'))!.replace('Disable service nova-compute on ', '');
      await button.click();
      const disable = dialogOf(page, 'Disable service');
      await field(disable, 'Reason').fill('nbui-admin maintenance');
      await disable.getByRole('button', { name: 'Disable service', exact: true }).click();
      await disable.waitFor({ state: 'hidden' });
      const off = await service();
      assert.equal(off.Status, 'disabled');
      assert.equal(off['Disabled Reason'], 'nbui-admin maintenance');
      await page.getByRole('button', { name: `Enable service nova-compute on ${host}`, exact: true }).click();
      await page.getByRole('button', { name: `Disable service nova-compute on ${host}`, exact: true }).waitFor();
      assert.equal((await service()).Status, 'enabled');
      enabled = true;
    } finally {
      // Never leave the only host disabled for what runs next.
      if (!enabled && host) await cli().run(['compute', 'service', 'set', '--enable', host, 'nova-compute']);
    }
    clean();
  });

  it('admin: creates a key pair and imports a public key', async () => {
    ctx.errors.clear();
    const page = ctx.adminPage();
    await open(page, '/project/key-pairs', 'Key pairs');
    await page.getByRole('button', { name: 'Create key pair', exact: true }).first().click();
    const create = dialogOf(page, 'Create key pair');
    await field(create, 'Key pair name').fill(KEY);
    await create.getByRole('button', { name: 'Create key pair', exact: true }).click();
    made.keys = true;
    const created = dialogOf(page, `Key pair ${KEY} created`);
    await created.getByRole('button', { name: 'Done', exact: true }).click();
    await created.waitFor({ state: 'hidden' });

    const publicKey = sshPublicKey('nbui@test');
    await page.getByRole('button', { name: 'Import public key', exact: true }).first().click();
    const imp = dialogOf(page, 'Import public key');
    await field(imp, 'Key pair name').fill(IMPORTED);
    await field(imp, 'Public key').fill(publicKey);
    await imp.getByRole('button', { name: 'Import public key', exact: true }).click();
    await imp.waitFor({ state: 'hidden' });
    await rowOf(page, 'Key pairs', IMPORTED).waitFor();
    const [made1, made2] = await Promise.all([
      cli().json<{ name: string; fingerprint: string }>(['keypair', 'show', KEY]),
      cli().run(['keypair', 'show', '--public-key', IMPORTED]),
    ]);
    assert.equal(made1.name, KEY);
    assert.equal(made2.stdout.trim(), publicKey);
    clean();
  });

  it('admin: deletes what the admin steps created', async () => {
    const c = cli();
    const quiet = (args: string[]) => c.run(args);
    // The network goes once the server's port has gone with it (quicker than `server delete --wait`).
    const network = () => eventually(`network ${NET} deleted`, async () => (await quiet(['network', 'delete', NET])).code === 0, 30_000, 200);
    await Promise.all([
      made.server ? quiet(['server', 'delete', SERVER]).then(() => Promise.all([
        quiet(['image', 'delete', SNAPSHOT, IMAGE]), network(),
      ])) : undefined,
      made.keys ? quiet(['keypair', 'delete', KEY, IMPORTED]) : undefined,
      made.flavor ? quiet(['flavor', 'delete', FLAVOR]) : undefined,
      made.group ? quiet(['group', 'delete', GROUP]) : undefined,
      made.user ? quiet(['user', 'delete', USER]) : undefined,
      made.project ? c.ok(['project', 'delete', PROJECT]) : undefined,
    ]);
  });
}
