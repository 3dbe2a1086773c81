// Volume benchmark (issue 6 §6), real QEMU: how long a hot-plug takes to be visible in the guest,
// and how long an unplug takes. One test guest (TCG) runs on the qemu driver; a `file` volume (a
// blank qcow2) is attached and detached N times. Attach is timed from the driver call to the
// guest's NUBIS-DISK line for that serial; detach from the call to its return (QEMU's
// DEVICE_DELETED: the guest released the disk) and to the guest's NUBIS-DISK-REMOVED line. The
// guest polls /sys/block once a second, so the console figures include up to 1 s of polling.
//   node dist/bench/volume/attach-bench.js   (NUBIS_BENCH_ROUNDS, default 10)
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { buildTestImage } from '../../src/dev/test-image/build-test-image.js';
import type { GuestSpec, GuestVolume, ImageRef } from '../../src/agent/compute/driver.js';
import { createQemuDriver } from '../../src/agent/compute/drivers/qemu/qemu-driver.js';
import { run } from '../../src/platform/run.js';
import { machine, machineLine, markdownTable, updateSection } from '../report.js';

const ROUNDS = Number(process.env.NUBIS_BENCH_ROUNDS ?? 10);
const DOC = process.env.NUBIS_BENCH_DOC ?? fileURLToPath(new URL('../../../docs/BENCHMARKS.md', import.meta.url));
const log = (s: string) => process.stderr.write(`${s}\n`);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

async function main(): Promise<void> {
  const image = await buildTestImage(join(tmpdir(), 'nubis-test-image-cache'));
  const work = mkdtempSync(join(tmpdir(), 'nb-attach-bench-'));
  const stateDir = mkdtempSync('/tmp/nb-ab-');
  // The driver downloads kernel and ramdisk as from the image service: a loopback file server.
  const served = new Map<string, string>();
  const server = createServer((req, res) => {
    const file = served.get(req.url!);
    if (!file) return void res.writeHead(404).end();
    const body = readFileSync(file);
    res.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ref = (file: string, format: string): ImageRef => {
    const id = randomUUID();
    served.set(`/${id}`, file);
    return { id, url: `${base}/${id}`, disk_format: format, container_format: 'bare', size: 0, os_hash_algo: null, os_hash_value: null, properties: {} };
  };
  const driver = createQemuDriver({ stateDir, host: 'nb-bench', accel: 'tcg', reservedHostMemoryMb: 0, shutdownTimeoutSec: 10 });
  const uuid = randomUUID();
  const spec: GuestSpec = {
    uuid, name: `nb-ab-${uuid.slice(0, 8)}`, hostname: 'nb-ab', vcpus: 1, memoryMb: 256, rootGb: 0, ephemeralGb: 0, swapMb: 0,
    image: null, kernel: ref(image.kernel, 'aki'), ramdisk: ref(image.ramdisk, 'ari'), cmdline: image.cmdline,
    configDrive: null, authToken: 'bench', nics: [], volumes: [],
  };
  const consoleLog = join(stateDir, 'instances', uuid, 'console.log');
  const count = (re: RegExp) => readFileSync(consoleLog, 'utf8').split('\n').filter((l) => re.test(l.replace(/\r$/, ''))).length;
  async function until(re: RegExp, n: number, what: string): Promise<number> {
    const deadline = Date.now() + 120_000;
    while (count(re) < n) {
      if (Date.now() > deadline) throw new Error(`${what}: ${re} not seen ${n}× within 120 s`);
      await sleep(10);
    }
    return performance.now();
  }

  const attachCall: number[] = [];
  const attachVisible: number[] = [];
  const detachCall: number[] = [];
  const detachVisible: number[] = [];
  try {
    await driver.spawn(spec);
    await until(/^NUBIS-GUEST-READY /, 1, 'boot');
    const volumeId = randomUUID();
    const path = join(work, 'volume.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', path, String(256 * 1024 ** 2)]);
    const volume: GuestVolume = { volumeId, device: 'vdb', readOnly: false, bootIndex: null, connection: { driver_volume_type: 'file', data: { path, format: 'qcow2', host: 'nb-bench' } } };
    const seen = new RegExp(`^NUBIS-DISK name=vd[a-z] bytes=\\d+ serial=${volumeId.slice(0, 20)}$`);
    const gone = /^NUBIS-DISK-REMOVED /;
    for (let i = 1; i <= ROUNDS; i++) {
      let t0 = performance.now();
      await driver.attachVolume(uuid, volume);
      attachCall.push(performance.now() - t0);
      attachVisible.push((await until(seen, i, `attach ${i}`)) - t0);
      await sleep(1500); // let the guest finish its mark check before the disk goes away
      t0 = performance.now();
      await driver.detachVolume(uuid, volumeId);
      detachCall.push(performance.now() - t0);
      detachVisible.push((await until(gone, i, `detach ${i}`)) - t0);
      log(`round ${i}: attach ${attachCall.at(-1)!.toFixed(0)} / ${attachVisible.at(-1)!.toFixed(0)} ms, detach ${detachCall.at(-1)!.toFixed(0)} / ${detachVisible.at(-1)!.toFixed(0)} ms`);
    }
  } finally {
    await driver.destroy(uuid).catch(() => undefined);
    driver.close();
    server.close();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }

  const ms = (xs: number[]) => `${median(xs).toFixed(0)} ms`;
  const body = [
    '## Volumes: attach and detach on a running guest',
    '',
    `\`node dist/bench/volume/attach-bench.js\`: one test guest under QEMU/TCG on the qemu driver, a blank`,
    `256 MiB qcow2 \`file\` volume hot-plugged and unplugged ${ROUNDS} times; medians. The guest polls`,
    '`/sys/block` once a second, so the "visible" figures include up to 1 s of that polling.',
    '',
    markdownTable(['step', 'median', 'min', 'max'], [
      ['attach: driver call returns (blockdev-add ×2, device_add)', ms(attachCall), `${Math.min(...attachCall).toFixed(0)} ms`, `${Math.max(...attachCall).toFixed(0)} ms`],
      ['attach: guest prints NUBIS-DISK for it', ms(attachVisible), `${Math.min(...attachVisible).toFixed(0)} ms`, `${Math.max(...attachVisible).toFixed(0)} ms`],
      ['detach: driver call returns (device_del → DEVICE_DELETED, blockdev-del ×2)', ms(detachCall), `${Math.min(...detachCall).toFixed(0)} ms`, `${Math.max(...detachCall).toFixed(0)} ms`],
      ['detach: guest prints NUBIS-DISK-REMOVED', ms(detachVisible), `${Math.min(...detachVisible).toFixed(0)} ms`, `${Math.max(...detachVisible).toFixed(0)} ms`],
    ]),
    '',
    `Machine: ${machineLine(machine())}.`,
  ].join('\n');
  process.stdout.write(`${body}\n`);
  updateSection(DOC, 'volume-attach', body);
}

main().catch((e) => { log(String(e instanceof Error ? e.stack : e)); process.exitCode = 1; });
