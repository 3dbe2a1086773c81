// Applies the compiled security group script in one `nft -f -` transaction and removes the tables.
import { NFT_TABLE } from '../host-state.js';
import type { HostExec } from './host-exec.js';

export async function applyNftScript(exec: HostExec, script: string): Promise<void> {
  await exec.nft(['-f', '-'], script);
}

/**
 * True when our tables are in the namespace (an unchanged apply may then be skipped). Lists one
 * small object of each, tersely: listing the tables themselves makes nft fetch the whole ruleset.
 */
export async function nubisTablesPresent(exec: HostExec, withInet: boolean): Promise<boolean> {
  const probes = [['map', 'bridge', NFT_TABLE, 'from-vm'], ...(withInet ? [['set', 'inet', NFT_TABLE, 'bridges']] : [])];
  for (const probe of probes) if (!(await exec.nft(['-t', 'list', ...probe]).then(() => true, () => false))) return false;
  return true;
}

/** Deletes the `bridge nubis` and `inet nubis` tables this dataplane owns in its namespace. */
export async function deleteNubisTables(exec: HostExec): Promise<void> {
  for (const family of ['bridge', 'inet']) {
    // Declaring first makes the delete succeed whether or not the table exists, in one transaction.
    await exec.nft(['-f', '-'], `table ${family} ${NFT_TABLE}\ndelete table ${family} ${NFT_TABLE}\n`);
  }
}
