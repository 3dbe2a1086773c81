// A one-stream TCP throughput pair, run inside a namespace with `ip netns exec` (iperf3 is not one
// of the project's dependencies). The receiver counts bytes from the first to the end of the stream
// and prints one JSON line; the sender writes one reused buffer as fast as the socket drains it.
//   node tcp-blast.js recv <address> <port>          prints "ready", then {"bytes":…,"seconds":…}
//   node tcp-blast.js send <address> <port> <seconds> retries the connect until the receiver is up
//   node tcp-blast.js probe <address> <port>         prints connected, refused (RST) or timeout (dropped)
import { connect, createServer, type Socket } from 'node:net';

const CHUNK = Buffer.alloc(1 << 20, 0x5a);

function receive(address: string, port: number): void {
  const server = createServer((socket) => {
    let bytes = 0;
    let first = 0n;
    socket.on('data', (d: Buffer) => {
      if (bytes === 0) first = process.hrtime.bigint();
      bytes += d.length;
    });
    socket.on('end', () => {
      const seconds = Number(process.hrtime.bigint() - first) / 1e9;
      process.stdout.write(`${JSON.stringify({ bytes, seconds })}\n`, () => process.exit(0));
    });
    socket.on('error', (e) => fail(`receiver: ${e.message}`));
    server.close();   // one stream per run
  });
  server.listen(port, address, () => process.stdout.write('ready\n'));
}

function send(address: string, port: number, seconds: number): void {
  const deadline = Date.now() + 30_000;
  const attempt = (): void => {
    const socket = connect({ host: address, port, noDelay: true });
    socket.setTimeout(10_000, () => socket.destroy(new Error('connect timed out')));
    socket.once('connect', () => { socket.setTimeout(0); blast(socket, seconds); });
    socket.once('error', (e) => {
      // The path may still be converging (ARP, FDB): try again until the deadline.
      if (socket.bytesWritten === 0 && Date.now() < deadline) setTimeout(attempt, 200);
      else fail(`sender: ${e.message}`);
    });
  };
  attempt();
}

function blast(socket: Socket, seconds: number): void {
  const end = Date.now() + seconds * 1000;
  const pump = (): void => {
    while (Date.now() < end) if (!socket.write(CHUNK)) { socket.once('drain', pump); return; }
    socket.end(() => process.exit(0));
  };
  pump();
}

/** One connect with a 3 s limit: whether a filter dropped the SYN or the far kernel answered it. */
function probe(address: string, port: number): void {
  const socket = connect({ host: address, port });
  const say = (what: string): void => { socket.destroy(); process.stdout.write(`${what}\n`, () => process.exit(0)); };
  socket.setTimeout(3000, () => say('timeout'));
  socket.once('connect', () => say('connected'));
  socket.once('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? say('refused') : fail(`probe: ${e.message}`)));
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const [mode, address, port, seconds] = process.argv.slice(2);
if (mode === 'recv' && address && port) receive(address, Number(port));
else if (mode === 'send' && address && port && seconds) send(address, Number(port), Number(seconds));
else if (mode === 'probe' && address && port) probe(address, Number(port));
else fail('usage: tcp-blast.js recv <address> <port> | send <address> <port> <seconds> | probe <address> <port>');
