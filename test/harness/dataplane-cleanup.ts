// Removes what a `nubis up` with the linuxbridge dataplane built on this host for one state dir:
// its DHCP and router namespaces with their dnsmasq and metadata proxies, the devices carrying its
// owner alias, its nftables tables. Tests call it after stopping the server (which, by design,
// leaves the dataplane running for the guests).
import { join } from 'node:path';
import { LinuxBridgeDataplane } from '../../src/agent/network/linuxbridge/linuxbridge-dataplane.js';

export async function removeDataplane(stateDir: string): Promise<void> {
  const dataplane = new LinuxBridgeDataplane({
    localVtep: null, physicalNetworks: {}, stateDir: join(stateDir, 'network'), metadataSocket: join(stateDir, 'network', 'metadata.sock'),
  });
  await dataplane.teardown();
}
