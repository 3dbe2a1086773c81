import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfigDrive, configDriveFiles } from './config-drive.js';
import { exec } from './exec.js';

const spec = {
  metaData: { uuid: '0b6c7e84-6f1e-4c43-a1d4-1f3c2b9d7a55', hostname: 'vm-1.novalocal', name: 'vm-1' },
  userData: Buffer.from('#!/bin/sh\necho hi\n').toString('base64'),
  networkData: { links: [], networks: [], services: [] },
  vendorData: {},
};

describe('config drive', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'nb-cfgdrive-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lays out the OpenStack metadata tree; no user_data file without user data', () => {
    const files = configDriveFiles(spec);
    assert.deepEqual(JSON.parse(files.get('openstack/latest/meta_data.json')!.toString()), spec.metaData);
    assert.equal(files.get('openstack/latest/user_data')!.toString(), '#!/bin/sh\necho hi\n');
    assert.ok(files.has('openstack/latest/network_data.json') && files.has('openstack/latest/vendor_data.json'));
    assert.ok(!configDriveFiles({ ...spec, userData: null }).has('openstack/latest/user_data'));
  });

  it('writes an ISO labelled config-2 whose files read back exactly', async () => {
    const iso = join(dir, 'config-drive.iso');
    await buildConfigDrive(spec, iso);
    assert.match(await exec('isoinfo', ['-d', '-i', iso]), /Volume id: config-2/);
    const listing = await exec('isoinfo', ['-R', '-f', '-i', iso]);
    assert.ok(listing.split('\n').includes('/openstack/latest/meta_data.json'), listing);
    const meta = await exec('isoinfo', ['-R', '-i', iso, '-x', '/openstack/latest/meta_data.json']);
    assert.deepEqual(JSON.parse(meta), spec.metaData);
    assert.equal(await exec('isoinfo', ['-R', '-i', iso, '-x', '/openstack/latest/user_data']), '#!/bin/sh\necho hi\n');
    assert.deepEqual((await import('node:fs')).readdirSync(dir), ['config-drive.iso'], 'the scratch tree is gone');
  });
});
