import { Readable } from 'node:stream';
import { badRequest } from '../../platform/errors.js';

/** The URI of a web-download import, or Glance's 400 for anything but http(s). */
export function parseWebDownloadUri(value: unknown): URL {
  if (typeof value !== 'string' || value === '') throw badRequest("Import method 'web-download' requires a 'uri'.");
  let url: URL;
  try { url = new URL(value); } catch { throw badRequest(`URI for web-download is not valid: ${value}`); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badRequest(`URI for web-download does not pass filtering: only http and https are allowed, not ${url.protocol.replace(/:$/, '')}.`);
  }
  if (url.username || url.password) throw badRequest('URI for web-download must not carry credentials.');
  return url;
}

/** Thrown when the remote server does not give the data. */
export class DownloadFailed extends Error {}

/**
 * Opens `url` and returns its body as a stream (never buffered). Redirects are followed by
 * fetch, which only follows http(s). `signal` aborts the transfer.
 */
export async function openDownload(url: URL, signal: AbortSignal): Promise<{ body: Readable; length: number | undefined }> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal });
  } catch (err) {
    throw new DownloadFailed(`cannot fetch ${url.href}: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new DownloadFailed(`fetching ${url.href} answered ${res.status}`);
  }
  // fetch decodes gzip and the like, after which Content-Length no longer counts what we get.
  const header = res.headers.get('content-length');
  const encoding = res.headers.get('content-encoding');
  const identity = !encoding || encoding === 'identity';
  const length = identity && header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  // A transfer cut short errors the stream even when nobody reads it any more (refused early
  // over quota): readers see the error through their own listeners, this one keeps it handled.
  body.on('error', () => undefined);
  return { body, length };
}
