// Streams image data to and from the image service with the user's token.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface DownloadResult { size: number; digest: string | null }

/** GETs `url` into `dest`, hashing it with `hashAlgo` (a node crypto name such as sha512) on the way. */
export async function download(url: string, token: string, dest: string, hashAlgo: string | null): Promise<DownloadResult> {
  const res = await fetch(url, { headers: { 'X-Auth-Token': token } });
  if (!res.ok || !res.body) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const hash = hashAlgo ? createHash(hashAlgo) : null;
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) { size += chunk.length; hash?.update(chunk); cb(null, chunk); },
  });
  await pipeline(res.body as unknown as NodeJS.ReadableStream, tap, createWriteStream(dest, { flags: 'wx' }));
  return { size, digest: hash ? hash.digest('hex') : null };
}

/** PUTs a file as the request body; resolves with its size once the server answered 2xx. */
export async function upload(url: string, token: string, file: string, contentType: string): Promise<number> {
  const size = statSync(file).size;
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(u, {
      method: 'PUT',
      headers: { 'X-Auth-Token': token, 'Content-Type': contentType, 'Content-Length': String(size) },
    }, resolve);
    req.on('error', reject);
    createReadStream(file).on('error', (e) => req.destroy(e)).pipe(req);
  });
  const body: Buffer[] = [];
  for await (const chunk of res) body.push(chunk as Buffer);
  const status = res.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    throw new Error(`PUT ${url}: HTTP ${status} ${Buffer.concat(body).toString('utf8').slice(0, 200)}`);
  }
  return size;
}
