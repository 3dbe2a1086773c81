import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startVolumeKit, type VolumeKit } from './volume-test-kit.js';

let k: VolumeKit;
const ids: string[] = [];
before(async () => {
  k = await startVolumeKit();
  // Five volumes, created one after another so created_at orders them.
  for (const [i, meta] of [{ tier: 'gold' }, { tier: 'silver' }, { tier: 'gold', env: 'prod' }, {}, { env: 'dev' }].entries()) {
    const v = await k.availableVolume(k.alice, { size: i + 1, name: i === 4 ? 'other' : `list-${i}`, metadata: meta });
    ids.push(String(v.id));
  }
  await k.db.updateTable('volume').set({ bootable: 1 }).where('id', '=', ids[1]!).execute();
  await k.availableVolume(k.bob, { size: 1, name: 'list-bob' });
});
after(async () => { await k?.close(); });

const names = (vols: Array<{ name: string }>) => vols.map((v) => v.name);

test('the summary list has id, name and links only; newest first', async () => {
  const res = await k.call(k.alice, 'GET', '/volumes');
  assert.equal(res.status, 200);
  assert.deepEqual(names(res.body.volumes), ['other', 'list-3', 'list-2', 'list-1', 'list-0']);
  for (const v of res.body.volumes) assert.deepEqual(Object.keys(v).sort(), ['id', 'links', 'name']);
  assert.equal(res.body.volumes_links, undefined);
  const detail = await k.call(k.alice, 'GET', '/volumes/detail');
  assert.equal(detail.body.volumes.length, 5);
  assert.ok('os-vol-tenant-attr:tenant_id' in detail.body.volumes[0]);
});

test('filters: name, status, metadata, bootable, availability_zone, size, like (3.34)', async () => {
  const q = async (query: string, version?: string) => {
    const res = await k.call(k.alice, 'GET', `/volumes/detail?${query}`, undefined, version);
    assert.equal(res.status, 200, `${query}: ${res.text}`);
    return names(res.body.volumes);
  };
  assert.deepEqual(await q('name=list-2'), ['list-2']);
  assert.deepEqual(await q('status=available&name=other'), ['other']);
  assert.deepEqual(await q('status=creating'), []);
  assert.deepEqual(await q(`metadata=${encodeURIComponent('{"tier": "gold"}')}`), ['list-2', 'list-0']);
  // cinderclient sends a Python dict's text.
  assert.deepEqual(await q(`metadata=${encodeURIComponent("{'tier': 'gold', 'env': 'prod'}")}`), ['list-2']);
  assert.deepEqual(await q('bootable=true'), ['list-1']);
  assert.deepEqual(await q('bootable=False').then((n) => n.length), 4);
  assert.deepEqual(await q('availability_zone=nova').then((n) => n.length), 5);
  assert.deepEqual(await q('availability_zone=elsewhere'), []);
  assert.deepEqual(await q('size=3'), ['list-2']);
  assert.deepEqual(await q(`${encodeURIComponent('name~')}=list`), ['list-3', 'list-2', 'list-1', 'list-0']);
  // Time comparisons (3.60).
  assert.equal((await q('created_at=gt:2000-01-01T00:00:00')).length, 5);
  assert.deepEqual(await q('created_at=lt:2000-01-01T00:00:00,gte:1999-01-01T00:00:00'), []);
  const badOp = await k.call(k.alice, 'GET', '/volumes?created_at=after:2000-01-01T00:00:00');
  assert.equal(badOp.status, 400);
  assert.equal(badOp.body.badRequest.message, 'Invalid after operator');
  // From 3.33 a member's unknown filter is refused; before, it is ignored.
  const bad = await k.call(k.alice, 'GET', '/volumes?host=x');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.badRequest.message, 'Invalid filters host are found in query options.');
  assert.equal((await q('host=x', '3.0')).length, 5);
  const badMeta = await k.call(k.alice, 'GET', '/volumes?metadata=nope');
  assert.equal(badMeta.status, 400);
});

