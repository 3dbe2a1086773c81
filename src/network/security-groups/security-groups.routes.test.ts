import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { NetworkDb } from '../network.tables.js';
import { ensureDefaultSecurityGroup } from './default-group.js';
import { insertNetwork, insertPort } from './security-group-fixtures.js';

const SG = '/network/v2.0/security-groups';
const GROUP_KEYS = ['created_at', 'description', 'id', 'name', 'project_id', 'revision_number', 'security_group_rules', 'shared',
  'stateful', 'tags', 'tenant_id', 'updated_at'];
const RULE_KEYS = ['belongs_to_default_sg', 'created_at', 'description', 'direction', 'ethertype', 'id', 'normalized_cidr',
  'port_range_max', 'port_range_min', 'project_id', 'protocol', 'remote_address_group_id', 'remote_group_id', 'remote_ip_prefix',
  'revision_number', 'security_group_id', 'tags', 'tenant_id', 'updated_at'];
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

interface RuleView { direction: string; ethertype: string; remote_group_id: string | null; protocol: string | null; remote_ip_prefix: string | null }
const shape = (rules: RuleView[]) => rules.map((r) => `${r.direction}/${r.ethertype}/${r.remote_group_id ? 'self' : 'any'}`).sort();

describe('network API: security groups', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  let db: NetworkDb;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'sg-alice');
    bob = await createMemberUser(t, 'sg-bob');
    db = t.cloud.network.ctx.deps.db;
  });
  after(async () => { await t.close(); });

  it('makes the project\'s default group on its first list, with Neutron\'s rules, once', async () => {
    const res = await t.request('GET', SG, { token: alice.token });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.security_groups.length, 1);
    const g = res.body.security_groups[0];
    assert.deepEqual(Object.keys(g).sort(), GROUP_KEYS);
    assert.equal(g.name, 'default');
    assert.equal(g.description, 'Default security group');
    assert.equal(g.project_id, alice.projectId);
    assert.equal(g.tenant_id, alice.projectId);
    assert.equal(g.stateful, true);
    assert.equal(g.shared, false);
    assert.match(g.created_at, TIME);
    assert.deepEqual(shape(g.security_group_rules), ['egress/IPv4/any', 'egress/IPv6/any', 'ingress/IPv4/self', 'ingress/IPv6/self']);
    for (const r of g.security_group_rules) {
      assert.deepEqual(Object.keys(r).sort(), RULE_KEYS);
      assert.equal(r.belongs_to_default_sg, true);
      assert.equal(r.protocol, null);
      if (r.remote_group_id) assert.equal(r.remote_group_id, g.id);
    }
    const again = await t.request('GET', SG, { token: alice.token });
    assert.deepEqual(again.body.security_groups.map((x: { id: string }) => x.id), [g.id]);
  });

  it('keeps one default group per project under concurrent first uses', async () => {
    const carol = await createMemberUser(t, 'sg-carol');
    const direct = await Promise.all(Array.from({ length: 10 }, () => ensureDefaultSecurityGroup(t.cloud.network.ctx.deps, carol.projectId)));
    const lists = await Promise.all(Array.from({ length: 5 }, () => t.request('GET', SG, { token: carol.token })));
    assert.equal(new Set(direct).size, 1);
    for (const l of lists) assert.deepEqual(l.body.security_groups.map((g: { id: string }) => g.id), [direct[0]]);
    const rows = await db.selectFrom('net_security_group').select('id').where('project_id', '=', carol.projectId).execute();
    assert.equal(rows.length, 1);
  });

  it('creates a group with the default egress rules, shows and updates it', async () => {
    const res = await t.request('POST', SG, { token: alice.token, body: { security_group: { name: 'nb-web', description: 'web' } } });
    assert.equal(res.status, 201, res.text);
    const g = res.body.security_group;
    assert.deepEqual(Object.keys(g).sort(), GROUP_KEYS);
    assert.equal(g.revision_number, 1);
    assert.deepEqual(shape(g.security_group_rules), ['egress/IPv4/any', 'egress/IPv6/any']);
    assert.equal(g.security_group_rules[0].belongs_to_default_sg, false);
    const shown = await t.request('GET', `${SG}/${g.id}`, { token: alice.token });
    assert.deepEqual(shown.body.security_group, g);
    const upd = await t.request('PUT', `${SG}/${g.id}`, { token: alice.token, body: { security_group: { name: 'nb-web2', description: 'd2', stateful: false } } });
    assert.equal(upd.status, 200, upd.text);
    assert.equal(upd.body.security_group.name, 'nb-web2');
    assert.equal(upd.body.security_group.stateful, false);
    assert.equal(upd.body.security_group.revision_number, 2);
    const same = await t.request('PUT', `${SG}/${g.id}`, { token: alice.token, body: { security_group: { name: 'nb-web2' } } });
    assert.equal(same.body.security_group.revision_number, 2);
    const fields = await t.request('GET', `${SG}/${g.id}?fields=id&fields=name`, { token: alice.token });
    assert.deepEqual(fields.body.security_group, { id: g.id, name: 'nb-web2' });
  });

  it('creates in bulk, all or nothing', async () => {
    const ok = await t.request('POST', SG, { token: bob.token, body: { security_groups: [{ name: 'nb-b1' }, { name: 'nb-b2', stateful: false }] } });
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual(ok.body.security_groups.map((g: { name: string; stateful: boolean }) => [g.name, g.stateful]), [['nb-b1', true], ['nb-b2', false]]);
    const bad = await t.request('POST', SG, { token: bob.token, body: { security_groups: [{ name: 'nb-b3' }, { name: 'default' }] } });
    assert.equal(bad.status, 409);
    const names = (await t.request('GET', SG, { token: bob.token })).body.security_groups.map((g: { name: string }) => g.name).sort();
    assert.deepEqual(names, ['default', 'nb-b1', 'nb-b2']);
  });

  it('refuses bad input with Neutron\'s status and type', async () => {
    const cases: Array<[unknown, number, string, RegExp]> = [
      [{ security_group: { name: 'default' } }, 409, 'SecurityGroupDefaultAlreadyExists', /Default security group already exists/],
      [{ security_group: { name: 'DEFAULT' } }, 409, 'SecurityGroupDefaultAlreadyExists', /already exists/],
      [{ security_group: { name: 'x', color: 'red' } }, 400, 'HTTPBadRequest', /Unrecognized attribute\(s\) 'color'/],
      [{ security_group: { name: 'x', id: 'abc' } }, 400, 'HTTPBadRequest', /Attribute 'id' not allowed in POST/],
      [{ security_group: { name: 'x', shared: true } }, 400, 'HTTPBadRequest', /'shared' not allowed in POST/],
      [{ security_group: { name: 5 } }, 400, 'HTTPBadRequest', /Invalid input for name/],
      [{ security_group: { name: 'x'.repeat(256) } }, 400, 'HTTPBadRequest', /exceeds maximum length of 255/],
      [{ security_group: { stateful: 'maybe' } }, 400, 'HTTPBadRequest', /Invalid input for stateful/],
      [{ security_group: 'x' }, 400, 'HTTPBadRequest', /security_group/],
      [{ security_group: { name: 'x', project_id: bob.projectId } }, 403, 'PolicyNotAuthorized', /admin/],
    ];
    for (const [body, status, type, re] of cases) {
      const res = await t.request('POST', SG, { token: alice.token, body });
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.NeutronError.type, type, JSON.stringify(body));
      assert.match(res.body.NeutronError.message, re, JSON.stringify(body));
    }
    const g = (await t.request('POST', SG, { token: alice.token, body: { security_group: { name: 'nb-put' } } })).body.security_group;
    const ro = await t.request('PUT', `${SG}/${g.id}`, { token: alice.token, body: { security_group: { project_id: 'x' } } });
    assert.equal(ro.status, 400);
    assert.match(ro.body.NeutronError.message, /read-only attribute project_id/);
  });

  it('hides other projects\' groups (404), while admins see every project\'s', async () => {
    const mine = (await t.request('POST', SG, { token: alice.token, body: { security_group: { name: 'nb-private' } } })).body.security_group;
    for (const [method, body] of [['GET', undefined], ['PUT', { security_group: { name: 'x' } }], ['DELETE', undefined]] as const) {
      const res = await t.request(method, `${SG}/${mine.id}`, { token: bob.token, body });
      assert.equal(res.status, 404, `${method}: ${res.text}`);
      assert.equal(res.body.NeutronError.type, 'SecurityGroupNotFound');
      assert.equal(res.body.NeutronError.message, `Security group ${mine.id} does not exist`);
    }
    const bobs = (await t.request('GET', SG, { token: bob.token })).body.security_groups;
    assert.ok(bobs.every((g: { project_id: string }) => g.project_id === bob.projectId));
    const all = (await t.request('GET', SG, { token: admin })).body.security_groups;
    const projects = new Set(all.map((g: { project_id: string }) => g.project_id));
    assert.ok(projects.has(alice.projectId) && projects.has(bob.projectId));
    const byAdmin = await t.request('GET', `${SG}/${mine.id}`, { token: admin });
    assert.equal(byAdmin.status, 200);
    const filtered = (await t.request('GET', `${SG}?project_id=${bob.projectId}&name=nb-b1`, { token: admin })).body.security_groups;
    assert.deepEqual(filtered.map((g: { name: string }) => g.name), ['nb-b1']);
    const page = await t.request('GET', `${SG}?limit=1&sort_key=name&sort_dir=asc`, { token: bob.token });
    assert.equal(page.body.security_groups.length, 1);
    assert.equal(page.body.security_groups[0].name, 'default');
    assert.equal(page.body.security_groups_links[0].rel, 'next');
    const badFilter = await t.request('GET', `${SG}?color=red`, { token: bob.token });
    assert.equal(badFilter.status, 400);
  });

  it('guards the default group: no rename, no delete by its project, deletable by an admin', async () => {
    const dflt = (await t.request('GET', `${SG}?name=default`, { token: bob.token })).body.security_groups[0];
    const rename = await t.request('PUT', `${SG}/${dflt.id}`, { token: bob.token, body: { security_group: { name: 'other' } } });
    assert.equal(rename.status, 409);
    assert.equal(rename.body.NeutronError.type, 'SecurityGroupCannotUpdateDefault');
    const describe = await t.request('PUT', `${SG}/${dflt.id}`, { token: bob.token, body: { security_group: { description: 'still default' } } });
    assert.equal(describe.status, 200, describe.text);
    const del = await t.request('DELETE', `${SG}/${dflt.id}`, { token: bob.token });
    assert.equal(del.status, 409);
    assert.equal(del.body.NeutronError.type, 'SecurityGroupCannotRemoveDefault');
    assert.equal(del.body.NeutronError.message, 'Insufficient rights for removing default security group.');
    const byAdmin = await t.request('DELETE', `${SG}/${dflt.id}`, { token: admin });
    assert.equal(byAdmin.status, 204, byAdmin.text);
    // The project's next list makes a new one.
    const after = (await t.request('GET', `${SG}?name=default`, { token: bob.token })).body.security_groups;
    assert.equal(after.length, 1);
    assert.notEqual(after[0].id, dflt.id);
  });

  it('refuses to delete a group in use, or change its statefulness, and deletes it once free', async () => {
    const g = (await t.request('POST', SG, { token: alice.token, body: { security_group: { name: 'nb-used' } } })).body.security_group;
    const net = await insertNetwork(db, alice.projectId);
    const portId = await insertPort(db, alice.projectId, net, { ips: ['10.9.0.10'], groups: [g.id] });
    const del = await t.request('DELETE', `${SG}/${g.id}`, { token: alice.token });
    assert.equal(del.status, 409);
    assert.equal(del.body.NeutronError.type, 'SecurityGroupInUse');
    assert.equal(del.body.NeutronError.message, `Security Group ${g.id} in use.`);
    const flip = await t.request('PUT', `${SG}/${g.id}`, { token: alice.token, body: { security_group: { stateful: false } } });
    assert.equal(flip.status, 409);
    assert.equal(flip.body.NeutronError.type, 'SecurityGroupInUse');
    const same = await t.request('PUT', `${SG}/${g.id}`, { token: alice.token, body: { security_group: { stateful: true, description: 'x' } } });
    assert.equal(same.status, 200, same.text);
    await db.deleteFrom('net_port').where('id', '=', portId).execute();
    const ok = await t.request('DELETE', `${SG}/${g.id}`, { token: alice.token });
    assert.equal(ok.status, 204, ok.text);
    assert.equal((await t.request('GET', `${SG}/${g.id}`, { token: alice.token })).status, 404);
    const rules = await db.selectFrom('net_security_group_rule').select('id').where('security_group_id', '=', g.id).execute();
    assert.equal(rules.length, 0);
  });

  it('lets a project read, but not change, a group shared with it through RBAC', async () => {
    const g = (await t.request('POST', SG, { token: alice.token, body: { security_group: { name: 'nb-shared' } } })).body.security_group;
    const at = new Date().toISOString();
    await db.insertInto('net_rbac_policy').values({
      id: crypto.randomUUID(), project_id: alice.projectId, object_type: 'security_group', object_id: g.id,
      action: 'access_as_shared', target_tenant: bob.projectId, created_at: at, updated_at: at, revision_number: 0,
    }).execute();
    const listed = (await t.request('GET', SG, { token: bob.token })).body.security_groups.find((x: { id: string }) => x.id === g.id);
    assert.equal(listed?.shared, true);
    const shown = await t.request('GET', `${SG}/${g.id}`, { token: bob.token });
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.body.security_group.shared, true);
    assert.equal((await t.request('GET', `${SG}/${g.id}`, { token: alice.token })).body.security_group.shared, false);
    assert.equal((await t.request('PUT', `${SG}/${g.id}`, { token: bob.token, body: { security_group: { name: 'x' } } })).status, 404);
    assert.equal((await t.request('DELETE', `${SG}/${g.id}`, { token: bob.token })).status, 404);
    const bobsGroup = (await t.request('GET', `${SG}?name=nb-b1`, { token: bob.token })).body.security_groups[0].id;
    const RULES = '/network/v2.0/security-group-rules';
    const remote = await t.request('POST', RULES, { token: bob.token, body: { security_group_rule: { security_group_id: bobsGroup, direction: 'ingress', remote_group_id: g.id } } });
    assert.equal(remote.status, 201, remote.text);
    const into = await t.request('POST', RULES, { token: bob.token, body: { security_group_rule: { security_group_id: g.id, direction: 'ingress', protocol: 'tcp' } } });
    assert.equal(into.status, 404);
    const rule = g.security_group_rules[0].id;
    assert.equal((await t.request('GET', `${RULES}/${rule}`, { token: bob.token })).status, 200);
    assert.equal((await t.request('DELETE', `${RULES}/${rule}`, { token: bob.token })).status, 404);
  });

  it('enforces the security_group quota', async () => {
    const dave = await createMemberUser(t, 'sg-dave');
    await db.insertInto('net_quota').values({ project_id: dave.projectId, resource: 'security_group', hard_limit: 2 }).execute();
    const first = await t.request('POST', SG, { token: dave.token, body: { security_group: { name: 'nb-q1' } } });
    assert.equal(first.status, 201, first.text);   // the default group made first is the other one
    const over = await t.request('POST', SG, { token: dave.token, body: { security_group: { name: 'nb-q2' } } });
    assert.equal(over.status, 409);
    assert.equal(over.body.NeutronError.type, 'OverQuota');
    assert.match(over.body.NeutronError.message, /Quota exceeded for resources: \['security_group'\]/);
  });
});
