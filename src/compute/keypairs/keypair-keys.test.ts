import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSshKeypair, sshFingerprint, x509Fingerprint } from './keypair-keys.js';
import { generateX509Keypair } from './x509-cert.js';

const has = (tool: string) => { try { execFileSync('which', [tool], { stdio: 'pipe' }); return true; } catch { return false; } };

describe('keypair key material', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'nbkeys-')); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  it('fingerprints OpenSSH keys as ssh-keygen -E md5 does', { skip: !has('ssh-keygen') }, () => {
    for (const type of ['ed25519', 'rsa', 'ecdsa']) {
      const file = join(dir, `id_${type}`);
      execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'nb test', '-f', file], { stdio: 'pipe' });
      const pub = readFileSync(`${file}.pub`, 'utf8');
      const expected = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1]!.replace(/^MD5:/, '');
      assert.equal(sshFingerprint(pub), expected, type);
    }
  });

  it('refuses what is not an OpenSSH public key', () => {
    const good = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDZ6WIVMBAQ/WYRmVh1YhqSR4T6H+4SpUxBMWu7IZn7W nb';
    assert.match(sshFingerprint(good), /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    for (const bad of ['', 'ssh-ed25519', 'not-a-type AAAA', 'ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIDZ6WIVMBAQ/WYRmVh1YhqSR4T6H+4SpUxBMWu7IZn7W',
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDZ6WIVMBAQ', 'ssh-ed25519 !!!!', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDZ6WIVMBAQ/WYRmVh1YhqSR4T6H+4SpUxBMWu7IZn7WAA==']) {
      assert.throws(() => sshFingerprint(bad), { status: 400, message: 'Keypair data is invalid: failed to generate fingerprint' }, bad);
    }
  });

  it('generates RSA keypairs ssh accepts', { skip: !has('ssh-keygen') }, async () => {
    const k = await generateSshKeypair();
    assert.match(k.publicKey, /^ssh-rsa AAAA\S+ Generated-by-Nova$/);
    assert.match(k.privateKey, /^-----BEGIN RSA PRIVATE KEY-----/);
    const file = join(dir, 'gen');
    writeFileSync(file, k.privateKey);
    chmodSync(file, 0o600);
    const derived = execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();
    assert.equal(derived.split(' ').slice(0, 2).join(' '), k.publicKey.split(' ').slice(0, 2).join(' '));
    writeFileSync(`${file}.pub`, k.publicKey);
    const md5 = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1]!.replace(/^MD5:/, '');
    assert.equal(k.fingerprint, md5);
  });

  it('generates self-signed X.509 certificates and fingerprints them by SHA-1 of the DER', async () => {
    const k = await generateX509Keypair('nb-user-id');
    const cert = new X509Certificate(k.publicKey);
    assert.equal(cert.subject, 'CN=nb-user-id');
    assert.ok(cert.verify(cert.publicKey), 'self-signed signature verifies');
    assert.equal(k.fingerprint, cert.fingerprint.toLowerCase());
    assert.equal(x509Fingerprint(k.publicKey), k.fingerprint);
    assert.match(k.privateKey, /^-----BEGIN PRIVATE KEY-----/);
    if (has('openssl')) {
      const file = join(dir, 'cert.pem');
      writeFileSync(file, k.publicKey);
      const out = execFileSync('openssl', ['x509', '-in', file, '-noout', '-fingerprint', '-sha1', '-ext', 'extendedKeyUsage'], { encoding: 'utf8' });
      assert.match(out.toLowerCase(), new RegExp(k.fingerprint));
      assert.match(out, /TLS Web Client Authentication/);
    }
    assert.throws(() => x509Fingerprint('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), { status: 400 });
  });
});
