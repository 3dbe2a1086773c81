// POST /servers/{id}/action against fake hosts: every action of the state table from a state that
// allows it reaches its status and power state; from one that does not, Nova's 409; racing
// requests get one 202 and one 409; each is recorded under its request id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createActiveImage, createFlavor, novaError, startFakeComputeCloud, waitForServer } from '../../../test/harness/compute-fixtures.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import type { TestCloud } from '../../../test/harness/test-cloud.js';
import type { ComputeDb } from '../compute.tables.js';
import type { FakeDriver } from '../../agent/compute/drivers/fake/fake-driver.js';
import { json } from '../common.js';
import type { SystemMetadata } from '../conductor/guest-spec.js';

const ver = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });

describe('server actions', () => {
  let t: TestCloud;
  let db: ComputeDb;
  let admin: string;
  let owner: MemberUser;
  let small: string;
  let medium: string;
  let large: string;
  let image: string;
  let image2: string;

  before(async () => {
    t = await startFakeComputeCloud(2, {
      quotaDefaults: { instances: -1, cores: -1, ram: -1, key_pairs: 100, metadata_items: 128, server_groups: 10, server_group_members: 10 },
    });
    db = t.cloud.compute.ctx.deps.db;
    admin = await t.adminToken();
    owner = await createMemberUser(t, 'nb-sa-owner');
    small = await createFlavor(t, admin, { name: 'nb-sa-small', vcpus: 1, ram: 128, disk: 1 });
    medium = await createFlavor(t, admin, { name: 'nb-sa-medium', vcpus: 2, ram: 256, disk: 2 });
    large = await createFlavor(t, admin, { name: 'nb-sa-large', vcpus: 3, ram: 512, disk: 2 });
    image = await createActiveImage(t, admin, 'nb-sa-img');
    image2 = await createActiveImage(t, admin, 'nb-sa-img2');
  });
  after(async () => { await t?.close(); });

  async function newServer(name: string, flavorRef = small): Promise<string> {
    const res = await t.request('POST', '/compute/v2.1/servers', { token: owner.token, body: { server: { name, flavorRef, imageRef: image, networks: 'none' } } });
    assert.equal(res.status, 202, res.text);
    await waitForServer(t, owner.token, res.body.server.id, 'ACTIVE');
    return res.body.server.id;
  }
  const act = (id: string, body: unknown, token = owner.token, headers: Record<string, string> = {}) =>
    t.request('POST', `/compute/v2.1/servers/${id}/action`, { token, body, headers });
  const show = async (id: string, token = admin, headers: Record<string, string> = ver('2.47')) =>
    (await t.request('GET', `/compute/v2.1/servers/${id}`, { token, headers })).body.server as Record<string, unknown>;
  /** Runs an action and waits for the status it should end in; returns the server then. */
  async function step(id: string, body: unknown, status: string, power: number, code = 202) {
    const res = await act(id, body);
    assert.equal(res.status, code, `${JSON.stringify(body)}: ${res.text}`);
    const s = await waitForServer(t, owner.token, id, status);
    assert.equal(s['OS-EXT-STS:power_state'], power, `${JSON.stringify(body)} → power state`);
    return res;
  }
  const allocations = async (id: string) =>
    (await db.selectFrom('compute_allocation').selectAll().where('instance_uuid', '=', id).orderBy('kind').execute())
      .map((a) => [a.kind, a.vcpus, a.memory_mb, a.disk_gb]);
  const conflictMessage = (id: string, action: string, vm: string) => `Cannot '${action}' instance ${id} while it is in vm_state ${vm}`;

  it('stop, start, reboot, pause/unpause, suspend/resume reach their status and power state', async () => {
    const id = await newServer('nb-sa-power');
    await step(id, { 'os-stop': null }, 'SHUTOFF', 4);
    await step(id, { 'os-start': null }, 'ACTIVE', 1);
    await step(id, { reboot: { type: 'SOFT' } }, 'ACTIVE', 1);
    await step(id, { reboot: { type: 'HARD' } }, 'ACTIVE', 1);
    await step(id, { pause: null }, 'PAUSED', 3);
    await step(id, { unpause: null }, 'ACTIVE', 1);
    await step(id, { suspend: null }, 'SUSPENDED', 7);
    await step(id, { resume: null }, 'ACTIVE', 1);
    // HARD reboot also brings back a stopped server.
    await step(id, { 'os-stop': null }, 'SHUTOFF', 4);
    await step(id, { reboot: { type: 'HARD' } }, 'ACTIVE', 1);
    novaError(await act(id, { reboot: { type: 'GENTLE' } }), 400, 'badRequest');
    novaError(await act(id, { reboot: null }), 400, 'badRequest');
    assert.match(novaError(await act(id, { 'os-fly': null }), 400, 'badRequest'), /os-fly/);
    novaError(await act(id, { 'os-stop': null, 'os-start': null }), 400, 'badRequest');
    novaError(await act(id, []), 400, 'badRequest');
  });

  it('refuses actions from states that do not allow them with Nova\'s 409', async () => {
    const id = await newServer('nb-sa-conflict');
    const fromActive: Array<[unknown, string]> = [
      [{ 'os-start': null }, 'start'], [{ unpause: null }, 'unpause'], [{ resume: null }, 'resume'],
      [{ confirmResize: null }, 'confirmResize'], [{ revertResize: null }, 'revertResize'], [{ unrescue: null }, 'unrescue'],
      [{ unshelve: null }, 'unshelve'], [{ shelveOffload: null }, 'shelveOffload'],
    ];
    for (const [body, name] of fromActive) {
      assert.equal(novaError(await act(id, body), 409, 'conflictingRequest'), conflictMessage(id, name, 'active'), name);
    }
    await step(id, { 'os-stop': null }, 'SHUTOFF', 4);
    for (const [body, name] of [[{ 'os-stop': null }, 'stop'], [{ pause: null }, 'pause'], [{ suspend: null }, 'suspend'],
      [{ reboot: { type: 'SOFT' } }, 'reboot']] as const) {
      assert.equal(novaError(await act(id, body), 409, 'conflictingRequest'), conflictMessage(id, name, 'stopped'), name);
    }
    await step(id, { 'os-start': null }, 'ACTIVE', 1);
    await step(id, { pause: null }, 'PAUSED', 3);
    assert.equal(novaError(await act(id, { rebuild: { imageRef: image2 } }), 409, 'conflictingRequest'), conflictMessage(id, 'rebuild', 'paused'));
    assert.equal(novaError(await act(id, { resize: { flavorRef: medium } }), 409, 'conflictingRequest'), conflictMessage(id, 'resize', 'paused'));
    assert.deepEqual(await allocations(id), [['instance', 1, 128, 1]], 'a refused resize holds nothing');
    assert.equal(novaError(await act(id, { rescue: null }), 409, 'conflictingRequest'), conflictMessage(id, 'rescue', 'paused'));
    // A task in flight blocks every other action.
    await sql`UPDATE compute_instance SET task_state = 'unpausing' WHERE uuid = ${id}`.execute(db);
    assert.equal(novaError(await act(id, { unpause: null }), 409, 'conflictingRequest'), `Cannot 'unpause' instance ${id} while it is in task_state unpausing`);
    await sql`UPDATE compute_instance SET task_state = NULL WHERE uuid = ${id}`.execute(db);
    await step(id, { unpause: null }, 'ACTIVE', 1);
  });

  it('two racing identical actions: exactly one 202 and one 409', async () => {
    const id = await newServer('nb-sa-race');
    for (const body of [{ 'os-stop': null }, { 'os-start': null }, { pause: null }]) {
      const answers = await Promise.all([act(id, body), act(id, body)]);
      assert.deepEqual(answers.map((a) => a.status).sort(), [202, 409], JSON.stringify(body));
      await waitForServer(t, owner.token, id, 'os-stop' in body ? 'SHUTOFF' : 'os-start' in body ? 'ACTIVE' : 'PAUSED');
    }
  });

  it('two racing resizes: one wins and keeps its hold on the new flavor', async () => {
    const id = await newServer('nb-sa-race-resize');
    const answers = await Promise.all([act(id, { resize: { flavorRef: medium } }), act(id, { resize: { flavorRef: large } })]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [202, 409], answers.map((a) => a.text).join(' '));
    const won = answers[0]!.status === 202 ? [2, 256, 2] : [3, 512, 2];
    await waitForServer(t, owner.token, id, 'VERIFY_RESIZE');
    assert.deepEqual(await allocations(id), [['instance', 1, 128, 1], ['migration', ...won]]);
    await step(id, { revertResize: null }, 'ACTIVE', 1);
    assert.deepEqual(await allocations(id), [['instance', 1, 128, 1]]);
  });

  it('rebuild boots a new image and keeps the server running or stopped', async () => {
    const id = await newServer('nb-sa-rebuild');
    const res = await act(id, { rebuild: { imageRef: image2, name: 'nb-sa-rebuilt', metadata: { role: 'db' }, adminPass: 'nb-given-pw' } });
    assert.equal(res.status, 202, res.text);
    assert.equal(res.body.server.id, id);
    assert.equal(res.body.server.adminPass, 'nb-given-pw');
    let s = await waitForServer(t, owner.token, id, 'ACTIVE');
    assert.equal((s.image as { id: string }).id, image2);
    assert.equal(s.name, 'nb-sa-rebuilt');
    assert.deepEqual(s.metadata, { role: 'db' });
    assert.equal(s['OS-EXT-STS:power_state'], 1);
    await step(id, { 'os-stop': null }, 'SHUTOFF', 4);
    await step(id, { rebuild: { imageRef: image } }, 'SHUTOFF', 4);
    s = await show(id);
    assert.equal((s.image as { id: string }).id, image);
    // From ERROR a rebuild brings the server back ACTIVE.
    assert.equal((await act(id, { 'os-resetState': { state: 'error' } }, admin)).status, 202);
    await step(id, { rebuild: { imageRef: image2 } }, 'ACTIVE', 1);
    novaError(await act(id, { rebuild: {} }), 400, 'badRequest');
    novaError(await act(id, { rebuild: { imageRef: '00000000-0000-4000-8000-000000000000' } }), 400, 'badRequest');
    novaError(await act(id, { rebuild: { imageRef: image, colour: 'x' } }), 400, 'badRequest');
    novaError(await act(id, { rebuild: { imageRef: image, user_data: 'aGVsbG8=' } }), 400, 'badRequest'); // before 2.57
    assert.match(novaError(await act(id, { rebuild: { imageRef: image, user_data: 'not base64!' } }, owner.token, ver('2.57')), 400, 'badRequest'), /valid base 64/);
    assert.equal((await act(id, { rebuild: { imageRef: image, user_data: 'aGVsbG8=' } }, owner.token, ver('2.57'))).status, 202);
    await waitForServer(t, owner.token, id, 'ACTIVE');
  });

  it('resize waits in VERIFY_RESIZE holding both flavors; confirm keeps only the new one', async () => {
    const id = await newServer('nb-sa-resize');
    await step(id, { resize: { flavorRef: medium } }, 'VERIFY_RESIZE', 1);
    assert.deepEqual(await allocations(id), [['instance', 1, 128, 1], ['migration', 2, 256, 2]]);
    const res = await act(id, { confirmResize: null });
    assert.equal(res.status, 204, res.text);
    const s = await waitForServer(t, owner.token, id, 'ACTIVE', 10_000, ver('2.47'));
    assert.equal((s.flavor as { original_name: string }).original_name, 'nb-sa-medium');
    assert.deepEqual(await allocations(id), [['instance', 2, 256, 2]]);
    novaError(await act(id, { resize: { flavorRef: medium } }), 400, 'badRequest');
    novaError(await act(id, { resize: { flavorRef: small } }), 400, 'badRequest'); // disk cannot shrink
    novaError(await act(id, { resize: { flavorRef: 'nb-no-such' } }), 400, 'badRequest');
    novaError(await act(id, { resize: {} }), 400, 'badRequest');
    // A flavor that does not fit beside the old one on this host: 400, and nothing held or left claimed.
    const huge = await createFlavor(t, admin, { name: 'nb-sa-huge', vcpus: 5000, ram: 256, disk: 2 });
    assert.match(novaError(await act(id, { resize: { flavorRef: huge } }), 400, 'badRequest'), /^No valid host was found\./);
    assert.equal((await show(id))['OS-EXT-STS:task_state'], null);
    assert.deepEqual(await allocations(id), [['instance', 2, 256, 2]]);
  });

  it('a resize the host fails keeps the old flavor and releases the new hold', async () => {
    const id = await newServer('nb-sa-resize-fail');
    const host = String((await show(id))['OS-EXT-SRV-ATTR:host']);
    const fake = t.cloud.agents.agents.find((a) => a.host === host)!.driver as FakeDriver;
    const resize = fake.resize;
    fake.resize = async () => { throw new Error('nb: the host could not resize'); };
    try {
      assert.equal((await act(id, { resize: { flavorRef: medium } })).status, 202);
      const s = await waitForServer(t, owner.token, id, 'ACTIVE', 10_000, ver('2.47'));
      assert.equal((s.flavor as { original_name: string }).original_name, 'nb-sa-small');
    } finally {
      fake.resize = resize;
    }
    assert.deepEqual(await allocations(id), [['instance', 1, 128, 1]]);
    const actions = await t.request('GET', `/compute/v2.1/servers/${id}/os-instance-actions`, { token: owner.token });
    assert.deepEqual(actions.body.instanceActions[0], { ...actions.body.instanceActions[0], action: 'resize', message: 'Error' });
  });

  it('a resize past the project\'s cores quota is a 403 that holds nothing', async () => {
    const q = await createMemberUser(t, 'nb-sa-quota');
    assert.equal((await t.request('PUT', `/compute/v2.1/os-quota-sets/${q.projectId}`, { token: admin, body: { quota_set: { cores: 1 } } })).status, 200);
    const res = await t.request('POST', '/compute/v2.1/servers', { token: q.token, body: { server: { name: 'nb-sa-q', flavorRef: small, imageRef: image, networks: 'none' } } });
    assert.equal(res.status, 202, res.text);
    const id = res.body.server.id as string;
    await waitForServer(t, q.token, id, 'ACTIVE');
    const denied = await act(id, { resize: { flavorRef: medium } }, q.token);
    assert.equal(novaError(denied, 403, 'forbidden'), 'Quota exceeded for cores: Requested 1, but already used 1 of 1 cores');
    assert.equal((await show(id))['OS-EXT-STS:task_state'], null);
    assert.deepEqual(await allocations(id), [['instance', 1, 128, 1]]);
  });

  it('revertResize goes back to the old flavor and frees the new one', async () => {
    const id = await newServer('nb-sa-revert', medium);
    await step(id, { resize: { flavorRef: large } }, 'VERIFY_RESIZE', 1);
    assert.equal(((await show(id)).flavor as { original_name: string }).original_name, 'nb-sa-large');
    await step(id, { revertResize: null }, 'ACTIVE', 1);
    const s = await show(id);
    assert.equal((s.flavor as { original_name: string }).original_name, 'nb-sa-medium');
    assert.deepEqual(await allocations(id), [['instance', 2, 256, 2]]);
    // A stopped server resizes and stays stopped.
    await step(id, { 'os-stop': null }, 'SHUTOFF', 4);
    await step(id, { resize: { flavorRef: large } }, 'VERIFY_RESIZE', 4);
    await step(id, { revertResize: null }, 'SHUTOFF', 4);
  });

  it('createImage answers Location before 2.45 and a body with image_id from 2.45', async () => {
    const id = await newServer('nb-sa-snap');
    let res = await act(id, { createImage: { name: 'nb-sa-snap-1', metadata: { purpose: 'test' } } });
    assert.equal(res.status, 202, res.text);
    const m = /\/image\/v2\/images\/([0-9a-f-]{36})$/.exec(String(res.headers.location));
    assert.ok(m, String(res.headers.location));
    const img = await t.request('GET', `/image/v2/images/${m[1]}`, { token: owner.token });
    assert.equal(img.status, 200);
    assert.equal(img.body.name, 'nb-sa-snap-1');
    assert.equal(img.body.instance_uuid, id);
    assert.equal(img.body.purpose, 'test');
    await waitForServer(t, owner.token, id, 'ACTIVE');
    res = await act(id, { createImage: { name: 'nb-sa-snap-2' } }, owner.token, ver('2.45'));
    assert.equal(res.status, 202, res.text);
    assert.match(res.body.image_id, /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.location, undefined);
    await waitForServer(t, owner.token, id, 'ACTIVE');
    novaError(await act(id, { createImage: {} }), 400, 'badRequest');
    // Refused from a state that does not allow it, and no image is left behind.
    await step(id, { 'os-stop': null }, 'SHUTOFF', 4);
    await sql`UPDATE compute_instance SET vm_state = 'rescued' WHERE uuid = ${id}`.execute(db);
    const before = (await t.request('GET', '/image/v2/images', { token: owner.token })).body.images.length;
    assert.equal(novaError(await act(id, { createImage: { name: 'nb-sa-snap-3' } }), 409, 'conflictingRequest'), conflictMessage(id, 'createImage', 'rescued'));
    assert.equal((await t.request('GET', '/image/v2/images', { token: owner.token })).body.images.length, before);
  });

  it('shelve offloads (no host, nothing allocated); unshelve boots on a host again', async () => {
    const id = await newServer('nb-sa-shelve');
    await step(id, { shelve: null }, 'SHELVED_OFFLOADED', 0);
    let s = await show(id);
    assert.equal(s['OS-EXT-SRV-ATTR:host'], null);
    assert.equal(s.hostId, '');
    assert.deepEqual(await allocations(id), []);
    assert.equal((await act(id, { shelveOffload: null })).status, 202);
    // A real host uploads the snapshot; the fake one does not, so the test marks it uploaded.
    const row = await db.selectFrom('compute_instance').select('system_metadata').where('uuid', '=', id).executeTakeFirstOrThrow();
    const shelved = json<SystemMetadata>(row.system_metadata, {}).shelved_image_id!;
    assert.ok(shelved);
    await sql`UPDATE image SET status = 'active', size = 16 WHERE id = ${shelved}`.execute(db);
    novaError(await act(id, { unshelve: { availability_zone: 'nova' } }), 400, 'badRequest');
    await step(id, { unshelve: null }, 'ACTIVE', 1);
    s = await show(id);
    assert.ok(t.cloud.agents.agents.map((a) => a.host).includes(String(s['OS-EXT-SRV-ATTR:host'])));
    assert.deepEqual(await allocations(id), [['instance', 1, 128, 1]]);
    assert.equal((await t.request('GET', `/image/v2/images/${shelved}`, { token: owner.token })).status, 404, 'the shelved image is removed');
  });

  it('a shelve whose snapshot fails leaves the server on its host and no image behind', async () => {
    const id = await newServer('nb-sa-shelve-fail');
    const host = String((await show(id))['OS-EXT-SRV-ATTR:host']);
    const fake = t.cloud.agents.agents.find((a) => a.host === host)!.driver as FakeDriver;
    const snapshot = fake.snapshot;
    const imagesBefore = (await t.request('GET', '/image/v2/images', { token: owner.token })).body.images.length;
    fake.snapshot = async () => { throw new Error('nb: upload refused'); };
    try {
      assert.equal((await act(id, { shelve: null })).status, 202);
      await t.cloud.compute.ctx.conductor.queue.idle();
    } finally {
      fake.snapshot = snapshot;
    }
    const s = await show(id);
    assert.equal(s['OS-EXT-STS:task_state'], null);
    assert.equal(s['OS-EXT-SRV-ATTR:host'], host);
    assert.deepEqual(await allocations(id), [['instance', 1, 128, 1]]);
    assert.equal((await t.request('GET', '/image/v2/images', { token: owner.token })).body.images.length, imagesBefore);
  });

  it('rescue answers the admin password and ends in RESCUE; unrescue returns to ACTIVE', async () => {
    const id = await newServer('nb-sa-rescue');
    const res = await act(id, { rescue: { adminPass: 'nb-rescue-pw' } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { adminPass: 'nb-rescue-pw' });
    await waitForServer(t, owner.token, id, 'RESCUE');
    assert.equal(novaError(await act(id, { rescue: null }), 409, 'conflictingRequest'), conflictMessage(id, 'rescue', 'rescued'));
    await step(id, { unrescue: null }, 'ACTIVE', 1);
    const again = await act(id, { rescue: null });
    assert.equal(again.status, 200, again.text);
    assert.equal(typeof again.body.adminPass, 'string');
    await waitForServer(t, owner.token, id, 'RESCUE');
    await step(id, { unrescue: null }, 'ACTIVE', 1);
  });

  it('os-resetState is for admins only', async () => {
    const id = await newServer('nb-sa-reset');
    assert.match(novaError(await act(id, { 'os-resetState': { state: 'error' } }), 403, 'forbidden'), /reset_state/);
    assert.equal((await act(id, { 'os-resetState': { state: 'error' } }, admin)).status, 202);
    assert.equal((await show(id)).status, 'ERROR');
    novaError(await act(id, { 'os-resetState': { state: 'paused' } }, admin), 400, 'badRequest');
    assert.equal((await act(id, { 'os-resetState': { state: 'active' } }, admin)).status, 202);
    assert.equal((await show(id)).status, 'ACTIVE');
  });

  it('records each action with the request id of its answer', async () => {
    const id = await newServer('nb-sa-log');
    const stop = await step(id, { 'os-stop': null }, 'SHUTOFF', 4);
    const start = await step(id, { 'os-start': null }, 'ACTIVE', 1);
    const res = await t.request('GET', `/compute/v2.1/servers/${id}/os-instance-actions`, { token: owner.token });
    assert.equal(res.status, 200, res.text);
    const got = res.body.instanceActions.map((a: { action: string; request_id: string }) => [a.action, a.request_id]);
    assert.deepEqual(got.slice(0, 2), [['start', start.headers['x-openstack-request-id']], ['stop', stop.headers['x-openstack-request-id']]]);
    assert.equal(got[2][0], 'create');
    const detail = await t.request('GET', `/compute/v2.1/servers/${id}/os-instance-actions/${stop.headers['x-openstack-request-id']}`, { token: admin });
    assert.equal(detail.status, 200, detail.text);
    assert.deepEqual(detail.body.instanceAction.events.map((e: { event: string; result: string }) => [e.event, e.result]), [['compute_stop_instance', 'Success']]);
  });
});
