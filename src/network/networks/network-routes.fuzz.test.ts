// Hostile bodies, ids and queries on the networks, subnets, RBAC, quota and tag routes, from an
// admin, a member and a stranger: always a Neutron 4xx body or a proper success, never a 500.
// A failure prints the seed (replay with NUBIS_FUZZ_SEED).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fuzzSeed, GARBAGE_IDS, MALFORMED_JSON, Prng, setOwn, ValueGen } from '../../../test/harness/fuzz.js';
import { createMemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const ATTRS: Record<string, string[]> = {
  network: ['name', 'description', 'admin_state_up', 'shared', 'router:external', 'is_default', 'mtu', 'port_security_enabled',
    'availability_zone_hints', 'provider:network_type', 'provider:physical_network', 'provider:segmentation_id', 'tags', 'project_id', 'status'],
  subnet: ['network_id', 'ip_version', 'cidr', 'gateway_ip', 'allocation_pools', 'dns_nameservers', 'host_routes', 'enable_dhcp',
    'ipv6_ra_mode', 'ipv6_address_mode', 'subnetpool_id', 'name', 'segment_id', 'service_types', 'tags', 'id'],
  rbac_policy: ['object_type', 'object_id', 'action', 'target_tenant', 'project_id'],
  quota: ['network', 'subnet', 'port', 'router', 'bogus'],
};
const COLLECTION: Record<string, string> = { network: 'networks', subnet: 'subnets', rbac_policy: 'rbac-policies', quota: 'quotas' };
const CASES = 250;

describe('network, subnet, RBAC, quota and tag APIs under hostile input', () => {
  const seed = fuzzSeed();
  const rng = new Prng(seed);
  const gen = new ValueGen(rng);
  let t: TestCloud;
  let tokens: string[];
  const ids: Record<string, string[]> = { network: [], subnet: [], rbac_policy: [], quota: [] };
  before(async () => {
    console.log(`# network fuzz seed ${seed} (replay with NUBIS_FUZZ_SEED=${seed})`);
    t = await startTestCloud();
    const member = await createMemberUser(t, 'fuzz-net-member');
    const stranger = await createMemberUser(t, 'fuzz-net-stranger');
    tokens = [await t.adminToken(), member.token, stranger.token];
    const net = (await t.request('POST', '/network/v2.0/networks', { token: member.token, body: { network: { name: 'nb-fuzz' } } })).body.network.id;
    ids.network!.push(net);
    const sub = await t.request('POST', '/network/v2.0/subnets', { token: member.token, body: { subnet: { network_id: net, ip_version: 4, cidr: '10.77.0.0/24' } } });
    ids.subnet!.push(sub.body.subnet.id);
    ids.quota!.push(member.projectId, stranger.projectId);
  });
  after(async () => { await t?.close(); });

  function body(kind: string): unknown {
    const out: Record<string, unknown> = {};
    const plausible: Record<string, () => unknown> = {
      network_id: () => rng.pick(ids.network!), object_id: () => rng.pick(ids.network!), ip_version: () => rng.pick([4, 6, '4', 5]),
      cidr: () => rng.pick(['10.77.1.0/24', '10.77.0.0/25', 'fd00::/64', '10.0.0.1/33', '0.0.0.0/0', gen.string()]),
      gateway_ip: () => rng.pick(['10.77.1.1', '10.77.1.255', null, '::1', gen.string()]),
      allocation_pools: () => [{ start: rng.pick(['10.77.1.2', gen.string()]), end: rng.pick(['10.77.1.9', '::2', gen.string()]) }],
      host_routes: () => [{ destination: rng.pick(['1.2.3.0/24', gen.string()]), nexthop: rng.pick(['10.77.1.3', gen.string()]) }],
      dns_nameservers: () => [rng.pick(['8.8.8.8', gen.string()])],
      'provider:network_type': () => rng.pick(['vxlan', 'flat', 'local', 'vlan', gen.string()]),
      'provider:segmentation_id': () => rng.pick([1, 0, -5, 2 ** 24, 2 ** 53 + 1, '7', gen.string()]),
      action: () => rng.pick(['access_as_shared', 'access_as_external', gen.string()]),
      target_tenant: () => rng.pick(['*', ids.quota![0]!, gen.string()]), object_type: () => rng.pick(['network', 'security_group', gen.string()]),
      mtu: () => rng.pick([1400, 68, 67, 9000, '1400', 1e309, gen.string()]),
    };
    for (let i = rng.int(5); i > 0; i--) {
      const k = rng.pick(ATTRS[kind]!);
      setOwn(out, k, rng.chance(0.6) && plausible[k] ? plausible[k]!() : gen.value(2));
    }
    if (kind === 'subnet' && rng.chance(0.6)) { out.network_id ??= rng.pick(ids.network!); out.ip_version ??= 4; out.cidr ??= plausible.cidr!(); }
    if (rng.chance(0.1)) setOwn(out, gen.key(), gen.value(1));
    if (rng.chance(0.05)) return gen.value(2);
    return rng.chance(0.1) && kind !== 'quota' && kind !== 'rbac_policy' ? { [`${kind}s`]: [out, out] } : { [kind]: out };
  }

  it('answers every route with a Neutron 4xx body or a success', async () => {
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < CASES; i++) {
      const kind = rng.pick(['network', 'network', 'subnet', 'subnet', 'rbac_policy', 'quota', 'tags']);
      const method = rng.pick(['GET', 'GET', 'POST', 'PUT', 'DELETE']);
      let url: string;
      let payload: string | undefined;
      if (kind === 'tags') {
        const owner = rng.pick(['networks', 'subnets', 'ports', 'routers', 'floatingips', 'security-groups']);
        const id = rng.chance(0.7) ? rng.pick([...ids.network!, ...ids.subnet!]) : rng.pick(GARBAGE_IDS);
        const tag = rng.chance(0.5) ? `/${rng.pick(['a', 'b'.repeat(61), '%2C', 'x,y', '%00'])}` : '';
        url = `/network/v2.0/${owner}/${id}/tags${tag}`;
        payload = JSON.stringify(rng.chance(0.7) ? { tags: gen.value(1) } : gen.value(2));
      } else {
        const base = `/network/v2.0/${COLLECTION[kind]}`;
        const id = rng.chance(0.6) && ids[kind]!.length ? rng.pick(ids[kind]!) : rng.pick(GARBAGE_IDS);
        const query = rng.pick(['', '?limit=-1', '?sort_key=nope', '?fields=id', '?shared=maybe', '?marker=zz', '?name=%zz', '?mtu=x&mtu=y']);
        url = method === 'POST' ? base : method === 'GET' && rng.chance(0.4) ? `${base}${query}`
          : kind === 'quota' && rng.chance(0.3) ? `${base}/${id}/${rng.pick(['default', 'details', 'details.json'])}` : `${base}/${id}`;
        payload = rng.chance(0.1) ? rng.pick(MALFORMED_JSON) : JSON.stringify(body(kind));
      }
      const withBody = method === 'POST' || method === 'PUT';
      const res = await t.request(method, url, { token: rng.pick(tokens), ...(withBody ? { rawBody: payload, headers: { 'content-type': 'application/json' } } : {}) });
      const ok = res.status < 300 || (res.status >= 400 && res.status < 500 && typeof res.body?.NeutronError?.message === 'string')
        || (res.status === 503 && res.body?.NeutronError?.type === 'NoNetworkAvailable');
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (!ok) problems.push(`${method} ${url} ${String(payload).slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`);
      if (method === 'POST' && res.status === 201 && kind !== 'tags') {
        const created = res.body[kind] ? [res.body[kind]] : res.body[`${kind}s`] ?? [];
        for (const c of created) ids[kind]!.push(c.id);
      }
    }
    console.log(`# statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.deepEqual(problems, [], `seed ${seed}`);
  });
});
