// Nova's os-keypairs API. Microversions: 2.2 adds `type` (and 201/204 answers), 2.10 lets admins
// act for another user (`user_id`), 2.35 pages the list (limit/marker).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest } from '../../platform/errors.js';
import { caller } from '../../platform/http/auth-hook.js';
import { enforce, isoMicro, target, type ComputeDeps } from '../common.js';
import type { KeypairRow } from '../compute.tables.js';
import type { ComputeContext } from '../context.js';
import { has } from '../microversions.js';
import { createKeypair, deleteKeypair, getKeypair, keypairId, listKeypairs, type KeypairRequest } from './keypairs.service.js';

type Params = { name: string };
type Query = Record<string, string | string[] | undefined>;

const MAX_LIMIT = 1000;
const lastParam = (q: Query, name: string) => { const v = q[name]; return Array.isArray(v) ? v[v.length - 1] : v; };

/** The user a request acts for: `user_id` from 2.10 (policy decides who may name another), else the caller. */
function subjectUser(req: FastifyRequest, auth: AuthContext): string {
  // Nova reads the first user_id when several are given.
  const given = (req.query as Query).user_id;
  const asked = has(req, 'keypairUserId') ? [given ?? []].flat()[0] : undefined;
  return asked || auth.userId;
}

export function keypairRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const { deps } = ctx;
  return async (app) => {
    app.get('/os-keypairs', async (req) => {
      const auth = caller(req);
      const q = req.query as Query;
      const userId = subjectUser(req, auth);
      enforce(deps, auth, 'os-keypairs:index', target(auth, null, userId));
      const paged = has(req, 'keypairPagination');
      // Before 2.35 the list is the user's every keypair; limit and marker mean nothing.
      const { limit, marker } = paged ? pageParams(q) : { limit: undefined, marker: undefined };
      const rows = await listKeypairs(deps, userId, limit, marker);
      const withType = has(req, 'keypairType');
      const body: Record<string, unknown> = {
        keypairs: rows.map((r) => ({
          keypair: { name: r.name, public_key: r.public_key, fingerprint: r.fingerprint, ...(withType ? { type: r.type } : {}) },
        })),
      };
      const last = rows[rows.length - 1];
      if (paged && last && rows.length === limit) body.keypairs_links = [nextLink(deps, q, last.name)];
      return body;
    });

    app.get<{ Params: Params }>('/os-keypairs/:name', async (req) => {
      const auth = caller(req);
      const userId = subjectUser(req, auth);
      enforce(deps, auth, 'os-keypairs:show', target(auth, null, userId));
      const row = await getKeypair(deps, userId, req.params.name);
      return { keypair: showBody(req, row) };
    });

    app.delete<{ Params: Params }>('/os-keypairs/:name', async (req, reply) => {
      const auth = caller(req);
      const userId = subjectUser(req, auth);
      enforce(deps, auth, 'os-keypairs:delete', target(auth, null, userId));
      await deleteKeypair(deps, userId, req.params.name);
      return reply.code(has(req, 'keypairType') ? 204 : 202).send();
    });

    app.post('/os-keypairs', async (req, reply) => {
      const auth = caller(req);
      const asked = parseCreate(req, req.body);
      const userId = asked.userId ?? auth.userId;
      enforce(deps, auth, 'os-keypairs:create', target(auth, null, userId));
      const { row, privateKey } = await createKeypair(deps, auth, { ...asked, userId });
      const keypair: Record<string, unknown> = {
        name: row.name, public_key: row.public_key, fingerprint: row.fingerprint, user_id: row.user_id,
        ...(has(req, 'keypairType') ? { type: row.type } : {}),
        ...(privateKey !== undefined ? { private_key: privateKey } : {}),
      };
      return reply.code(has(req, 'keypairType') ? 201 : 200).send({ keypair });
    });
  };

  function nextLink(d: ComputeDeps, q: Query, marker: string) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...q, marker }).sort(([a], [b]) => a.localeCompare(b))) {
      for (const one of [v ?? []].flat()) params.append(k, one);
    }
    return { rel: 'next', href: `${d.config.publicUrl}/compute/v2.1/os-keypairs?${params.toString()}` };
  }
}

