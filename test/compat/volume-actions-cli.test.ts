// The real `openstack` CLI (Debian's python3-openstackclient 6.0 over python-cinderclient) against
// a real `nubis up`: the volume commands that are volume actions, checked by what the CLI prints.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCompatCloud, type CompatCloud } from '../harness/compat-cloud.js';
import type { OpenStackCli } from '../harness/openstack-cli.js';

type Row = Record<string, unknown>;

describe('volume actions through the openstack CLI against nubis up', { timeout: 600_000 }, () => {
  let cloud: CompatCloud;
  let admin: OpenStackCli;
  let volumeId = '';

  /** `volume show` until `done` holds (an error status fails at once). */
  async function showUntil(done: (v: Row) => boolean, what: string): Promise<Row> {
    const end = Date.now() + 180_000;
    for (;;) {
      const v = await admin.json(['volume', 'show', volumeId]);
      if (done(v)) return v;
      if (String(v.status).startsWith('error')) throw new Error(`volume went ${String(v.status)} waiting for ${what}`);
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  before(async () => {
    cloud = await startCompatCloud();
    admin = cloud.admin;
    const v = await admin.json(['volume', 'create', '--size', '1', 'vact-cli']);
    volumeId = String(v.id);
    await showUntil((x) => x.status === 'available', 'available');
  });
  after(async () => { await cloud?.close(); });

  it('volume set --size extends the volume', async () => {
    await admin.ok(['volume', 'set', '--size', '2', volumeId]);
    const v = await showUntil((x) => x.status === 'available' && x.size === 2, 'size 2');
    assert.equal(v.size, 2);
  });

  it('volume set --bootable / --read-only / --image-property and unset --image-property', async () => {
    await admin.ok(['volume', 'set', '--bootable', '--read-only', volumeId]);
    await admin.ok(['volume', 'set', '--image-property', 'hw_disk_bus=virtio', '--image-property', 'os_distro=debian', volumeId]);
    let v = await admin.json(['volume', 'show', volumeId]);
    assert.equal(v.bootable, 'true');
    assert.equal((v.volume_image_metadata as Row).hw_disk_bus, 'virtio');
    await admin.ok(['volume', 'unset', '--image-property', 'hw_disk_bus', volumeId]);
    v = await admin.json(['volume', 'show', volumeId]);
    assert.deepEqual(v.volume_image_metadata, { os_distro: 'debian' });
    await admin.ok(['volume', 'set', '--non-bootable', '--read-write', volumeId]);
    assert.equal((await admin.json(['volume', 'show', volumeId])).bootable, 'false');
  });

  it('volume set --state (admin reset) and --type (retype on the same backend)', async () => {
    await admin.ok(['volume', 'set', '--state', 'error', volumeId]);
    assert.equal((await admin.json(['volume', 'show', volumeId])).status, 'error');
    await admin.ok(['volume', 'set', '--state', 'available', volumeId]);
    await admin.ok(['volume', 'type', 'create', 'vact-cli-type']);
    await admin.ok(['volume', 'set', '--type', 'vact-cli-type', '--retype-policy', 'never', volumeId]);
    const v = await admin.json(['volume', 'show', volumeId]);
    assert.equal(v.type, 'vact-cli-type');
    assert.equal(v.status, 'available');
  });

  it('image create --volume uploads the volume to an active image', async () => {
    // qcow2: the thin volume travels as a few MB instead of 2 GiB of zeros.
    const out = await admin.json(['image', 'create', '--volume', volumeId, '--disk-format', 'qcow2', 'vact-cli-image']);
    assert.equal(out.image_name, 'vact-cli-image');
    assert.equal(out.status, 'uploading');
    assert.equal(out.volume_type, 'vact-cli-type');
    const end = Date.now() + 300_000;
    let image: Row;
    for (;;) {
      image = await admin.json(['image', 'show', String(out.image_id)]);
      if (image.status === 'active' || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(image.status, 'active');
    assert.equal(image.disk_format, 'qcow2');
    assert.equal(image.virtual_size, 2 * 1024 ** 3);
    await showUntil((x) => x.status === 'available', 'available after the upload');
  });

  it('volume delete --force removes it', async () => {
    await admin.ok(['volume', 'delete', '--force', volumeId]);
    const end = Date.now() + 120_000;
    for (;;) {
      const r = await admin.run(['volume', 'show', volumeId]);
      if (r.code !== 0) { assert.match(r.stderr, /could not be found|No volume with a name or ID/i); break; }
      if (Date.now() > end) throw new Error('volume still there');
      await new Promise((res) => setTimeout(res, 500));
    }
  });
});
