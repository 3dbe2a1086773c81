// The conductor: the only writer of instance state outside the API. It runs each instance's
// workflows one at a time (build, actions, delete), serves the agents' reports on topic
// `conductor`, and reconciles what hosts show with what the database says.
import { CONDUCTOR_TOPIC } from '../../agent/compute/agent-client.js';
import type { AuthContext } from '../../platform/auth-context.js';
import type { Subscription } from '../../platform/bus/bus.js';
import type { ObservedGuest } from '../../agent/compute/driver.js';
import type { ComputeDeps } from '../common.js';
import { json, now } from '../common.js';
import type { ComputeContext } from '../context.js';
import type { InstanceRow } from '../compute.tables.js';
import { finishAction, finishEvent, startAction, startEvent, type ActionRef } from '../instance-actions/action-log.js';
import { NoValidHost, type RequestSpec } from '../scheduler/request-spec.js';
import { guestSpec, metadataOf, requestedNetworks, serverPorts, systemMetadata } from './guest-spec.js';
import { heartbeat, recordHostReport, type HostReport } from './host-reports.js';
import { KeyedQueue } from '../../platform/keyed-queue.js';
import { planReconcile } from './reconcile-plan.js';
import { POWER } from '../vm-states.js';
import { hostAvailabilityZone } from '../aggregates/aggregate-hosts.js';
import { COMPUTE_BINARY, isServiceUp } from '../services/service-state.js';
import { serveMetadata } from '../metadata/metadata-service.js';
import { completeBuildVolumes, connectBuildVolumes, releaseBuildVolumes, releaseServerVolumes, VolumeNotReady } from '../block-devices/build-volumes.js';


