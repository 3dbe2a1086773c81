import { badRequest, conflict, forbidden } from '../../platform/errors.js';
import { CORE_ATTRIBUTES } from './image-body.js';
import { setAttribute, type ImageDraft } from './image-attributes.js';

/** Attributes that exist on every image and so may be replaced but never removed. */
const UNREMOVABLE = new Set([...CORE_ATTRIBUTES].filter((a) => a !== 'tags'));

/** One JSON pointer of one token (`/name`, `/os_distro`, `/a~1b` for "a/b"). */
function attributeOf(path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length < 2) {
    throw badRequest(`Invalid JSON pointer for this resource: '${String(path)}'`);
  }
  const parts = path.slice(1).split('/');
  if (parts.length !== 1) throw badRequest(`Invalid JSON pointer for this resource: '${path}'`);
  if (/~[^01]|~$/.test(parts[0]!)) throw badRequest(`Invalid JSON pointer for this resource: '${path}'`);
  return parts[0]!.replaceAll('~1', '/').replaceAll('~0', '~');
}

/**
 * Applies a Glance v2.1 JSON patch (`add`, `replace`, `remove` of top-level attributes) to the
 * draft. Throws 400 for a malformed patch, 403 for read-only or core attributes removed,
 * 409 for replacing or removing a property that does not exist.
 */
export function applyPatch(draft: ImageDraft, body: unknown, isAdmin: boolean): void {
  if (!Array.isArray(body)) throw badRequest('Request body must be a JSON array of operation objects.');
  for (const op of body as unknown[]) {
    if (op === null || typeof op !== 'object' || Array.isArray(op)) throw badRequest('Operations must be JSON objects.');
    const { op: kind, path, value } = op as { op?: unknown; path?: unknown; value?: unknown };
    const extra = Object.keys(op).filter((k) => !['op', 'path', 'value'].includes(k));
    if (extra.length) throw badRequest(`Operation objects may contain only op, path and value, not '${extra[0]}'.`);
    if (kind !== 'add' && kind !== 'replace' && kind !== 'remove') {
      throw badRequest(`Invalid operation: '${String(kind)}'. Supported: add, replace, remove.`);
    }
    const name = attributeOf(path);
    const isCore = CORE_ATTRIBUTES.has(name);
    if (kind === 'remove') {
      if (UNREMOVABLE.has(name)) throw forbidden(`Attribute '${name}' is read-only or required and cannot be removed.`);
      if (name === 'tags') { draft.tags = []; continue; }
      if (!(name in draft.properties)) throw conflict(`Property ${name} does not exist.`);
      delete draft.properties[name];
      continue;
    }
    if (!('value' in (op as object))) throw badRequest(`Operation '${kind}' on '${name}' needs a value.`);
    if (kind === 'replace' && !isCore && !(name in draft.properties)) throw conflict(`Property ${name} does not exist.`);
    setAttribute(draft, name, value, isAdmin);
  }
}
