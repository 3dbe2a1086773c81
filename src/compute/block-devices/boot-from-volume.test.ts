// Boot from volume with the fake compute driver and the real `file` storage backend: a server from
// a bootable volume (in-use while it runs, available after), from image → volume with
// delete_on_termination (the volume gone after the server), an extra blank data volume, the root
// volume refusing detach, the guest told of a grown volume, and the create's refusals leaving
// nothing behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { FakeDriver } from '../../agent/compute/drivers/fake/fake-driver.js';
import { CONDUCTOR_TOPIC } from '../../agent/compute/agent-client.js';
import { createActiveImage, createFlavor, novaError, waitForServer } from '../../../test/harness/compute-fixtures.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import type { TestCloud } from '../../../test/harness/test-cloud.js';
import type { VolumeDb } from '../../volume/volume.tables.js';
import { insertVolume } from '../../volume/attachments/attachment.fixture.js';
import { startVolumeComputeCloud, until, type VolumeComputeCloud } from '../volume-attachments/volume-attachment.fixture.js';

describe('boot from volume', () => {
  let c: VolumeComputeCloud;
  let t: TestCloud;
  let member: MemberUser;
  let db: VolumeDb;
  let flavor: string;
  let image: string;
  const driver = () => t.cloud.agents.agents[0]!.driver as FakeDriver;
  const volume = (id: string) => db.selectFrom('volume').selectAll().where('id', '=', id).executeTakeFirst();
  const cinder = (method: string, path: string, body?: unknown) =>
    t.request(method, `/volume/v3/${member.projectId}${path}`, { token: member.token, body, headers: { 'openstack-api-version': 'volume 3.60' } });
  const create = (server: Record<string, unknown>) =>
    t.request('POST', '/compute/v2.1/servers', { token: member.token, body: { server: { flavorRef: flavor, networks: 'none', ...server } } });
  const mappings = (server: string) => t.cloud.compute.ctx.deps.db.selectFrom('compute_block_device_mapping').selectAll().where('instance_uuid', '=', server).execute();

  async function availableVolume(body: Record<string, unknown>): Promise<string> {
    const res = await cinder('POST', '/volumes', { volume: body });
    assert.equal(res.status, 202, res.text);
    const id = res.body.volume.id as string;
    await until(`volume ${id} available`, async () => {
      const v = await volume(id);
      if (v?.status === 'error') throw new Error(`volume ${id} ended in error: ${v.status_reason}`);
      return v?.status === 'available';
    }, 120_000);
    return id;
  }

  before(async () => {
    c = await startVolumeComputeCloud(1);
    t = c.t;
    const admin = await t.adminToken();
    member = await createMemberUser(t, 'nb-bfv-member');
    db = t.cloud.volume.ctx.deps.db;
    flavor = await createFlavor(t, admin, { name: 'nb-bfv-flavor', disk: 1 });
    image = await createActiveImage(t, admin, 'nb-bfv-img');
  });
  after(async () => { await c?.close(); });

  it('boots from a bootable volume: in-use as the guest\'s vda, available again after the server', async () => {
    const vol = await availableVolume({ size: 1, imageRef: image, name: 'nb-bfv-src' });
    assert.equal((await volume(vol))!.bootable, 1);
    const res = await create({ name: 'nb-bfv-1', imageRef: '', block_device_mapping_v2: [{ uuid: vol, boot_index: '0', source_type: 'volume', destination_type: 'volume' }] });
    assert.equal(res.status, 202, res.text);
    const id = res.body.server.id as string;
    const server = await waitForServer(t, member.token, id, 'ACTIVE', 60_000);
    assert.equal(server.image, '');
    assert.equal((await volume(vol))!.status, 'in-use');
    const [g] = driver().specOf(id)!.volumes;
    assert.equal(g!.volumeId, vol);
    assert.equal(g!.bootIndex, 0);
    assert.equal(g!.device, 'vda');
    assert.equal(driver().specOf(id)!.image, null);
    assert.ok(g!.connection.driver_volume_type === 'file' && existsSync(g!.connection.data.path), 'the guest gets the volume file');
    const att = await t.request('GET', `/compute/v2.1/servers/${id}/os-volume_attachments`, { token: member.token });
    assert.deepEqual(att.body.volumeAttachments, [{ id: vol, serverId: id, volumeId: vol, device: '/dev/vda' }]);
    assert.equal(novaError(await t.request('DELETE', `/compute/v2.1/servers/${id}/os-volume_attachments/${vol}`, { token: member.token }), 400, 'badRequest'),
      "Can't detach root device volume");

    // The guest hears of a grown volume (what the volume manager asks after extending an attached one).
    await t.cloud.platform.bus.call(CONDUCTOR_TOPIC, 'volumeExtended', { instanceUuid: id, volumeId: vol, sizeGb: 2 });
    const log = await t.request('POST', `/compute/v2.1/servers/${id}/action`, { token: member.token, body: { 'os-getConsoleOutput': {} } });
    assert.match(log.body.output, new RegExp(`NUBIS-DISK-EXTENDED volume=${vol} bytes=${2 * 1024 ** 3}`));

    assert.equal((await t.request('DELETE', `/compute/v2.1/servers/${id}`, { token: member.token })).status, 204);
    await waitForServer(t, member.token, id, 'DELETED');
    await until('available', async () => (await volume(vol))?.status === 'available');
    assert.deepEqual(await mappings(id), []);
  });

  it('boots from image → volume with delete_on_termination, with a blank data volume; both go with the server', async () => {
    const res = await create({
      name: 'nb-bfv-2',
      block_device_mapping_v2: [
        { uuid: image, boot_index: 0, source_type: 'image', destination_type: 'volume', volume_size: 1, delete_on_termination: true },
        { boot_index: -1, source_type: 'blank', destination_type: 'volume', volume_size: 1, delete_on_termination: 'true' },
      ],
    });
    assert.equal(res.status, 202, res.text);
    const id = res.body.server.id as string;
    await waitForServer(t, member.token, id, 'ACTIVE', 120_000);
    const rows = await mappings(id);
    assert.equal(rows.length, 2);
    const root = rows.find((m) => m.boot_index === 0)!;
    const data = rows.find((m) => m.boot_index === null)!;
    assert.equal(root.device_name, '/dev/vda');
    assert.equal(data.device_name, '/dev/vdb');
    for (const m of rows) assert.equal((await volume(m.volume_id!))!.status, 'in-use');
    assert.deepEqual(driver().specOf(id)!.volumes.map((g) => [g.volumeId, g.device, g.bootIndex]), [[root.volume_id, 'vda', 0], [data.volume_id, 'vdb', null]]);

    assert.equal((await t.request('DELETE', `/compute/v2.1/servers/${id}`, { token: member.token })).status, 204);
    await waitForServer(t, member.token, id, 'DELETED');
    await until('volumes gone', async () => (await volume(root.volume_id!)) === undefined && (await volume(data.volume_id!)) === undefined, 120_000);
  });

  it('boots from a snapshot as `server create --snapshot` sends it (no size: the snapshot\'s)', async () => {
    const src = await availableVolume({ size: 1, imageRef: image, name: 'nb-bfv-snapsrc' });
    const snap = await cinder('POST', '/snapshots', { snapshot: { volume_id: src, name: 'nb-bfv-snap' } });
    assert.equal(snap.status, 202, snap.text);
    const snapId = snap.body.snapshot.id as string;
    await until('snapshot available', async () => (await cinder('GET', `/snapshots/${snapId}`)).body.snapshot.status === 'available', 120_000);
    const res = await create({ name: 'nb-bfv-snap', imageRef: '', block_device_mapping_v2: [
      { uuid: snapId, boot_index: '0', source_type: 'snapshot', destination_type: 'volume', delete_on_termination: false },
    ] });
    assert.equal(res.status, 202, res.text);
    const id = res.body.server.id as string;
    await waitForServer(t, member.token, id, 'ACTIVE', 120_000);
    const [root] = await mappings(id);
    const made = (await volume(root!.volume_id!))!;
    assert.equal(made.snapshot_id, snapId);
    assert.equal(made.size, 1);
    assert.equal(made.status, 'in-use');
    assert.equal((await t.request('DELETE', `/compute/v2.1/servers/${id}`, { token: member.token })).status, 204);
    await waitForServer(t, member.token, id, 'DELETED');
    await until('kept and available', async () => (await volume(made.id))?.status === 'available');
  });

  it('attaches data volumes at create beside a local image root disk', async () => {
    const vol = await availableVolume({ size: 1, name: 'nb-bfv-data' });
    const res = await create({ name: 'nb-bfv-3', imageRef: image, block_device_mapping_v2: [
      { uuid: image, boot_index: 0, source_type: 'image', destination_type: 'local', delete_on_termination: true },
      { uuid: vol, source_type: 'volume', destination_type: 'volume', device_name: 'vdc' },
    ] });
    assert.equal(res.status, 202, res.text);
    const id = res.body.server.id as string;
    await waitForServer(t, member.token, id, 'ACTIVE', 60_000);
    assert.equal(driver().specOf(id)!.image?.id, image);
    assert.deepEqual(driver().specOf(id)!.volumes.map((g) => [g.volumeId, g.device]), [[vol, 'vdc']]);
    assert.equal((await volume(vol))!.status, 'in-use');
    // Detaching a data volume of a server booted this way works as any other.
    assert.equal((await t.request('DELETE', `/compute/v2.1/servers/${id}/os-volume_attachments/${vol}`, { token: member.token })).status, 202);
    await until('available', async () => (await volume(vol))?.status === 'available');
  });

  it('refuses bad mappings before anything is made', async () => {
    const count = async () => (await db.selectFrom('volume').select('id').where('project_id', '=', member.projectId).execute()).length;
    const servers = async () => (await t.request('GET', '/compute/v2.1/servers', { token: member.token })).body.servers.length as number;
    const before = { volumes: await count(), servers: await servers() };
    const plain = await insertVolume(db, member.projectId, member.id);
    assert.equal(novaError(await create({ name: 'x', block_device_mapping_v2: [{ uuid: plain.id, boot_index: 0, source_type: 'volume', destination_type: 'volume' }] }), 400, 'badRequest'),
      `Block Device ${plain.id} is not bootable.`);
    const missing = randomUUID();
    assert.equal(novaError(await create({ name: 'x', block_device_mapping_v2: [{ uuid: missing, boot_index: 0, source_type: 'volume', destination_type: 'volume' }] }), 400, 'badRequest'),
      `Block Device Mapping is Invalid: failed to get volume ${missing}.`);
    assert.match(novaError(await create({ name: 'x', block_device_mapping_v2: [{ uuid: image, boot_index: 0, source_type: 'image', destination_type: 'volume' }] }), 400, 'badRequest'),
      /need to have a non-zero size specified/);
    assert.match(novaError(await create({ name: 'x', block_device_mapping_v2: [{ uuid: image, boot_index: 1, source_type: 'image', destination_type: 'volume', volume_size: 1 }] }), 400, 'badRequest'),
      /Boot sequence for the instance and image\/block device mapping combination is not valid/);
    assert.match(novaError(await create({ name: 'x', block_device_mapping_v2: [{ boot_index: 0, source_type: 'nope', destination_type: 'volume' }] }), 400, 'badRequest'),
      /Invalid source_type field/);
    const boot = await insertVolume(db, member.projectId, member.id, { bootable: 1 });
    assert.match(novaError(await create({ name: 'x', min_count: 2, block_device_mapping_v2: [{ uuid: boot.id, boot_index: 0, source_type: 'volume', destination_type: 'volume' }] }), 400, 'badRequest'),
      /Cannot attach one or more volumes to multiple instances/);
    // Over the volume quota: 403, and neither the server nor any volume is left.
    const quota = await t.request('PUT', `/volume/v3/${member.projectId}/os-quota-sets/${member.projectId}`, { token: await t.adminToken(), body: { quota_set: { gigabytes: 30 } } });
    assert.equal(quota.status, 200, quota.text);
    const over = await create({ name: 'nb-bfv-over', block_device_mapping_v2: [
      { uuid: image, boot_index: 0, source_type: 'image', destination_type: 'volume', volume_size: 1, delete_on_termination: true },
      { source_type: 'blank', destination_type: 'volume', volume_size: 50 },
    ] });
    assert.match(novaError(over, 403, 'forbidden'), /VolumeSizeExceedsAvailableQuota/);
    await until('volumes of the refused server gone', async () => (await count()) === before.volumes + 2, 120_000);
    assert.equal(await servers(), before.servers);
    assert.equal((await volume(plain.id))!.status, 'available');
    assert.equal((await volume(boot.id))!.status, 'available');
  });
});
