// os-services, scheduler-stats pools, capabilities and availability zones, over volume_backend rows
// the test inserts to stand for storage agents (unique host names, so the test cloud's own agent,
// if any, does not matter).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { ensureDefaultVolumeType } from '../volume-types/default-type.js';
import type { BackendRow } from '../volume.tables.js';

let tc: TestCloud;
let admin: string;
let adminProject: string;
let alice: MemberUser;
const host = `nbhost-${randomUUID().slice(0, 8)}`;
const zone = `nbzone-${randomUUID().slice(0, 8)}`;
const staleZone = `nbstale-${randomUUID().slice(0, 8)}`;

function backend(name: string, az: string, lastSeen: string): BackendRow {
  const ts = new Date().toISOString();
  return {
    id: `${host}@${name}`, host, backend_name: name, driver: 'file', availability_zone: az, total_gb: 100, free_gb: 80,
    max_over_subscription_ratio: 20, reserved_percentage: 0,
    capabilities: JSON.stringify({ volume_backend_name: name, storage_protocol: 'file', thin_provisioning_support: true, multiattach: true, driver_version: '1.0', vendor_name: 'Nubis' }),
    disabled: 0, disabled_reason: null, last_seen_up: lastSeen, created_at: ts, updated_at: ts,
  };
}

