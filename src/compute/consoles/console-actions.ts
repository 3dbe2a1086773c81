// Remote console URLs and console output: the handlers behind `os-getVNCConsole`,
// `os-getConsoleOutput` (dispatched by the servers slice's POST /servers/{id}/action) and
// POST /servers/{id}/remote-consoles (2.6+). Each one: body check, visible instance (404),
// policy (403), state (409), then one call to the instance's host agent.
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { BusTimeoutError, NoRespondersError, RemoteError } from '../../platform/bus/bus.js';
import { ApiError, conflict, notFound } from '../../platform/errors.js';
import { enforce, target } from '../common.js';
import type { InstanceRow } from '../compute.tables.js';
import type { ComputeContext } from '../context.js';
import { loadServer } from '../servers/server-load.js';
import { has } from '../microversions.js';
import { parseConsoleOutputArgs, parseRemoteConsoleBody, parseVncConsoleArgs } from './console-bodies.js';
import { issueConsoleToken } from './console-tokens.js';

/** Where the browser page and its websocket live, under the public URL (beside /compute/v2.1). */
export const CONSOLE_PATH = '/compute/console';

/**
 * The noVNC page's URL. `path` is what noVNC appends to the page's own host:port for its
 * websocket, so the browser connects back through whatever address it reached the page by. A
 * public URL with a path (a cloud behind a reverse proxy at /nubis) keeps that path in both.
 */
export function vncConsoleUrl(publicUrl: string, token: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  const prefix = new URL(base).pathname.replace(/^\/+|\/+$/g, '');
  const wsPath = `${prefix === '' ? '' : `${prefix}/`}${CONSOLE_PATH.slice(1)}/websockify?token=${token}`;
  return `${base}${CONSOLE_PATH}/vnc.html?path=${encodeURIComponent(wsPath)}`;
}

const notReady = (id: string, why?: string) => conflict(`Instance ${id} is not ready${why ? `: ${why}` : ''}`);

/** A host that does not answer is the cloud's trouble, not the caller's: 409, never a 500. */
function agentFailure(ctx: ComputeContext, err: unknown, inst: InstanceRow, whenRemote: ApiError): ApiError {
  if (err instanceof NoRespondersError || err instanceof BusTimeoutError) {
    return notReady(inst.uuid, `its compute host ${inst.host ?? ''} does not answer`);
  }
  // The driver's own message can name host paths: log it, answer Nova's generic text.
  ctx.deps.log.warn({ err, instance: inst.uuid, host: inst.host }, 'console request refused by the compute agent');
  if (err instanceof RemoteError) return whenRemote;
  throw err;
}

/** Checks, then a fresh token and its URL, for the one console Nubis proxies: VNC through noVNC. */
async function issueVncConsole(ctx: ComputeContext, auth: AuthContext, serverId: string): Promise<string> {
  const inst = await loadServer(ctx.deps, auth, serverId);
  enforce(ctx.deps, auth, 'os-remote-consoles', target(auth, inst.project_id, inst.user_id));
  if (inst.host === null || inst.vm_state !== 'active' || inst.task_state === 'deleting') throw notReady(inst.uuid);
  // Asking now (as Nova does) turns "this host has no VNC" into an answer instead of a dead page;
  // the proxy asks again at connect time, since the address moves with reboots and migrations.
  try {
    await ctx.agent(inst.host).vncAddress(inst.uuid);
  } catch (err) {
    throw agentFailure(ctx, err, inst, conflict('Guest does not have a console available.'));
  }
  const token = await issueConsoleToken(ctx.deps, { instanceUuid: inst.uuid, host: inst.host, consoleType: 'novnc' });
  return vncConsoleUrl(ctx.deps.config.publicUrl, token);
}

/** Nova answers a method outside its microversion range with a bare 404, as if it did not exist. */
const versionNotSupported = () => notFound('The resource could not be found.');

/**
 * `{"os-getVNCConsole": {"type": "novnc"}}` (2.1–2.5) → `{console: {type, url}}`. `args` is the
 * value under the action's name (the servers slice checked the body holds that one key).
 */
export async function getVncConsole(ctx: ComputeContext, req: FastifyRequest, auth: AuthContext, serverId: string, args: unknown) {
  if (has(req, 'remoteConsoles')) throw versionNotSupported();
  const type = parseVncConsoleArgs(args);
  const url = await issueVncConsole(ctx, auth, serverId);
  return { console: { type, url } };
}

/** POST /servers/{id}/remote-consoles (2.6+) → `{remote_console: {protocol, type, url}}`. */
export async function createRemoteConsole(ctx: ComputeContext, req: FastifyRequest, auth: AuthContext, serverId: string, body: unknown) {
  if (!has(req, 'remoteConsoles')) throw versionNotSupported();
  const { protocol, type } = parseRemoteConsoleBody(body);
  const url = await issueVncConsole(ctx, auth, serverId);
  return { remote_console: { protocol, type, url } };
}

/** Control characters other than tab and newline, which Nova strips from the log it returns. */
const CONTROL = /[\x00-\x08\x0B-\x1F]/g;

/** `{"os-getConsoleOutput": {"length": N|null}}` → `{output}`. `args` is the value under the action's name. */
export async function getConsoleOutput(ctx: ComputeContext, auth: AuthContext, serverId: string, args: unknown) {
  const lines = parseConsoleOutputArgs(args);
  const inst = await loadServer(ctx.deps, auth, serverId);
  enforce(ctx.deps, auth, 'os-console-output', target(auth, inst.project_id, inst.user_id));
  // As Nova: any state with a host (a stopped guest's boot log is what one reads to see why).
  if (inst.host === null || inst.task_state === 'deleting') throw notReady(inst.uuid);
  let output: string;
  try {
    output = await ctx.agent(inst.host).consoleOutput(inst.uuid, lines);
  } catch (err) {
    throw agentFailure(ctx, err, inst, notFound('Guest does not have a console available.'));
  }
  return { output: String(output ?? '').replace(CONTROL, '') };
}
