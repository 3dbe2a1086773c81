// POST /volumes/{volume_id}/action: one action per body, named by its only key
// ({"os-extend": {"new_size": 2}}), dispatched through one table. Every action first loads the
// volume as the caller may see it (another project's volume is a 404, never a 403).
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../../platform/http/auth-hook.js';
import { badRequest } from '../common.js';
import type { VolumeContext } from '../context.js';
import { has, type Feature } from '../microversions.js';
import { loadVisibleVolume } from '../volumes/volume-access.js';
import { forceDeleteAction, resetStatusAction } from './admin-actions.js';
import { attachActions, type ActionHandler } from './attach-actions.js';
import { extendAction } from './extend-action.js';
import { setBootableAction, updateReadonlyFlagAction } from './flag-actions.js';
import { setImageMetadataAction, showImageMetadataAction, unsetImageMetadataAction } from './image-metadata-actions.js';
import { retypeAction } from './retype-action.js';
import { revertAction } from './revert-action.js';
import { uploadImageAction } from './upload-image-action.js';

interface ActionEntry { handler: ActionHandler; since?: Feature }

/** This slice's actions by key; the attach actions (os-reserve, os-attach…) come from attach-actions.ts. */
export const volumeActions: Record<string, ActionEntry> = {
  'os-extend': { handler: extendAction },
  'os-set_bootable': { handler: setBootableAction },
  'os-update_readonly_flag': { handler: updateReadonlyFlagAction },
  'os-reset_status': { handler: resetStatusAction },
  'os-force_delete': { handler: forceDeleteAction },
  'os-volume_upload_image': { handler: uploadImageAction },
  'os-set_image_metadata': { handler: setImageMetadataAction },
  'os-unset_image_metadata': { handler: unsetImageMetadataAction },
  'os-show_image_metadata': { handler: showImageMetadataAction },
  'os-retype': { handler: retypeAction },
  revert: { handler: revertAction, since: 'revertToSnapshot' },
};

/** The entry for an action name, from this table or the attach slice's. */
function lookup(name: string): ActionEntry | undefined {
  if (Object.hasOwn(volumeActions, name)) return volumeActions[name];
  if (Object.hasOwn(attachActions, name)) return { handler: attachActions[name]! };
  return undefined;
}

/** The action named by the body: its only key. */
function actionOf(body: unknown): [string, unknown] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Malformed request body: it must be an object naming one action.');
  const keys = Object.keys(body);
  if (keys.length !== 1) {
    throw badRequest(keys.length === 0 ? 'Malformed request body: no action given.'
      : `Malformed request body: one action per request, got ${keys.join(', ')}.`);
  }
  return [keys[0]!, (body as Record<string, unknown>)[keys[0]!]];
}

export function volumeActionRoutes(ctx: VolumeContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { volume_id: string } }>('/volumes/:volume_id/action', async (req, reply) => {
      const auth = caller(req);
      const [name, args] = actionOf(req.body);
      const entry = lookup(name);
      if (!entry || (entry.since && !has(req, entry.since))) throw badRequest(`There is no such action: ${name}`);
      const volume = await loadVisibleVolume(ctx.deps, auth, req.params.volume_id);
      const out = await entry.handler(ctx, auth, volume, args, req, reply);
      if (reply.sent) return reply;
      return out === undefined ? reply.send() : reply.send(out);
    });
  };
}
