import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../platform/http/auth-hook.js';
import { CONTAINER_FORMATS, DISK_FORMATS, VISIBILITIES } from './common.js';

const nullableString = (max?: number) => ({ type: ['null', 'string'], ...(max ? { maxLength: max } : {}) });
const readOnly = (s: object) => ({ ...s, readOnly: true });

/** The image schema Glance serves; clients (glanceclient) use it to tell core attributes from properties. */
const imageSchema = {
  name: 'image',
  additionalProperties: { type: 'string' },
  properties: {
    id: { type: 'string', pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$' },
    name: nullableString(255),
    status: readOnly({ type: 'string', enum: ['queued', 'saving', 'active', 'killed', 'deleted', 'uploading', 'importing', 'pending_delete', 'deactivated'] }),
    visibility: { type: 'string', enum: [...VISIBILITIES] },
    protected: { type: 'boolean' },
    os_hidden: { type: 'boolean' },
    owner: nullableString(255),
    checksum: readOnly(nullableString(32)),
    os_hash_algo: readOnly(nullableString(64)),
    os_hash_value: readOnly(nullableString(128)),
    size: readOnly({ type: ['null', 'integer'] }),
    virtual_size: readOnly({ type: ['null', 'integer'] }),
    container_format: { type: ['null', 'string'], enum: [null, ...CONTAINER_FORMATS] },
    disk_format: { type: ['null', 'string'], enum: [null, ...DISK_FORMATS] },
    created_at: readOnly({ type: 'string' }),
    updated_at: readOnly({ type: 'string' }),
    tags: { type: 'array', items: { type: 'string', maxLength: 255 } },
    min_ram: { type: 'integer' },
    min_disk: { type: 'integer' },
    self: readOnly({ type: 'string' }),
    file: readOnly({ type: 'string' }),
    schema: readOnly({ type: 'string' }),
  },
  links: [
    { rel: 'self', href: '{self}' }, { rel: 'enclosure', href: '{file}' }, { rel: 'describedby', href: '{schema}' },
  ],
};

const memberSchema = {
  name: 'member',
  properties: {
    image_id: { type: 'string' }, member_id: { type: 'string' }, created_at: { type: 'string' },
    updated_at: { type: 'string' }, status: { type: 'string', enum: ['pending', 'accepted', 'rejected'] },
    schema: readOnly({ type: 'string' }),
  },
};

export function schemaRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get('/v2/schemas/image', async (req) => { caller(req); return imageSchema; });
    app.get('/v2/schemas/images', async (req) => {
      caller(req);
      return {
        name: 'images',
        properties: {
          images: { type: 'array', items: imageSchema }, schema: { type: 'string' }, first: { type: 'string' }, next: { type: 'string' },
        },
        links: [{ rel: 'first', href: '{first}' }, { rel: 'next', href: '{next}' }, { rel: 'describedby', href: '{schema}' }],
      };
    });
    app.get('/v2/schemas/member', async (req) => { caller(req); return memberSchema; });
    app.get('/v2/schemas/members', async (req) => {
      caller(req);
      return { name: 'members', properties: { members: { type: 'array', items: memberSchema }, schema: { type: 'string' } }, links: [{ rel: 'describedby', href: '{schema}' }] };
    });
  };
}
