// os-volume_attachments on the fake compute driver: attach (volume in-use with an attachment naming
// the server and device, the guest holding it), list/show, detach (available again), the rollback
// of a failed attach, two servers racing for one volume, the volume kept across stop/start, and
// Nova's refusals (state, lock, unknown volume, device in use, another project, swap).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FakeDriver } from '../../agent/compute/drivers/fake/fake-driver.js';
import { createActiveImage, createFlavor, insertServer, novaError, waitForServer } from '../../../test/harness/compute-fixtures.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import type { TestCloud } from '../../../test/harness/test-cloud.js';
import type { VolumeDb } from '../../volume/volume.tables.js';
import { insertVolume } from '../../volume/attachments/attachment.fixture.js';
import { startVolumeComputeCloud, until, type VolumeComputeCloud } from './volume-attachment.fixture.js';

describe('os-volume_attachments', () => {
  let c: VolumeComputeCloud;
  let t: TestCloud;
  let member: MemberUser;
  let stranger: MemberUser;
  let db: VolumeDb;
  let flavor: string;
  let image: string;
  const driver = () => t.cloud.agents.agents[0]!.driver as FakeDriver;
  const base = (server: string) => `/compute/v2.1/servers/${server}/os-volume_attachments`;
  const volume = (id: string) => db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const attachments = (id: string) => db.selectFrom('volume_attachment').selectAll().where('volume_id', '=', id).execute();
  const mappings = (server: string) => t.cloud.compute.ctx.deps.db.selectFrom('compute_block_device_mapping').selectAll().where('instance_uuid', '=', server).execute();
  const newVolume = (over = {}) => insertVolume(db, member.projectId, member.id, over);
  const attach = (server: string, volumeId: string, device?: string, token = member.token) =>
    t.request('POST', base(server), { token, body: { volumeAttachment: { volumeId, ...(device ? { device } : {}) } } });

  async function newServer(name: string): Promise<string> {
    const res = await t.request('POST', '/compute/v2.1/servers', { token: member.token, body: { server: { name, flavorRef: flavor, imageRef: image, networks: 'none' } } });
    assert.equal(res.status, 202, res.text);
    await waitForServer(t, member.token, res.body.server.id, 'ACTIVE');
    return res.body.server.id as string;
  }

  before(async () => {
    c = await startVolumeComputeCloud(1);
    t = c.t;
    const admin = await t.adminToken();
    member = await createMemberUser(t, 'nb-va-member');
    stranger = await createMemberUser(t, 'nb-va-stranger');
    db = t.cloud.volume.ctx.deps.db;
    flavor = await createFlavor(t, admin, { name: 'nb-va-flavor' });
    image = await createActiveImage(t, admin, 'nb-va-img');
  });
  after(async () => { await c?.close(); });

  it('attaches: the volume in-use, the attachment naming server and device, the guest holding it', async () => {
    const server = await newServer('nb-va-1');
    const v = await newVolume();
    const res = await attach(server, v.id);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { volumeAttachment: { id: v.id, serverId: server, volumeId: v.id, device: '/dev/vdb' } });
    await until('in-use', async () => (await volume(v.id)).status === 'in-use');
    const [a] = await attachments(v.id);
    assert.equal(a!.instance_uuid, server);
    assert.equal(a!.mountpoint, '/dev/vdb');
    assert.equal(a!.attach_status, 'attached');
    assert.equal((await volume(v.id)).attach_status, 'attached');
    assert.deepEqual(driver().volumesOf(server).map((g) => [g.volumeId, g.device, g.bootIndex]), [[v.id, 'vdb', null]]);
    assert.equal(driver().volumesOf(server)[0]!.connection.driver_volume_type, 'file');
    // Cinder refuses a user's delete of an attachment the server still uses (bug #2004555).
    const userDelete = await t.request('DELETE', `/volume/v3/${member.projectId}/attachments/${a!.id}`, { token: member.token, headers: { 'openstack-api-version': 'volume 3.44' } });
    assert.equal(userDelete.status, 409, userDelete.text);
    assert.equal((await volume(v.id)).status, 'in-use');

    const list = await t.request('GET', base(server), { token: member.token });
    assert.deepEqual(list.body, { volumeAttachments: [{ id: v.id, serverId: server, volumeId: v.id, device: '/dev/vdb' }] });
    const show = await t.request('GET', `${base(server)}/${v.id}`, { token: member.token });
    assert.deepEqual(show.body.volumeAttachment, { id: v.id, serverId: server, volumeId: v.id, device: '/dev/vdb' });
    const actions = await t.request('GET', `/compute/v2.1/servers/${server}/os-instance-actions`, { token: member.token });
    assert.ok(actions.body.instanceActions.some((x: { action: string }) => x.action === 'attach_volume'));

    // A second volume takes the next device; an asked device is honoured.
    const v2 = await newVolume();
    const second = await attach(server, v2.id, '/dev/vdd');
    assert.equal(second.body.volumeAttachment.device, '/dev/vdd');
    await until('second in-use', async () => (await volume(v2.id)).status === 'in-use');

    // Stop and start: the spec the guest is started with still holds both volumes.
    assert.equal((await t.request('POST', `/compute/v2.1/servers/${server}/action`, { token: member.token, body: { 'os-stop': null } })).status, 202);
    await waitForServer(t, member.token, server, 'SHUTOFF');
    assert.equal((await t.request('POST', `/compute/v2.1/servers/${server}/action`, { token: member.token, body: { 'os-start': null } })).status, 202);
    await waitForServer(t, member.token, server, 'ACTIVE');
    assert.deepEqual(driver().specOf(server)!.volumes.map((g) => g.volumeId).sort(), [v.id, v2.id].sort());

    // Detach: 202, then available, no attachment, no mapping, the guest without it.
    const del = await t.request('DELETE', `${base(server)}/${v.id}`, { token: member.token });
    assert.equal(del.status, 202, del.text);
    await until('available', async () => (await volume(v.id)).status === 'available');
    assert.equal((await volume(v.id)).attach_status, 'detached');
    assert.deepEqual(await attachments(v.id), []);
    assert.deepEqual((await mappings(server)).map((m) => m.volume_id), [v2.id]);
    assert.deepEqual(driver().volumesOf(server).map((g) => g.volumeId), [v2.id]);

    // Deleting the server gives its remaining volume back (not delete_on_termination).
    assert.equal((await t.request('DELETE', `/compute/v2.1/servers/${server}`, { token: member.token })).status, 204);
    await waitForServer(t, member.token, server, 'DELETED');
    await until('v2 available', async () => (await volume(v2.id)).status === 'available');
    assert.deepEqual(await mappings(server), []);
  });

  it('rolls back a failed attach: the volume available again and no mapping', async () => {
    const server = await newServer('nb-va-2');
    const v = await newVolume();
    driver().failNextVolumeAttaches = 1;
    const res = await attach(server, v.id);
    assert.equal(res.status, 200, res.text);
    await until('rollback', async () => (await mappings(server)).length === 0);
    await until('available', async () => (await volume(v.id)).status === 'available');
    assert.deepEqual(await attachments(v.id), []);
    assert.deepEqual(driver().volumesOf(server), []);
    assert.equal(driver().failNextVolumeAttaches, 0);
    const actions = await t.request('GET', `/compute/v2.1/servers/${server}/os-instance-actions`, { token: member.token });
    const act = actions.body.instanceActions.find((x: { action: string }) => x.action === 'attach_volume');
    assert.equal(act.message, 'Error');
    // The volume is usable again.
    assert.equal((await attach(server, v.id)).status, 200);
    await until('in-use', async () => (await volume(v.id)).status === 'in-use');
  });

  it('lets one of two servers attaching one volume at once win (the other 400)', async () => {
    const [s1, s2] = await Promise.all([newServer('nb-va-3a'), newServer('nb-va-3b')]);
    const v = await newVolume();
    const results = await Promise.all([attach(s1!, v.id), attach(s2!, v.id)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400], results.map((r) => r.text).join('\n'));
    const loser = results.find((r) => r.status === 400)!;
    assert.match(novaError(loser, 400, 'badRequest'), /^Invalid volume: Volume .* status must be available to reserve, but the current status is (reserved|attaching|in-use)\.$/);
    await until('in-use', async () => (await volume(v.id)).status === 'in-use');
    assert.equal((await attachments(v.id)).length, 1);
    assert.equal((await mappings(s1!)).length + (await mappings(s2!)).length, 1);
  });

  it('refuses with Nova\'s statuses and messages', async () => {
    const server = await newServer('nb-va-4');
    const v = await newVolume();
    const missing = randomUUID();
    assert.equal(novaError(await attach(server, missing), 404, 'itemNotFound'), `Volume ${missing} could not be found.`);
    // Another project's volume is as missing; another project's server too.
    const theirs = await insertVolume(db, stranger.projectId, stranger.id);
    assert.equal(novaError(await attach(server, theirs.id), 404, 'itemNotFound'), `Volume ${theirs.id} could not be found.`);
    novaError(await attach(server, v.id, undefined, stranger.token), 404, 'itemNotFound');
    novaError(await t.request('POST', base(server), { token: member.token, body: {} }), 400, 'badRequest');
    novaError(await t.request('POST', base(server), { token: member.token, body: { volumeAttachment: { volumeId: 'x' } } }), 400, 'badRequest');
    novaError(await attach(server, v.id, 'not-a-device'), 400, 'badRequest');
    const busy = await newVolume({ status: 'in-use', attach_status: 'attached' });
    assert.match(novaError(await attach(server, busy.id), 400, 'badRequest'), /status must be available to reserve, but the current status is in-use/);

    assert.equal((await attach(server, v.id, '/dev/vdc')).status, 200);
    await until('in-use', async () => (await volume(v.id)).status === 'in-use');
    const other = await newVolume();
    assert.equal(novaError(await attach(server, other.id, '/dev/vdc'), 409, 'conflictingRequest'), 'The supplied device path (/dev/vdc) is in use.');
    assert.equal((await volume(other.id)).status, 'available');
    assert.match(novaError(await attach(server, v.id), 400, 'badRequest'), /already attached/);
    novaError(await t.request('DELETE', `${base(server)}/${other.id}`, { token: member.token }), 404, 'itemNotFound');
    novaError(await t.request('GET', `${base(server)}/${other.id}`, { token: member.token }), 404, 'itemNotFound');
    novaError(await t.request('PUT', `${base(server)}/${v.id}`, { token: await t.adminToken(), body: { volumeAttachment: { volumeId: other.id } } }), 400, 'badRequest');
    novaError(await t.request('PUT', `${base(server)}/${v.id}`, { token: member.token, body: { volumeAttachment: { volumeId: other.id } } }), 403, 'forbidden');

    // Locked, and in a state that does not allow it.
    const locked = await insertServer(t.cloud.compute.ctx.deps.db, member.projectId, member.id, { locked: 1, locked_by: 'admin', host: c.host });
    assert.match(novaError(await attach(locked.uuid, other.id), 409, 'conflictingRequest'), /is locked/);
    const building = await insertServer(t.cloud.compute.ctx.deps.db, member.projectId, member.id, { vm_state: 'building', task_state: 'spawning' });
    assert.equal(novaError(await attach(building.uuid, other.id), 409, 'conflictingRequest'),
      `Cannot 'attach_volume' instance ${building.uuid} while it is in task_state spawning`);
    const errored = await insertServer(t.cloud.compute.ctx.deps.db, member.projectId, member.id, { vm_state: 'error', host: c.host });
    assert.equal(novaError(await attach(errored.uuid, other.id), 409, 'conflictingRequest'),
      `Cannot 'attach_volume' instance ${errored.uuid} while it is in vm_state error`);
    assert.equal((await volume(other.id)).status, 'available');
  });
});