test('sort, limit, marker, offset, next links and count', async () => {
  const all = await k.call(k.alice, 'GET', '/volumes?sort=size:asc');
  assert.deepEqual(names(all.body.volumes), ['list-0', 'list-1', 'list-2', 'list-3', 'other']);
  const legacy = await k.call(k.alice, 'GET', '/volumes?sort_key=name&sort_dir=asc');
  assert.deepEqual(names(legacy.body.volumes), ['list-0', 'list-1', 'list-2', 'list-3', 'other']);

  const seen: string[] = [];
  let url: string | undefined = '/volumes/detail?limit=2&sort=size:asc';
  let pages = 0;
  while (url) {
    const res = await k.call(k.alice, 'GET', url);
    assert.equal(res.status, 200, res.text);
    seen.push(...names(res.body.volumes));
    const next = res.body.volumes_links?.find((l: { rel: string }) => l.rel === 'next')?.href as string | undefined;
    if (next) {
      assert.ok(next.startsWith(`${k.tc.config.publicUrl}/volume/v3/${k.alice.projectId}/volumes/detail?`), next);
      url = next.slice(next.indexOf('/volumes/detail'));
    } else {
      url = undefined;
    }
    pages++;
  }
  assert.equal(pages, 3);
  assert.deepEqual(seen, ['list-0', 'list-1', 'list-2', 'list-3', 'other']);

  const offset = await k.call(k.alice, 'GET', '/volumes?sort=size:asc&offset=3');
  assert.deepEqual(names(offset.body.volumes), ['list-3', 'other']);
  const counted = await k.call(k.alice, 'GET', '/volumes?limit=1&with_count=true');
  assert.equal(counted.body.count, 5);
  assert.equal(counted.body.volumes.length, 1);

  for (const [query, message] of [['sort=bogus', 'Invalid input received: Invalid sort key'],
    ['sort=name:sideways', "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'."],
    ['limit=-1', 'limit param must be positive'], ['limit=x', 'limit param must be an integer']]) {
    const res = await k.call(k.alice, 'GET', `/volumes?${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(res.body.badRequest.message, message);
  }
  const missing = '00000000-0000-4000-8000-000000000001';
  const badMarker = await k.call(k.alice, 'GET', `/volumes?marker=${missing}`);
  assert.equal(badMarker.status, 404);
  assert.equal(badMarker.body.itemNotFound.message, `Volume ${missing} could not be found.`);
});

test('all_tenants and project_id are for admins', async () => {
  const member = await k.call(k.alice, 'GET', '/volumes?all_tenants=1');
  assert.equal(member.status, 200);
  assert.equal(member.body.volumes.length, 5);
  const admin = await k.call(k.admin, 'GET', '/volumes?all_tenants=1');
  const adminNames = names(admin.body.volumes);
  assert.ok(adminNames.includes('list-bob') && adminNames.includes('list-0'), JSON.stringify(adminNames));
  const bobOnly = await k.call(k.admin, 'GET', `/volumes/detail?all_tenants=True&project_id=${k.bob.projectId}`);
  assert.deepEqual(names(bobOnly.body.volumes), ['list-bob']);
  assert.ok('os-vol-host-attr:host' in bobOnly.body.volumes[0]);
  const own = await k.call(k.admin, 'GET', '/volumes');
  assert.ok(!names(own.body.volumes).includes('list-bob'));
});

test('volume summary (3.12, metadata from 3.36)', async () => {
  const old = await k.call(k.alice, 'GET', '/volumes/summary', undefined, '3.11');
  assert.equal(old.status, 404);
  const plain = await k.call(k.alice, 'GET', '/volumes/summary', undefined, '3.12');
  assert.equal(plain.status, 200, plain.text);
  assert.deepEqual(plain.body, { 'volume-summary': { total_size: 15, total_count: 5 } });
  const withMeta = await k.call(k.alice, 'GET', '/volumes/summary');
  const s = withMeta.body['volume-summary'];
  assert.equal(s.total_count, 5);
  assert.deepEqual(Object.fromEntries(Object.entries(s.metadata as Record<string, string[]>).map(([key, v]) => [key, [...v].sort()])),
    { tier: ['gold', 'silver'], env: ['dev', 'prod'] });
});
