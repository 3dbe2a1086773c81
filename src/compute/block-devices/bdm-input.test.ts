// Unit tests: reading block device mappings as openstackclient sends them (v2 with string numbers,
// the legacy v1 form), Nova's refusals, and the device names volumes get.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../platform/errors.js';
import { bootsFromVolume, readBlockDevices } from './bdm-input.js';
import { pickDevice, vdName } from './device-names.js';
import { serverView } from '../servers/server-view.js';
import type { InstanceRow } from '../compute.tables.js';

const VOL = '0b7f0b9e-2d1c-4b55-9a36-2d1b9f1c3a11';
const IMG = '6a1c2d3e-0000-4000-8000-000000000001';
const refused = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof ApiError && e.status === 400 && re.test(e.message));

describe('block device mappings', () => {
  it('reads what `server create --volume` and `--boot-from-volume` send', () => {
    const vol = readBlockDevices([{ uuid: VOL, boot_index: '0', source_type: 'volume', destination_type: 'volume' }], undefined);
    assert.deepEqual(vol.map((m) => [m.sourceType, m.destinationType, m.uuid, m.bootIndex, m.deleteOnTermination]), [['volume', 'volume', VOL, 0, false]]);
    assert.ok(bootsFromVolume(vol));
    const img = readBlockDevices([{ uuid: IMG, boot_index: 0, source_type: 'image', destination_type: 'volume', volume_size: '10', delete_on_termination: 'True' }], undefined);
    assert.deepEqual([img[0]!.volumeSize, img[0]!.deleteOnTermination], [10, true]);
    const local = readBlockDevices([{ uuid: IMG, boot_index: 0, source_type: 'image', destination_type: 'local' }], undefined);
    assert.ok(!bootsFromVolume(local));
    const data = readBlockDevices([{ uuid: VOL, source_type: 'volume', destination_type: 'volume', device_name: 'vdb', boot_index: -1 }], undefined);
    assert.deepEqual([data[0]!.bootIndex, data[0]!.deviceName], [null, '/dev/vdb']);
  });

  it('reads the legacy v1 form (root device vda boots)', () => {
    const v1 = readBlockDevices(undefined, [{ volume_id: VOL, device_name: 'vda', delete_on_termination: '1' }]);
    assert.deepEqual(v1.map((m) => [m.sourceType, m.bootIndex, m.deviceName, m.deleteOnTermination]), [['volume', 0, '/dev/vda', true]]);
  });

  it('refuses what Nova refuses', () => {
    refused(() => readBlockDevices([{ source_type: 'nope' }], undefined), /Invalid source_type field/);
    refused(() => readBlockDevices([{ source_type: 'volume', destination_type: 'volume' }], undefined), /Missing device UUID/);
    refused(() => readBlockDevices([{ uuid: IMG, source_type: 'image', destination_type: 'volume', boot_index: 0 }], undefined), /non-zero size/);
    refused(() => readBlockDevices([{ source_type: 'blank', destination_type: 'volume' }], undefined), /Blank volumes/);
    refused(() => readBlockDevices([{ uuid: IMG, source_type: 'image', destination_type: 'local', boot_index: 1 }], undefined), /Mapping image to local is not supported/);
    refused(() => readBlockDevices([{ uuid: VOL, source_type: 'volume', boot_index: 1 }], undefined), /Boot sequence/);
    refused(() => readBlockDevices([{ uuid: VOL, source_type: 'volume', bogus: 1 }], undefined), /Additional properties/);
    refused(() => readBlockDevices([], []), /different block_device_mapping syntaxes/);
    refused(() => readBlockDevices({}, undefined), /is not of type 'array'/);
    refused(() => readBlockDevices([{ uuid: VOL, source_type: 'volume', device_name: 'vdb' }, { uuid: IMG, source_type: 'image', destination_type: 'volume', volume_size: 1, device_name: '/dev/vdb' }], undefined), /used more than once/);
  });

  it('names devices after the local disks', () => {
    assert.deepEqual([vdName(0), vdName(1), vdName(25), vdName(26)], ['/dev/vda', '/dev/vdb', '/dev/vdz', '/dev/vdaa']);
    assert.equal(pickDevice(null, [], { bootsFromVolume: false, ephemeralGb: 0, swapMb: 0 }), '/dev/vdb');
    assert.equal(pickDevice(null, ['/dev/vdb'], { bootsFromVolume: false, ephemeralGb: 1, swapMb: 512 }), '/dev/vdd');
    assert.equal(pickDevice(null, ['/dev/vda'], { bootsFromVolume: true, ephemeralGb: 0, swapMb: 0 }), '/dev/vdb');
    assert.equal(pickDevice('vdc', ['/dev/vdb'], { bootsFromVolume: false, ephemeralGb: 0, swapMb: 0 }), '/dev/vdc');
    assert.equal(pickDevice('/dev/vdb', ['/dev/vdb'], { bootsFromVolume: false, ephemeralGb: 0, swapMb: 0 }), null);
    assert.equal(pickDevice('/dev/vda', [], { bootsFromVolume: false, ephemeralGb: 0, swapMb: 0 }), null);
  });

  it('shows the server\'s volumes, delete_on_termination from 2.3', () => {
    const row = { uuid: 'u', name: 'n', project_id: 'p', user_id: 'x', flavor: '{}', flavor_id: 'f', vm_state: 'active', task_state: null,
      image_ref: '', host: null, config_drive: '', networks: '"none"', system_metadata: '{}', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
      launched_at: null, terminated_at: null, fault: null, locked: 0, power_state: 1 } as unknown as InstanceRow;
    const extras = { metadata: {}, tags: [], volumesAttached: [{ id: VOL, delete_on_termination: true }] };
    const view = (minor: number) => serverView(row, extras, { version: { major: 2, minor }, base: '', imageBase: '', admin: false, flavorExtraSpecs: false });
    assert.deepEqual(view(1)['os-extended-volumes:volumes_attached'], [{ id: VOL }]);
    assert.deepEqual(view(3)['os-extended-volumes:volumes_attached'], [{ id: VOL, delete_on_termination: true }]);
  });
});
