// The message bus between the control plane and host agents. Topics name a destination such as
// `compute.<host>`; the same interface runs in-process (one machine) or over NATS (many).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type BusHandler = (method: string, args: any) => unknown | Promise<unknown>;

export interface Subscription {
  unsubscribe(): Promise<void>;
}

export interface CallOptions {
  /** How long to wait for the reply; default 30 s. */
  timeoutMs?: number;
}

export interface Bus {
  /** Sends a request to one server of `topic` and waits for its reply. */
  call<T = unknown>(topic: string, method: string, args?: unknown, opts?: CallOptions): Promise<T>;
  /** Sends a request to one server of `topic` without waiting; lost if nobody serves the topic. */
  cast(topic: string, method: string, args?: unknown): Promise<void>;
  /** Delivers a message to every listener of `topic`. */
  fanout(topic: string, method: string, args?: unknown): Promise<void>;
  /** Serves call/cast on `topic`; several servers of one topic share the messages. */
  serve(topic: string, handler: BusHandler): Promise<Subscription>;
  /** Receives every fanout on `topic`. */
  listen(topic: string, handler: BusHandler): Promise<Subscription>;
  close(): Promise<void>;
}

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** The server's handler threw; `remoteName` is the name of the error it threw. */
export class RemoteError extends Error {
  constructor(readonly remoteName: string, message: string) {
    super(message);
    this.name = 'RemoteError';
  }
}

export class BusTimeoutError extends Error {
  constructor(topic: string, method: string, ms: number) {
    super(`no reply to ${method} on ${topic} within ${ms} ms`);
    this.name = 'BusTimeoutError';
  }
}

export class NoRespondersError extends Error {
  constructor(topic: string) {
    super(`nobody serves topic ${topic}`);
    this.name = 'NoRespondersError';
  }
}

/** The wire shape of a reply, shared by both implementations. */
export type Reply = { ok: true; result: unknown } | { ok: false; error: { name: string; message: string } };

export async function runHandler(handler: BusHandler, method: string, args: unknown): Promise<Reply> {
  try {
    return { ok: true, result: (await handler(method, args)) ?? null };
  } catch (err) {
    const e = err as Error;
    return { ok: false, error: { name: e?.name ?? 'Error', message: e?.message ?? String(err) } };
  }
}

export function unwrapReply<T>(reply: Reply): T {
  if (reply.ok) return reply.result as T;
  throw new RemoteError(reply.error.name, reply.error.message);
}
