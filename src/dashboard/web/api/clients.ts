// Typed clients for the public APIs, one per service, built from the session's catalog. Each slice
// of the dashboard calls these (and keeps its own request/response types beside its pages).
import { call, type CallOptions } from './http';
import { endpointOf, type CatalogEntry, type ServiceType } from './catalog';

/** The microversions the dashboard is written against (the newest Nubis serves). */
export const COMPUTE_MICROVERSION = '2.64';
export const VOLUME_MICROVERSION = '3.60';

export interface ServiceClient {
  readonly base: string;
  get<T>(path: string, query?: CallOptions['query'], opts?: CallOptions): Promise<T>;
  post<T>(path: string, body?: unknown, opts?: CallOptions): Promise<T>;
  put<T>(path: string, body?: unknown, opts?: CallOptions): Promise<T>;
  patch<T>(path: string, body?: unknown, opts?: CallOptions): Promise<T>;
  del<T = void>(path: string, opts?: CallOptions): Promise<T>;
  call<T>(path: string, opts: CallOptions): Promise<T>;
}

export interface Clients {
  identity: ServiceClient;
  compute: ServiceClient;
  image: ServiceClient;
  network: ServiceClient;
  volume: ServiceClient;
  /** Services the catalog lists (a page for a missing service says so instead of failing). */
  has(type: ServiceType): boolean;
}

const VERSION_SUFFIX: Record<ServiceType, string> = {
  identity: '/v3', compute: '', image: '/v2', network: '/v2.0', 'block-storage': '',
};

function client(base: string, token: () => string, headers: Record<string, string>): ServiceClient {
  const run = <T>(path: string, opts: CallOptions) => call<T>(`${base}${path}`, token(), { ...opts, headers: { ...headers, ...opts.headers } });
  return {
    base,
    get: (path, query, opts = {}) => run(path, { ...opts, query }),
    post: (path, body, opts = {}) => run(path, { ...opts, method: 'POST', body }),
    put: (path, body, opts = {}) => run(path, { ...opts, method: 'PUT', body }),
    patch: (path, body, opts = {}) => run(path, { ...opts, method: 'PATCH', body }),
    del: (path, opts = {}) => run(path, { ...opts, method: 'DELETE' }),
    call: run,
  };
}

export function makeClients(catalog: readonly CatalogEntry[], token: () => string, identityUrl: string): Clients {
  const base = (type: ServiceType) => {
    const ep = endpointOf(catalog, type);
    if (!ep) return '';
    // Image and network endpoints are unversioned in the catalog (as DevStack lists them).
    return /\/v\d+(\.\d+)?$/.test(ep) ? ep : `${ep}${VERSION_SUFFIX[type]}`;
  };
  return {
    identity: client(base('identity') || identityUrl, token, {}),
    compute: client(base('compute'), token, { 'openstack-api-version': `compute ${COMPUTE_MICROVERSION}` }),
    image: client(base('image'), token, {}),
    network: client(base('network'), token, {}),
    volume: client(base('block-storage'), token, { 'openstack-api-version': `volume ${VOLUME_MICROVERSION}` }),
    has: (type) => endpointOf(catalog, type) !== undefined,
  };
}
