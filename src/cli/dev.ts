import { parseArgs } from './args.js';
import { buildTestImage } from '../dev/test-image/build-test-image.js';

export const DEV_USAGE = `nubis dev build-test-image [--out DIR]
  Builds the small test guest (Debian kernel + busybox initramfs; see docs/GUEST-MARKERS.md) as a
  kernel/ramdisk pair and a whole-disk qcow2. Needs root. --out defaults to ./.state/test-image`;

export async function dev(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'build-test-image') {
    process.stderr.write(`nubis dev: unknown subcommand "${sub ?? ''}"\n\nUsage:\n  ${DEV_USAGE}\n`);
    return 2;
  }
  const { flags, rest: extra } = parseArgs(rest, ['out']);
  if (extra.length) throw new Error(`unexpected argument "${extra[0]}"`);
  const started = Date.now();
  const image = await buildTestImage(flags.out ?? '.state/test-image');
  process.stdout.write([
    `Built the Nubis test image from ${image.kernelPackage} in ${((Date.now() - started) / 1000).toFixed(1)} s:`,
    `  kernel (aki):     ${image.kernel}`,
    `  ramdisk (ari):    ${image.ramdisk}`,
    `  whole disk:       ${image.disk}`,
    `  kernel cmdline:   ${image.cmdline}`,
    '',
  ].join('\n'));
  return 0;
}
