// Hostile bodies and ids on every port route, from an admin, a member and a stranger: always a
// Neutron 4xx body or a proper success, never a 500. A failure prints the seed (NUBIS_FUZZ_SEED).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fuzzSeed, GARBAGE_IDS, MALFORMED_JSON, Prng, setOwn, ValueGen } from '../../../test/harness/fuzz.js';
import { createMemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { insertNetwork, insertSubnet } from './port-fixtures.js';

const ATTRS = ['network_id', 'name', 'fixed_ips', 'mac_address', 'security_groups', 'allowed_address_pairs', 'extra_dhcp_opts',
  'port_security_enabled', 'admin_state_up', 'device_owner', 'device_id', 'binding:host_id', 'binding:profile', 'binding:vnic_type',
  'dns_name', 'tags', 'project_id', 'status', 'id'];
const CASES = 150;

describe('port API under hostile input', () => {
  const seed = fuzzSeed();
  const rng = new Prng(seed);
  const gen = new ValueGen(rng);
  let t: TestCloud;
  let tokens: string[];
  let net: string, subnet: string;
  const portIds: string[] = [];
  before(async () => {
    console.log(`# port fuzz seed ${seed} (replay with NUBIS_FUZZ_SEED=${seed})`);
    t = await startTestCloud();
    const member = await createMemberUser(t, 'fuzz-port-member');
    const stranger = await createMemberUser(t, 'fuzz-port-stranger');
    tokens = [await t.adminToken(), member.token, stranger.token];
    const db = t.cloud.network.ctx.deps.db;
    net = await insertNetwork(db, { projectId: member.projectId });
    subnet = await insertSubnet(db, { networkId: net, projectId: member.projectId, cidr: '10.60.0.0/24', gateway: '10.60.0.1', pools: [{ start: '10.60.0.2', end: '10.60.0.250' }] });
    for (let i = 0; i < 3; i++) portIds.push((await t.request('POST', '/network/v2.0/ports', { token: member.token, body: { port: { network_id: net } } })).body.port.id);
  });
  after(async () => { await t?.close(); });

  /** A port body mixing plausible and hostile values. */
  function portBody(): unknown {
    const body: Record<string, unknown> = {};
    if (rng.chance(0.7)) body.network_id = rng.chance(0.8) ? net : gen.value(1);
    for (let i = rng.int(4); i > 0; i--) {
      const k = rng.pick(ATTRS);
      const plausible: Record<string, () => unknown> = {
        fixed_ips: () => [{ subnet_id: rng.chance(0.7) ? subnet : gen.string(), ...(rng.chance(0.5) ? { ip_address: rng.pick(['10.60.0.9', '10.60.0.0', '::1', gen.string()]) } : {}) }],
        mac_address: () => rng.pick(['fa:16:3e:00:00:01', 'ff:ff:ff:ff:ff:ff', gen.string()]),
        allowed_address_pairs: () => [{ ip_address: rng.pick(['10.1.0.0/16', '10.1.0.1', gen.string()]) }],
      };
      setOwn(body, k, rng.chance(0.5) && plausible[k] ? plausible[k]!() : gen.value(2));
    }
    if (rng.chance(0.1)) setOwn(body, gen.key(), gen.value(1));
    return rng.chance(0.1) ? { ports: [body, body] } : { port: rng.chance(0.95) ? body : gen.value(1) };
  }

  it('answers every port route with a Neutron 4xx body or a success', async () => {
    const problems: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const method = rng.pick(['GET', 'GET', 'POST', 'PUT', 'DELETE']);
      const id = rng.chance(0.6) ? rng.pick(portIds) : rng.pick(GARBAGE_IDS);
      const url = method === 'POST' || (method === 'GET' && rng.chance(0.4))
        ? `/network/v2.0/ports${method === 'GET' ? rng.pick(['?fixed_ips=x', '?limit=-1', '?sort_key=nope', '?fields=id', '?admin_state_up=maybe', '?marker=zz', '']) : ''}`
        : `/network/v2.0/ports/${id}`;
      const raw = rng.chance(0.1) ? rng.pick(MALFORMED_JSON) : JSON.stringify(portBody());
      const res = await t.request(method, url, { token: rng.pick(tokens), ...(method === 'POST' || method === 'PUT' ? { rawBody: raw, headers: { 'content-type': 'application/json' } } : {}) });
      const ok = res.status < 300 || (res.status >= 400 && res.status < 500 && typeof res.body?.NeutronError?.message === 'string');
      if (!ok) problems.push(`${method} ${url} ${raw.slice(0, 200)} → ${res.status} ${res.text.slice(0, 200)}`);
      if (method === 'POST' && res.status === 201 && res.body.port) portIds.push(res.body.port.id);
    }
    assert.deepEqual(problems, [], `seed ${seed}`);
  });
});
