// Hostile bodies and ids on every router and floating IP route, from an admin, a member and a
// stranger: always a Neutron 4xx body or a proper success, never a 500. A failure prints the seed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fuzzSeed, GARBAGE_IDS, MALFORMED_JSON, Prng, setOwn, ValueGen } from '../../../test/harness/fuzz.js';
import { createMemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { makeExternal, makeNetwork, makePort, makeRouter, NET, type Made } from './l3-test-setup.js';

const ROUTER_ATTRS = ['name', 'description', 'admin_state_up', 'external_gateway_info', 'routes', 'distributed', 'ha',
  'availability_zone_hints', 'flavor_id', 'tags', 'project_id', 'status', 'id'];
const FIP_ATTRS = ['floating_network_id', 'floating_ip_address', 'subnet_id', 'port_id', 'fixed_ip_address', 'description',
  'qos_policy_id', 'tags', 'project_id', 'status', 'router_id'];
const CASES = 200;

describe('router and floating IP API under hostile input', () => {
  const seed = fuzzSeed();
  const rng = new Prng(seed);
  const gen = new ValueGen(rng);
  let t: TestCloud;
  let tokens: string[];
  let ext: Made, tenant: Made;
  const routerIds: string[] = [];
  const fipIds: string[] = [];
  const portIds: string[] = [];
  before(async () => {
    console.log(`# l3 fuzz seed ${seed} (replay with NUBIS_FUZZ_SEED=${seed})`);
    t = await startTestCloud();
    const member = await createMemberUser(t, 'fuzz-l3-member');
    const stranger = await createMemberUser(t, 'fuzz-l3-stranger');
    const admin = await t.adminToken();
    tokens = [admin, member.token, stranger.token];
    ext = await makeExternal(t, admin, '203.0.113.0/24', '203.0.113.1');
    tenant = await makeNetwork(t, member.token, '10.70.0.0/24', '10.70.0.1');
    for (let i = 0; i < 2; i++) routerIds.push((await makeRouter(t, member.token, { external_gateway_info: { network_id: ext.networkId } })).id);
    for (let i = 0; i < 3; i++) portIds.push((await makePort(t, member.token, tenant.networkId)).id);
  });
  after(async () => { await t?.close(); });

  const plausible: Record<string, () => unknown> = {
    external_gateway_info: () => rng.pick([{}, null, { network_id: rng.chance(0.7) ? ext.networkId : gen.string() },
      { network_id: ext.networkId, enable_snat: gen.scalar(), external_fixed_ips: [{ ip_address: rng.pick(['203.0.113.50', gen.string()]) }] }]),
    routes: () => [{ destination: rng.pick(['10.80.0.0/16', '0.0.0.0/0', gen.string()]), nexthop: rng.pick(['10.70.0.9', '10.70.0.1', gen.string()]) }],
    floating_network_id: () => rng.pick([ext.networkId, tenant.networkId, gen.string()]),
    port_id: () => rng.pick([...portIds, null, gen.string()]),
    fixed_ip_address: () => rng.pick(['10.70.0.5', '::1', gen.string()]),
    floating_ip_address: () => rng.pick(['203.0.113.60', '10.0.0.1', gen.string()]),
    subnet_id: () => rng.pick([ext.subnetId, tenant.subnetId, gen.string()]),
  };

  function body(resource: string, attrs: readonly string[]): unknown {
    const inner: Record<string, unknown> = {};
    for (let i = rng.int(4); i > 0; i--) {
      const k = rng.pick(attrs);
      setOwn(inner, k, rng.chance(0.6) && plausible[k] ? plausible[k]!() : gen.value(2));
    }
    if (resource === 'floatingip' && rng.chance(0.7)) inner.floating_network_id = plausible.floating_network_id!();
    if (rng.chance(0.1)) setOwn(inner, gen.key(), gen.value(1));
    return { [resource]: rng.chance(0.95) ? inner : gen.value(1) };
  }

  function interfaceBody(): unknown {
    const b: Record<string, unknown> = {};
    if (rng.chance(0.6)) b.subnet_id = rng.pick([tenant.subnetId, ext.subnetId, gen.string()]);
    if (rng.chance(0.4)) b.port_id = rng.pick([...portIds, gen.string()]);
    return rng.chance(0.9) ? b : gen.value(2);
  }

  function request(): { method: string; url: string; raw?: string } {
    const routerId = rng.chance(0.7) ? rng.pick(routerIds) : rng.pick(GARBAGE_IDS);
    const fipId = rng.chance(0.7) && fipIds.length ? rng.pick(fipIds) : rng.pick(GARBAGE_IDS);
    const json = (v: unknown) => (rng.chance(0.1) ? rng.pick(MALFORMED_JSON) : JSON.stringify(v));
    switch (rng.int(9)) {
      case 0: return { method: 'GET', url: `${NET}/routers${rng.pick(['', '?limit=-1', '?sort_key=nope', '?fields=id', '?admin_state_up=maybe', '?marker=zz'])}` };
      case 1: return { method: 'POST', url: `${NET}/routers`, raw: json(body('router', ROUTER_ATTRS)) };
      case 2: return { method: 'PUT', url: `${NET}/routers/${routerId}`, raw: json(body('router', ROUTER_ATTRS)) };
      case 3: return { method: 'PUT', url: `${NET}/routers/${routerId}/${rng.pick(['add_router_interface', 'remove_router_interface'])}`, raw: json(interfaceBody()) };
      case 4: return { method: 'PUT', url: `${NET}/routers/${routerId}/${rng.pick(['add_extraroutes', 'remove_extraroutes'])}`, raw: json(body('router', ['routes'])) };
      case 5: return { method: rng.pick(['GET', 'DELETE']), url: `${NET}/routers/${routerId}` };
      case 6: return { method: 'POST', url: `${NET}/floatingips`, raw: json(body('floatingip', FIP_ATTRS)) };
      case 7: return { method: 'PUT', url: `${NET}/floatingips/${fipId}`, raw: json(body('floatingip', FIP_ATTRS)) };
      default: return { method: rng.pick(['GET', 'DELETE', 'GET']), url: rng.chance(0.5) ? `${NET}/floatingips/${fipId}` : `${NET}/floatingips?status=DOWN` };
    }
  }

  it('answers every router and floating IP route with a Neutron 4xx body or a success', async () => {
    const problems: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const { method, url, raw } = request();
      const res = await t.request(method, url, { token: rng.pick(tokens), ...(raw !== undefined ? { rawBody: raw, headers: { 'content-type': 'application/json' } } : {}) });
      const ok = res.status < 300 || (res.status >= 400 && res.status < 500 && typeof res.body?.NeutronError?.message === 'string');
      if (!ok) problems.push(`${method} ${url} ${(raw ?? '').slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`);
      if (res.status === 201 && res.body?.router) routerIds.push(res.body.router.id);
      if (res.status === 201 && res.body?.floatingip) fipIds.push(res.body.floatingip.id);
    }
    assert.deepEqual(problems, [], `seed ${seed}`);
  });
});
