// POST /volumes/{id}/action: dispatch, visibility and policy, and the actions that are a change of
// rows alone (bootable, read-only, reset status, image metadata, retype).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startActionCloud, type ActionCloud } from './action-test-kit.js';

describe('volume actions: dispatch, policy and row-only actions', () => {
  let c: ActionCloud;
  before(async () => { c = await startActionCloud(); });
  after(async () => { await c?.close(); });

  const msg = (res: { body: Record<string, { message: string }> }) => Object.values(res.body)[0]!.message;

  it('refuses unknown actions, bodies naming no or two actions, and unknown volumes', async () => {
    const v = await c.volume(c.admin.projectId);
    let res = await c.act(v.id, { 'os-nope': {} });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { badRequest: { code: 400, message: 'There is no such action: os-nope' } });
    res = await c.act(v.id, {});
    assert.equal(res.status, 400);
    res = await c.act(v.id, { 'os-set_bootable': { bootable: true }, 'os-force_delete': {} });
    assert.equal(res.status, 400);
    const missing = randomUUID();
    res = await c.act(missing, { 'os-set_bootable': { bootable: true } });
    assert.equal(res.status, 404);
    assert.equal(res.body.itemNotFound.message, `Volume ${missing} could not be found.`);
    // revert exists from 3.40 only.
    res = await c.act(v.id, { revert: { snapshot_id: randomUUID() } }, { version: '3.39' });
    assert.equal(res.status, 400);
    assert.equal(msg(res), 'There is no such action: revert');
  });

  it('dispatches the attach slice’s legacy actions too (os-reserve, os-unreserve)', async () => {
    const v = await c.volume(c.admin.projectId);
    let res = await c.act(v.id, { 'os-reserve': null });
    assert.equal(res.status, 202, res.text);
    assert.equal((await c.row(v.id))?.status, 'attaching');
    res = await c.act(v.id, { 'os-unreserve': {} });
    assert.equal(res.status, 202, res.text);
    assert.equal((await c.row(v.id))?.status, 'available');
  });

  it("hides another project's volume (404) and keeps admin actions from members (403)", async () => {
    const adminVol = await c.volume(c.admin.projectId);
    const who = { token: c.member.token, projectId: c.member.projectId };
    let res = await c.act(adminVol.id, { 'os-set_bootable': { bootable: true } }, { who });
    assert.equal(res.status, 404);
    assert.equal(res.body.itemNotFound.message, `Volume ${adminVol.id} could not be found.`);
    const own = await c.volume(c.member.projectId, { status: 'error' });
    res = await c.act(own.id, { 'os-reset_status': { status: 'available' } }, { who });
    assert.equal(res.status, 403);
    assert.equal(res.body.forbidden.message, "Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed.");
    res = await c.act(own.id, { 'os-force_delete': {} }, { who });
    assert.equal(res.status, 403);
    assert.equal((await c.row(own.id))?.status, 'error');
    // The member's own non-admin actions work.
    res = await c.act(own.id, { 'os-set_bootable': { bootable: 'True' } }, { who });
    assert.equal(res.status, 200);
    // An admin acts on any project's volume.
    res = await c.act(own.id, { 'os-reset_status': { status: 'available' } });
    assert.equal(res.status, 202);
    assert.equal((await c.row(own.id))?.status, 'available');
  });

  it('os-set_bootable sets the flag from Cinder booleans, refuses other values', async () => {
    const v = await c.volume(c.admin.projectId);
    let res = await c.act(v.id, { 'os-set_bootable': { bootable: 'yes' } });
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assert.equal((await c.row(v.id))?.bootable, 1);
    res = await c.act(v.id, { 'os-set_bootable': { bootable: false } });
    assert.equal(res.status, 200);
    assert.equal((await c.row(v.id))?.bootable, 0);
    for (const bad of [{ bootable: 'maybe' }, {}, { bootable: true, extra: 1 }]) {
      res = await c.act(v.id, { 'os-set_bootable': bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
    }
  });

  it('os-update_readonly_flag writes admin metadata readonly, only on available volumes', async () => {
    const v = await c.volume(c.admin.projectId);
    const readonly = async () => (await c.ctx.deps.db.selectFrom('volume_admin_metadata').select('value')
      .where('volume_id', '=', v.id).where('key', '=', 'readonly').executeTakeFirst())?.value;
    let res = await c.act(v.id, { 'os-update_readonly_flag': { readonly: true } });
    assert.equal(res.status, 202);
    assert.equal(await readonly(), 'True');
    res = await c.act(v.id, { 'os-update_readonly_flag': { readonly: 'false' } });
    assert.equal(res.status, 202);
    assert.equal(await readonly(), 'False');
    const used = await c.volume(c.admin.projectId, { status: 'in-use', attach_status: 'attached' });
    res = await c.act(used.id, { 'os-update_readonly_flag': { readonly: true } });
    assert.equal(res.status, 400);
    assert.equal(msg(res), `Invalid volume: Volume ${used.id} status must be available to update readonly flag, but current status is: in-use.`);
  });

  it('os-reset_status sets statuses by hand and refuses unknown or unsafe ones', async () => {
    const v = await c.volume(c.admin.projectId, { status: 'error_extending' });
    let res = await c.act(v.id, { 'os-reset_status': { status: 'Available', migration_status: 'none' } });
    assert.equal(res.status, 202);
    assert.equal((await c.row(v.id))?.status, 'available');
    res = await c.act(v.id, { 'os-reset_status': { status: 'bogus' } });
    assert.equal(res.status, 400);
    assert.match(msg(res), /^Invalid input received: Volume status: bogus is invalid, valid statuses are: creating, available/);
    res = await c.act(v.id, { 'os-reset_status': {} });
    assert.equal(res.status, 400);
    assert.equal(msg(res), "Invalid input received: Must specify 'status', 'attach_status' or 'migration_status' for update.");
    res = await c.act(v.id, { 'os-reset_status': { status: 'deleting' } });
    assert.equal(res.status, 400);
    assert.equal(msg(res), 'Cannot reset-state to deleting');
    res = await c.act(v.id, { 'os-reset_status': { status: 'in-use' } });
    assert.equal(res.status, 400);
    assert.equal(msg(res), 'Cannot reset-state to in-use because volume does not have any attachments.');
    res = await c.act(v.id, { 'os-reset_status': { attach_status: 'half' } });
    assert.equal(res.status, 400);
    assert.equal((await c.row(v.id))?.status, 'available');
  });

  it('os-reset_status attach_status=detached drops the attachment records', async () => {
    const v = await c.volume(c.admin.projectId, { status: 'in-use', attach_status: 'attached' });
    const ts = new Date().toISOString();
    await c.ctx.deps.db.insertInto('volume_attachment').values({
      id: randomUUID(), volume_id: v.id, instance_uuid: randomUUID(), attached_host: 'h', mountpoint: '/dev/vdb',
      attach_status: 'attached', attach_mode: 'rw', connector: null, connection_info: null, attach_time: ts, detach_time: null,
      created_at: ts, updated_at: ts,
    }).execute();
    const res = await c.act(v.id, { 'os-reset_status': { status: 'available', attach_status: 'detached' } });
    assert.equal(res.status, 202);
    const row = await c.row(v.id);
    assert.deepEqual([row?.status, row?.attach_status], ['available', 'detached']);
    assert.equal((await c.ctx.deps.db.selectFrom('volume_attachment').select('id').where('volume_id', '=', v.id).execute()).length, 0);
  });

  it('image metadata: set merges and answers all, show, unset (404 for a missing key), refused while uploading', async () => {
    const v = await c.volume(c.admin.projectId);
    await c.ctx.deps.db.insertInto('volume_image_metadata').values({ volume_id: v.id, key: 'image_id', value: 'abc' }).execute();
    let res = await c.act(v.id, { 'os-set_image_metadata': { metadata: { hw_disk_bus: 'virtio', os_distro: 'debian' } } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { metadata: { image_id: 'abc', hw_disk_bus: 'virtio', os_distro: 'debian' } });
    res = await c.act(v.id, { 'os-set_image_metadata': { metadata: { os_distro: 'ubuntu' } } });
    assert.equal(res.body.metadata.os_distro, 'ubuntu');
    res = await c.act(v.id, { 'os-show_image_metadata': {} });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { metadata: { image_id: 'abc', hw_disk_bus: 'virtio', os_distro: 'ubuntu' } });
    res = await c.act(v.id, { 'os-unset_image_metadata': { key: 'hw_disk_bus' } });
    assert.equal(res.status, 200);
    res = await c.act(v.id, { 'os-unset_image_metadata': { key: 'hw_disk_bus' } });
    assert.equal(res.status, 404);
    assert.equal(res.body.itemNotFound.message, `Glance metadata for volume/snapshot ${v.id} cannot be found.`);
    res = await c.act(v.id, { 'os-set_image_metadata': { metadata: { k: 5 } } });
    assert.equal(res.status, 400);
    res = await c.act(v.id, { 'os-set_image_metadata': {} });
    assert.equal(res.status, 400);
    const busy = await c.volume(c.admin.projectId, { status: 'uploading' });
    res = await c.act(busy.id, { 'os-set_image_metadata': { metadata: { a: 'b' } } });
    assert.equal(res.status, 400);
    assert.equal(msg(res), 'Invalid volume: Updating volume metadata is not allowed for volumes in uploading status.');
    // Another project's member sees nothing of it.
    res = await c.act(v.id, { 'os-show_image_metadata': null }, { who: { token: c.member.token, projectId: c.member.projectId } });
    assert.equal(res.status, 404);
  });

  it('os-retype changes the type when the backend stays, refuses a move to another backend', async () => {
    const db = c.ctx.deps.db;
    const ts = new Date().toISOString();
    const mkType = async (name: string, backend?: string) => {
      const id = randomUUID();
      await db.insertInto('volume_type').values({ id, name, description: null, is_public: 1, created_at: ts, updated_at: ts }).execute();
      if (backend) await db.insertInto('volume_type_extra_spec').values({ volume_type_id: id, key: 'volume_backend_name', value: backend }).execute();
      return id;
    };
    const plain = await mkType(`plain-${randomUUID().slice(0, 6)}`);
    const fast = await mkType(`fast-${randomUUID().slice(0, 6)}`, 'fast');
    const sameBackend = await mkType(`b-${randomUUID().slice(0, 6)}`, 'b');
    const v = await c.volume(c.admin.projectId, { status: 'in-use', attach_status: 'attached' });
    let res = await c.act(v.id, { 'os-retype': { new_type: plain, migration_policy: 'never' } });
    assert.equal(res.status, 202);
    assert.equal((await c.row(v.id))?.volume_type_id, plain);
    assert.equal((await c.row(v.id))?.status, 'in-use');
    res = await c.act(v.id, { 'os-retype': { new_type: plain } });
    assert.equal(res.status, 400);
    assert.match(msg(res), /^Invalid volume: Retype needs volume to be in available or in-use state/);
    res = await c.act(v.id, { 'os-retype': { new_type: fast, migration_policy: 'on-demand' } });
    assert.equal(res.status, 400);
    assert.equal(msg(res), `Invalid volume: Retype to volume type ${(await db.selectFrom('volume_type').select('name').where('id', '=', fast)
      .executeTakeFirstOrThrow()).name} needs a migration from backend b to fast, which this cloud does not do.`);
    // The kit's volumes sit on h@b#b: a type naming backend b keeps them where they are.
    res = await c.act(v.id, { 'os-retype': { new_type: sameBackend } });
    assert.equal(res.status, 202);
    assert.equal((await c.row(v.id))?.volume_type_id, sameBackend);
    res = await c.act(v.id, { 'os-retype': { new_type: 'no-such-type' } });
    assert.equal(res.status, 404);
    res = await c.act(v.id, { 'os-retype': { new_type: fast, migration_policy: 'sometimes' } });
    assert.equal(res.status, 400);
    const broken = await c.volume(c.admin.projectId, { status: 'error' });
    res = await c.act(broken.id, { 'os-retype': { new_type: plain } });
    assert.equal(res.status, 400);
    assert.notEqual((await c.row(broken.id))?.volume_type_id, plain);
  });
});