/** A failure recorded on the instance, shown as `fault` while it is in ERROR. */
export const faultJson = (message: string, details?: string, code = 500): string =>
  JSON.stringify({ code, message, details: details ?? '', created: now() });

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class Conductor {
  /** Each instance's workflows, one at a time; reconciliation leaves busy instances alone. */
  readonly queue = new KeyedQueue();
  private subscription?: Subscription;
  private metadataSubscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private readonly deps: ComputeDeps;

  constructor(private readonly ctx: ComputeContext) {
    this.deps = ctx.deps;
  }

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.serve(CONDUCTOR_TOPIC, async (method, args) => {
      if (method === 'hostReport') return recordHostReport(this.deps.db, args as HostReport);
      if (method === 'reconcile') return this.reconcile(args as { host: string; observed: ObservedGuest[] });
      if (method === 'volumeExtended') return this.volumeExtended(args as { instanceUuid: string; volumeId: string; sizeGb: number });
      throw new Error(`conductor has no method ${method}`);
    });
    // The metadata service answers the network agents' proxies for as long as the conductor runs.
    this.metadataSubscription = await serveMetadata(this.deps);
    const beat = async () => {
      for (const binary of ['nova-conductor', 'nova-scheduler']) await heartbeat(this.deps.db, this.deps.config.compute.host, binary, binary.slice(5));
    };
    await beat();
    this.timer = setInterval(() => void beat().catch((err) => this.deps.log.warn({ err }, 'controller heartbeat failed')),
      this.deps.config.compute.heartbeatSeconds * 1000);
    this.timer.unref();
    await this.failUnscheduledBuilds();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.subscription?.unsubscribe();
    await this.metadataSubscription?.unsubscribe();
    await this.queue.idle();
  }

  /** Builds left in `scheduling` with no host by a crash have no one to finish them: ERROR. */
  private async failUnscheduledBuilds(): Promise<void> {
    const stuck = await this.deps.db.selectFrom('compute_instance').select('uuid')
      .where('deleted', '=', 0).where('vm_state', '=', 'building').where('host', 'is', null).execute();
    for (const { uuid } of stuck) {
      if (this.queue.busy(uuid)) continue;
      await this.deps.db.updateTable('compute_instance')
        .set({ vm_state: 'error', task_state: null, fault: faultJson('The build was interrupted before a host was chosen (the service restarted).'), updated_at: now() })
        .where('uuid', '=', uuid).where('vm_state', '=', 'building').where('host', 'is', null).execute();
    }
  }

  private async load(uuid: string): Promise<InstanceRow | undefined> {
    return this.deps.db.selectFrom('compute_instance').selectAll().where('uuid', '=', uuid).executeTakeFirst();
  }

  private async update(uuid: string, set: Partial<InstanceRow>, expectTask?: string | null): Promise<boolean> {
    let q = this.deps.db.updateTable('compute_instance').set({ ...set, updated_at: now() }).where('uuid', '=', uuid).where('deleted', '=', 0);
    if (expectTask !== undefined) q = expectTask === null ? q.where('task_state', 'is', null) : q.where('task_state', '=', expectTask as never);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  // ---- build ----

  /** Schedules and spawns a new instance; retries on other hosts; ends ACTIVE or ERROR with a fault. */
  build(uuid: string, requestId: string, token: string): void {
    this.enqueue(uuid, () => this.runBuild(uuid, requestId, token));
  }

  private async actionFor(uuid: string, requestId: string): Promise<ActionRef> {
    const a = await this.deps.db.selectFrom('compute_instance_action').select('id')
      .where('instance_uuid', '=', uuid).where('request_id', '=', requestId).executeTakeFirst();
    return { id: a?.id ?? '', instanceUuid: uuid };
  }

  private async runBuild(uuid: string, requestId: string, token: string): Promise<void> {
    const db = this.deps.db;
    const action = await this.actionFor(uuid, requestId);
    const maxAttempts = this.deps.config.compute.schedulerMaxAttempts;
    let lastError = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const row = await this.load(uuid);
      if (!row || row.deleted || row.task_state !== 'scheduling') return; // deleted meanwhile
      const sys = systemMetadata(row);
      const spec: RequestSpec = {
        instanceUuid: uuid, projectId: row.project_id, flavor: json(row.flavor, {} as never),
        imageProperties: sys.image_properties ?? {}, availabilityZone: row.availability_zone,
        forcedHost: sys.forced_host ?? null, hints: json(row.scheduler_hints, {}), ignoreHosts: sys.failed_hosts ?? [],
      };
      await startEvent(db, action, 'compute__schedule_instances', null);
      let placement;
      try {
        placement = await this.ctx.scheduler.selectAndClaim(spec);
        await finishEvent(db, action, 'compute__schedule_instances');
      } catch (err) {
        const message = err instanceof NoValidHost ? err.message : `Scheduling failed: ${errText(err)}`;
        const fault = attempt > 1 ? `Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance ${uuid}.` : message;
        await finishEvent(db, action, 'compute__schedule_instances', message);
        await this.update(uuid, { vm_state: 'error', task_state: null, fault: faultJson(fault, lastError || message) }, 'scheduling');
        await finishAction(db, action, fault);
        return;
      }
      const zone = row.availability_zone ?? await hostAvailabilityZone(db, placement.host);
      const claimed = await this.update(uuid, { host: placement.host, node: placement.nodeId, availability_zone: zone, task_state: 'spawning' }, 'scheduling');
      if (!claimed) { await this.ctx.scheduler.release(uuid); return; }
      await startEvent(db, action, 'compute__do_build_and_run_instance', placement.host);
      const agent = this.ctx.agent(placement.host);
      // Ports are made once (the first attempt) and then follow the build from host to host.
      try {
        sys.ports = await this.deps.network.allocatePorts({ uuid, projectId: row.project_id, zone }, requestedNetworks(row), sys.ports ?? []);
      } catch (err) {
        const message = `Build of instance ${uuid} aborted: ${errText(err)}`;
        await this.ctx.scheduler.release(uuid);
        await finishEvent(db, action, 'compute__do_build_and_run_instance', message);
        await this.update(uuid, { vm_state: 'error', task_state: null, host: null, node: null, fault: faultJson(message),
          system_metadata: JSON.stringify(sys) }, 'spawning');
        await finishAction(db, action, message);
        return;
      }
      await this.update(uuid, { system_metadata: JSON.stringify(sys) }, 'spawning');
      const portIds = sys.ports.map((p) => p.id);
      try {
        await this.deps.network.bindPorts(portIds, placement.host);
        const net = await this.deps.network.guestNetwork(portIds);
        // Volumes are connected to the chosen host before the spawn and completed once it booted.
        const volumes = await connectBuildVolumes(this.deps, row, placement.host, token);
        await agent.spawn(guestSpec(row, await metadataOf(db, uuid), token, undefined, net, volumes));
        await completeBuildVolumes(this.deps, uuid);
      } catch (err) {
        lastError = `${placement.host}: ${errText(err)}`;
        this.deps.log.warn({ uuid, host: placement.host, err: errText(err) }, 'spawn failed; rescheduling');
        await agent.destroy(uuid).catch(() => undefined);
        await releaseBuildVolumes(this.deps, uuid);
        await this.deps.network.unbindPorts(portIds).catch(() => undefined);
        await this.ctx.scheduler.release(uuid);
        this.ctx.scheduler.recordBuildFailure(placement.host);
        await finishEvent(db, action, 'compute__do_build_and_run_instance', lastError);
        const failed = [...(sys.failed_hosts ?? []), placement.host];
        // A forced host is the only candidate: trying it again is not a reschedule (Nova stops too).
        // A volume that failed to be created fails on every host alike.
        const more = attempt < maxAttempts && !spec.forcedHost && !(err instanceof VolumeNotReady);
        await this.update(uuid, more
          ? { host: null, node: null, task_state: 'scheduling', system_metadata: JSON.stringify({ ...sys, failed_hosts: failed }) }
          : { vm_state: 'error', task_state: null, host: null, node: null, fault: faultJson(`Build of instance ${uuid} failed: ${errText(err)}`, lastError) },
        'spawning');
        if (!more) await finishAction(db, action, lastError);
        continue;
      }
      this.ctx.scheduler.recordBuildSuccess(placement.host);
      await finishEvent(db, action, 'compute__do_build_and_run_instance');
      const ts = now();
      const done = await this.update(uuid, { vm_state: 'active', task_state: null, power_state: POWER.RUNNING, launched_at: ts, progress: 0 }, 'spawning');
      // Not `done`: a delete took over meanwhile; it is queued after us and removes the guest.
      if (done) await finishAction(db, action);
      return;
    }
  }

  // ---- delete ----

  /** Removes the guest from its host, frees its resources and marks the instance deleted. */
  remove(uuid: string, action: ActionRef | null): void {
    this.enqueue(uuid, () => this.runDelete(uuid, action));
  }

  private async runDelete(uuid: string, action: ActionRef | null): Promise<void> {
    const db = this.deps.db;
    const row = await this.load(uuid);
    if (!row || row.deleted) return;
    if (row.host) {
      if (action) await startEvent(db, action, 'compute_terminate_instance', row.host);
      try {
        await this.ctx.agent(row.host).destroy(uuid);
      } catch (err) {
        // A host that is down cannot answer; Nova deletes locally then, and its agent removes the
        // orphan when it comes back. A host that is up but failed keeps the instance, in ERROR.
        if (await this.hostIsUp(row.host)) {
          if (action) { await finishEvent(db, action, 'compute_terminate_instance', errText(err)); await finishAction(db, action, errText(err)); }
          await this.update(uuid, { vm_state: 'error', task_state: null, fault: faultJson(`Delete failed on ${row.host}: ${errText(err)}`) });
          return;
        }
      }
      if (action) await finishEvent(db, action, 'compute_terminate_instance');
    }
    // The guest is gone: its volumes are released, those marked delete_on_termination deleted.
    await releaseServerVolumes(this.deps, uuid);
    await this.ctx.scheduler.release(uuid);
    // Ports Nubis made for the server go with it; ports the user passed are unbound and kept.
    await this.deps.network.releasePorts(serverPorts(row))
      .catch((err) => this.deps.log.warn({ uuid, err: errText(err) }, 'releasing the server\'s ports failed'));
    const ts = now();
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('compute_instance').set({
        vm_state: 'deleted', task_state: null, power_state: POWER.NOSTATE, deleted: 1, deleted_at: ts, terminated_at: ts, updated_at: ts,
      }).where('uuid', '=', uuid).execute();
      await trx.deleteFrom('compute_server_group_member').where('instance_uuid', '=', uuid).execute();
      await trx.deleteFrom('compute_console_token').where('instance_uuid', '=', uuid).execute();
    });
    if (action) await finishAction(db, action);
  }

  private async hostIsUp(host: string): Promise<boolean> {
    const svc = await this.deps.db.selectFrom('compute_service').select(['last_seen_up', 'forced_down'])
      .where('host', '=', host).where('binary', '=', COMPUTE_BINARY).executeTakeFirst();
    return svc !== undefined && isServiceUp(svc, this.deps.config.compute.serviceDownSeconds);
  }

  // ---- volumes ----

  /** Block storage grew an attached volume: the guest is told its new size (a no-op when it is off). */
  private async volumeExtended(args: { instanceUuid: string; volumeId: string; sizeGb: number }): Promise<void> {
    const row = await this.load(args.instanceUuid);
    if (!row || row.deleted || !row.host) return;
    await this.ctx.agent(row.host).extendVolume(row.uuid, args.volumeId, args.sizeGb * 1024 ** 3);
  }

  // ---- reconcile ----

  /** An agent's view of its host; returns the guests it must remove (unknown or deleted here). */
  async reconcile(args: { host: string; observed: ObservedGuest[] }): Promise<{ destroy: string[] }> {
    const known = await this.deps.db.selectFrom('compute_instance').select(['uuid', 'vm_state', 'task_state', 'power_state'])
      .where('host', '=', args.host).where('deleted', '=', 0).execute();
    const destroy: string[] = [];
    for (const step of planReconcile(known, args.observed, (u) => this.queue.busy(u))) {
      if (step.kind === 'destroy') { destroy.push(step.uuid); continue; }
      if (step.kind === 'finish-delete') { this.remove(step.uuid, null); continue; }
      const { launched, fault, ...set } = step.set;
      const changes: Partial<InstanceRow> = { ...set };
      if (launched) changes.launched_at = now();
      if (fault) changes.fault = faultJson(fault);
      if (set.vm_state === 'error') { await this.ctx.scheduler.release(step.uuid); changes.host = null; changes.node = null; }
      await this.update(step.uuid, changes, step.expectTask);
    }
    return { destroy };
  }

  // ---- actions ----

  /** Records an action for a request and runs its work in the instance's queue. */
  async record(uuid: string, auth: AuthContext, action: string, requestId: string, projectId: string): Promise<ActionRef> {
    return startAction(this.deps.db, auth, uuid, action, requestId, projectId);
  }

  run(uuid: string, work: () => Promise<void>): void {
    this.enqueue(uuid, work);
  }

  /** Workflows record their own failures on the instance; anything that escapes is logged. */
  private enqueue(uuid: string, work: () => Promise<void>): void {
    void this.queue.run(uuid, work).catch((err) => this.deps.log.error({ uuid, err: errText(err) }, 'instance workflow failed'));
  }
}
