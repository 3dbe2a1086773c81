// The Volumes pages' newer actions, done through the pages as a user would and checked with the
// `openstack` CLI: the admin creates a volume type and gives it an extra spec (Admin → Volume types);
// creates a 1 GiB volume of the default type, changes its type, uploads it to an image; offers it to
// project nbui-other with a transfer whose ID and key are read from the page; the member of
// nbui-other accepts it on its own Volumes page. Everything made is deleted at the end.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import { dialogOf, eventually, goTo, rowAction, rowOf, settle } from '../../harness/browser.js';
import type { ActionsContext } from './context.js';

const P = 'nbui-volumes-';
const TYPE = `${P}gold`;
const VOLUME = `${P}data`;
const IMAGE = `${P}image`;
const TRANSFER = `${P}handover`;

interface VolumeShow { id: string; status: string; type: string }

async function openVolumes(page: Page, tab = 'Volumes'): Promise<void> {
  await goTo(page, '/project/volumes');
  await page.getByRole('heading', { level: 1, name: 'Volumes', exact: true }).waitFor();
  await page.getByRole('tab', { name: tab, exact: true }).click();
  await settle(page);
}

/** Waits until the volume's row shows `status` (the page polls while it changes). */
const rowStatus = (page: Page, status: string) =>
  rowOf(page, 'Volumes', VOLUME).locator(`[data-status="${status}"]`).waitFor({ timeout: 30_000 });

