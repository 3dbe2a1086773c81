// The Images page's actions, done through the pages as a user would and checked with the `openstack`
// CLI: the admin uploads a private image, shares it with project nbui-other (Manage members); the
// member answers under "Shared with me" (accept, then reject); the admin tags the image in its Edit
// dialog (two added, one removed) and deletes it.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import { dialogOf, goTo, rowAction, rowOf, settle } from '../../harness/browser.js';
import type { ActionsContext } from './context.js';

const P = 'nbui-images-';
const IMAGE = `${P}shared`;
const TAG_A = `${P}red`;
const TAG_B = `${P}blue`;

/** Opens the Images page (in-app navigation) on one of its tabs. */
async function openImages(page: Page, tab: 'Available' | 'Shared with me'): Promise<void> {
  await goTo(page, '/project/images');
  await page.getByRole('heading', { level: 1, name: 'Images', exact: true }).waitFor();
  await page.getByRole('tab', { name: tab, exact: true }).click();
  await settle(page);
}

/** The Images table narrowed to the test image (the admin sees every project's images, 20 a page). */
async function findImage(page: Page): Promise<void> {
  await page.getByLabel('Filter Images', { exact: true }).fill(IMAGE);
  await rowOf(page, 'Images', IMAGE).waitFor();
}

/** `image show`'s tags: a list in newer clients, "a, b" text in older ones. */
const tagsOf = (v: unknown): string[] =>
  (Array.isArray(v) ? v.map(String) : String(v ?? '').split(',').map((s) => s.trim()).filter(Boolean)).sort();

