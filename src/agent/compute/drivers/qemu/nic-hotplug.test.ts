// NIC hot-plug's QMP sequence against a fake QEMU monitor: what is sent, in which order, with
// which arguments, and what happens when QEMU refuses or the guest never lets go.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plugNic, unplugNic } from './nic-hotplug.js';
import { QmpWire } from './qmp/wire.js';

interface Sent { execute: string; arguments?: Record<string, unknown> }
type Behaviour = (cmd: Sent, reply: (body: object) => void, event: (name: string, data: object) => void) => void;

const NIC = { tap: 'nbt-0123456789a', mac: 'fa:16:3e:12:34:56' };

describe('NIC hot-plug over QMP', () => {
  let dir: string;
  let server: Server;
  let wire: QmpWire;
  let sent: Sent[] = [];
  let behaviour: Behaviour = (_c, reply) => reply({ return: {} });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nb-hotplug-'));
    const path = join(dir, 'qmp.sock');
    server = createServer((sock: Socket) => {
      sock.write(JSON.stringify({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 } }, capabilities: [] } }) + '\r\n');
      let buf = '';
      sock.on('data', (d) => {
        buf += d.toString();
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const cmd = JSON.parse(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
          const reply = (body: object) => sock.write(JSON.stringify({ ...body, id: cmd.id }) + '\r\n');
          if (cmd.execute === 'qmp_capabilities') { reply({ return: {} }); continue; }
          sent.push({ execute: cmd.execute, ...(cmd.arguments ? { arguments: cmd.arguments } : {}) });
          behaviour(cmd, reply, (event, data) => sock.write(JSON.stringify({ event, data, timestamp: { seconds: 1, microseconds: 0 } }) + '\r\n'));
        }
      });
    });
    await new Promise<void>((r) => server.listen(path, r));
    wire = await QmpWire.connect(path);
  });
  beforeEach(() => { sent = []; });
  after(() => { wire?.close(); server?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('plugs: netdev_add of the tap, then device_add of a virtio NIC with the MAC, ids from the port', async () => {
    behaviour = (_c, reply) => reply({ return: {} });
    await plugNic(wire, NIC);
    assert.deepEqual(sent, [
      { execute: 'netdev_add', arguments: { type: 'tap', id: 'net-0123456789a', ifname: 'nbt-0123456789a', script: 'no', downscript: 'no' } },
      { execute: 'device_add', arguments: { driver: 'virtio-net-pci', id: 'nic-0123456789a', netdev: 'net-0123456789a', mac: NIC.mac, romfile: '' } },
    ]);
  });

  it('a refused device_add removes the netdev it added and fails', async () => {
    behaviour = (c, reply) => c.execute === 'device_add'
      ? reply({ error: { class: 'GenericError', desc: 'No free PCI slot' } })
      : reply({ return: {} });
    await assert.rejects(plugNic(wire, NIC), /No free PCI slot/);
    assert.deepEqual(sent.map((s) => s.execute), ['netdev_add', 'device_add', 'netdev_del']);
    assert.deepEqual(sent[2]!.arguments, { id: 'net-0123456789a' });
  });

  it('plugging a NIC that is already there is a no-op success', async () => {
    behaviour = (c, reply) => reply(c.execute === 'netdev_add'
      ? { error: { class: 'GenericError', desc: "Duplicate ID 'net-0123456789a' for netdev" } }
      : { error: { class: 'GenericError', desc: "Duplicate ID 'nic-0123456789a' for device" } });
    await plugNic(wire, NIC);
    assert.deepEqual(sent.map((s) => s.execute), ['netdev_add', 'device_add']);
  });

  it('unplugs: device_del, waits for DEVICE_DELETED of that NIC, only then netdev_del', async () => {
    behaviour = (c, reply, event) => {
      reply({ return: {} });
      if (c.execute === 'device_del') {
        // Another device's event first: it must not end the wait.
        setTimeout(() => event('DEVICE_DELETED', { device: 'nic-other', path: '/machine/peripheral/nic-other' }), 20);
        setTimeout(() => event('DEVICE_DELETED', { device: 'nic-0123456789a', path: '/machine/peripheral/nic-0123456789a' }), 80);
      }
    };
    const started = Date.now();
    await unplugNic(wire, NIC, 5000);
    assert.ok(Date.now() - started >= 60, 'waited for the guest to release the device');
    assert.deepEqual(sent, [
      { execute: 'device_del', arguments: { id: 'nic-0123456789a' } },
      { execute: 'netdev_del', arguments: { id: 'net-0123456789a' } },
    ]);
  });

  it('a guest that never releases the NIC fails the unplug and keeps the backend', async () => {
    behaviour = (_c, reply) => reply({ return: {} });
    await assert.rejects(unplugNic(wire, NIC, 150), /did not release NIC nic-0123456789a/);
    assert.deepEqual(sent.map((s) => s.execute), ['device_del']);
  });

  it('unplugging a NIC that is not there only drops a leftover backend', async () => {
    behaviour = (c, reply) => reply(c.execute === 'device_del'
      ? { error: { class: 'DeviceNotFound', desc: "Device 'nic-0123456789a' not found" } }
      : { error: { class: 'GenericError', desc: "Device 'net-0123456789a' not found" } });
    await unplugNic(wire, NIC, 5000);
    assert.deepEqual(sent.map((s) => s.execute), ['device_del', 'netdev_del']);
  });
});
