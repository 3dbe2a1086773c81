// Gratuitous ARP for floating IPs newly added to a router's gateway, so upstream neighbours drop
// stale entries (the address may have been on another host a moment ago). Best effort: without
// iputils' arping (package iputils-arping) nothing is sent and neighbours learn on their next ARP.
import { access } from 'node:fs/promises';
import type { L3Context } from './l3-context.js';
import { nsExec } from './namespaces.js';

let arpingPath: Promise<string | undefined> | undefined;

function findArping(): Promise<string | undefined> {
  arpingPath ??= (async () => {
    for (const p of ['/usr/bin/arping', '/usr/sbin/arping', '/bin/arping']) {
      if (await access(p).then(() => true, () => false)) return p;
    }
    return undefined;
  })();
  return arpingPath;
}

/** Sends one unsolicited ARP per address without waiting for it (the apply does not depend on it). */
export function announceAddresses(ns: string, dev: string, addresses: string[], log: L3Context['log']): void {
  const v4 = addresses.filter((a) => !a.includes(':'));
  if (!v4.length) return;
  void findArping().then(async (arping) => {
    if (!arping) return;
    for (const a of v4) {
      await nsExec(ns, arping, ['-U', '-c', '1', '-w', '1', '-I', dev, a]).catch((err: Error) => {
        log.debug({ namespace: ns, address: a, err: err.message }, 'gratuitous ARP not sent');
      });
    }
  });
}
