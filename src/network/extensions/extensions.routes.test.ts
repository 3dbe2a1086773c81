import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

describe('network API: extensions', () => {
  let t: TestCloud;
  let admin: string;
  before(async () => { t = await startTestCloud(); admin = await t.adminToken(); });
  after(async () => { await t.close(); });

  it('lists what Nubis implements and shows one by alias', async () => {
    const res = await t.request('GET', '/network/v2.0/extensions', { token: admin });
    assert.equal(res.status, 200);
    const aliases = res.body.extensions.map((e: { alias: string }) => e.alias);
    for (const a of ['external-net', 'router', 'security-group', 'provider', 'quotas', 'rbac-policies', 'standard-attr-tag', 'net-mtu']) {
      assert.ok(aliases.includes(a), a);
    }
    assert.deepEqual(Object.keys(res.body.extensions[0]).sort(), ['alias', 'description', 'links', 'name', 'updated']);
    const one = await t.request('GET', '/network/v2.0/extensions/router', { token: admin });
    assert.equal(one.body.extension.alias, 'router');
    const none = await t.request('GET', '/network/v2.0/extensions/dvr', { token: admin });
    assert.equal(none.status, 404);
    assert.equal((await t.request('GET', '/network/v2.0/extensions')).status, 401);
  });
});
