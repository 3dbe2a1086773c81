/* eslint-disable @typescript-eslint/no-explicit-any */
// Test helpers for the router and floating IP tests: networks, subnets and ports made through the API.
import assert from 'node:assert/strict';
import type { TestCloud } from '../../../test/harness/test-cloud.js';

export const NET = '/network/v2.0';

export interface Made { networkId: string; subnetId: string }

/** An external network (admin) with one IPv4 subnet. */
export async function makeExternal(t: TestCloud, admin: string, cidr: string, gateway: string, name = 'nb-ext'): Promise<Made> {
  return makeNetwork(t, admin, cidr, gateway, { name, 'router:external': true });
}

/** A network with one IPv4 subnet (gateway null: a subnet without gateway_ip). */
export async function makeNetwork(t: TestCloud, token: string, cidr: string, gateway: string | null,
  extra: Record<string, unknown> = {}): Promise<Made> {
  const net = await t.request('POST', `${NET}/networks`, { token, body: { network: { name: 'nb-net', ...extra } } });
  assert.equal(net.status, 201, net.text);
  const sub = await t.request('POST', `${NET}/subnets`, {
    token, body: { subnet: { network_id: net.body.network.id, ip_version: 4, cidr, gateway_ip: gateway } },
  });
  assert.equal(sub.status, 201, sub.text);
  return { networkId: net.body.network.id, subnetId: sub.body.subnet.id };
}

export async function makePort(t: TestCloud, token: string, networkId: string, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await t.request('POST', `${NET}/ports`, { token, body: { port: { network_id: networkId, ...extra } } });
  assert.equal(res.status, 201, res.text);
  return res.body.port;
}

export async function makeRouter(t: TestCloud, token: string, router: Record<string, unknown> = {}): Promise<any> {
  const res = await t.request('POST', `${NET}/routers`, { token, body: { router: { name: 'nb-router', ...router } } });
  assert.equal(res.status, 201, res.text);
  return res.body.router;
}

/** Asserts a Neutron error: status and NeutronError.type (and the message when given). */
export function assertNeutronError(res: { status: number; body: any; text: string }, status: number, type: string, message?: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.NeutronError?.type, type, res.text);
  if (message) assert.match(res.body.NeutronError.message, message);
}
