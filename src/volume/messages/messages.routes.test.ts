import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startVolumeKit, type VolumeKit } from '../volumes/volume-test-kit.js';
import { recordUserMessage } from './user-messages.js';

let k: VolumeKit;
before(async () => {
  k = await startVolumeKit();
  const deps = k.tc.cloud.volume.ctx.deps;
  for (let i = 0; i < 3; i++) {
    await recordUserMessage(deps, {
      projectId: k.alice.projectId, resourceType: i === 2 ? 'SNAPSHOT' : 'VOLUME', resourceId: `00000000-0000-4000-8000-00000000000${i}`,
      eventId: 'VOLUME_VOLUME_001_003', message: 'schedule allocate volume:Could not find any available weighted backend.', requestId: `req-${i}`,
    });
  }
  await recordUserMessage(deps, { projectId: k.bob.projectId, resourceType: 'VOLUME', resourceId: null, eventId: 'VOLUME_VOLUME_001_001', message: 'bob' });
});
after(async () => { await k?.close(); });

const KEYS = ['created_at', 'event_id', 'expires_at', 'guaranteed_until', 'id', 'links', 'message_level', 'request_id', 'resource_type',
  'resource_uuid', 'user_message'];

test('list, show and delete a project\'s messages (3.3+)', async () => {
  const old = await k.call(k.alice, 'GET', '/messages', undefined, '3.2');
  assert.equal(old.status, 404);
  const list = await k.call(k.alice, 'GET', '/messages', undefined, '3.3');
  assert.equal(list.status, 200, list.text);
  assert.equal(list.body.messages.length, 3);
  const m = list.body.messages[0];
  assert.deepEqual(Object.keys(m).sort(), KEYS);
  assert.equal(m.message_level, 'ERROR');
  assert.equal(m.event_id, 'VOLUME_VOLUME_001_003');
  assert.match(m.guaranteed_until, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  assert.ok(Date.parse(`${m.guaranteed_until}Z`) - Date.parse(`${m.created_at}Z`) >= 29 * 24 * 3600 * 1000);

  const snaps = await k.call(k.alice, 'GET', '/messages?resource_type=VOLUME_SNAPSHOT');
  assert.equal(snaps.body.messages.length, 1);
  const paged = await k.call(k.alice, 'GET', '/messages?limit=2');
  assert.equal(paged.body.messages.length, 2);
  assert.ok(paged.body.messages_links?.[0]?.href.includes('marker='));
  const badFilter = await k.call(k.alice, 'GET', '/messages?user_message=x');
  assert.equal(badFilter.status, 400);

  const show = await k.call(k.alice, 'GET', `/messages/${m.id}`);
  assert.equal(show.status, 200);
  assert.deepEqual(show.body.message, m);
  const bobSees = await k.call(k.bob, 'GET', `/messages/${m.id}`);
  assert.equal(bobSees.status, 404);
  assert.equal(bobSees.body.itemNotFound.message, `Message ${m.id} could not be found.`);
  assert.equal((await k.call(k.bob, 'DELETE', `/messages/${m.id}`)).status, 404);
  const bobList = await k.call(k.bob, 'GET', '/messages');
  assert.deepEqual(bobList.body.messages.map((x: { user_message: string }) => x.user_message), ['bob']);
  assert.ok(!('resource_uuid' in bobList.body.messages[0]));

  const del = await k.call(k.alice, 'DELETE', `/messages/${m.id}`);
  assert.equal(del.status, 204);
  assert.equal((await k.call(k.alice, 'GET', `/messages/${m.id}`)).status, 404);
  assert.equal((await k.call(k.alice, 'GET', '/messages')).body.messages.length, 2);
});

test('expired messages are neither listed nor shown', async () => {
  const deps = k.tc.cloud.volume.ctx.deps;
  await recordUserMessage(deps, { projectId: k.alice.projectId, resourceType: 'BACKUP', resourceId: null, eventId: 'VOLUME_VOLUME_BACKUP_013_019', message: 'old' });
  const row = await k.db.selectFrom('volume_message').select('id').where('user_message', '=', 'old').executeTakeFirstOrThrow();
  await k.db.updateTable('volume_message').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', row.id).execute();
  const list = await k.call(k.alice, 'GET', '/messages');
  assert.ok(!list.body.messages.some((x: { id: string }) => x.id === row.id));
  assert.equal((await k.call(k.alice, 'GET', `/messages/${row.id}`)).status, 404);
});
