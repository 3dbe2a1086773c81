// Every admin route of this group answers odd input with a Nova 4xx body, never a 500.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { addComputeHost } from './hosts.fixture.js';

const BODIES: unknown[] = [null, 'text', 42, [], [{}], {}, { aggregate: 'x' }, { aggregate: [] }, { quota_set: null }, { quota_set: [] },
  { add_host: 'h' }, { set_metadata: { metadata: [] } }, { status: null }, { host: 1, binary: [] }, { quota_set: { cores: null } }];
const VERSIONS = ['2.1', '2.53', 'latest'];

describe('compute admin APIs: bad input', () => {
  let t: TestCloud;
  let admin: string;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    await addComputeHost(t.cloud.compute.ctx.deps.db, 'nbbad-1');
    await t.request('POST', '/compute/v2.1/os-aggregates', { token: admin, body: { aggregate: { name: 'nbbad' } } });
  });
  after(async () => { await t.close(); });

  it('answers bodies of every shape with a 4xx Nova error', async () => {
    const writes: [string, string][] = [
      ['POST', '/os-aggregates'], ['PUT', '/os-aggregates/1'], ['POST', '/os-aggregates/1/action'], ['PUT', '/os-services/disable'],
      ['PUT', '/os-services/force-down'], ['PUT', '/os-services/00000000-0000-4000-8000-000000000000'], ['PUT', '/os-quota-sets/p1'],
    ];
    for (const version of VERSIONS) {
      for (const [method, path] of writes) {
        for (const body of BODIES) {
          const res = await t.request(method, `/compute/v2.1${path}`, { token: admin, body, headers: { 'openstack-api-version': `compute ${version}` } });
          assert.ok(res.status >= 400 && res.status < 500, `${version} ${method} ${path} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
          assert.equal(Object.values(res.body as object)[0].code, res.status);
        }
      }
    }
  });

  it('answers odd ids and queries with a 4xx Nova error', async () => {
    const reads = ['/os-aggregates/%20', '/os-aggregates/99999999999', '/os-aggregates/-1', '/os-hypervisors/%00', '/os-hypervisors/1e3',
      '/os-hypervisors?limit=abc', '/os-hypervisors?marker=x', '/os-hypervisors/detail?with_servers=x&hypervisor_hostname_pattern=%25',
      '/os-simple-tenant-usage?start=2020-01-01T00:00:00&end=x', '/os-simple-tenant-usage?limit=-5', '/os-simple-tenant-usage?marker=nope',
      '/limits?tenant_id=', '/os-services?host=%FF'];
    for (const version of VERSIONS) {
      for (const path of reads) {
        const res = await t.request('GET', `/compute/v2.1${path}`, { token: admin, headers: { 'openstack-api-version': `compute ${version}` } });
        assert.ok(res.status < 500, `${version} GET ${path} → ${res.status} ${res.text}`);
      }
    }
    assert.equal((await t.request('DELETE', '/compute/v2.1/os-services/%20', { token: admin })).status, 400);
  });
});
