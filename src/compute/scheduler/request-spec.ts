// What a placement decision is asked for and what it answers. The conductor builds a RequestSpec
// per instance; the scheduler filters and weighs hosts, then claims on the chosen node atomically.
import type { InstanceFlavor } from '../compute.tables.js';

export interface RequestSpec {
  instanceUuid: string;
  projectId: string;
  flavor: InstanceFlavor;
  /** Image properties (hw_architecture, img_hv_type, hypervisor_type…) for the image-properties filter. */
  imageProperties: Record<string, string>;
  /** Requested availability zone (null = any). */
  availabilityZone: string | null;
  /** Admin's `az:host` (or `az:host:node`) forcing: only this host, filters other than resources skipped. */
  forcedHost: string | null;
  /** Scheduler hints as requested (`group`, `same_host`, `different_host`…). */
  hints: Record<string, unknown>;
  /** Hosts excluded because an earlier attempt of this build failed there. */
  ignoreHosts: string[];
}

export interface Placement {
  host: string;
  nodeId: string;
}

/** No host passes the filters (or every candidate's claim lost a race). Nova's NoValidHost. */
export class NoValidHost extends Error {
  constructor(reason: string) {
    super(`No valid host was found. ${reason}`);
    this.name = 'NoValidHost';
  }
}

export interface Scheduler {
  /**
   * Picks a host and claims the flavor's resources on its node (allocation kind `instance`) in one
   * atomic step: concurrent calls never over-allocate a node beyond its ratios. Throws NoValidHost.
   */
  selectAndClaim(spec: RequestSpec): Promise<Placement>;
  /**
   * Claims `flavor` on a given node as allocation `kind` (a resize holds the new flavor as
   * `migration` beside the old one). Returns false if it does not fit.
   */
  claimOnNode(instanceUuid: string, kind: 'instance' | 'migration', nodeId: string, flavor: InstanceFlavor): Promise<boolean>;
  /** Releases an instance's allocation(s): one kind, or all when kind is omitted. */
  release(instanceUuid: string, kind?: 'instance' | 'migration'): Promise<void>;
  /** After a confirmed resize: the `migration` allocation becomes the `instance` one. */
  promoteMigration(instanceUuid: string): Promise<void>;
  /** Records a failed build on a host (the build-failure weigher avoids it for a while). */
  recordBuildFailure(host: string): void;
  recordBuildSuccess(host: string): void;
}
