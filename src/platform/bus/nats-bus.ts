import { connect, ErrorCode, JSONCodec, type NatsConnection, type NatsError } from 'nats';
import {
  BusTimeoutError, DEFAULT_CALL_TIMEOUT_MS, NoRespondersError, runHandler, unwrapReply,
  type Bus, type BusHandler, type CallOptions, type Reply, type Subscription,
} from './bus.js';

const codec = JSONCodec();
const rpcSubject = (topic: string) => `nubis.rpc.${topic}`;
const fanoutSubject = (topic: string) => `nubis.fanout.${topic}`;
// Servers of one topic join one queue group, so NATS gives each request to exactly one of them.
const QUEUE = 'nubis';

interface Envelope { method: string; args: unknown }

/** The bus over NATS, for control planes and agents on many machines (`--bus nats://…`). */
export class NatsBus implements Bus {
  private constructor(private readonly nc: NatsConnection) {}

  static async connect(url: string): Promise<NatsBus> {
    const nc = await connect({ servers: url, name: 'nubis', maxReconnectAttempts: -1 });
    return new NatsBus(nc);
  }

  async call<T>(topic: string, method: string, args?: unknown, opts: CallOptions = {}): Promise<T> {
    const timeout = opts.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    try {
      const msg = await this.nc.request(rpcSubject(topic), codec.encode({ method, args: args ?? null }), { timeout });
      return unwrapReply<T>(codec.decode(msg.data) as Reply);
    } catch (err) {
      const code = (err as NatsError).code;
      if (code === ErrorCode.NoResponders) throw new NoRespondersError(topic);
      if (code === ErrorCode.Timeout) throw new BusTimeoutError(topic, method, timeout);
      throw err;
    }
  }

  async cast(topic: string, method: string, args?: unknown): Promise<void> {
    this.nc.publish(rpcSubject(topic), codec.encode({ method, args: args ?? null }));
  }

  async fanout(topic: string, method: string, args?: unknown): Promise<void> {
    this.nc.publish(fanoutSubject(topic), codec.encode({ method, args: args ?? null }));
  }

  async serve(topic: string, handler: BusHandler): Promise<Subscription> {
    return this.subscribe(rpcSubject(topic), handler, QUEUE);
  }

  async listen(topic: string, handler: BusHandler): Promise<Subscription> {
    return this.subscribe(fanoutSubject(topic), handler);
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }

  private async subscribe(subject: string, handler: BusHandler, queue?: string): Promise<Subscription> {
    const sub = this.nc.subscribe(subject, {
      queue,
      callback: (err, msg) => {
        if (err) return;
        const { method, args } = codec.decode(msg.data) as Envelope;
        void runHandler(handler, method, args).then((reply) => {
          if (msg.reply) msg.respond(codec.encode(reply));
        });
      },
    });
    // Make sure the server knows the subscription before a caller can publish to it.
    await this.nc.flush();
    return {
      unsubscribe: async () => {
        sub.unsubscribe();
        // Wait until the server has dropped the subscription: until then it would still route
        // messages (and queue-group requests) here, where they would be discarded unanswered.
        if (!this.nc.isClosed()) await this.nc.flush();
      },
    };
  }
}
