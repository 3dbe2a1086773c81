// The config drive: an ISO 9660 volume labelled config-2 holding the OpenStack metadata tree, as
// Nova writes it (cloud-init and the test guest look for the label, then openstack/latest/).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConfigDriveSpec } from '../../driver.js';
import { exec } from './exec.js';

/** The files of the drive, by path inside it. */
export function configDriveFiles(spec: ConfigDriveSpec): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  // Nova writes the same content under each metadata version it supports; `latest` is what
  // readers use, and one dated version lets strict readers find a version they know.
  for (const version of ['latest', '2013-10-17']) {
    const base = `openstack/${version}`;
    files.set(`${base}/meta_data.json`, json(spec.metaData));
    files.set(`${base}/network_data.json`, json(spec.networkData));
    files.set(`${base}/vendor_data.json`, json(spec.vendorData));
    files.set(`${base}/vendor_data2.json`, json({}));
    if (spec.userData) files.set(`${base}/user_data`, Buffer.from(spec.userData, 'base64'));
  }
  return files;
}

/** Writes the ISO to `out` (via a scratch directory next to it, removed afterwards). */
export async function buildConfigDrive(spec: ConfigDriveSpec, out: string): Promise<void> {
  const tree = mkdtempSync(join(dirname(out), '.config-drive-'));
  try {
    for (const [path, data] of configDriveFiles(spec)) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), data);
    }
    // -R (Rock Ridge) keeps names exact and case-sensitive, -J serves Windows readers.
    await exec('genisoimage', ['-quiet', '-o', out, '-V', 'config-2', '-publisher', 'Nubis', '-J', '-R', '-input-charset', 'utf-8', tree]);
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}
