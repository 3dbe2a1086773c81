import {
  BusTimeoutError, DEFAULT_CALL_TIMEOUT_MS, NoRespondersError, runHandler, unwrapReply,
  type Bus, type BusHandler, type CallOptions, type Subscription,
} from './bus.js';

// Messages are copied through JSON so in-process callers see exactly what NATS would deliver.
const copy = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

/** The in-process bus: the all-in-one default. Servers of a topic take turns (round robin). */
export class LocalBus implements Bus {
  private readonly servers = new Map<string, BusHandler[]>();
  private readonly listeners = new Map<string, BusHandler[]>();
  private readonly turn = new Map<string, number>();

  private pick(topic: string): BusHandler | undefined {
    const list = this.servers.get(topic);
    if (!list?.length) return undefined;
    const n = (this.turn.get(topic) ?? 0) % list.length;
    this.turn.set(topic, n + 1);
    return list[n];
  }

  async call<T>(topic: string, method: string, args?: unknown, opts: CallOptions = {}): Promise<T> {
    const handler = this.pick(topic);
    if (!handler) throw new NoRespondersError(topic);
    const ms = opts.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BusTimeoutError(topic, method, ms)), ms);
    });
    try {
      const reply = await Promise.race([runHandler(handler, method, copy(args)), timeout]);
      return unwrapReply<T>(copy(reply) as never);
    } finally {
      clearTimeout(timer);
    }
  }

  async cast(topic: string, method: string, args?: unknown): Promise<void> {
    const handler = this.pick(topic);
    if (!handler) return;
    // Copy now: the message is what the caller sent, not what its object becomes later.
    const msg = copy(args);
    setImmediate(() => void runHandler(handler, method, msg));
  }

  async fanout(topic: string, method: string, args?: unknown): Promise<void> {
    const msg = copy(args);
    for (const handler of this.listeners.get(topic) ?? []) {
      // Each listener gets its own copy, so one mutating it cannot affect another.
      const own = copy(msg);
      setImmediate(() => void runHandler(handler, method, own));
    }
  }

  async serve(topic: string, handler: BusHandler): Promise<Subscription> {
    return this.add(this.servers, topic, handler);
  }

  async listen(topic: string, handler: BusHandler): Promise<Subscription> {
    return this.add(this.listeners, topic, handler);
  }

  async close(): Promise<void> {
    this.servers.clear();
    this.listeners.clear();
  }

  private add(map: Map<string, BusHandler[]>, topic: string, handler: BusHandler): Subscription {
    map.set(topic, [...(map.get(topic) ?? []), handler]);
    return {
      unsubscribe: async () => {
        map.set(topic, (map.get(topic) ?? []).filter((h) => h !== handler));
      },
    };
  }
}
