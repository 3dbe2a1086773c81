// Which body key of POST /servers/{id}/action runs which action, under which policy rule, and
// what each answers (202 mostly; rebuild the server, rescue the password, createImage the image).
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { badRequest } from '../../platform/errors.js';
import type { InstanceRow } from '../compute.tables.js';
import { enforce, target } from '../common.js';
import { has, type ApiVersion } from '../microversions.js';
import type { ServerAction } from '../vm-states.js';
import { claimAndRun, loadForAction, lock, powerActions, resetState, stateConflict, unknownAction, unlock, type ActionRequest } from './server-actions.js';
import { confirmResize, rebuild, rescue, resize, revertResize, unrescue } from './server-actions.disk.js';
import { createImage, shelve, unshelve } from './server-actions.image.js';
import { loadServer } from './server-load.js';

export interface ActionAnswer { status: number; body?: unknown; location?: string }

type Handler = (r: ActionRequest, row: InstanceRow, args: unknown, v: ApiVersion, view: (row: InstanceRow) => Promise<unknown>) => Promise<ActionAnswer>;

const accepted: ActionAnswer = { status: 202 };

function power(action: ServerAction): Handler {
  return async (r, row) => { await claimAndRun(r, row, action, (fresh) => powerActions[action]!(r, fresh)); return accepted; };
}

const ACTIONS: Record<string, { rule: string; lockExempt?: boolean; handler: Handler }> = {
  'os-start': { rule: 'servers:start', handler: power('start') },
  'os-stop': { rule: 'servers:stop', handler: power('stop') },
  reboot: {
    rule: 'servers:reboot',
    handler: async (r, row, args) => {
      const type = (args as { type?: unknown } | null)?.type;
      if (typeof type !== 'string' || !['SOFT', 'HARD'].includes(type.toUpperCase())) {
        throw badRequest("Invalid input for field/attribute type. Value: must be one of 'SOFT', 'HARD'");
      }
      return power(type.toUpperCase() === 'HARD' ? 'rebootHard' : 'rebootSoft')(r, row, args, undefined as never, undefined as never);
    },
  },
  pause: { rule: 'os-pause-server:pause', handler: power('pause') },
  unpause: { rule: 'os-pause-server:unpause', handler: power('unpause') },
  suspend: { rule: 'os-suspend-server:suspend', handler: power('suspend') },
  resume: { rule: 'os-suspend-server:resume', handler: power('resume') },
  lock: { rule: 'os-lock-server:lock', lockExempt: true, handler: async (r, row) => { await lock(r, row); return accepted; } },
  unlock: { rule: 'os-lock-server:unlock', lockExempt: true, handler: async (r, row) => { await unlock(r, row); return accepted; } },
  rebuild: {
    rule: 'servers:rebuild',
    handler: async (r, row, args, v, view) => {
      await rebuild(r, row, args, v);
      const fresh = await loadServer(r.ctx.deps, r.auth, row.uuid);
      const given = (args as { adminPass?: unknown }).adminPass;
      const adminPass = typeof given === 'string' ? given : randomBytes(9).toString('base64url');
      return { status: 202, body: { server: { ...(await view(fresh) as object), adminPass } } };
    },
  },
  resize: { rule: 'servers:resize', handler: async (r, row, args) => { await resize(r, row, args); return accepted; } },
  confirmResize: { rule: 'servers:confirm_resize', handler: async (r, row) => { await confirmResize(r, row); return { status: 204 }; } },
  revertResize: { rule: 'servers:revert_resize', handler: async (r, row) => { await revertResize(r, row); return accepted; } },
  createImage: {
    rule: 'servers:create_image',
    handler: async (r, row, args, v) => {
      const id = await createImage(r, row, args);
      const location = `${r.ctx.deps.config.publicUrl}/image/v2/images/${id}`;
      return has(v, 'createImageReturnsBody') ? { status: 202, body: { image_id: id } } : { status: 202, location };
    },
  },
  shelve: { rule: 'os-shelve:shelve', handler: async (r, row) => { await shelve(r, row); return accepted; } },
  shelveOffload: {
    rule: 'os-shelve:shelve',
    handler: async (_r, row) => {
      // Shelving here always offloads at once, so there is nothing left to offload.
      if (row.vm_state !== 'shelved_offloaded') throw stateConflict('shelveOffload', row.uuid, row);
      return accepted;
    },
  },
  unshelve: { rule: 'os-shelve:unshelve', handler: async (r, row, args) => { await unshelve(r, row, args); return accepted; } },
  rescue: { rule: 'os-rescue', handler: async (r, row, args) => ({ status: 200, body: { adminPass: await rescue(r, row, args) } }) },
  unrescue: { rule: 'os-unrescue', handler: async (r, row) => { await unrescue(r, row); return accepted; } },
  removeFixedIp: {
    // Legacy multinic (removed in 2.44, where os-interface replaces it): `openstack server remove fixed ip`.
    rule: 'os-multinic',
    handler: async (r, row, args, v) => {
      if (has(v, 'multinicRemoved')) throw unknownAction('removeFixedIp');
      const address = (args as { address?: unknown } | null)?.address;
      if (typeof address !== 'string' || !isIP(address)) throw badRequest("Invalid input for field/attribute address. Value: must be an IP address");
      if (!(await r.ctx.deps.network.removeFixedIp(row.uuid, address))) throw badRequest(`Instance ${row.uuid} doesn't have fixed IP '${address}'.`);
      return accepted;
    },
  },
  'os-resetState': { rule: 'os-admin-actions:reset_state', lockExempt: true, handler: async (r, row, args) => { await resetState(r, row, args); return accepted; } },
};

export async function dispatchAction(r: ActionRequest, serverId: string, name: string, args: unknown, v: ApiVersion,
  view: (row: InstanceRow) => Promise<unknown>): Promise<ActionAnswer> {
  const entry = ACTIONS[name];
  if (!entry) {
    // Load first: an unknown server is a 404 whatever the action.
    await loadServer(r.ctx.deps, r.auth, serverId);
    throw unknownAction(name);
  }
  const row = await loadForAction(r.ctx.deps, r.auth, serverId, entry.rule, entry.lockExempt);
  enforce(r.ctx.deps, r.auth, entry.rule, target(r.auth, row.project_id, row.user_id));
  return entry.handler(r, row, args, v, view);
}
