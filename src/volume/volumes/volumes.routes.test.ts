import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { createMemberUser } from '../../../test/harness/member-user.js';
import { startVolumeKit, waitFor, type VolumeKit } from './volume-test-kit.js';

const BASE_KEYS = ['attachments', 'availability_zone', 'bootable', 'consistencygroup_id', 'created_at', 'description', 'encrypted',
  'id', 'links', 'metadata', 'multiattach', 'name', 'os-vol-tenant-attr:tenant_id', 'replication_status', 'size', 'snapshot_id',
  'source_volid', 'status', 'updated_at', 'user_id', 'volume_type'];
const V348_KEYS = ['group_id', 'service_uuid', 'shared_targets'];
const ADMIN_KEYS = ['migration_status', 'os-vol-host-attr:host', 'os-vol-mig-status-attr:migstat', 'os-vol-mig-status-attr:name_id', 'provider_id'];
const sorted = (a: string[]) => [...a].sort();

let k: VolumeKit;
before(async () => { k = await startVolumeKit(); });
after(async () => { await k?.close(); });

test('create answers 202 with the detail view, then the volume becomes available', async () => {
  const res = await k.call(k.alice, 'POST', '/volumes', { volume: { size: 1, name: 'v-one', description: 'first', metadata: { a: 'b' } } });
  assert.equal(res.status, 202, res.text);
  const v = res.body.volume;
  assert.deepEqual(sorted(Object.keys(v)), sorted([...BASE_KEYS, ...V348_KEYS]));
  assert.equal(v.status, 'creating');
  assert.equal(v.size, 1);
  assert.equal(v.name, 'v-one');
  assert.equal(v.description, 'first');
  assert.deepEqual(v.metadata, { a: 'b' });
  assert.equal(v.bootable, 'false');
  assert.equal(v.multiattach, false);
  assert.equal(v.encrypted, false);
  assert.equal(v.availability_zone, 'nova');
  assert.equal(v.volume_type, '__DEFAULT__');
  assert.equal(v['os-vol-tenant-attr:tenant_id'], k.alice.projectId);
  assert.equal(v.user_id, k.alice.id);
  assert.deepEqual(v.attachments, []);
  assert.match(v.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  assert.equal(v.links[0].rel, 'self');
  assert.ok(v.links[0].href.endsWith(`/volume/v3/${k.alice.projectId}/volumes/${v.id}`));
  const done = await k.waitVolume(k.alice, v.id, (x) => x.status !== 'creating');
  assert.equal(done.status, 'available');

  // Admins see the host and migration attributes; older microversions lack the 3.13+/3.48 keys.
  const asAdmin = await k.call(k.admin, 'GET', `/volumes/${v.id}`);
  assert.equal(asAdmin.status, 200);
  assert.deepEqual(sorted(Object.keys(asAdmin.body.volume)), sorted([...BASE_KEYS, ...V348_KEYS, ...ADMIN_KEYS]));
  assert.match(String(asAdmin.body.volume['os-vol-host-attr:host']), /@.+#/);
  const old = await k.call(k.alice, 'GET', `/volumes/${v.id}`, undefined, '3.0');
  assert.deepEqual(sorted(Object.keys(old.body.volume)), sorted(BASE_KEYS));
});

test('bad sizes, zones, types and sources are 400/404 with Cinder messages', async () => {
  const bad = async (volume: Record<string, unknown>, status: number, message: string | RegExp) => {
    const res = await k.call(k.alice, 'POST', '/volumes', { volume });
    assert.equal(res.status, status, `${JSON.stringify(volume)} → ${res.text}`);
    const body = Object.values(res.body)[0] as { message: string; code: number };
    assert.equal(body.code, status);
    if (typeof message === 'string') assert.equal(body.message, message); else assert.match(body.message, message);
  };
  await bad({ size: 0 }, 400, "Invalid input received: Volume size '0' must be an integer and greater than 0");
  await bad({ size: 'abc' }, 400, "Invalid input received: Volume size 'abc' must be an integer and greater than 0");
  await bad({ size: 1.5 }, 400, "Invalid input received: Volume size '1.5' must be an integer and greater than 0");
  await bad({}, 400, "Invalid input received: Volume size 'None' must be an integer and greater than 0");
  await bad({ size: 1, availability_zone: 'nowhere' }, 400, "Availability zone 'nowhere' is invalid.");
  await bad({ size: 1, volume_type: 'no-such-type' }, 404, 'Volume type no-such-type could not be found.');
  const missing = '00000000-0000-4000-8000-000000000000';
  await bad({ snapshot_id: missing }, 404, `Snapshot ${missing} could not be found.`);
  await bad({ source_volid: missing }, 404, `Volume ${missing} could not be found.`);
  await bad({ size: 1, imageRef: missing }, 400, 'Invalid image identifier or unable to access requested image.');
  await bad({ size: 1, backup_id: missing }, 404, `Backup ${missing} could not be found.`);
  await bad({ size: 1, name: 'x'.repeat(256) }, 400, /name/);
  await bad({ size: 1, metadata: { k: 5 } }, 400, /metadata/);
  const res = await k.call(k.alice, 'POST', '/volumes', { nope: {} });
  assert.equal(res.status, 400);
  // Nothing half-done: no row was left by any refused create.
  const rows = await k.db.selectFrom('volume').select('id').where('project_id', '=', k.alice.projectId).where('size', '=', 0).execute();
  assert.equal(rows.length, 0);
});

test('a clone and a volume from a snapshot must be at least as big as their source', async () => {
  const src = await k.availableVolume(k.alice, { size: 2, name: 'src' });
  const small = await k.call(k.alice, 'POST', '/volumes', { volume: { size: 1, source_volid: src.id } });
  assert.equal(small.status, 400);
  assert.equal(small.body.badRequest.message,
    "Invalid input received: Volume size '1'GB cannot be smaller than original volume size  2GB. They must be >= original volume size.");
  const clone = await k.call(k.alice, 'POST', '/volumes', { volume: { source_volid: src.id } });
  assert.equal(clone.status, 202, clone.text);
  assert.equal(clone.body.volume.size, 2);
  assert.equal(clone.body.volume.source_volid, src.id);
  const cloned = await k.waitVolume(k.alice, clone.body.volume.id, (v) => v.status !== 'creating');
  assert.equal(cloned.status, 'available');

  const snap = await k.call(k.alice, 'POST', '/snapshots', { snapshot: { volume_id: src.id, name: 's' } });
  assert.equal(snap.status, 202, snap.text);
  const snapId = snap.body.snapshot.id;
  // Until the snapshot is available it cannot be a source.
  const early = await k.db.selectFrom('volume_snapshot').select('status').where('id', '=', snapId).executeTakeFirstOrThrow();
  if (early.status === 'creating') {
    const r = await k.call(k.alice, 'POST', '/volumes', { volume: { snapshot_id: snapId } });
    if (r.status === 400) assert.equal(r.body.badRequest.message, "Invalid snapshot: Originating snapshot status must be one of 'available' values");
  }
  await waitFor('snapshot available', async () => {
    const row = await k.db.selectFrom('volume_snapshot').select('status').where('id', '=', snapId).executeTakeFirst();
    return row?.status === 'available' ? true : undefined;
  });
  const tooSmall = await k.call(k.alice, 'POST', '/volumes', { volume: { size: 1, snapshot_id: snapId } });
  assert.equal(tooSmall.status, 400);
  assert.equal(tooSmall.body.badRequest.message,
    "Invalid input received: Volume size '1'GB cannot be smaller than the snapshot size 2GB. They must be >= original snapshot size.");
  const fromSnap = await k.call(k.alice, 'POST', '/volumes', { volume: { snapshot_id: snapId, size: 3 } });
  assert.equal(fromSnap.status, 202, fromSnap.text);
  assert.equal(fromSnap.body.volume.snapshot_id, snapId);
  assert.equal(fromSnap.body.volume.volume_type, src.volume_type);
  assert.equal((await k.waitVolume(k.alice, fromSnap.body.volume.id, (v) => v.status !== 'creating')).status, 'available');

  // The source volume now has a snapshot: deleting it without cascade is refused.
  const del = await k.call(k.alice, 'DELETE', `/volumes/${src.id}`);
  assert.equal(del.status, 400);
  assert.match(del.body.badRequest.message, /^Invalid volume: Volume status must be available or error .* have snapshots, awaiting a transfer/);
  const cascade = await k.call(k.alice, 'DELETE', `/volumes/${src.id}?cascade=true`);
  assert.equal(cascade.status, 202, cascade.text);
  const snapNow = await k.db.selectFrom('volume_snapshot').select('status').where('id', '=', snapId).executeTakeFirst();
  assert.ok(!snapNow || snapNow.status === 'deleting', `snapshot ${JSON.stringify(snapNow)}`);
  await waitFor('cascade delete', async () => {
    const left = await k.db.selectFrom('volume').select('id').where('id', '=', String(src.id)).executeTakeFirst();
    return left ? undefined : true;
  });
});

test('volumes from images: the image must be active and fit', async () => {
  const admin = k.admin.token;
  const img = await k.tc.request('POST', '/image/v2/images', {
    token: admin, body: { name: `vvol-img`, disk_format: 'raw', container_format: 'bare', visibility: 'public', min_disk: 2, foo: 'bar' },
  });
  assert.equal(img.status, 201, img.text);
  const imageId = img.body.id;
  const queued = await k.call(k.alice, 'POST', '/volumes', { volume: { size: 2, imageRef: imageId } });
  assert.equal(queued.status, 400);
  assert.equal(queued.body.badRequest.message, `Invalid input received: Image ${imageId} is not active.`);
  const up = await k.tc.request('PUT', `/image/v2/images/${imageId}/file`, {
    token: admin, rawBody: Buffer.alloc(1024 * 1024, 7), headers: { 'content-type': 'application/octet-stream' },
  });
  assert.equal(up.status, 204, up.text);
  const small = await k.call(k.alice, 'POST', '/volumes', { volume: { size: 1, imageRef: imageId } });
  assert.equal(small.status, 400);
  assert.equal(small.body.badRequest.message, 'Invalid input received: Volume size 1GB cannot be smaller than the image minDisk size 2GB.');
  const ok = await k.call(k.alice, 'POST', '/volumes', { volume: { size: 2, image_id: imageId, name: 'from-image' } });
  assert.equal(ok.status, 202, ok.text);
  const meta = ok.body.volume.volume_image_metadata;
  assert.equal(meta.image_id, imageId);
  assert.equal(meta.image_name, 'vvol-img');
  assert.equal(meta.disk_format, 'raw');
  assert.equal(meta.container_format, 'bare');
  assert.equal(meta.min_disk, '2');
  assert.equal(meta.foo, 'bar');
  const v = await k.waitVolume(k.alice, ok.body.volume.id, (x) => x.status !== 'creating');
  const reason = await k.db.selectFrom('volume').select('status_reason').where('id', '=', ok.body.volume.id).executeTakeFirst();
  assert.equal(v.status, 'available', `status_reason: ${reason?.status_reason}`);
  assert.equal(v.bootable, 'true');
});

test('update sets name, description and metadata; other projects see a 404', async () => {
  const v = await k.availableVolume(k.alice, { size: 1, name: 'before' });
  const res = await k.call(k.alice, 'PUT', `/volumes/${v.id}`, { volume: { display_name: 'after', description: 'd', metadata: { x: '1' } } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.volume.name, 'after');
  assert.equal(res.body.volume.description, 'd');
  assert.deepEqual(res.body.volume.metadata, { x: '1' });
  const again = await k.call(k.alice, 'GET', `/volumes/${v.id}`);
  assert.equal(again.body.volume.name, 'after');

  const notFound = `Volume ${String(v.id)} could not be found.`;
  for (const [method, path, body] of [['GET', `/volumes/${v.id}`], ['PUT', `/volumes/${v.id}`, { volume: { name: 'x' } }],
    ['DELETE', `/volumes/${v.id}`], ['GET', `/volumes/${v.id}/metadata`]] as Array<[string, string, unknown]>) {
    const r = await k.call(k.bob, method, path, body);
    assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
    assert.equal(r.body.itemNotFound.message, notFound);
  }
  // Bob's own URL names his project; naming Alice's project in the URL is refused outright.
  const cross = await k.tc.request('GET', `/volume/v3/${k.alice.projectId}/volumes`, { token: k.bob.token });
  assert.equal(cross.status, 403);
  const bobs = await k.call(k.bob, 'GET', '/volumes');
  assert.deepEqual(bobs.body.volumes, []);
});

test('delete refuses attached and busy volumes, then removes the volume', async () => {
  const v = await k.availableVolume(k.alice, { size: 1, name: 'doomed' });
  const id = String(v.id);
  // An attachment as the attach workflow leaves it.
  const ts = new Date().toISOString();
  await k.db.insertInto('volume_attachment').values({
    id: randomUUID(), volume_id: id, instance_uuid: randomUUID(), attached_host: 'h1', mountpoint: '/dev/vdb',
    attach_status: 'attached', attach_mode: 'rw', connector: null, connection_info: null, attach_time: ts, detach_time: null, created_at: ts, updated_at: ts,
  }).execute();
  await k.db.updateTable('volume').set({ status: 'in-use', attach_status: 'attached' }).where('id', '=', id).execute();
  const shown = await k.call(k.alice, 'GET', `/volumes/${id}`);
  assert.equal(shown.body.volume.attachments.length, 1);
  assert.deepEqual(sorted(Object.keys(shown.body.volume.attachments[0])), sorted(['id', 'attachment_id', 'volume_id', 'server_id', 'host_name', 'device', 'attached_at']));
  assert.equal(shown.body.volume.attachments[0].host_name, null);
  assert.equal(shown.body.volume.attachments[0].device, '/dev/vdb');
  const refused = await k.call(k.alice, 'DELETE', `/volumes/${id}`);
  assert.equal(refused.status, 400);
  assert.equal(refused.body.badRequest.message, 'Invalid volume: Volume status must be available or error or error_restoring or error_extending or '
    + 'error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from '
    + 'snapshots after volume transfer.');
  // Even an admin's force delete leaves an attached volume alone.
  const forced = await k.call(k.admin, 'DELETE', `/volumes/${id}?force=true`);
  assert.equal(forced.status, 400, forced.text);
  await k.db.deleteFrom('volume_attachment').where('volume_id', '=', id).execute();
  await k.db.updateTable('volume').set({ status: 'awaiting-transfer', attach_status: 'detached' }).where('id', '=', id).execute();
  assert.equal((await k.call(k.alice, 'DELETE', `/volumes/${id}`)).status, 400);
  await k.db.updateTable('volume').set({ status: 'available' }).where('id', '=', id).execute();
  const memberForce = await k.call(k.alice, 'DELETE', `/volumes/${id}?force=true`);
  assert.equal(memberForce.status, 403);
  const ok = await k.call(k.alice, 'DELETE', `/volumes/${id}`);
  assert.equal(ok.status, 202, ok.text);
  assert.equal(ok.text, '');
  await waitFor('volume deleted', async () =>
    (await k.db.selectFrom('volume').select('id').where('id', '=', id).executeTakeFirst()) ? undefined : true);
  assert.equal((await k.call(k.alice, 'GET', `/volumes/${id}`)).status, 404);
});

test('20 concurrent creates against a quota of 5 volumes: exactly 5 succeed', async () => {
  const carol = await createMemberUser(k.tc, `vvol-carol-${Date.now()}`);
  await k.db.insertInto('volume_quota').values({ project_id: carol.projectId, resource: 'volumes', hard_limit: 5 }).execute();
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => k.call(carol, 'POST', '/volumes', { volume: { size: 1, name: `q${i}` } })));
  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 202).length, 5, JSON.stringify(statuses));
  assert.equal(statuses.filter((s) => s === 413).length, 15, JSON.stringify(statuses));
  const refused = results.find((r) => r.status === 413)!;
  assert.match(refused.body.overLimit.message, /volumes/);
  const rows = await k.db.selectFrom('volume').select('id').where('project_id', '=', carol.projectId).execute();
  assert.equal(rows.length, 5);
});

