import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const SG = '/network/v2.0/security-groups';
const RULES = '/network/v2.0/security-group-rules';
const RULE_KEYS = ['belongs_to_default_sg', 'created_at', 'description', 'direction', 'ethertype', 'id', 'normalized_cidr',
  'port_range_max', 'port_range_min', 'project_id', 'protocol', 'remote_address_group_id', 'remote_group_id', 'remote_ip_prefix',
  'revision_number', 'security_group_id', 'tags', 'tenant_id', 'updated_at'];

describe('network API: security group rules', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  let web: string;
  let bobGroup: string;
  const rule = (token: string, body: Record<string, unknown>) =>
    t.request('POST', RULES, { token, body: { security_group_rule: { security_group_id: web, direction: 'ingress', ...body } } });

  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'sgr-alice');
    bob = await createMemberUser(t, 'sgr-bob');
    web = (await t.request('POST', SG, { token: alice.token, body: { security_group: { name: 'nb-web' } } })).body.security_group.id;
    bobGroup = (await t.request('POST', SG, { token: bob.token, body: { security_group: { name: 'nb-bob' } } })).body.security_group.id;
  });
  after(async () => { await t.close(); });

  it('creates a rule as the CLI sends it (tcp 22, 0.0.0.0/0) and shows it in its group', async () => {
    const res = await rule(alice.token, { protocol: 'tcp', port_range_min: 22, port_range_max: 22, ethertype: 'IPv4', remote_ip_prefix: '0.0.0.0/0' });
    assert.equal(res.status, 201, res.text);
    const r = res.body.security_group_rule;
    assert.deepEqual(Object.keys(r).sort(), RULE_KEYS);
    assert.deepEqual({ ...r, id: 0, created_at: 0, updated_at: 0 }, {
      id: 0, created_at: 0, updated_at: 0, tenant_id: alice.projectId, project_id: alice.projectId, security_group_id: web,
      direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 22, port_range_max: 22,
      remote_ip_prefix: '0.0.0.0/0', normalized_cidr: '0.0.0.0/0', remote_group_id: null, remote_address_group_id: null,
      belongs_to_default_sg: false, description: '', tags: [], revision_number: 0,
    });
    const shown = await t.request('GET', `${RULES}/${r.id}`, { token: alice.token });
    assert.deepEqual(shown.body.security_group_rule, r);
    const group = (await t.request('GET', `${SG}/${web}`, { token: alice.token })).body.security_group;
    assert.ok(group.security_group_rules.some((x: { id: string }) => x.id === r.id));
    assert.equal(group.revision_number, 2, 'a new rule revises its group');
  });

  it('answers 409 SecurityGroupRuleExists to the same rule, however it is spelled', async () => {
    const first = await rule(alice.token, { protocol: 'udp', port_range_min: '53', port_range_max: '53' });
    assert.equal(first.status, 201, first.text);
    const id = first.body.security_group_rule.id;
    for (const again of [{ protocol: 'udp', port_range_min: 53, port_range_max: 53 }, { protocol: '17', port_range_min: 53, port_range_max: 53, remote_ip_prefix: '0.0.0.0/0' }]) {
      const dup = await rule(alice.token, again);
      assert.equal(dup.status, 409, dup.text);
      assert.equal(dup.body.NeutronError.type, 'SecurityGroupRuleExists');
      assert.equal(dup.body.NeutronError.message, `Security group rule already exists. Rule id is ${id}.`);
    }
    const racing = await Promise.all(Array.from({ length: 6 }, () => rule(alice.token, { protocol: 'tcp', port_range_min: 8080, port_range_max: 8080 })));
    assert.deepEqual(racing.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
  });

  it('makes ICMP, IPv6 and remote-group rules canonical', async () => {
    const icmp = await rule(alice.token, { protocol: 'icmp', port_range_min: 8, port_range_max: 0 });
    assert.equal(icmp.status, 201, icmp.text);
    assert.deepEqual([icmp.body.security_group_rule.port_range_min, icmp.body.security_group_rule.port_range_max], [8, 0]);
    const v6 = await rule(alice.token, { protocol: 'icmp', ethertype: 'ipv6', remote_ip_prefix: '2001:DB8::1/64' });
    assert.equal(v6.status, 201, v6.text);
    const r6 = v6.body.security_group_rule;
    assert.deepEqual([r6.protocol, r6.ethertype, r6.remote_ip_prefix, r6.normalized_cidr], ['ipv6-icmp', 'IPv6', '2001:db8::1/64', '2001:db8::/64']);
    const host = await rule(alice.token, { protocol: 'any', remote_ip_prefix: '192.0.2.7' });
    assert.equal(host.body.security_group_rule.remote_ip_prefix, '192.0.2.7/32');
    assert.equal(host.body.security_group_rule.protocol, null);
    const full = await rule(alice.token, { protocol: 'sctp', port_range_min: 1, port_range_max: 65535 });
    assert.deepEqual([full.body.security_group_rule.port_range_min, full.body.security_group_rule.port_range_max], [null, null]);
    const byNumber = await rule(alice.token, { protocol: 47, description: 'gre' });
    assert.equal(byNumber.body.security_group_rule.protocol, '47');
    const dflt = (await t.request('GET', `${SG}?name=default`, { token: alice.token })).body.security_groups[0].id;
    const remote = await rule(alice.token, { protocol: 'tcp', port_range_min: 5432, port_range_max: 5432, remote_group_id: dflt });
    assert.equal(remote.status, 201, remote.text);
    assert.equal(remote.body.security_group_rule.remote_group_id, dflt);
    assert.equal(remote.body.security_group_rule.remote_ip_prefix, null);
  });

  it('refuses bad rules with Neutron\'s status and type', async () => {
    const cases: Array<[Record<string, unknown>, number, string, RegExp?]> = [
      [{ protocol: 'tcp', port_range_min: 30, port_range_max: 20 }, 400, 'SecurityGroupInvalidPortRange', /port_range_min must be <= port_range_max/],
      [{ protocol: 'tcp', port_range_min: 70000, port_range_max: 70000 }, 400, 'SecurityGroupInvalidPortValue', /Invalid value for port 70000/],
      [{ protocol: 'tcp', port_range_min: 'abc' }, 400, 'SecurityGroupInvalidPortValue'],
      [{ port_range_min: 22, port_range_max: 22 }, 400, 'SecurityGroupProtocolRequiredWithPorts'],
      [{ protocol: 'icmp', port_range_max: 0 }, 400, 'SecurityGroupMissingIcmpType'],
      [{ protocol: 'icmp', port_range_min: 300 }, 400, 'SecurityGroupInvalidIcmpValue', /It must be 0 to 255/],
      [{ protocol: 'gre', port_range_min: 1, port_range_max: 1 }, 400, 'SecurityGroupInvalidProtocolForPort'],
      [{ protocol: 'bogus' }, 400, 'SecurityGroupRuleInvalidProtocol', /Security group rule protocol bogus not supported/],
      [{ protocol: 256 }, 400, 'SecurityGroupRuleInvalidProtocol'],
      [{ ethertype: 'IPv5' }, 400, 'SecurityGroupRuleInvalidEtherType'],
      [{ remote_ip_prefix: '10.0.0.1/33' }, 400, 'InvalidCIDR', /Invalid CIDR 10.0.0.1\/33 given as IP prefix/],
      [{ ethertype: 'IPv6', remote_ip_prefix: '10.0.0.0/8' }, 400, 'SecurityGroupRuleParameterConflict'],
      [{ protocol: 'ipv6-icmp' }, 400, 'SecurityGroupEthertypeConflictWithProtocol'],
      [{ remote_ip_prefix: '10.0.0.0/8', remote_group_id: '00000000-0000-4000-8000-000000000000' }, 400, 'SecurityGroupMultipleRemoteEntites'],
      [{ direction: 'sideways' }, 400, 'HTTPBadRequest', /Invalid input for direction/],
      [{ direction: undefined }, 400, 'HTTPBadRequest', /Required attribute 'direction' not specified/],
      [{ color: 'red' }, 400, 'HTTPBadRequest', /Unrecognized attribute\(s\) 'color'/],
      [{ id: 'x' }, 400, 'HTTPBadRequest', /Attribute 'id' not allowed in POST/],
      [{ remote_group_id: bobGroup }, 404, 'SecurityGroupNotFound'],
      [{ remote_address_group_id: '00000000-0000-4000-8000-000000000000' }, 404, 'AddressGroupNotFound'],
      [{ security_group_id: bobGroup }, 404, 'SecurityGroupNotFound'],
      [{ security_group_id: 'nonsense' }, 404, 'SecurityGroupNotFound'],
    ];
    for (const [body, status, type, re] of cases) {
      const res = await rule(alice.token, body);
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.NeutronError.type, type, JSON.stringify(body));
      if (re) assert.match(res.body.NeutronError.message, re, JSON.stringify(body));
    }
    const noGroup = await t.request('POST', RULES, { token: alice.token, body: { security_group_rule: { direction: 'ingress' } } });
    assert.equal(noGroup.status, 400);
    assert.match(noGroup.body.NeutronError.message, /'security_group_id' not specified/);
    const noPut = await t.request('PUT', `${RULES}/00000000-0000-4000-8000-000000000000`, { token: alice.token, body: { security_group_rule: { description: 'x' } } });
    assert.ok(noPut.status >= 400 && noPut.status < 500);
  });

  it('creates rules in bulk for one group, all or nothing', async () => {
    const ok = await t.request('POST', RULES, { token: alice.token, body: { security_group_rules: [
      { security_group_id: web, direction: 'egress', protocol: 'tcp', port_range_min: 443, port_range_max: 443 },
      { security_group_id: web, direction: 'egress', protocol: 'tcp', port_range_min: 80, port_range_max: 80 },
    ] } });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.security_group_rules.length, 2);
    const dupInPost = await t.request('POST', RULES, { token: alice.token, body: { security_group_rules: [
      { security_group_id: web, direction: 'egress', protocol: 'udp', port_range_min: 1000, port_range_max: 1000 },
      { security_group_id: web, direction: 'egress', protocol: '17', port_range_min: 1000, port_range_max: 1000 },
    ] } });
    assert.equal(dupInPost.status, 409);
    assert.equal(dupInPost.body.NeutronError.type, 'DuplicateSecurityGroupRuleInPost');
    const dflt = (await t.request('GET', `${SG}?name=default`, { token: alice.token })).body.security_groups[0].id;
    const twoGroups = await t.request('POST', RULES, { token: alice.token, body: { security_group_rules: [
      { security_group_id: web, direction: 'egress', protocol: 'udp', port_range_min: 1001, port_range_max: 1001 },
      { security_group_id: dflt, direction: 'egress', protocol: 'udp', port_range_min: 1001, port_range_max: 1001 },
    ] } });
    assert.equal(twoGroups.status, 400);
    const left = await t.request('GET', `${RULES}?security_group_id=${web}&protocol=udp&port_range_min=1000`, { token: alice.token });
    assert.deepEqual(left.body.security_group_rules, []);
  });

  it('lists with filters and fields, hides other projects\' rules (404), and deletes', async () => {
    const mine = await t.request('GET', `${RULES}?security_group_id=${web}&direction=egress&fields=id&fields=direction`, { token: alice.token });
    assert.equal(mine.status, 200, mine.text);
    assert.ok(mine.body.security_group_rules.length >= 4);
    for (const r of mine.body.security_group_rules) assert.deepEqual(Object.keys(r).sort(), ['direction', 'id']);
    const all = (await t.request('GET', RULES, { token: alice.token })).body.security_group_rules;
    assert.ok(all.every((r: { project_id: string }) => r.project_id === alice.projectId));
    assert.ok(all.some((r: { belongs_to_default_sg: boolean }) => r.belongs_to_default_sg));
    const bobs = (await t.request('GET', `${RULES}?security_group_id=${web}`, { token: bob.token })).body.security_group_rules;
    assert.deepEqual(bobs, []);
    const victim = mine.body.security_group_rules[0].id;
    for (const method of ['GET', 'DELETE']) {
      const res = await t.request(method, `${RULES}/${victim}`, { token: bob.token });
      assert.equal(res.status, 404, `${method}: ${res.text}`);
      assert.equal(res.body.NeutronError.type, 'SecurityGroupRuleNotFound');
    }
    const byAdmin = await t.request('GET', `${RULES}/${victim}`, { token: admin });
    assert.equal(byAdmin.status, 200);
    const del = await t.request('DELETE', `${RULES}/${victim}`, { token: alice.token });
    assert.equal(del.status, 204, del.text);
    assert.equal((await t.request('GET', `${RULES}/${victim}`, { token: alice.token })).status, 404);
    assert.equal((await t.request('DELETE', `${RULES}/${victim}`, { token: alice.token })).status, 404);
  });

  it('lets an admin add a rule to a member\'s group, owned by that project', async () => {
    const res = await t.request('POST', RULES, { token: admin, body: { security_group_rule: { security_group_id: bobGroup, direction: 'ingress', protocol: 'tcp', port_range_min: 25, port_range_max: 25 } } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.security_group_rule.project_id, bob.projectId);
  });

  it('enforces the security_group_rule quota', async () => {
    const erin = await createMemberUser(t, 'sgr-erin');
    const g = (await t.request('POST', SG, { token: erin.token, body: { security_group: { name: 'nb-q' } } })).body.security_group.id;
    const used = (await t.request('GET', RULES, { token: erin.token })).body.security_group_rules.length;   // 4 default + 2 egress
    await t.cloud.network.ctx.deps.db.insertInto('net_quota').values({ project_id: erin.projectId, resource: 'security_group_rule', hard_limit: used + 1 }).execute();
    const ok = await t.request('POST', RULES, { token: erin.token, body: { security_group_rule: { security_group_id: g, direction: 'ingress', protocol: 'tcp' } } });
    assert.equal(ok.status, 201, ok.text);
    const over = await t.request('POST', RULES, { token: erin.token, body: { security_group_rule: { security_group_id: g, direction: 'ingress', protocol: 'udp' } } });
    assert.equal(over.status, 409);
    assert.equal(over.body.NeutronError.type, 'OverQuota');
  });
});
