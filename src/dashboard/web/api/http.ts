// One HTTP call to a public API, and the error it turns into when it fails: every OpenStack service
// writes its error body differently, ApiError carries the one readable message.
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body?: unknown) { super(message); this.name = 'ApiError'; }
}

export interface CallOptions {
  method?: string;
  query?: Record<string, string | number | boolean | undefined | null | readonly string[]>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Answer with the Response itself (headers, binary bodies) instead of parsed JSON. */
  raw?: boolean;
}

/** Called on a 401 from any service: the session is over (token expired or revoked). */
let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(handler: (() => void) | undefined): void { onUnauthorized = handler; }

export function withQuery(url: string, query: CallOptions['query']): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const one of v) params.append(k, one);
    else params.append(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${url}${url.includes('?') ? '&' : '?'}${qs}` : url;
}

/** The message in any OpenStack error body: {error:{message}}, {badRequest:{message}}, {NeutronError:{message}}, {message}, text. */
export function errorMessage(body: unknown, status: number): string {
  if (body && typeof body === 'object') {
    const top = body as Record<string, unknown>;
    if (typeof top.message === 'string') return top.message;
    for (const v of Object.values(top)) {
      if (v && typeof v === 'object' && typeof (v as Record<string, unknown>).message === 'string') {
        return (v as Record<string, string>).message;
      }
    }
  }
  if (typeof body === 'string' && body.trim()) return body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 500);
  return `The request failed (HTTP ${status}).`;
}

export async function call<T>(url: string, token: string | undefined, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (token) headers['x-auth-token'] = token;
  let body: BodyInit | undefined;
  if (opts.body instanceof Blob || opts.body instanceof ArrayBuffer) body = opts.body as BodyInit;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(withQuery(url, opts.query), { method: opts.method ?? 'GET', headers, body, signal: opts.signal, credentials: 'omit' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'The cloud cannot be reached. Check that the server is running.');
  }
  if (!res.ok) {
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* plain text body */ }
    if (res.status === 401 && token) onUnauthorized?.();
    throw new ApiError(res.status, errorMessage(parsed, res.status), parsed);
  }
  if (opts.raw) return res as unknown as T;
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