describe('services, pools and availability zones API', () => {
  before(async () => {
    tc = await startTestCloud();
    admin = await tc.adminToken();
    adminProject = await tc.adminProjectId();
    alice = await createMemberUser(tc, `alice-${randomUUID().slice(0, 8)}`);
    const db = tc.cloud.volume.ctx.deps.db;
    await db.insertInto('volume_backend').values([
      backend('fast', zone, new Date().toISOString()),
      backend('old', staleZone, new Date(Date.now() - 3600_000).toISOString()),
    ]).execute();
    const type = await ensureDefaultVolumeType(tc.cloud.volume.ctx.deps);
    const ts = new Date().toISOString();
    await db.insertInto('volume').values({
      id: randomUUID(), project_id: alice.projectId, user_id: 'u', name: null, description: null, size: 7, status: 'available',
      attach_status: 'detached', status_reason: null, availability_zone: zone, volume_type_id: type.id, bootable: 0, multiattach: 0,
      source_volid: null, snapshot_id: null, backup_id: null, image_id: null, host: `${host}@fast#fast`, provider_location: null,
      migration_status: null, created_at: ts, updated_at: ts, launched_at: null,
    }).execute();
  });
  after(async () => { await tc?.close(); });

  it('lists services with state from the last report, filtered by host and binary', async () => {
    const res = await tc.request('GET', `/volume/v3/${adminProject}/os-services?binary=cinder-volume`, { token: admin });
    assert.equal(res.status, 200, res.text);
    const mine = res.body.services.filter((s: { host: string }) => s.host.startsWith(`${host}@`));
    assert.equal(mine.length, 2);
    const fast = mine.find((s: { host: string }) => s.host === `${host}@fast`);
    assert.deepEqual(Object.keys(fast).sort(), ['active_backend_id', 'binary', 'disabled_reason', 'frozen', 'host', 'replication_status', 'state', 'status', 'updated_at', 'zone']);
    assert.equal(fast.state, 'up');
    assert.equal(fast.status, 'enabled');
    assert.equal(fast.zone, zone);
    assert.match(fast.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(mine.find((s: { host: string }) => s.host === `${host}@old`).state, 'down');

    const byHost = await tc.request('GET', `/volume/v3/${adminProject}/os-services?host=${host}`, { token: admin });
    assert.deepEqual(byHost.body.services.map((s: { binary: string }) => s.binary), ['cinder-backup']);
    assert.equal(byHost.body.services[0].state, 'up');
    const all = await tc.request('GET', `/volume/v3/${adminProject}/os-services`, { token: admin });
    assert.ok(all.body.services.some((s: { binary: string }) => s.binary === 'cinder-scheduler'));

    const newer = await tc.request('GET', `/volume/v3/${adminProject}/os-services?host=${host}@fast`, { token: admin, headers: { 'openstack-api-version': 'volume 3.49' } });
    assert.equal(newer.body.services[0].cluster, null);
    assert.equal(newer.body.services[0].backend_state, 'up');

    const member = await tc.request('GET', `/volume/v3/${alice.projectId}/os-services`, { token: alice.token });
    assert.equal(member.status, 403);
  });

  it('disables a backend with a reason (the scheduler skips it) and enables it again', async () => {
    const url = `/volume/v3/${adminProject}/os-services`;
    const dis = await tc.request('PUT', `${url}/disable-log-reason`, { token: admin, body: { host: `${host}@fast`, binary: 'cinder-volume', disabled_reason: 'maintenance' } });
    assert.equal(dis.status, 200, dis.text);
    assert.deepEqual(dis.body, { host: `${host}@fast`, service: '', binary: 'cinder-volume', status: 'disabled', disabled: true, disabled_reason: 'maintenance' });
    const row = await tc.cloud.volume.ctx.deps.db.selectFrom('volume_backend').selectAll().where('id', '=', `${host}@fast`).executeTakeFirstOrThrow();
    assert.equal(row.disabled, 1);
    const shown = await tc.request('GET', `${url}?host=${host}@fast`, { token: admin });
    assert.equal(shown.body.services[0].status, 'disabled');
    assert.equal(shown.body.services[0].disabled_reason, 'maintenance');
    // A disabled backend's zone is no longer offered.
    const zones = await tc.request('GET', `/volume/v3/${alice.projectId}/os-availability-zone`, { token: alice.token });
    assert.equal(zones.body.availabilityZoneInfo.some((z: { zoneName: string }) => z.zoneName === zone), false);

    const en = await tc.request('PUT', `${url}/enable`, { token: admin, body: { host: `${host}@fast`, binary: 'cinder-volume' } });
    assert.equal(en.status, 200);
    assert.deepEqual(en.body, { host: `${host}@fast`, service: '', binary: 'cinder-volume', status: 'enabled', disabled: false });
    const again = await tc.cloud.volume.ctx.deps.db.selectFrom('volume_backend').select(['disabled', 'disabled_reason']).where('id', '=', `${host}@fast`).executeTakeFirstOrThrow();
    assert.deepEqual(again, { disabled: 0, disabled_reason: null });

    const missing = await tc.request('PUT', `${url}/disable`, { token: admin, body: { host: 'nbnope@x', binary: 'cinder-volume' } });
    assert.equal(missing.status, 404);
    assert.equal((Object.values(missing.body)[0] as { message: string }).message, 'Service cinder-volume could not be found on host nbnope@x.');
    const noHost = await tc.request('PUT', `${url}/disable`, { token: admin, body: { binary: 'cinder-volume' } });
    assert.equal(noHost.status, 400);
    const noReason = await tc.request('PUT', `${url}/disable-log-reason`, { token: admin, body: { host: `${host}@fast`, binary: 'cinder-volume' } });
    assert.equal(noReason.status, 400);
    const member = await tc.request('PUT', `/volume/v3/${alice.projectId}/os-services/disable`, { token: alice.token, body: { host: `${host}@fast`, binary: 'cinder-volume' } });
    assert.equal(member.status, 403);
  });

  it('lists pools with capacity and allocation, and capabilities', async () => {
    const res = await tc.request('GET', `/volume/v3/${adminProject}/scheduler-stats/get_pools?detail=true`, { token: admin });
    assert.equal(res.status, 200, res.text);
    const pool = res.body.pools.find((p: { name: string }) => p.name === `${host}@fast#fast`);
    assert.ok(pool, JSON.stringify(res.body));
    assert.equal(pool.capabilities.total_capacity_gb, 100);
    assert.equal(pool.capabilities.free_capacity_gb, 80);
    assert.equal(pool.capabilities.allocated_capacity_gb, 7);
    assert.equal(pool.capabilities.provisioned_capacity_gb, 7);
    assert.equal(pool.capabilities.volume_backend_name, 'fast');
    assert.equal(pool.capabilities.thin_provisioning_support, true);
    assert.equal(pool.capabilities.multiattach, true);
    const brief = await tc.request('GET', `/volume/v3/${adminProject}/scheduler-stats/get_pools`, { token: admin });
    assert.ok(brief.body.pools.some((p: Record<string, unknown>) => p.name === `${host}@fast#fast` && Object.keys(p).length === 1));
    assert.equal((await tc.request('GET', `/volume/v3/${alice.projectId}/scheduler-stats/get_pools`, { token: alice.token })).status, 403);

    const caps = await tc.request('GET', `/volume/v3/${adminProject}/capabilities/${host}@fast`, { token: admin });
    assert.equal(caps.status, 200);
    assert.equal(caps.body.volume_backend_name, 'fast');
    assert.equal(caps.body.namespace, `OS::Storage::Capabilities::${host}@fast`);
    assert.equal((await tc.request('GET', `/volume/v3/${adminProject}/capabilities/nbnope@x`, { token: admin })).status, 404);
  });

  it('lists availability zones: available while a backend reports, and the default zone', async () => {
    const res = await tc.request('GET', `/volume/v3/${alice.projectId}/os-availability-zone`, { token: alice.token });
    assert.equal(res.status, 200, res.text);
    const info = res.body.availabilityZoneInfo as Array<{ zoneName: string; zoneState: { available: boolean } }>;
    assert.deepEqual(info.find((z) => z.zoneName === zone), { zoneName: zone, zoneState: { available: true } });
    assert.deepEqual(info.find((z) => z.zoneName === staleZone), { zoneName: staleZone, zoneState: { available: false } });
    assert.ok(info.some((z) => z.zoneName === tc.config.volume.defaultAvailabilityZone));
  });
});