export function imagesActions(ctx: ActionsContext): void {
  const cli = () => ctx.cloud.admin;
  let imageId = '';
  const memberStatus = async () => {
    const list = await cli().json<{ 'Member ID': string; Status: string }[]>(['image', 'member', 'list', imageId]);
    return list.find((m) => m['Member ID'] === ctx.otherProject.id)?.Status;
  };
  const clean = () => assert.deepEqual(ctx.errors.list(), [], 'no page or console errors');

  it('images: uploads a private image through the Create image dialog', async () => {
    ctx.errors.clear();
    const page = ctx.adminPage();
    await openImages(page, 'Available');
    await page.locator('.page-header').getByRole('button', { name: 'Create image', exact: true }).click();
    const d = dialogOf(page, 'Create image');
    await d.getByLabel('Image file', { exact: true }).setInputFiles(ctx.tinyDisk);
    await d.getByLabel(/^Image name/).fill(IMAGE);
    assert.equal(await d.getByLabel('Visibility', { exact: true }).inputValue(), 'private');
    await d.getByRole('button', { name: 'Create image', exact: true }).click();
    await d.getByText('Upload complete').waitFor({ timeout: 30_000 });
    await d.getByRole('button', { name: 'Close', exact: true }).click();
    await d.waitFor({ state: 'hidden' });
    await findImage(page);
    await rowOf(page, 'Images', IMAGE).getByText('active', { exact: true }).waitFor();
    const img = await cli().json<{ id: string; status: string; visibility: string }>(['image', 'show', IMAGE]);
    assert.equal(img.status, 'active');
    assert.equal(img.visibility, 'private');
    imageId = img.id;
    clean();
  });

  it('images: shares the image with project nbui-other (Manage members)', async () => {
    assert.ok(imageId, 'the image was uploaded');
    ctx.errors.clear();
    const page = ctx.adminPage();
    await findImage(page);
    await rowAction(page, 'Images', IMAGE, 'Manage members');
    const d = dialogOf(page, 'Manage members');
    // Private: the dialog says that adding a project makes it shared.
    await d.getByText(/Only shared images have members/).waitFor();
    await d.getByLabel('Project', { exact: true }).selectOption({ label: ctx.otherProject.name });
    await d.getByRole('button', { name: 'Add member', exact: true }).click();
    await rowOf(page, 'Members', ctx.otherProject.name).getByText('pending', { exact: true }).waitFor();
    await d.getByRole('button', { name: 'Close', exact: true }).click();
    await d.waitFor({ state: 'hidden' });
    // Glance lists members of shared images only: the list itself shows the visibility changed.
    assert.equal(await memberStatus(), 'pending');
    clean();
  });

  it('images: the member sees it pending under Shared with me and accepts it', async () => {
    assert.ok(imageId, 'the image was uploaded');
    ctx.errors.clear();
    const page = await ctx.memberPage();
    await openImages(page, 'Shared with me');
    await rowOf(page, 'Shared with me', IMAGE).getByText('pending', { exact: true }).waitFor();
    await rowAction(page, 'Shared with me', IMAGE, 'Accept');
    await rowOf(page, 'Shared with me', IMAGE).getByText('accepted', { exact: true }).waitFor();
    const [seen, status] = await Promise.all([ctx.member.json<{ id: string }>(['image', 'show', imageId]), memberStatus()]);
    assert.equal(seen.id, imageId);
    assert.equal(status, 'accepted');
    // Accepted, it is among the images the project can use.
    await page.getByRole('tab', { name: 'Available', exact: true }).click();
    await rowOf(page, 'Images', IMAGE).waitFor();
    clean();
  });

  it('images: the member rejects it again', async () => {
    assert.ok(imageId, 'the image was uploaded');
    ctx.errors.clear();
    const page = await ctx.memberPage();
    await openImages(page, 'Shared with me');
    await rowAction(page, 'Shared with me', IMAGE, 'Reject');
    await rowOf(page, 'Shared with me', IMAGE).getByText('rejected', { exact: true }).waitFor();
    assert.equal(await memberStatus(), 'rejected');
    clean();
  });

  it('images: the admin adds two tags and removes one in the Edit image dialog', async () => {
    assert.ok(imageId, 'the image was uploaded');
    ctx.errors.clear();
    const page = ctx.adminPage();
    await openImages(page, 'Available');
    await findImage(page);
    await rowAction(page, 'Images', IMAGE, 'Edit image');
    let d = dialogOf(page, 'Edit image');
    await d.getByLabel('New tag', { exact: true }).fill(TAG_A);
    await d.getByRole('button', { name: 'Add tag', exact: true }).click();
    // Enter in the tag field adds the tag; it does not save the dialog.
    await d.getByLabel('New tag', { exact: true }).fill(TAG_B);
    await d.getByLabel('New tag', { exact: true }).press('Enter');
    await d.getByRole('button', { name: `Remove tag ${TAG_B}`, exact: true }).waitFor();
    await d.getByRole('button', { name: 'Save', exact: true }).click();
    await d.waitFor({ state: 'hidden' });
    let img = await cli().json<{ tags: unknown }>(['image', 'show', imageId]);
    assert.deepEqual(tagsOf(img.tags), [TAG_A, TAG_B].sort());
    await rowOf(page, 'Images', IMAGE).getByText(TAG_B, { exact: true }).waitFor();

    await rowAction(page, 'Images', IMAGE, 'Edit image');
    d = dialogOf(page, 'Edit image');
    await d.getByRole('button', { name: `Remove tag ${TAG_A}`, exact: true }).click();
    await d.getByRole('button', { name: 'Save', exact: true }).click();
    await d.waitFor({ state: 'hidden' });
    img = await cli().json<{ tags: unknown }>(['image', 'show', imageId]);
    assert.deepEqual(tagsOf(img.tags), [TAG_B]);
    await rowOf(page, 'Images', IMAGE).getByText(TAG_A, { exact: true }).waitFor({ state: 'detached' });
    clean();
  });

  it('images: the admin deletes the image', async () => {
    ctx.errors.clear();
    const page = ctx.adminPage();
    let gone = false;
    try {
      assert.ok(imageId, 'the image was uploaded');
      await openImages(page, 'Available');
      await findImage(page);
      await rowAction(page, 'Images', IMAGE, 'Delete image');
      const d = dialogOf(page, 'Delete image');
      await d.getByRole('button', { name: 'Delete image', exact: true }).click();
      await d.waitFor({ state: 'hidden' });
      await rowOf(page, 'Images', IMAGE).waitFor({ state: 'detached' });
      await cli().fails(['image', 'show', imageId]);
      gone = true;
      clean();
    } finally {
      // Whatever failed above, leave no test image behind.
      if (!gone) await cli().run(['image', 'delete', imageId || IMAGE]);
    }
  });
}
