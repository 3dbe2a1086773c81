// Key material for keypairs: OpenSSH public keys (parse, check, MD5 fingerprint as
// `ssh-keygen -l -E md5` prints it), X.509 certificates (SHA-1 fingerprint of the DER) and
// generation of new RSA keys, all with node:crypto.
import { createHash, generateKeyPair, X509Certificate, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { badRequest } from '../../platform/errors.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Nova's InvalidKeypair (400). */
export const invalidKeypair = (reason: string) => badRequest(`Keypair data is invalid: ${reason}`);

/** How many length-prefixed strings each key type's blob holds (type name included). */
const SSH_KEY_FIELDS: Record<string, number> = {
  'ssh-rsa': 3, 'ssh-dss': 5, 'ssh-ed25519': 2,
  'ecdsa-sha2-nistp256': 3, 'ecdsa-sha2-nistp384': 3, 'ecdsa-sha2-nistp521': 3,
  'sk-ssh-ed25519@openssh.com': 3, 'sk-ecdsa-sha2-nistp256@openssh.com': 4,
};

const colonHex = (digest: Buffer) => [...digest].map((b) => b.toString(16).padStart(2, '0')).join(':');

/** Splits an SSH wire blob into its length-prefixed strings; null when it is not exactly that. */
function sshStrings(blob: Buffer): Buffer[] | null {
  const out: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return null;
    const len = blob.readUInt32BE(at);
    if (at + 4 + len > blob.length) return null;
    out.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

/**
 * Checks an OpenSSH public key line (`type base64 [comment]`) and returns its fingerprint: the
 * MD5 of the decoded blob, colon-separated. Throws Nova's 400 for anything else.
 */
export function sshFingerprint(publicKey: string): string {
  const parts = publicKey.trim().split(/\s+/);
  const [type, b64] = parts;
  const fail = () => invalidKeypair('failed to generate fingerprint');
  if (!type || !b64 || !(type in SSH_KEY_FIELDS) || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw fail();
  const blob = Buffer.from(b64, 'base64');
  // Base64 that does not round-trip had stray characters or a broken tail.
  if (blob.toString('base64').replace(/=+$/, '') !== b64.replace(/=+$/, '')) throw fail();
  const fields = sshStrings(blob);
  if (!fields || fields.length !== SSH_KEY_FIELDS[type] || fields[0]!.toString('latin1') !== type) throw fail();
  if (fields.slice(1).some((f) => f.length === 0)) throw fail();
  if (type === 'ssh-ed25519' && fields[1]!.length !== 32) throw fail();
  return colonHex(createHash('md5').update(blob).digest());
}

/** Checks a PEM X.509 certificate and returns the SHA-1 fingerprint of its DER, colon-separated. */
export function x509Fingerprint(pem: string): string {
  try {
    const cert = new X509Certificate(pem);
    return colonHex(createHash('sha1').update(cert.raw).digest());
  } catch (err) {
    throw invalidKeypair(`failed to generate X509 fingerprint. Error message: ${(err as Error).message}`);
  }
}

function sshString(data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
}

/** An unsigned big-endian integer as an SSH mpint (a leading zero when the top bit is set). */
function mpint(b64url: string): Buffer {
  let bytes = Buffer.from(b64url, 'base64url');
  while (bytes.length > 1 && bytes[0] === 0 && (bytes[1]! & 0x80) === 0) bytes = bytes.subarray(1);
  return sshString(bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/** The OpenSSH `ssh-rsa AAAA… comment` line of an RSA public key. */
export function opensshRsaPublicKey(key: KeyObject, comment: string): string {
  const jwk = key.export({ format: 'jwk' });
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(jwk.e!), mpint(jwk.n!)]);
  return `ssh-rsa ${blob.toString('base64')} ${comment}`;
}

export interface GeneratedKeypair { publicKey: string; privateKey: string; fingerprint: string }

/**
 * A new RSA-2048 keypair as Nova makes one: the private key in PEM (PKCS#1, which ssh reads) and
 * the public key in OpenSSH form. Runs on libuv's pool, so the API stays responsive meanwhile.
 */
export async function generateSshKeypair(): Promise<GeneratedKeypair> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const openssh = opensshRsaPublicKey(publicKey, 'Generated-by-Nova');
  return {
    publicKey: openssh,
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    fingerprint: sshFingerprint(openssh),
  };
}
