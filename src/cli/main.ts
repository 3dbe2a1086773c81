import { readFileSync } from 'node:fs';
import { up, UP_USAGE } from './up.js';
import { dev, DEV_USAGE } from './dev.js';

const USAGE = `nubis — an OpenStack-compatible private cloud

Usage:
  ${UP_USAGE}
  ${DEV_USAGE}
  nubis version      print the version
  nubis --help       this text
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      await up(rest);
      return -1; // keeps running until a signal
    case 'dev':
      return dev(rest);
    case 'version':
    case '--version':
      process.stdout.write(`nubis ${version()}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`nubis: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exit(code); },
  (err: Error) => {
    process.stderr.write(`nubis: ${err.message}\n`);
    process.exit(1);
  },
);
