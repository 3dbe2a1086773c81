// The real `openstack` CLI (python3-openstackclient 6.0, openstacksdk) against a real `nubis up`:
// flavor create/list/show/set/unset/delete, private flavors and their access lists, and keypairs
// (generated, imported, x509), checked by what the CLI prints.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCompatCloud, type CompatCloud } from '../harness/compat-cloud.js';
import type { OpenStackCli } from '../harness/openstack-cli.js';
import { generateX509Keypair } from '../../src/compute/keypairs/x509-cert.js';

type Row = Record<string, unknown>;
const FORBIDDEN = /\b403\b|forbidden|not authorized|doesn't allow/i;

describe('the openstack flavor and keypair CLI against nubis up', { timeout: 300_000 }, () => {
  let cloud: CompatCloud;
  let admin: OpenStackCli;
  let member: OpenStackCli;
  let other: OpenStackCli;
  let work: string;
  let memberProjectId = '';

  before(async () => {
    cloud = await startCompatCloud();
    admin = cloud.admin;
    work = mkdtempSync(join(tmpdir(), 'nbflvcli-'));
    for (const [user, project] of [['flv-member', 'flv-member-project'], ['flv-other', 'flv-other-project']] as const) {
      await admin.ok(['project', 'create', project]);
      await admin.ok(['user', 'create', '--password', `${user}-pw`, '--project', project, user]);
      await admin.ok(['role', 'add', '--project', project, '--user', user, 'member']);
    }
    memberProjectId = String((await admin.json(['project', 'show', 'flv-member-project'])).id);
    member = cloud.cliAs('flv-member', 'flv-member-pw', 'flv-member-project');
    other = cloud.cliAs('flv-other', 'flv-other-pw', 'flv-other-project');
  });
  after(async () => {
    await cloud?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('creates a flavor with properties and shows it', async () => {
    const f = await admin.json(['flavor', 'create', '--ram', '256', '--disk', '2', '--vcpus', '1', '--swap', '64',
      '--ephemeral', '3', '--id', 'nb-cli-1', '--property', 'hw:cpu_policy=shared', 'nb-cli-small']);
    assert.equal(f.id, 'nb-cli-1');
    assert.equal(f.name, 'nb-cli-small');
    assert.equal(f.ram, 256);
    assert.equal(f.disk, 2);
    assert.equal(f.swap, 64);
    assert.equal(f['OS-FLV-EXT-DATA:ephemeral'] ?? f.ephemeral, 3);
    const shown = await member.json(['flavor', 'show', 'nb-cli-small']);
    assert.equal(shown.id, 'nb-cli-1');
    assert.equal(shown.vcpus, 1);
    assert.match(JSON.stringify(shown.properties), /hw:cpu_policy/);
    assert.equal(shown['os-flavor-access:is_public'] ?? shown.is_public, true);
  });

  it('lists flavors, filtered and long', async () => {
    const all = await member.json<Row[]>(['flavor', 'list']);
    assert.ok(all.some((r) => r.ID === 'nb-cli-1' && r.Name === 'nb-cli-small' && r.RAM === 256));
    const big = await member.json<Row[]>(['flavor', 'list', '--min-ram', '100000']);
    assert.ok(!big.some((r) => r.ID === 'nb-cli-1'));
    const long = await admin.json<Row[]>(['flavor', 'list', '--long']);
    const mine = long.find((r) => r.ID === 'nb-cli-1');
    assert.ok(mine);
    assert.match(JSON.stringify(mine.Properties), /hw:cpu_policy/);
    const limited = await admin.json<Row[]>(['flavor', 'list', '--limit', '1']);
    assert.equal(limited.length, 1);
  });

  it('sets and unsets properties and the description (2.55)', async () => {
    await admin.ok(['flavor', 'set', '--property', 'hw:numa_nodes=1', '--property', 'quota:disk_read_bytes_sec=1000', 'nb-cli-small']);
    await admin.ok(['flavor', 'unset', '--property', 'hw:cpu_policy', 'nb-cli-small']);
    const shown = await admin.json(['flavor', 'show', 'nb-cli-small']);
    const props = JSON.stringify(shown.properties);
    assert.match(props, /hw:numa_nodes/);
    assert.match(props, /quota:disk_read_bytes_sec/);
    assert.doesNotMatch(props, /hw:cpu_policy/);
    await admin.ok(['--os-compute-api-version', '2.55', 'flavor', 'set', '--description', 'small one', 'nb-cli-small']);
    const described = await admin.json(['--os-compute-api-version', '2.55', 'flavor', 'show', 'nb-cli-small']);
    assert.equal(described.description, 'small one');
    const r = await member.fails(['flavor', 'set', '--property', 'a=b', 'nb-cli-small']);
    assert.match(r.stderr, FORBIDDEN, r.stderr);
  });

  it('keeps private flavors to the projects given access', async () => {
    const f = await admin.json(['flavor', 'create', '--ram', '128', '--disk', '1', '--vcpus', '1', '--private', '--id', 'nb-cli-priv', 'nb-cli-private']);
    assert.equal(f['os-flavor-access:is_public'] ?? f.is_public, false);
    assert.ok(!(await member.json<Row[]>(['flavor', 'list'])).some((r) => r.ID === 'nb-cli-priv'));
    await member.fails(['flavor', 'show', 'nb-cli-priv']);
    await admin.ok(['flavor', 'set', '--project', 'flv-member-project', 'nb-cli-priv']);
    const shown = await admin.json(['flavor', 'show', 'nb-cli-priv']);
    assert.match(JSON.stringify(shown.access_project_ids), new RegExp(memberProjectId));
    assert.ok((await member.json<Row[]>(['flavor', 'list'])).some((r) => r.ID === 'nb-cli-priv'));
    assert.equal((await member.json(['flavor', 'show', 'nb-cli-priv'])).name, 'nb-cli-private');
    assert.ok(!(await other.json<Row[]>(['flavor', 'list'])).some((r) => r.ID === 'nb-cli-priv'));
    const privateOnes = await admin.json<Row[]>(['flavor', 'list', '--private']);
    assert.ok(privateOnes.some((r) => r.ID === 'nb-cli-priv'));
    assert.ok(!privateOnes.some((r) => r.ID === 'nb-cli-1'));
    await admin.ok(['flavor', 'unset', '--project', 'flv-member-project', 'nb-cli-priv']);
    assert.ok(!(await member.json<Row[]>(['flavor', 'list'])).some((r) => r.ID === 'nb-cli-priv'));
  });

  it('creates with a generated id, a project and a description (2.55) in one command', async () => {
    const f = await admin.json(['--os-compute-api-version', '2.55', 'flavor', 'create', '--ram', '64', '--disk', '1', '--vcpus', '1',
      '--private', '--project', 'flv-member-project', '--description', 'for one project', 'nb-cli-auto']);
    assert.match(String(f.id), /^[0-9a-f-]{36}$/);
    assert.equal(f.description, 'for one project');
    // The CLI only logs a failed access grant, so check it took effect.
    const seen = await member.json(['flavor', 'show', String(f.id)]);
    assert.equal(seen.name, 'nb-cli-auto');
    await admin.ok(['flavor', 'delete', 'nb-cli-auto']);
  });

  it('deletes flavors', async () => {
    await admin.ok(['flavor', 'delete', 'nb-cli-small', 'nb-cli-priv']);
    await admin.fails(['flavor', 'show', 'nb-cli-small']);
    const r = await admin.fails(['flavor', 'delete', 'nb-cli-small']);
    assert.match(r.stderr, /nb-cli-small/);
  });

  it('creates a keypair the server generates and prints the private key', async () => {
    const r = await member.ok(['keypair', 'create', 'nb-gen']);
    assert.match(r.stdout, /-----BEGIN RSA PRIVATE KEY-----/);
    const shown = await member.json(['keypair', 'show', 'nb-gen']);
    assert.equal(shown.name, 'nb-gen');
    assert.match(String(shown.fingerprint), /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    const pub = await member.ok(['keypair', 'show', '--public-key', 'nb-gen']);
    assert.match(pub.stdout, /^ssh-rsa AAAA/);
  });

  it('imports a public key file with the fingerprint ssh-keygen prints', async () => {
    const file = join(work, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'nb cli', '-f', file], { stdio: 'pipe' });
    const md5 = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1]!.replace(/^MD5:/, '');
    const created = await member.json(['keypair', 'create', '--public-key', `${file}.pub`, 'nb-imported']);
    assert.equal(created.fingerprint, md5);
    const list = await member.json<Row[]>(['keypair', 'list']);
    assert.deepEqual(list.map((r) => r.Name).sort(), ['nb-gen', 'nb-imported']);
    assert.equal(list.find((r) => r.Name === 'nb-imported')!.Fingerprint, md5);
    const dup = await member.fails(['keypair', 'create', '--public-key', `${file}.pub`, 'nb-imported']);
    assert.match(dup.stderr, /already exists/);
    assert.deepEqual(await other.json<Row[]>(['keypair', 'list']), []);
    const v22 = await member.json<Row[]>(['--os-compute-api-version', '2.2', 'keypair', 'list']);
    assert.equal(v22.find((r) => r.Name === 'nb-imported')!.Type, 'ssh');
  });

  it('creates x509 keypairs at 2.2', async () => {
    const cert = await generateX509Keypair('nb-cli');
    const pem = join(work, 'cert.pem');
    writeFileSync(pem, cert.publicKey);
    // openstackclient 6.0 passes `--type` to openstacksdk as `key_type`, an attribute its Keypair
    // does not have, so the request goes out as an ssh key: the certificate is refused, nothing is made.
    const viaCli = await member.fails(['--os-compute-api-version', '2.2', 'keypair', 'create', '--type', 'x509', '--public-key', pem, 'nb-x509']);
    assert.match(viaCli.stderr, /Keypair data is invalid/);
    // The API itself, with the CLI's token.
    const token = String((await member.json(['token', 'issue'])).id);
    const headers = { 'x-auth-token': token, 'openstack-api-version': 'compute 2.2' };
    const imported = await cloud.http('POST', '/compute/v2.1/os-keypairs', headers, { keypair: { name: 'nb-x509', type: 'x509', public_key: cert.publicKey } });
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    assert.equal((imported.body as { keypair: Row }).keypair.fingerprint, cert.fingerprint);
    const made = await cloud.http('POST', '/compute/v2.1/os-keypairs', headers, { keypair: { name: 'nb-x509-gen', type: 'x509' } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.match(String((made.body as { keypair: Row }).keypair.private_key), /BEGIN PRIVATE KEY/);
    const listed = await member.json<Row[]>(['--os-compute-api-version', '2.2', 'keypair', 'list']);
    assert.equal(listed.find((r) => r.Name === 'nb-x509')!.Type, 'x509');
    const shown = await member.json(['keypair', 'show', 'nb-x509-gen']);
    assert.equal(shown.type, 'x509');
  });

  it('deletes keypairs', async () => {
    await member.ok(['keypair', 'delete', 'nb-gen', 'nb-imported', 'nb-x509', 'nb-x509-gen']);
    assert.deepEqual(await member.json<Row[]>(['keypair', 'list']), []);
    await member.fails(['keypair', 'show', 'nb-gen']);
    await member.fails(['keypair', 'delete', 'nb-gen']);
  });
});
