import type { Bus } from './bus.js';
import { LocalBus } from './local-bus.js';
import { NatsBus } from './nats-bus.js';

/** `local` (or empty) for the in-process bus, `nats://host:port` for NATS. */
export async function openBus(url: string | undefined): Promise<Bus> {
  if (!url || url === 'local') return new LocalBus();
  if (/^nats:\/\//.test(url)) return NatsBus.connect(url);
  throw new Error(`unsupported bus URL "${url}": use "local" or nats://HOST:PORT`);
}
