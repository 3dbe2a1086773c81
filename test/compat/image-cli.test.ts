// The real `openstack` CLI (Debian's python3-openstackclient 6.0, openstacksdk 0.101) against a
// real `nubis up`: the image commands of issue 3 §6, checked by the values the CLI prints.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCompatCloud, type CompatCloud } from '../harness/compat-cloud.js';
import type { OpenStackCli } from '../harness/openstack-cli.js';

type Row = Record<string, unknown>;
const FORBIDDEN = /\b403\b|forbidden|not authorized/i;

describe('the openstack image CLI against nubis up', { timeout: 300_000 }, () => {
  let cloud: CompatCloud;
  let admin: OpenStackCli;
  let owner: OpenStackCli;
  let guest: OpenStackCli;
  let work: string;
  let qcow2: string;
  let raw: string;
  let imageId = '';

  before(async () => {
    cloud = await startCompatCloud();
    admin = cloud.admin;
    work = mkdtempSync(join(tmpdir(), 'nbimgcli-'));
    qcow2 = join(work, 'disk.qcow2');
    raw = join(work, 'disk.raw');
    execFileSync('qemu-img', ['create', '-f', 'qcow2', qcow2, '8M'], { stdio: 'pipe' });
    execFileSync('qemu-img', ['create', '-f', 'raw', raw, '1M'], { stdio: 'pipe' });
    for (const [user, project] of [['img-owner', 'img-owner-project'], ['img-guest', 'img-guest-project']] as const) {
      await admin.ok(['project', 'create', project]);
      await admin.ok(['user', 'create', '--password', `${user}-pw`, '--project', project, user]);
      await admin.ok(['role', 'add', '--project', project, '--user', user, 'member']);
    }
    owner = cloud.cliAs('img-owner', 'img-owner-pw', 'img-owner-project');
    guest = cloud.cliAs('img-guest', 'img-guest-pw', 'img-guest-project');
  });
  after(async () => {
    await cloud?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('creates an image from a qcow2 file with properties and tags', async () => {
    const img = await owner.json(['image', 'create', '--file', qcow2, '--disk-format', 'qcow2', '--container-format', 'bare',
      '--private', '--property', 'os_distro=nubis', '--tag', 'smoke', 'cli-image']);
    imageId = String(img.id);
    const shown = await owner.json(['image', 'show', imageId]);
    assert.equal(shown.status, 'active');
    assert.equal(shown.disk_format, 'qcow2');
    assert.equal(shown.visibility, 'private');
    assert.equal(shown.checksum, createHash('md5').update(readFileSync(qcow2)).digest('hex'));
    assert.equal(shown.size, readFileSync(qcow2).length);
    assert.equal(shown.virtual_size, 8 * 1024 * 1024);
    assert.match(JSON.stringify(shown.properties), /os_distro/);
    assert.deepEqual(shown.tags, ['smoke']);
  });

  it('lists with filters', async () => {
    const byName = await owner.json<Row[]>(['image', 'list', '--name', 'cli-image']);
    assert.deepEqual(byName.map((r) => r.ID), [imageId]);
    const privateOnes = await owner.json<Row[]>(['image', 'list', '--private']);
    assert.ok(privateOnes.some((r) => r.ID === imageId));
    const tagged = await owner.json<Row[]>(['image', 'list', '--tag', 'smoke']);
    assert.deepEqual(tagged.map((r) => r.ID), [imageId]);
    assert.deepEqual(await guest.json<Row[]>(['image', 'list', '--name', 'cli-image']), []);
    // --property filters on the client, over the properties the API returns.
    const byProperty = await owner.json<Row[]>(['image', 'list', '--property', 'os_distro=nubis']);
    assert.deepEqual(byProperty.map((r) => r.ID), [imageId]);
    assert.deepEqual(await owner.json<Row[]>(['image', 'list', '--property', 'os_distro=other']), []);
    assert.deepEqual(await owner.json<Row[]>(['image', 'list', '--tag', 'no-such-tag']), []);
    assert.ok(!(await owner.json<Row[]>(['image', 'list', '--public'])).some((r) => r.ID === imageId));
  });

  it('sets and unsets properties and the name', async () => {
    await owner.ok(['image', 'set', '--property', 'hw_disk_bus=virtio', '--name', 'cli-image-2', '--min-ram', '64', imageId]);
    await owner.ok(['image', 'unset', '--property', 'os_distro', imageId]);
    const shown = await owner.json(['image', 'show', imageId]);
    assert.equal(shown.name, 'cli-image-2');
    assert.equal(shown.min_ram, 64);
    const props = JSON.stringify(shown.properties);
    assert.match(props, /hw_disk_bus/);
    assert.doesNotMatch(props, /os_distro/);
  });

  it('saves the data back byte for byte', async () => {
    const out = join(work, 'saved.qcow2');
    await owner.ok(['image', 'save', '--file', out, imageId]);
    const saved = readFileSync(out);
    assert.ok(saved.equals(readFileSync(qcow2)));
    const shown = await owner.json(['image', 'show', imageId]);
    assert.equal(createHash('md5').update(saved).digest('hex'), shown.checksum);
  });

  it('does not let a member-only user make an image public', async () => {
    const r = await owner.fails(['image', 'set', '--public', imageId]);
    assert.match(r.stderr, FORBIDDEN, r.stderr);
    assert.equal((await owner.json(['image', 'show', imageId])).visibility, 'private');
    const created = await owner.fails(['image', 'create', '--disk-format', 'raw', '--container-format', 'bare', '--public', 'cli-not-public']);
    assert.match(created.stderr, FORBIDDEN, created.stderr);
    assert.deepEqual(await admin.json<Row[]>(['image', 'list', '--name', 'cli-not-public']), []);
  });

  it('shares with another project, which accepts', async () => {
    await owner.ok(['image', 'set', '--shared', imageId]);
    const guestProject = await admin.json(['project', 'show', 'img-guest-project']);
    await owner.ok(['image', 'add', 'project', imageId, String(guestProject.id)]);
    const members = await owner.json<Row[]>(['image', 'member', 'list', imageId]);
    assert.deepEqual(members.map((m) => [m['Member ID'], m.Status]), [[guestProject.id, 'pending']]);
    await guest.ok(['image', 'set', '--accept', imageId]);
    const accepted = await owner.json<Row[]>(['image', 'member', 'list', imageId]);
    assert.equal(accepted[0]!.Status, 'accepted');
    const listed = await guest.json<Row[]>(['image', 'list']);
    assert.ok(listed.some((r) => r.ID === imageId));
  });

  it('filters shared and private images, and the member cannot publicize', async () => {
    assert.deepEqual((await guest.json<Row[]>(['image', 'list', '--shared'])).map((r) => r.ID), [imageId]);
    assert.ok((await owner.json<Row[]>(['image', 'list', '--shared'])).some((r) => r.ID === imageId));
    assert.ok(!(await owner.json<Row[]>(['image', 'list', '--private'])).some((r) => r.ID === imageId));
    assert.deepEqual(await guest.json<Row[]>(['image', 'list', '--private']), []);
    const r = await guest.fails(['image', 'set', '--public', imageId]);
    assert.match(r.stderr, FORBIDDEN, r.stderr);
    assert.equal((await owner.json(['image', 'show', imageId])).visibility, 'shared');
  });

  it('creates a community image that others list only on request', async () => {
    const com = await owner.json(['image', 'create', '--file', raw, '--disk-format', 'raw', '--container-format', 'bare',
      '--community', 'cli-community']);
    const id = String(com.id);
    assert.equal(com.visibility, 'community');
    assert.deepEqual((await guest.json<Row[]>(['image', 'list', '--community'])).map((r) => r.ID), [id]);
    assert.deepEqual((await owner.json<Row[]>(['image', 'list', '--community'])).map((r) => r.ID), [id]);
    // Glance leaves community images out of a plain list, except for their owner.
    assert.ok(!(await guest.json<Row[]>(['image', 'list'])).some((r) => r.ID === id));
    assert.ok((await owner.json<Row[]>(['image', 'list'])).some((r) => r.ID === id));
    assert.equal((await guest.json(['image', 'show', id])).visibility, 'community');
    const out = join(work, 'community.raw');
    await guest.ok(['image', 'save', '--file', out, id]);
    assert.ok(readFileSync(out).equals(readFileSync(raw)));
    const r = await guest.fails(['image', 'set', '--name', 'taken-over', id]);
    assert.match(r.stderr, FORBIDDEN, r.stderr);
    await owner.ok(['image', 'delete', id]);
    assert.deepEqual(await guest.json<Row[]>(['image', 'list', '--community']), []);
  });

  it('deactivates and reactivates as admin', async () => {
    await admin.ok(['image', 'set', '--deactivate', imageId]);
    assert.equal((await owner.json(['image', 'show', imageId])).status, 'deactivated');
    await owner.fails(['image', 'save', '--file', join(work, 'nope'), imageId]);
    await admin.ok(['image', 'set', '--activate', imageId]);
    assert.equal((await owner.json(['image', 'show', imageId])).status, 'active');
  });

  it('creates a public raw image as admin and deletes images', async () => {
    const pub = await admin.json(['image', 'create', '--file', raw, '--disk-format', 'raw', '--container-format', 'bare',
      '--public', 'cli-public']);
    assert.equal(pub.visibility, 'public');
    const seen = await guest.json<Row[]>(['image', 'list', '--public']);
    assert.ok(seen.some((r) => r.ID === pub.id));
    await admin.ok(['image', 'delete', String(pub.id)]);
    await owner.ok(['image', 'delete', imageId]);
    assert.deepEqual(await owner.json<Row[]>(['image', 'list', '--name', 'cli-image-2']), []);
  });
});
