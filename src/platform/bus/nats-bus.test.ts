import { after, before, describe } from 'node:test';
import { startNatsServer, type NatsServer } from '../../../test/harness/nats-server.js';
import { busConformance } from './bus.conformance.js';
import { NatsBus } from './nats-bus.js';
import { openBus } from './open-bus.js';

// A real nats-server started for this file; callers and servers use separate connections to it,
// as a controller and an agent on two machines would.
describe('NatsBus', () => {
  let nats: NatsServer | undefined;

  before(async () => {
    nats = await startNatsServer();
  });

  after(async () => {
    await nats?.stop();
  });

  const url = () => {
    if (!nats) throw new Error('nats-server did not start');
    return nats.url;
  };

  busConformance('NatsBus (two connections)', async () => ({
    caller: await NatsBus.connect(url()),
    server: await NatsBus.connect(url()),
  }));

  busConformance('NatsBus (one connection)', async () => {
    const bus = await NatsBus.connect(url());
    return { caller: bus, server: bus };
  });

  busConformance('openBus(nats://…)', async () => ({
    caller: await openBus(url()),
    server: await openBus(url()),
  }));
});
