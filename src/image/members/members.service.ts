import type { AuthContext } from '../../platform/auth-context.js';
import { badRequest, conflict, forbidden, isUniqueViolation, notFound } from '../../platform/errors.js';
import { enforce, glanceTime, imageTarget, isAdmin, loadVisible, now, type ImageDeps } from '../common.js';
import type { ImageMemberRow, ImageRow } from '../image.tables.js';

const STATUSES = ['pending', 'accepted', 'rejected'];

export function memberBody(m: ImageMemberRow): Record<string, unknown> {
  return {
    image_id: m.image_id, member_id: m.member_id, status: m.status,
    created_at: glanceTime(m.created_at), updated_at: glanceTime(m.updated_at), schema: '/v2/schemas/member',
  };
}

/** Sharing: the owner adds and removes member projects; each member accepts or rejects. */
export class MemberService {
  constructor(private readonly deps: ImageDeps) {}

  private async sharedImage(auth: AuthContext, imageId: string): Promise<ImageRow> {
    const row = await loadVisible(this.deps, auth, imageId);
    if (row.visibility !== 'shared') throw forbidden(`Only shared images have members.`);
    return row;
  }

  private async find(imageId: string, memberId: string): Promise<ImageMemberRow> {
    const m = await this.deps.db.selectFrom('image_member').selectAll()
      .where('image_id', '=', imageId).where('member_id', '=', memberId).executeTakeFirst();
    if (!m) throw notFound(`Member ${memberId} not found for image ${imageId}`);
    return m;
  }

  /** The owner (and admins) see every member; a member sees only itself. */
  private seesAll(auth: AuthContext, row: ImageRow): boolean {
    return isAdmin(this.deps, auth) || (auth.projectId !== undefined && row.owner === auth.projectId);
  }

  async add(auth: AuthContext, imageId: string, body: unknown): Promise<Record<string, unknown>> {
    const row = await this.sharedImage(auth, imageId);
    enforce(this.deps, auth, 'add_member', imageTarget(row));
    const memberId = (body as { member?: unknown } | undefined)?.member;
    if (typeof memberId !== 'string' || memberId.length === 0 || memberId.length > 255) {
      throw badRequest(`Request body must be a JSON object with a 'member' string (the project id).`);
    }
    const ts = now();
    const m: ImageMemberRow = { image_id: imageId, member_id: memberId, status: 'pending', created_at: ts, updated_at: ts };
    try {
      await this.deps.db.insertInto('image_member').values(m).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`Member ${memberId} already exists for image ${imageId}`);
      throw err;
    }
    return memberBody(m);
  }

  async list(auth: AuthContext, imageId: string): Promise<Record<string, unknown>> {
    const row = await this.sharedImage(auth, imageId);
    enforce(this.deps, auth, 'get_members', imageTarget(row));
    let q = this.deps.db.selectFrom('image_member').selectAll().where('image_id', '=', imageId);
    if (!this.seesAll(auth, row)) q = q.where('member_id', '=', auth.projectId ?? '');
    const members = await q.orderBy('created_at').orderBy('member_id').execute();
    return { members: members.map(memberBody), schema: '/v2/schemas/members' };
  }

  async show(auth: AuthContext, imageId: string, memberId: string): Promise<Record<string, unknown>> {
    const row = await this.sharedImage(auth, imageId);
    enforce(this.deps, auth, 'get_member', { ...imageTarget(row), member_id: memberId });
    if (!this.seesAll(auth, row) && memberId !== auth.projectId) throw notFound(`Member ${memberId} not found for image ${imageId}`);
    return memberBody(await this.find(imageId, memberId));
  }

  async setStatus(auth: AuthContext, imageId: string, memberId: string, body: unknown): Promise<Record<string, unknown>> {
    const row = await this.sharedImage(auth, imageId);
    const m = await this.find(imageId, memberId);
    enforce(this.deps, auth, 'modify_member', { ...imageTarget(row), member_id: memberId });
    const status = (body as { status?: unknown } | undefined)?.status;
    if (typeof status !== 'string' || !STATUSES.includes(status)) {
      throw badRequest(`Request body must be {"status": ...} with one of: ${STATUSES.join(', ')}.`);
    }
    const updated = { ...m, status, updated_at: now() };
    await this.deps.db.updateTable('image_member').set({ status, updated_at: updated.updated_at })
      .where('image_id', '=', imageId).where('member_id', '=', memberId).execute();
    return memberBody(updated);
  }

  async remove(auth: AuthContext, imageId: string, memberId: string): Promise<void> {
    const row = await this.sharedImage(auth, imageId);
    enforce(this.deps, auth, 'delete_member', { ...imageTarget(row), member_id: memberId });
    const res = await this.deps.db.deleteFrom('image_member').where('image_id', '=', imageId).where('member_id', '=', memberId).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound(`Member ${memberId} not found for image ${imageId}`);
  }
}
