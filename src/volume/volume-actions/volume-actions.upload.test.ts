// os-volume_upload_image, the API's half: the image it creates through the image API (read back
// with GET /image/v2/images/{id}), the answer, the claim on the volume, and every refusal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../platform/errors.js';
import type { VolumeImageAccess } from '../image-access.js';
import { recordManager, startActionCloud, type ActionCloud, type ManagerCall } from './action-test-kit.js';

describe('volume actions: os-volume_upload_image (API half)', () => {
  let c: ActionCloud;
  let calls: ManagerCall[];
  before(async () => { c = await startActionCloud(); calls = recordManager(c.ctx); });
  after(async () => { await c?.close(); });

  const msg = (res: { body: Record<string, { message: string }> }) => Object.values(res.body)[0]!.message;
  const upload = (args: Record<string, unknown>) => ({ 'os-volume_upload_image': { image_name: 'from-volume', ...args } });

  it('creates a queued image with the volume facts and claims the volume', async () => {
    const v = await c.volume(c.admin.projectId, { size: 2, description: 'data disk' });
    const facts = { image_id: 'old-image', image_name: 'cirros', disk_format: 'raw', container_format: 'bare', size: '123',
      checksum: 'abc', min_disk: '1', min_ram: '64', os_distro: 'debian', hw_disk_bus: 'virtio', os_glance_importing_to_stores: 'x' };
    await c.ctx.deps.db.insertInto('volume_image_metadata')
      .values(Object.entries(facts).map(([key, value]) => ({ volume_id: v.id, key, value }))).execute();
    const res = await c.act(v.id, upload({ force: false, disk_format: 'qcow2', container_format: 'bare', visibility: 'private', protected: true }),
      { version: '3.1' });
    assert.equal(res.status, 202, res.text);
    const out = res.body['os-volume_upload_image'];
    assert.deepEqual(Object.keys(out).sort(), ['container_format', 'disk_format', 'display_description', 'id', 'image_id', 'image_name',
      'protected', 'size', 'status', 'updated_at', 'visibility', 'volume_type'].sort());
    assert.equal(out.id, v.id);
    assert.equal(out.status, 'uploading');
    assert.equal(out.display_description, 'data disk');
    assert.equal(out.size, 2);
    assert.equal(out.volume_type.name, c.tc.config.volume.defaultVolumeType);
    assert.deepEqual([out.image_name, out.disk_format, out.container_format, out.visibility, out.protected],
      ['from-volume', 'qcow2', 'bare', 'private', true]);
    assert.match(out.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);

    const image = await c.tc.request('GET', `/image/v2/images/${out.image_id}`, { token: c.admin.token });
    assert.equal(image.status, 200);
    assert.equal(image.body.status, 'queued');
    assert.equal(image.body.name, 'from-volume');
    assert.equal(image.body.owner, c.admin.projectId);
    assert.deepEqual([image.body.disk_format, image.body.container_format, image.body.visibility, image.body.protected, image.body.min_disk],
      ['qcow2', 'bare', 'private', true, 2]);
    assert.equal(image.body.os_distro, 'debian');
    assert.equal(image.body.hw_disk_bus, 'virtio');
    for (const core of ['image_id', 'image_name', 'os_glance_importing_to_stores']) assert.equal(image.body[core], undefined, core);
    assert.equal(image.body.checksum, null);

    assert.equal((await c.row(v.id))?.status, 'uploading');
    assert.deepEqual(calls.filter((x) => x[1] === v.id), [['uploadToImage', v.id, out.image_id, 'qcow2', c.admin.token, 'available']]);
  });

  it('uploads an in-use volume only with force; before 3.1 the image is shared and raw by default', async () => {
    const v = await c.volume(c.admin.projectId, { status: 'in-use', attach_status: 'attached' });
    let res = await c.act(v.id, upload({}));
    assert.equal(res.status, 400);
    assert.equal(msg(res), 'Invalid volume: Volume status must be available to upload to an image, but current status is: in-use.');
    res = await c.act(v.id, upload({ force: 'True' }));
    assert.equal(res.status, 202, res.text);
    const out = res.body['os-volume_upload_image'];
    assert.deepEqual([out.disk_format, out.container_format, out.visibility, out.protected], ['raw', 'bare', 'shared', false]);
    assert.deepEqual(calls.find((x) => x[1] === v.id)?.slice(3), ['raw', c.admin.token, 'in-use']);
    res = await c.act(v.id, upload({ force: true }));
    assert.equal(res.status, 400, 'it is uploading already');
  });

  it('refuses bad formats, names and options, and public images from members', async () => {
    const v = await c.volume(c.admin.projectId);
    const cases: Array<[Record<string, unknown>, string?]> = [
      [{ disk_format: 'vmdk' }], [{ disk_format: 'iso' }], [{ container_format: 'ovf' }], [{ image_name: '' }], [{ image_name: null }],
      [{ visibility: 'private' }, '3.0'], [{ visibility: 'everyone' }, '3.1'], [{ protected: 'perhaps' }, '3.1'], [{ force: 'sure' }],
      [{ colour: 'blue' }],
    ];
    for (const [args, version] of cases) {
      const res = await c.act(v.id, upload(args), version ? { version } : {});
      assert.equal(res.status, 400, JSON.stringify(args));
    }
    const res = await c.act(v.id, upload({ disk_format: 'vmdk' }));
    assert.equal(msg(res), "Invalid input received: disk_format 'vmdk' is not supported by this cloud's volume upload: use raw or qcow2.");
    const own = await c.volume(c.member.projectId);
    const denied = await c.act(own.id, upload({ visibility: 'public' }), { version: '3.1', who: { token: c.member.token, projectId: c.member.projectId } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.forbidden.message, "Policy doesn't allow volume_extension:volume_actions:upload_public to be performed.");
    assert.equal((await c.row(own.id))?.status, 'available');
    assert.equal((await c.row(v.id))?.status, 'available');
    assert.equal(calls.filter((x) => x[1] === v.id || x[1] === own.id).length, 0);
  });

  it('the image access: visibility on get, cleanup of a protected queued image on remove', async () => {
    const images = c.ctx.deps.images;
    const adminAuth = (await c.tc.cloud.identity.tokens.authenticate(c.admin.token))!;
    const memberAuth = (await c.tc.cloud.identity.tokens.authenticate(c.member.token))!;
    const made = await images.create(adminAuth, { name: 'kept', disk_format: 'raw', container_format: 'bare', visibility: 'private',
      protected: true, min_disk: 3, properties: { os_distro: 'debian', size: '1', status: 'active', os_glance_x: 'y' } });
    assert.deepEqual([made.status, made.min_disk, made.properties], ['queued', 3, { os_distro: 'debian' }]);
    assert.equal((await images.get(adminAuth, made.id))?.id, made.id);
    assert.equal(await images.get(memberAuth, made.id), null, "another project's private image is not there");
    await images.remove(adminAuth, made.id);
    assert.equal(await images.get(adminAuth, made.id), null);
    await images.remove(adminAuth, made.id); // already gone: resolves
    assert.equal(images.fileUrl(made.id), `${c.tc.config.publicUrl}/image/v2/images/${made.id}/file`);
  });

  it("gives the volume back when the image service refuses the image", async () => {
    const v = await c.volume(c.admin.projectId);
    const deps = c.ctx.deps as { images: VolumeImageAccess };
    const real = deps.images;
    deps.images = { ...real, create: async () => { throw new ApiError(413, 'Image count quota exceeded.'); } };
    try {
      const res = await c.act(v.id, upload({}));
      assert.equal(res.status, 413);
      assert.equal(msg(res), 'Image count quota exceeded.');
    } finally {
      deps.images = real;
    }
    assert.equal((await c.row(v.id))?.status, 'available');
  });
});
