import { writeFileSync, renameSync } from 'node:fs';
import { MAX_VERSION as COMPUTE_MAX_VERSION } from '../compute/microversions.js';
import { join } from 'node:path';

export interface AdminCredentials { authUrl: string; password: string; region: string }

const quoteShell = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Writes a file readable only by its owner, atomically (temp file renamed into place). */
function writePrivate(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

/** `clouds.yaml` (cloud `nubis`) and `admin-openrc.sh` in the state dir, both mode 0600. */
export function writeCredentialFiles(stateDir: string, c: AdminCredentials): { cloudsYaml: string; openrc: string } {
  const cloudsYaml = join(stateDir, 'clouds.yaml');
  const openrc = join(stateDir, 'admin-openrc.sh');
  writePrivate(cloudsYaml, [
    'clouds:',
    '  nubis:',
    '    auth:',
    `      auth_url: ${JSON.stringify(c.authUrl)}`,
    '      username: admin',
    `      password: ${JSON.stringify(c.password)}`,
    '      project_name: admin',
    '      user_domain_name: Default',
    '      project_domain_name: Default',
    `    region_name: ${c.region}`,
    '    interface: public',
    '    identity_api_version: 3',
    // openstackclient 6.0 speaks compute 2.1 unless told; `--nic none` and server tags need more.
    `    compute_api_version: '${COMPUTE_MAX_VERSION}'`,
    '',
  ].join('\n'));
  writePrivate(openrc, [
    '# Source this file to use the openstack CLI as the Nubis admin.',
    `export OS_AUTH_URL=${quoteShell(c.authUrl)}`,
    'export OS_USERNAME=admin',
    `export OS_PASSWORD=${quoteShell(c.password)}`,
    'export OS_PROJECT_NAME=admin',
    'export OS_USER_DOMAIN_NAME=Default',
    'export OS_PROJECT_DOMAIN_NAME=Default',
    'export OS_IDENTITY_API_VERSION=3',
    `export OS_COMPUTE_API_VERSION=${COMPUTE_MAX_VERSION}`,
    `export OS_REGION_NAME=${c.region}`,
    'export OS_INTERFACE=public',
    '',
  ].join('\n'));
  return { cloudsYaml, openrc };
}