export function volumesActions(ctx: ActionsContext): void {
  const cli = () => ctx.cloud.admin;
  let typeId = '';
  let volumeId = '';
  let transferred = false;
  const clean = () => assert.deepEqual(ctx.errors.list(), [], 'no page or console errors');

  it('volumes: the admin creates a volume type and sets an extra spec on the Volume types page', async () => {
    ctx.errors.clear();
    const page = ctx.adminPage();
    await goTo(page, '/admin/volume-types');
    await page.getByRole('heading', { level: 1, name: 'Volume types', exact: true }).waitFor();
    await settle(page);
    // The default type is listed and marked.
    await rowOf(page, 'Volume types', '__DEFAULT__').getByText('Default', { exact: true }).waitFor();

    await page.locator('.page-header').getByRole('button', { name: 'Create volume type', exact: true }).click();
    const create = dialogOf(page, 'Create volume type');
    await create.getByLabel(/^Volume type name/).fill(TYPE);
    await create.getByLabel('Description', { exact: true }).fill('Test tier');
    await create.getByRole('button', { name: 'Create volume type', exact: true }).click();
    await create.waitFor({ state: 'hidden' });
    await rowOf(page, 'Volume types', TYPE).waitFor();

    await rowAction(page, 'Volume types', TYPE, 'Edit extra specs');
    const specs = dialogOf(page, `Extra specs of ${TYPE}`);
    // A line without "=" is refused in place, before any call.
    await specs.getByLabel('Extra specs', { exact: true }).fill('nbui:tier');
    await specs.getByRole('button', { name: 'Save extra specs', exact: true }).click();
    await specs.getByText('Line 1: write key=value.').waitFor();
    await specs.getByLabel('Extra specs', { exact: true }).fill('nbui:tier=gold');
    await specs.getByRole('button', { name: 'Save extra specs', exact: true }).click();
    await specs.waitFor({ state: 'hidden' });
    await rowOf(page, 'Volume types', TYPE).getByText('nbui:tier=gold').waitFor();

    const type = await cli().json<{ id: string; name: string; properties: unknown; is_public: boolean }>(['volume', 'type', 'show', TYPE]);
    typeId = type.id;
    // `properties`: an object in newer clients, "k='v'" text in older ones.
    assert.match(JSON.stringify(type.properties), /nbui:tier.{0,6}gold/);
    assert.equal(type.is_public, true);
    clean();
  });

  it('volumes: creates a 1 GiB volume of the default type, changes its type and uploads it to an image', async () => {
    assert.ok(typeId, 'the volume type was created');
    ctx.errors.clear();
    const page = ctx.adminPage();
    await openVolumes(page);
    await page.locator('.page-header').getByRole('button', { name: 'Create volume', exact: true }).click();
    const create = dialogOf(page, 'Create volume');
    await create.getByLabel('Volume name', { exact: true }).fill(VOLUME);
    assert.equal(await create.getByLabel(/^Size \(GiB\)/).inputValue(), '1');
    assert.equal(await create.getByLabel('Volume type', { exact: true }).inputValue(), '', 'the default type is preselected');
    await create.getByRole('button', { name: 'Create volume', exact: true }).click();
    await create.waitFor({ state: 'hidden' });
    await rowStatus(page, 'available');
    await rowOf(page, 'Volumes', VOLUME).getByText('__DEFAULT__', { exact: true }).waitFor();

    await rowAction(page, 'Volumes', VOLUME, 'Change volume type');
    const retype = dialogOf(page, `Change type of volume ${VOLUME}`);
    await retype.getByLabel(/^New volume type/).selectOption(typeId);
    await retype.getByLabel('Migration policy', { exact: true }).selectOption('on-demand');
    await retype.getByRole('button', { name: 'Change volume type', exact: true }).click();
    await retype.waitFor({ state: 'hidden' });
    // (The openstack CLI takes seconds a call: the checks are few and the waiting is on the page.)
    const v = await cli().json<VolumeShow & { size: number }>(['volume', 'show', VOLUME]);
    volumeId = v.id;
    assert.equal(v.type, TYPE);
    assert.equal(v.size, 1);
    await rowOf(page, 'Volumes', VOLUME).getByText(TYPE, { exact: true }).waitFor();

    await rowAction(page, 'Volumes', VOLUME, 'Upload to image');
    const upload = dialogOf(page, `Upload volume ${VOLUME} to an image`);
    await upload.getByLabel(/^Image name/).fill(IMAGE);
    assert.equal(await upload.getByLabel('Disk format', { exact: true }).inputValue(), 'qcow2');
    await upload.getByRole('button', { name: 'Upload to image', exact: true }).click();
    const started = dialogOf(page, 'Upload to image started');
    await started.getByText(IMAGE, { exact: true }).waitFor();
    await started.getByRole('link', { name: 'Go to Images' }).waitFor();
    await started.getByRole('button', { name: 'Done', exact: true }).click();
    await started.waitFor({ state: 'hidden' });
    let image = { status: '', disk_format: '', min_disk: 0 };
    await eventually('the image is active', async () => {
      image = await cli().json<typeof image>(['image', 'show', IMAGE]);
      return image.status === 'active';
    }, 30_000, 100);
    // The volume goes back to available once the copy is done (the page polls while it is uploading).
    await rowStatus(page, 'available');
    assert.equal(image.disk_format, 'qcow2');
    assert.equal(image.min_disk, 1);
    clean();
  });

  it('volumes: offers the volume with a transfer and the member of nbui-other accepts it', async () => {
    assert.ok(volumeId, 'the volume was created');
    ctx.errors.clear();
    const page = ctx.adminPage();
    await openVolumes(page);
    await rowAction(page, 'Volumes', VOLUME, 'Create transfer');
    const create = dialogOf(page, `Create transfer of ${VOLUME}`);
    await create.getByLabel('Transfer name', { exact: true }).fill(TRANSFER);
    await create.getByRole('button', { name: 'Create transfer', exact: true }).click();
    const made = dialogOf(page, `Transfer of ${VOLUME} created`);
    await made.getByText('Write down the authorization key now.').waitFor();
    const id = await made.getByLabel('Transfer ID', { exact: true }).inputValue();
    const key = await made.getByLabel('Authorization key', { exact: true }).inputValue();
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.match(key, /^[0-9a-f]{16}$/);
    await made.getByRole('button', { name: 'Done', exact: true }).click();
    await made.waitFor({ state: 'hidden' });
    await rowStatus(page, 'awaiting-transfer');
    await page.getByRole('tab', { name: 'Volume transfers', exact: true }).click();
    await rowOf(page, 'Volume transfers', TRANSFER).waitFor();

    const member = await ctx.memberPage();
    await openVolumes(member);
    await member.locator('.page-header').getByRole('button', { name: 'Accept transfer', exact: true }).click();
    const accept = dialogOf(member, 'Accept transfer');
    await accept.getByLabel(/^Transfer ID/).fill(id);
    await accept.getByLabel(/^Authorization key/).fill(key);
    await accept.getByRole('button', { name: 'Accept transfer', exact: true }).click();
    await accept.waitFor({ state: 'hidden' });
    transferred = true;
    await rowOf(member, 'Volumes', VOLUME).locator('[data-status="available"]').waitFor();

    // The member's CLI sees only its project's volumes: it shows this one, available.
    const mine = await ctx.member.json<VolumeShow>(['volume', 'show', volumeId]);
    assert.equal(mine.status, 'available');
    assert.equal(mine.type, TYPE);
    clean();
  });

  it('volumes: cleans up the volume, the image and the volume type', async () => {
    // The image apart; the type once no volume uses it. Whoever holds the volume deletes it.
    const image = cli().run(['image', 'delete', IMAGE]);
    if (volumeId) {
      // A transfer left pending by a failed step keeps the volume from being deleted.
      if (!transferred) await cli().run(['volume', 'transfer', 'request', 'delete', TRANSFER]);
      if (transferred) {
        // The member deletes it on its page (the CLI takes seconds a call).
        const member = await ctx.memberPage();
        await rowAction(member, 'Volumes', VOLUME, 'Delete volume');
        const confirm = dialogOf(member, 'Delete volume');
        await confirm.getByRole('button', { name: 'Delete volume', exact: true }).click();
        await confirm.waitFor({ state: 'hidden' });
        await rowOf(member, 'Volumes', VOLUME).waitFor({ state: 'detached', timeout: 30_000 });
      } else {
        await cli().ok(['volume', 'delete', volumeId]);
      }
    }
    // Refused ("still in use") until the volume's deletion has finished.
    if (typeId) await eventually('the volume type is deleted', async () => (await cli().run(['volume', 'type', 'delete', typeId])).code === 0, 30_000, 100);
    await image;
  });
}
