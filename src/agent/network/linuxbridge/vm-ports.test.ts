import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VmPort } from '../host-state.js';
import type { Link } from './link-inventory.js';
import { portCommands, tapMac } from './vm-ports.js';

const port: VmPort = {
  id: '11111111-2222-3333-4444-555555555555', tap: 'nbt-11111111-22', networkId: 'n', mac: 'FA:16:3E:01:02:03',
  fixedIps: ['10.0.0.5'], adminStateUp: true, portSecurity: true, allowedAddressPairs: [], securityGroupIds: [], mtu: 1450,
};
const OWNER = 'nubis-managed:test';
const link = (o: Partial<Link>): Link => ({
  name: port.tap, ifindex: 9, kind: 'tun', master: 'nbr-x', mtu: 1450, up: true, mac: 'fe:16:3e:01:02:03',
  alias: OWNER, addrGenMode: 'none', ...o,
});

describe('VM port commands', () => {
  it('gives the tap the port MAC with fe: first, so the bridge never sees the guest MAC twice', () => {
    assert.equal(tapMac('FA:16:3E:01:02:03'), 'fe:16:3e:01:02:03');
  });

  it('creates a missing tap with vnet_hdr, no IPv6 address, then wires it', () => {
    assert.deepEqual(portCommands(port, 'nbr-x', undefined, OWNER), [
      ['tuntap', 'add', 'dev', port.tap, 'mode', 'tap', 'vnet_hdr'],
      ['link', 'set', 'dev', port.tap, 'addrgenmode', 'none'],
      ['link', 'set', 'dev', port.tap, 'alias', OWNER],
      ['link', 'set', 'dev', port.tap, 'address', 'fe:16:3e:01:02:03', 'mtu', '1450', 'master', 'nbr-x', 'up'],
    ]);
  });

  it('does nothing for a wired tap, and only what differs otherwise', () => {
    assert.deepEqual(portCommands(port, 'nbr-x', link({}), OWNER), []);
    assert.deepEqual(portCommands(port, 'nbr-y', link({ mtu: 1500 }), OWNER), [['link', 'set', 'dev', port.tap, 'mtu', '1450', 'master', 'nbr-y']]);
    assert.deepEqual(portCommands({ ...port, adminStateUp: false }, 'nbr-x', link({}), OWNER), [['link', 'set', 'dev', port.tap, 'down']]);
  });

  it('adopts a veth standing in for a tap, and replaces a device of another kind', () => {
    assert.deepEqual(portCommands(port, 'nbr-x', link({ kind: 'veth' }), OWNER), []);
    assert.deepEqual(portCommands(port, 'nbr-x', link({ kind: 'veth', alias: undefined }), OWNER), [['link', 'set', 'dev', port.tap, 'alias', OWNER]]);
    assert.deepEqual(portCommands(port, 'nbr-x', link({ kind: 'bridge' }), OWNER)[0], ['link', 'delete', 'dev', port.tap]);
  });
});
