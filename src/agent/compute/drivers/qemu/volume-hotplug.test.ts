// Volume hot-plug's QMP sequence against a fake QEMU monitor: what is sent, in which order, with
// which arguments, and what is undone when QEMU refuses or the guest never lets go.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestVolume } from '../../driver.js';
import { QmpWire } from './qmp/wire.js';
import { plugVolume, resizeVolume, unplugVolume } from './volume-hotplug.js';

interface Sent { execute: string; arguments?: Record<string, unknown> }
type Behaviour = (cmd: Sent, reply: (body: object) => void, event: (name: string, data: object) => void) => void;

const ID = '5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const VOL: GuestVolume = {
  volumeId: ID, device: 'vdb', readOnly: false, bootIndex: null,
  connection: { driver_volume_type: 'file', data: { path: '/var/lib/nubis/volumes/v.qcow2', format: 'qcow2', host: 'h1' } },
};
const ok = (_c: Sent, reply: (body: object) => void) => reply({ return: {} });
const err = (desc: string, cls = 'GenericError') => ({ error: { class: cls, desc } });

describe('volume hot-plug over QMP', () => {
  let dir: string;
  let server: Server;
  let wire: QmpWire;
  let sent: Sent[] = [];
  let behaviour: Behaviour = ok;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nb-volplug-'));
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
  beforeEach(() => { sent = []; behaviour = ok; });
  after(() => { wire?.close(); server?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('plugs: file node, qcow2 node on it, then a virtio-blk disk with the volume id as serial', async () => {
    await plugVolume(wire, VOL);
    assert.deepEqual(sent, [
      { execute: 'blockdev-add', arguments: { driver: 'file', 'node-name': 'volp-5a1b2c3d-4e', filename: '/var/lib/nubis/volumes/v.qcow2' } },
      { execute: 'blockdev-add', arguments: { driver: 'qcow2', 'node-name': 'volf-5a1b2c3d-4e', file: 'volp-5a1b2c3d-4e' } },
      { execute: 'device_add', arguments: { driver: 'virtio-blk-pci', id: 'vol-5a1b2c3d-4e', drive: 'volf-5a1b2c3d-4e', serial: '5a1b2c3d-4e5f-4a6b-8' } },
    ]);
  });

  it('plugs into the PCI slot it is given', async () => {
    await plugVolume(wire, VOL, 0x12);
    assert.deepEqual(sent[2]!.arguments, { driver: 'virtio-blk-pci', id: 'vol-5a1b2c3d-4e', drive: 'volf-5a1b2c3d-4e', serial: '5a1b2c3d-4e5f-4a6b-8', bus: 'pci.0', addr: '0x12' });
  });

  it('read-only volumes get read-only nodes', async () => {
    await plugVolume(wire, { ...VOL, readOnly: true });
    assert.equal(sent[0]!.arguments!['read-only'], true);
    assert.equal(sent[1]!.arguments!['read-only'], true);
  });

  it('a refused device_add removes both nodes it added, format node first, and fails', async () => {
    behaviour = (c, reply) => reply(c.execute === 'device_add' ? err('No free PCI slot') : { return: {} });
    await assert.rejects(plugVolume(wire, VOL), /No free PCI slot/);
    assert.deepEqual(sent.map((s) => [s.execute, s.arguments?.['node-name'] ?? s.arguments?.id]), [
      ['blockdev-add', 'volp-5a1b2c3d-4e'], ['blockdev-add', 'volf-5a1b2c3d-4e'], ['device_add', 'vol-5a1b2c3d-4e'],
      ['blockdev-del', 'volf-5a1b2c3d-4e'], ['blockdev-del', 'volp-5a1b2c3d-4e'],
    ]);
  });

  it('a file QEMU cannot open fails at the first node and leaves nothing', async () => {
    behaviour = (c, reply) => reply(c.execute === 'blockdev-add' ? err("Could not open '/x': No such file or directory") : { return: {} });
    await assert.rejects(plugVolume(wire, VOL), /Could not open/);
    assert.deepEqual(sent.map((s) => s.execute), ['blockdev-add']);
  });

  it('a retried plug of a volume already there is a no-op success', async () => {
    behaviour = (c, reply) => reply(c.execute === 'blockdev-add'
      ? err(`Duplicate nodes with node-name='${String(c.arguments!['node-name'])}'`)
      : err("Duplicate device ID 'vol-5a1b2c3d-4e' for device"));
    await plugVolume(wire, VOL);
    assert.deepEqual(sent.map((s) => s.execute), ['blockdev-add', 'blockdev-add', 'device_add']);
  });

  it('unplugs: device_del, waits for DEVICE_DELETED of that disk, only then blockdev-del of both nodes', async () => {
    behaviour = (c, reply, event) => {
      reply({ return: {} });
      if (c.execute === 'device_del') {
        // The inner virtio backend's event (no device id) and another device's must not end the wait.
        setTimeout(() => event('DEVICE_DELETED', { path: '/machine/peripheral/vol-5a1b2c3d-4e/virtio-backend' }), 10);
        setTimeout(() => event('DEVICE_DELETED', { device: 'vol-other', path: '/machine/peripheral/vol-other' }), 20);
        setTimeout(() => event('DEVICE_DELETED', { device: 'vol-5a1b2c3d-4e', path: '/machine/peripheral/vol-5a1b2c3d-4e' }), 80);
      }
    };
    const started = Date.now();
    await unplugVolume(wire, ID, 5000);
    assert.ok(Date.now() - started >= 60, 'waited for the guest to release the disk');
    assert.deepEqual(sent, [
      { execute: 'device_del', arguments: { id: 'vol-5a1b2c3d-4e' } },
      { execute: 'blockdev-del', arguments: { 'node-name': 'volf-5a1b2c3d-4e' } },
      { execute: 'blockdev-del', arguments: { 'node-name': 'volp-5a1b2c3d-4e' } },
    ]);
  });

  it('a guest that never releases the disk fails the unplug and keeps the nodes', async () => {
    await assert.rejects(unplugVolume(wire, ID, 150), /did not release volume device vol-5a1b2c3d-4e/);
    assert.deepEqual(sent.map((s) => s.execute), ['device_del']);
  });

  it('unplugging a volume that is not there only drops leftover nodes', async () => {
    // QEMU 7.2's own answers for a missing device and a missing node.
    behaviour = (c, reply) => reply(c.execute === 'device_del'
      ? err("Device 'vol-5a1b2c3d-4e' not found", 'DeviceNotFound')
      : err(`Failed to find node with node-name='${String(c.arguments!['node-name'])}'`));
    await unplugVolume(wire, ID, 5000);
    assert.deepEqual(sent.map((s) => s.execute), ['device_del', 'blockdev-del', 'blockdev-del']);
  });

  it('a node still in use fails the unplug', async () => {
    behaviour = (c, reply, event) => {
      if (c.execute === 'blockdev-del') return reply(err(`Node ${String(c.arguments!['node-name'])} is in use`));
      reply({ return: {} });
      setTimeout(() => event('DEVICE_DELETED', { device: 'vol-5a1b2c3d-4e' }), 5);
    };
    await assert.rejects(unplugVolume(wire, ID, 5000), /is in use/);
  });

  it('resizes the format node, growing only', async () => {
    const size = 1024 ** 3;
    behaviour = (c, reply) => reply(c.execute === 'query-named-block-nodes'
      ? { return: [{ 'node-name': 'volp-5a1b2c3d-4e', image: { 'virtual-size': 2 * size } }, { 'node-name': 'volf-5a1b2c3d-4e', image: { 'virtual-size': size } }] }
      : { return: {} });
    await resizeVolume(wire, ID, 2 * size);
    assert.deepEqual(sent, [
      { execute: 'query-named-block-nodes', arguments: { flat: true } },
      { execute: 'block_resize', arguments: { 'node-name': 'volf-5a1b2c3d-4e', size: 2 * size } },
    ]);
    sent = [];
    await resizeVolume(wire, ID, size); // the size it has: nothing to do
    await assert.rejects(resizeVolume(wire, ID, size / 2), /cannot shrink/);
    assert.deepEqual(sent.map((s) => s.execute), ['query-named-block-nodes', 'query-named-block-nodes']);
    behaviour = (_c, reply) => reply({ return: [] });
    await assert.rejects(resizeVolume(wire, ID, size), /not plugged/);
  });
});
