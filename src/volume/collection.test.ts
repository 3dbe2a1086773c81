import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../platform/errors.js';
import { filtersOf, MAX_LIMIT, nextLinks, pageRows, parsePaging } from './collection.js';

const rows = [
  { id: 'a', name: 'x', size: 3, created_at: '2026-01-01T00:00:01.000Z' },
  { id: 'b', name: null, size: 1, created_at: '2026-01-01T00:00:02.000Z' },
  { id: 'c', name: 'y', size: 2, created_at: '2026-01-01T00:00:03.000Z' },
  { id: 'd', name: 'x', size: 2, created_at: '2026-01-01T00:00:03.000Z' },
];
const notFound = (m: string) => new ApiError(404, `Volume ${m} could not be found.`);
const ids = (r: Array<{ id: string }>) => r.map((x) => x.id).join('');
const status = (fn: () => unknown) => { try { fn(); } catch (e) { return [(e as ApiError).status, (e as Error).message]; } return null; };

test('default order is created_at then id, newest first', () => {
  assert.equal(ids(pageRows(rows, parsePaging({}, ['name']), { notFound }).items), 'dcba');
});

test('sort=key:dir,… and sort_key/sort_dir', () => {
  assert.equal(ids(pageRows(rows, parsePaging({ sort: 'size:asc,name:desc' }, ['size', 'name']), { notFound }).items), 'bcda');
  assert.equal(ids(pageRows(rows, parsePaging({ sort_key: 'name', sort_dir: 'asc' }, ['name']), { notFound }).items), 'badc');
  // A key without direction is descending; the implicit keys follow the first direction.
  assert.equal(ids(pageRows(rows, parsePaging({ sort: 'size' }, ['size']), { notFound }).items), 'adcb');
});

test('bad sort, limit and offset are 400 with Cinder messages', () => {
  assert.deepEqual(status(() => parsePaging({ sort: 'nope' }, ['name'])), [400, 'Invalid input received: Invalid sort key']);
  assert.deepEqual(status(() => parsePaging({ sort: 'name:up' }, ['name'])), [400, "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'."]);
  assert.equal(status(() => parsePaging({ sort: 'name', sort_key: 'name' }, ['name']))![0], 400);
  assert.deepEqual(status(() => parsePaging({ limit: 'x' }, [])), [400, 'limit param must be an integer']);
  assert.deepEqual(status(() => parsePaging({ limit: '-1' }, [])), [400, 'limit param must be positive']);
  assert.deepEqual(status(() => parsePaging({ offset: '-1' }, [])), [400, 'offset must be >= 0.']);
  assert.equal(parsePaging({ limit: '5000' }, []).limit, MAX_LIMIT);
});

test('limit, marker and offset page through everything once', () => {
  const p1 = pageRows(rows, parsePaging({ limit: '2' }, []), { notFound });
  assert.equal(ids(p1.items), 'dc');
  assert.equal(p1.next, 'c');
  const p2 = pageRows(rows, parsePaging({ limit: '2', marker: p1.next! }, []), { notFound });
  assert.equal(ids(p2.items), 'ba');
  assert.equal(p2.next, null);
  assert.equal(ids(pageRows(rows, parsePaging({ offset: '1', limit: '2' }, []), { notFound }).items), 'cb');
  assert.equal(ids(pageRows(rows, parsePaging({ marker: 'd', offset: '1' }, []), { notFound }).items), 'ba');
  assert.deepEqual(status(() => pageRows(rows, parsePaging({ marker: 'zz' }, []), { notFound })), [404, 'Volume zz could not be found.']);
  // A marker that left the filtered list still places the page.
  const filtered = rows.filter((r) => r.id !== 'c');
  assert.equal(ids(pageRows(filtered, parsePaging({ marker: 'c' }, []), { notFound, markerRows: rows }).items), 'ba');
});

test('next links repeat the query with the new marker; filters leave paging out', () => {
  const req = { url: '/volume/v3/p/volumes/detail?limit=2&status=available&marker=old' } as FastifyRequest;
  assert.deepEqual(nextLinks(req, 'http://h:1', 'volumes', 'c'), {
    volumes_links: [{ href: 'http://h:1/volume/v3/p/volumes/detail?limit=2&status=available&marker=c', rel: 'next' }],
  });
  assert.deepEqual(nextLinks(req, 'http://h:1', 'volumes', null), {});
  assert.deepEqual(filtersOf({ limit: '2', status: ['a', 'b'], sort: 'x', name: 'n' }), { status: 'b', name: 'n' });
});
