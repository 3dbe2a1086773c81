import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { insertNetwork, insertSubnet } from './port-fixtures.js';
import { createPortRecord, portFixedIps } from './port-records.js';

const PORTS = '/network/v2.0/ports';

// Racing creates: the allocation table's primary key decides, so no address is ever given twice.
describe('network API: ports under concurrency', () => {
  let t: TestCloud;
  let alice: MemberUser;
  before(async () => {
    t = await startTestCloud();
    alice = await createMemberUser(t, 'portc-alice');
  });
  after(async () => { await t.close(); });

  it('20 parallel creates on a /28 fill its 13 pool addresses, then 409 IpAddressGenerationFailure', async () => {
    const db = t.cloud.network.ctx.deps.db;
    const net = await insertNetwork(db, { projectId: alice.projectId });
    await insertSubnet(db, { networkId: net, projectId: alice.projectId, cidr: '10.50.0.0/28', gateway: '10.50.0.1', pools: [{ start: '10.50.0.2', end: '10.50.0.14' }] });
    const results = await Promise.all(Array.from({ length: 20 }, () =>
      t.request('POST', PORTS, { token: alice.token, body: { port: { network_id: net } } })));
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    assert.equal(created.length, 13, results.map((r) => r.status).join(','));
    const ips = created.map((r) => r.body.port.fixed_ips[0].ip_address);
    assert.equal(new Set(ips).size, 13);
    assert.deepEqual([...ips].sort(), Array.from({ length: 13 }, (_, i) => `10.50.0.${i + 2}`).sort());
    for (const r of refused) {
      assert.equal(r.status, 409, r.text);
      assert.equal(r.body.NeutronError.type, 'IpAddressGenerationFailure');
      assert.equal(r.body.NeutronError.message, `No more IP addresses available on network ${net}.`);
    }
    const rows = await db.selectFrom('net_port').select('id').where('network_id', '=', net).execute();
    assert.equal(rows.length, 13, 'refused creates leave no port');
  });

  it('two creates asking for one address: one 201, one 409', async () => {
    const db = t.cloud.network.ctx.deps.db;
    const net = await insertNetwork(db, { projectId: alice.projectId });
    await insertSubnet(db, { networkId: net, projectId: alice.projectId, cidr: '10.51.0.0/24', gateway: '10.51.0.1', pools: [{ start: '10.51.0.2', end: '10.51.0.254' }] });
    const results = await Promise.all([0, 1].map(() =>
      t.request('POST', PORTS, { token: alice.token, body: { port: { network_id: net, fixed_ips: [{ ip_address: '10.51.0.77' }] } } })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);
    assert.equal(results.find((r) => r.status === 409)!.body.NeutronError.type, 'IpAddressAlreadyAllocated');
  });

  it('racing creates that no quota lock serialises (ports of no project) still never share an address', async () => {
    const ctx = t.cloud.network.ctx;
    const net = await insertNetwork(ctx.deps.db, { projectId: alice.projectId });
    await insertSubnet(ctx.deps.db, { networkId: net, projectId: alice.projectId, cidr: '10.52.0.0/28', gateway: '10.52.0.1', pools: [{ start: '10.52.0.2', end: '10.52.0.14' }] });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () =>
      createPortRecord(ctx, { networkId: net, projectId: '', deviceOwner: 'network:floatingip' })));
    const ids = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<string>).value);
    assert.equal(ids.length, 13);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { type?: string }).type, 'IpAddressGenerationFailure');
    const ips = (await Promise.all(ids.map((id) => portFixedIps(ctx, id)))).map((f) => f[0]!.ip_address);
    assert.equal(new Set(ips).size, 13);
  });

  it('parallel creates never pass the port quota', async () => {
    const db = t.cloud.network.ctx.deps.db;
    const bob = await createMemberUser(t, 'portc-bob');
    await db.insertInto('net_quota').values({ project_id: bob.projectId, resource: 'port', hard_limit: 3 }).execute();
    const net = await insertNetwork(db, { projectId: bob.projectId });
    await insertSubnet(db, { networkId: net, projectId: bob.projectId, cidr: '10.53.0.0/24', gateway: '10.53.0.1', pools: [{ start: '10.53.0.2', end: '10.53.0.254' }] });
    const results = await Promise.all(Array.from({ length: 6 }, () =>
      t.request('POST', PORTS, { token: bob.token, body: { port: { network_id: net } } })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 201, 201, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.NeutronError.type, 'OverQuota');
  });
});
