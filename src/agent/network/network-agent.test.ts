// The network agent on an in-process bus: reports itself, applies states for its host only, and
// answers the metadata socket by asking the control plane.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { LocalBus } from '../../platform/bus/local-bus.js';
import { NETWORK_CONDUCTOR_TOPIC, NetworkAgentClient } from './agent-client.js';
import { METADATA_TOPIC, type HostNetworkState, type MetadataRequest, type NetworkDataplane } from './host-state.js';
import { serveMetadataSocket } from './linuxbridge/metadata-socket.js';
import { NetworkAgent } from './network-agent.js';

const empty = (host: string): HostNetworkState => ({ host, networks: [], ports: [], securityGroups: [], dhcp: [], routers: [] });

function getOverSocket(socketPath: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('network agent', () => {
  const bus = new LocalBus();
  const dir = mkdtempSync(join(tmpdir(), 'nbagent-'));
  const socket = join(dir, 'metadata.sock');
  const reports: Array<{ method: string; args: unknown }> = [];
  const applied: HostNetworkState[] = [];
  const dataplane: NetworkDataplane = {
    async apply(state) { applied.push(state); return { ports: [] }; },
    async teardown() { applied.length = 0; },
  };
  let agent: NetworkAgent;

  before(async () => {
    await bus.serve(NETWORK_CONDUCTOR_TOPIC, (method, args) => { reports.push({ method, args }); return { ok: true }; });
    await bus.serve(METADATA_TOPIC, (_m, req: MetadataRequest) =>
      ({ status: 200, contentType: 'application/json', body: JSON.stringify({ asked: req }) }));
    agent = new NetworkAgent('nbhost-a', dataplane, bus, { vtep: '192.0.2.7', metadataSocket: socket, serveMetadata: serveMetadataSocket },
      pino({ level: 'silent' }));
    await agent.start();
  });
  after(async () => {
    await agent.stop();
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports its start with its VTEP', () => {
    assert.deepEqual(reports[0], { method: 'agentStarted', args: { host: 'nbhost-a', vtep: '192.0.2.7' } });
  });

  it('applies states for its own host and refuses others', async () => {
    const client = new NetworkAgentClient(bus, 'nbhost-a');
    assert.deepEqual(await client.apply(empty('nbhost-a')), { ports: [] });
    assert.equal(applied.length, 1);
    await assert.rejects(bus.call('network.nbhost-a', 'apply', { state: empty('nbhost-b') }), /state for host nbhost-b/);
    await client.teardown();
    assert.equal(applied.length, 0);
  });

  it('answers metadata by asking the control plane with who asked', async () => {
    const res = await getOverSocket(socket, '/openstack/latest/meta_data.json',
      { 'x-nubis-kind': 'network', 'x-nubis-id': 'net-1', 'x-nubis-source': '10.0.0.5' });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body).asked,
      { kind: 'network', id: 'net-1', sourceIp: '10.0.0.5', method: 'GET', path: '/openstack/latest/meta_data.json' });
  });

  it('retries its start report until the control plane answers', async () => {
    const lonely = new LocalBus();
    const late = new NetworkAgent('nbhost-b', dataplane, lonely, { vtep: null, metadataSocket: null, retrySeconds: 0.05 }, pino({ level: 'silent' }));
    await late.start(); // nobody serves the conductor topic yet
    const got: unknown[] = [];
    await lonely.serve(NETWORK_CONDUCTOR_TOPIC, (method, args) => { got.push([method, args]); return { ok: true }; });
    const end = Date.now() + 10_000;
    while (!got.length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got[0], ['agentStarted', { host: 'nbhost-b', vtep: null }]);
    await late.stop();
    await lonely.close();
  });
});