test('racing deletes and snapshots of one volume: exactly one delete wins, no snapshot outlives it', async () => {
  const v = await k.availableVolume(k.alice, { size: 1, name: 'raced' });
  const id = String(v.id);
  const results = await Promise.all([
    ...Array.from({ length: 8 }, () => k.call(k.alice, 'DELETE', `/volumes/${id}`)),
    ...Array.from({ length: 4 }, () => k.call(k.alice, 'POST', '/snapshots', { snapshot: { volume_id: id } })),
  ]);
  const deletes = results.slice(0, 8).map((r) => r.status);
  const snaps = results.slice(8).map((r) => r.status);
  const won = deletes.filter((s) => s === 202).length;
  // Either a delete won (then every snapshot was refused), or a snapshot came first (then every delete was refused).
  if (won === 1) {
    assert.deepEqual(snaps.filter((s) => s === 202), [], JSON.stringify({ deletes, snaps }));
  } else {
    assert.equal(won, 0, JSON.stringify({ deletes, snaps }));
    assert.ok(snaps.includes(202), JSON.stringify({ deletes, snaps }));
  }
  // A request arriving after the manager removed the volume finds nothing (404).
  for (const r of results) assert.ok([202, 400, 404].includes(r.status), r.text);
});

test('a volume from a backup (3.47): the backup must be available and fit', async () => {
  const src = await k.availableVolume(k.alice, { size: 2, name: 'backed-up' });
  const b = await k.call(k.alice, 'POST', '/backups', { backup: { volume_id: src.id, name: 'bk' } });
  assert.equal(b.status, 202, b.text);
  const backupId = String(b.body.backup.id);
  await waitFor('backup available', async () => {
    const row = await k.db.selectFrom('volume_backup').select(['status', 'fail_reason']).where('id', '=', backupId).executeTakeFirst();
    if (row?.status === 'error') throw new Error(`backup failed: ${row.fail_reason}`);
    return row?.status === 'available' ? true : undefined;
  });
  const old = await k.call(k.alice, 'POST', '/volumes', { volume: { backup_id: backupId } }, '3.46');
  assert.equal(old.status, 400);
  const small = await k.call(k.alice, 'POST', '/volumes', { volume: { size: 1, backup_id: backupId } });
  assert.equal(small.status, 400);
  assert.equal(small.body.badRequest.message, 'Invalid input received: Volume size 1GB cannot be smaller than the backup size 2GB. It must be >= backup size.');
  const res = await k.call(k.alice, 'POST', '/volumes', { volume: { backup_id: backupId, name: 'restored' } });
  assert.equal(res.status, 202, res.text);
  assert.equal(res.body.volume.size, 2);
  // While it restores, the backup is busy: a second volume from it is refused.
  const busy = await k.db.selectFrom('volume_backup').select('status').where('id', '=', backupId).executeTakeFirstOrThrow();
  if (busy.status === 'restoring') {
    const second = await k.call(k.alice, 'POST', '/volumes', { volume: { backup_id: backupId } });
    if (second.status === 400) assert.equal(second.body.badRequest.message, "Invalid backup: Originating backup status must be one of 'available' values");
  }
  const v = await k.waitVolume(k.alice, res.body.volume.id, (x) => x.status !== 'creating');
  assert.equal(v.status, 'available');
  await waitFor('backup available again', async () => {
    const row = await k.db.selectFrom('volume_backup').select('status').where('id', '=', backupId).executeTakeFirst();
    return row?.status === 'available' ? true : undefined;
  });
});
