import { busConformance } from './bus.conformance.js';
import { LocalBus } from './local-bus.js';

// One in-process bus is both ends: servers and callers share it, as in the all-in-one process.
busConformance('LocalBus', async () => {
  const bus = new LocalBus();
  return { caller: bus, server: bus };
});
