import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const V3 = '/identity/v3';

describe('identity implied roles', () => {
  let t: TestCloud;
  let admin: string;
  let base: string;
  const ids: Record<string, string> = {};

  async function createRole(name: string, domainId?: string) {
    const res = await t.request('POST', `${V3}/roles`, { token: admin, body: { role: { name, ...(domainId ? { domain_id: domainId } : {}) } } });
    assert.equal(res.status, 201, res.text);
    return res.body.role.id as string;
  }
  const ref = (name: string) => ({ id: ids[name], name, links: { self: `${base}/roles/${ids[name]}` } });

  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    base = `${t.config.publicUrl}/identity/v3`;
    for (const r of (await t.request('GET', `${V3}/roles`, { token: admin })).body.roles) ids[r.name] = r.id;
    for (const name of ['auditor', 'viewer', 'lister']) ids[name] = await createRole(name);
  });
  after(async () => { await t.close(); });

  it('lists the bootstrapped admin ⇒ member ⇒ reader rules', async () => {
    const res = await t.request('GET', `${V3}/role_inferences`, { token: admin });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.role_inferences, [
      { prior_role: ref('admin'), implies: [ref('member')] },
      { prior_role: ref('member'), implies: [ref('reader')] },
    ]);
    assert.equal(res.body.links.self, `${base}/role_inferences`);
  });

  it('creates, shows, checks, lists and deletes a rule', async () => {
    const url = `${V3}/roles/${ids.auditor}/implies/${ids.viewer}`;
    const created = await t.request('PUT', url, { token: admin });
    assert.equal(created.status, 201);
    const expected = {
      role_inference: { prior_role: ref('auditor'), implies: ref('viewer') },
      links: { self: `${base}/roles/${ids.auditor}/implies/${ids.viewer}` },
    };
    assert.deepEqual(created.body, expected);
    const shown = await t.request('GET', url, { token: admin });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body, expected);
    assert.equal((await t.request('HEAD', url, { token: admin })).status, 204);

    assert.equal((await t.request('PUT', `${V3}/roles/${ids.auditor}/implies/${ids.lister}`, { token: admin })).status, 201);
    const list = await t.request('GET', `${V3}/roles/${ids.auditor}/implies`, { token: admin });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, {
      role_inference: { prior_role: ref('auditor'), implies: [ref('lister'), ref('viewer')] },
      links: { self: `${base}/roles/${ids.auditor}/implies` },
    });
    const all = await t.request('GET', `${V3}/role_inferences`, { token: admin });
    const auditorRules = all.body.role_inferences.find((r: { prior_role: { id: string } }) => r.prior_role.id === ids.auditor);
    assert.deepEqual(auditorRules, { prior_role: ref('auditor'), implies: [ref('lister'), ref('viewer')] });

    assert.equal((await t.request('DELETE', url, { token: admin })).status, 204);
    const gone = await t.request('GET', url, { token: admin });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.message, `${ids.auditor} does not imply ${ids.viewer}.`);
    assert.equal((await t.request('HEAD', url, { token: admin })).status, 404);
    assert.equal((await t.request('DELETE', url, { token: admin })).status, 404);
    const none = await t.request('GET', `${V3}/roles/${ids.viewer}/implies`, { token: admin });
    assert.deepEqual(none.body.role_inference.implies, []);
  });

  it('refuses duplicates, cycles and forbidden implications', async () => {
    const dup = await t.request('PUT', `${V3}/roles/${ids.admin}/implies/${ids.member}`, { token: admin });
    assert.equal(dup.status, 409);
    assert.match(dup.body.error.message, /Duplicate entry/);

    const self = await t.request('PUT', `${V3}/roles/${ids.viewer}/implies/${ids.viewer}`, { token: admin });
    assert.equal(self.status, 400);
    assert.match(self.body.error.message, /cannot imply itself/);

    // reader is implied by member, itself implied by admin: reader ⇒ member would loop.
    const cycle = await t.request('PUT', `${V3}/roles/${ids.reader}/implies/${ids.member}`, { token: admin });
    assert.equal(cycle.status, 409);
    assert.match(cycle.body.error.message, /cycle/);
    const longCycle = await t.request('PUT', `${V3}/roles/${ids.reader}/implies/${ids.auditor}`, { token: admin });
    assert.equal(longCycle.status, 201, 'no cycle yet');
    const closing = await t.request('PUT', `${V3}/roles/${ids.auditor}/implies/${ids.member}`, { token: admin });
    assert.equal(closing.status, 409);
    assert.match(closing.body.error.message, /cycle/);
    assert.equal((await t.request('DELETE', `${V3}/roles/${ids.reader}/implies/${ids.auditor}`, { token: admin })).status, 204);

    const toAdmin = await t.request('PUT', `${V3}/roles/${ids.viewer}/implies/${ids.admin}`, { token: admin });
    assert.equal(toAdmin.status, 403);
    const domainRole = await createRole('domain-helper', 'default');
    const globalToDomain = await t.request('PUT', `${V3}/roles/${ids.viewer}/implies/${domainRole}`, { token: admin });
    assert.equal(globalToDomain.status, 403);
    assert.match(globalToDomain.body.error.message, /domain-specific/);
    assert.equal((await t.request('PUT', `${V3}/roles/${domainRole}/implies/${ids.viewer}`, { token: admin })).status, 201);

    const unknown = await t.request('PUT', `${V3}/roles/nope/implies/${ids.viewer}`, { token: admin });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.message, 'Could not find role: nope.');
    assert.equal((await t.request('GET', `${V3}/roles/${ids.viewer}/implies/nope`, { token: admin })).status, 404);
    assert.equal((await t.request('GET', `${V3}/roles/nope/implies`, { token: admin })).status, 404);
  });

  it('keeps members away from inference rules', async () => {
    const project = (await t.request('POST', `${V3}/projects`, { token: admin, body: { project: { name: 'imp-demo' } } })).body.project;
    const u = (await t.request('POST', `${V3}/users`, { token: admin, body: { user: { name: 'mo', password: 'pw-mo' } } })).body.user;
    await t.request('PUT', `${V3}/projects/${project.id}/users/${u.id}/roles/${ids.member}`, { token: admin });
    const token = await t.login('mo', 'pw-mo', project.name);
    for (const [method, url] of [
      ['PUT', `${V3}/roles/${ids.member}/implies/${ids.lister}`],
      ['GET', `${V3}/roles/${ids.admin}/implies/${ids.member}`],
      ['HEAD', `${V3}/roles/${ids.admin}/implies/${ids.member}`],
      ['DELETE', `${V3}/roles/${ids.admin}/implies/${ids.member}`],
      ['GET', `${V3}/roles/${ids.admin}/implies`],
      ['GET', `${V3}/role_inferences`],
    ] as const) {
      const res = await t.request(method, url, { token });
      assert.equal(res.status, 403, `${method} ${url}`);
    }
    assert.equal((await t.request('HEAD', `${V3}/roles/${ids.admin}/implies/${ids.member}`, { token: admin })).status, 204);
    assert.equal((await t.request('HEAD', `${V3}/roles/${ids.member}/implies/${ids.lister}`, { token: admin })).status, 404);
  });
});