function showBody(req: FastifyRequest, row: KeypairRow): Record<string, unknown> {
  return {
    public_key: row.public_key, user_id: row.user_id, name: row.name, created_at: isoMicro(row.created_at),
    deleted: false, fingerprint: row.fingerprint, updated_at: null, deleted_at: null, id: keypairId(row),
    ...(has(req, 'keypairType') ? { type: row.type } : {}),
  };
}

function pageParams(q: Query): { limit: number; marker: string | undefined } {
  const raw = lastParam(q, 'limit');
  let limit = MAX_LIMIT;
  if (raw !== undefined) {
    if (!/^\s*-?\d+\s*$/.test(raw)) throw badRequest(`Invalid input for query parameters limit. Value: ${raw}. '${raw}' is not a 'positive_integer'`);
    limit = Math.min(Number(raw), MAX_LIMIT);
    if (limit < 0) throw badRequest(`Invalid input for query parameters limit. Value: ${raw}. '${raw}' is not a 'positive_integer'`);
  }
  return { limit, marker: lastParam(q, 'marker') };
}

const fieldError = (field: string, value: unknown, why: string) =>
  badRequest(`Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}. ${why}`);

/** POST body: {keypair: {name, public_key?, type? (2.2), user_id? (2.10)}}; other fields are refused. */
function parseCreate(req: FastifyRequest, body: unknown): Omit<KeypairRequest, 'userId'> & { userId?: string } {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(body)) throw badRequest('Invalid input for field/attribute request body: it must be an object with \'keypair\'.');
  for (const k of Object.keys(body)) if (k !== 'keypair') throw fieldError('keypair', body, `Additional properties are not allowed ('${k}' was unexpected)`);
  const kp = body.keypair;
  if (kp === undefined) throw badRequest(`Invalid input for field/attribute keypair. 'keypair' is a required property`);
  if (!isObj(kp)) throw fieldError('keypair', kp, `${JSON.stringify(kp)} is not of type 'object'`);
  const allowed = ['name', 'public_key', ...(has(req, 'keypairType') ? ['type'] : []), ...(has(req, 'keypairUserId') ? ['user_id'] : [])];
  for (const k of Object.keys(kp)) if (!allowed.includes(k)) throw fieldError('keypair', kp, `Additional properties are not allowed ('${k}' was unexpected)`);
  if (kp.name === undefined) throw fieldError('keypair', kp, `'name' is a required property`);
  if (typeof kp.name !== 'string') throw fieldError('name', kp.name, `${JSON.stringify(kp.name)} is not of type 'string'`);
  if (kp.name.length < 1 || kp.name.length > 255) throw fieldError('name', kp.name, 'It must be 1 to 255 characters long');
  if (kp.name.trim() !== kp.name) throw fieldError('name', kp.name, 'It may not begin or end with whitespace');
  if (kp.public_key !== undefined && typeof kp.public_key !== 'string') throw fieldError('public_key', kp.public_key, `${JSON.stringify(kp.public_key)} is not of type 'string'`);
  if (kp.type !== undefined && kp.type !== 'ssh' && kp.type !== 'x509') throw fieldError('type', kp.type, `${JSON.stringify(kp.type)} is not one of ['ssh', 'x509']`);
  if (kp.user_id !== undefined && (typeof kp.user_id !== 'string' || kp.user_id === '')) throw fieldError('user_id', kp.user_id, 'It must be a non-empty string');
  return {
    name: kp.name, type: kp.type ?? 'ssh',
    ...(kp.public_key !== undefined ? { publicKey: kp.public_key } : {}),
    ...(kp.user_id !== undefined ? { userId: kp.user_id as string } : {}),
  };
}
