// The flavor as Nova's API shows it (nova/api/openstack/compute/views/flavors.py).
import type { FlavorRow, InstanceFlavor } from '../compute.tables.js';

export interface FlavorViewOptions {
  /** The cloud's public URL (config.publicUrl), for the links. */
  baseUrl: string;
  /** 2.55+: the description is shown. */
  description: boolean;
  /** 2.61+ and the caller may read extra specs: the flavor's extra specs; otherwise undefined. */
  extraSpecs?: Record<string, string>;
}

export function flavorLinks(baseUrl: string, id: string) {
  const path = `flavors/${encodeURIComponent(id)}`;
  return [
    { rel: 'self', href: `${baseUrl}/compute/v2.1/${path}` },
    // Nova's bookmark is the unversioned URL.
    { rel: 'bookmark', href: `${baseUrl}/compute/${path}` },
  ];
}

/** The index entry: id, name, links (and description from 2.55). */
export function flavorSummary(row: FlavorRow, opts: FlavorViewOptions): Record<string, unknown> {
  return {
    id: row.id, name: row.name, links: flavorLinks(opts.baseUrl, row.id),
    ...(opts.description ? { description: row.description } : {}),
  };
}

/** The detail/show body. */
export function flavorBody(row: FlavorRow, opts: FlavorViewOptions): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    ram: row.ram,
    disk: row.disk,
    // Nova shows a swap of 0 as "" until 2.75 (beyond our maximum), and a 0 rxtx_factor likewise.
    swap: row.swap || '',
    'OS-FLV-EXT-DATA:ephemeral': row.ephemeral,
    'OS-FLV-DISABLED:disabled': row.disabled === 1,
    vcpus: row.vcpus,
    'os-flavor-access:is_public': row.is_public === 1,
    rxtx_factor: Number(row.rxtx_factor) || '',
    links: flavorLinks(opts.baseUrl, row.id),
    ...(opts.description ? { description: row.description } : {}),
    ...(opts.extraSpecs !== undefined ? { extra_specs: opts.extraSpecs } : {}),
  };
}

/** The copy of the flavor an instance keeps. */
export function instanceFlavor(row: FlavorRow, extraSpecs: Record<string, string>): InstanceFlavor {
  return {
    id: row.id, name: row.name, vcpus: row.vcpus, ram: row.ram, disk: row.disk, ephemeral: row.ephemeral,
    swap: row.swap, rxtx_factor: Number(row.rxtx_factor), is_public: row.is_public === 1,
    description: row.description, extra_specs: extraSpecs,
  };
}
