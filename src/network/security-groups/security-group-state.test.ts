import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { insertNetwork, insertPort } from './security-group-fixtures.js';
import { securityGroupStates, stateProtocol } from './security-group-state.js';

const SG = '/network/v2.0/security-groups';
const RULES = '/network/v2.0/security-group-rules';

describe('security group states for the dataplane', () => {
  let t: TestCloud;
  let alice: MemberUser;
  before(async () => {
    t = await startTestCloud();
    alice = await createMemberUser(t, 'sgs-alice');
  });
  after(async () => { await t.close(); });

  it('spells protocols one way', () => {
    assert.equal(stateProtocol(null, 'IPv4'), null);
    assert.equal(stateProtocol('icmpv6', 'IPv6'), 'ipv6-icmp');
    assert.equal(stateProtocol('58', 'IPv6'), 'ipv6-icmp');
    assert.equal(stateProtocol('icmp', 'IPv6'), 'ipv6-icmp');
    assert.equal(stateProtocol('6', 'IPv4'), 'tcp');
    assert.equal(stateProtocol('47', 'IPv4'), '47');
    assert.equal(stateProtocol('gre', 'IPv4'), 'gre');
  });

  it('returns rules of the given groups and members of the groups they name as remote', async () => {
    const post = async (url: string, body: unknown) => {
      const res = await t.request('POST', url, { token: alice.token, body });
      assert.equal(res.status, 201, res.text);
      return res.body;
    };
    const app = (await post(SG, { security_group: { name: 'nb-app' } })).security_group.id as string;
    const dbg = (await post(SG, { security_group: { name: 'nb-db' } })).security_group.id as string;
    const lonely = (await post(SG, { security_group: { name: 'nb-lonely', stateful: false } })).security_group.id as string;
    const fromApp = (await post(RULES, { security_group_rule: { security_group_id: dbg, direction: 'ingress', protocol: 'tcp', port_range_min: 5432, port_range_max: 5432, remote_group_id: app } })).security_group_rule;
    const ssh = (await post(RULES, { security_group_rule: { security_group_id: dbg, direction: 'ingress', protocol: '6', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '10.1.2.3/16' } })).security_group_rule;
    const db = t.cloud.network.ctx.deps.db;
    const net = await insertNetwork(db, alice.projectId, '10.20.0.0/24');
    await insertPort(db, alice.projectId, net, { ips: ['10.20.0.5'], groups: [app], pairs: ['10.20.0.100', '192.168.7.0/24', '10.20.0.9/32'] });
    await insertPort(db, alice.projectId, net, { ips: ['10.20.0.6'], groups: [app, dbg] });
    await insertPort(db, alice.projectId, net, { ips: ['10.20.0.7'], groups: [dbg] });

    const states = await securityGroupStates(t.cloud.network.ctx.deps, [dbg, lonely, dbg, '00000000-0000-4000-8000-000000000000']);
    assert.deepEqual(states.map((s) => s.id), [app, dbg, lonely].sort());
    const byId = new Map(states.map((s) => [s.id, s]));
    // app is here only as dbg's remote group: its members, none of its rules.
    assert.deepEqual(byId.get(app)!.members, ['10.20.0.100', '10.20.0.5', '10.20.0.6', '10.20.0.9']);
    assert.deepEqual(byId.get(app)!.rules, []);
    const d = byId.get(dbg)!;
    assert.equal(d.stateful, true);
    assert.deepEqual(d.members, []);
    assert.deepEqual(d.rules.find((r) => r.id === fromApp.id), {
      id: fromApp.id, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portRangeMin: 5432, portRangeMax: 5432,
      remoteIpPrefix: null, remoteGroupId: app,
    });
    const s = d.rules.find((r) => r.id === ssh.id)!;
    assert.deepEqual([s.protocol, s.remoteIpPrefix], ['tcp', '10.1.0.0/16']);
    // The default egress rules: any protocol, any address.
    assert.deepEqual(d.rules.filter((r) => r.direction === 'egress').map((r) => [r.ethertype, r.protocol, r.remoteIpPrefix]).sort(),
      [['IPv4', null, null], ['IPv6', null, null]]);
    assert.equal(byId.get(lonely)!.stateful, false);
    assert.deepEqual(await securityGroupStates(t.cloud.network.ctx.deps, []), []);
  });

  it('fills the default group\'s members, since its own rules name it', async () => {
    const dflt = (await t.request('GET', `${SG}?name=default`, { token: alice.token })).body.security_groups[0].id as string;
    const db = t.cloud.network.ctx.deps.db;
    const net = await insertNetwork(db, alice.projectId, '10.30.0.0/24');
    await insertPort(db, alice.projectId, net, { ips: ['10.30.0.5'], groups: [dflt] });
    const [state] = await securityGroupStates(t.cloud.network.ctx.deps, [dflt]);
    assert.deepEqual(state!.members, ['10.30.0.5']);
    assert.equal(state!.rules.filter((r) => r.remoteGroupId === dflt).length, 2);
  });
});
