// The Keystone catalog: where each service is, found by type as every OpenStack client does.
export interface CatalogEndpoint { id: string; interface: string; region: string; region_id?: string; url: string }
export interface CatalogEntry { id: string; type: string; name: string; endpoints: CatalogEndpoint[] }

export type ServiceType = 'identity' | 'compute' | 'image' | 'network' | 'block-storage';

// Aliases the catalog may list a service under (block storage is also volumev3).
const ALIASES: Record<ServiceType, string[]> = {
  identity: ['identity'], compute: ['compute'], image: ['image'], network: ['network'],
  'block-storage': ['block-storage', 'volumev3'],
};

/** The public endpoint of a service (no trailing slash), or undefined when the cloud has none. */
export function endpointOf(catalog: readonly CatalogEntry[], type: ServiceType, region?: string): string | undefined {
  for (const alias of ALIASES[type]) {
    const entry = catalog.find((e) => e.type === alias);
    const ep = entry?.endpoints.find((e) => e.interface === 'public' && (!region || e.region === region || e.region_id === region))
      ?? entry?.endpoints.find((e) => e.interface === 'public');
    if (ep) return resolveUrl(ep.url).replace(/\/+$/, '');
  }
  return undefined;
}

/** The catalog holds absolute URLs; the browser may reach the server under another host name. */
function resolveUrl(url: string): string {
  try {
    const u = new URL(url, window.location.origin);
    // Same server, seen from the browser: use the page's own origin (no mixed hosts, no CORS).
    if (u.port === window.location.port || u.hostname === '127.0.0.1' || u.hostname === 'localhost') {
      return `${window.location.origin}${u.pathname}`;
    }
    return u.toString();
  } catch {
    return url;
  }
}
