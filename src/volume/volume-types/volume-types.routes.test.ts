// Volume types through the API: CRUD, the default type, private types and project access, extra
// specs and what non-admins see of them, policy and bad input.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud, type TestResponse } from '../../../test/harness/test-cloud.js';

let tc: TestCloud;
let admin: string;
let adminProject: string;
let alice: MemberUser;

const base = (project: string) => `/volume/v3/${project}`;
const message = (res: TestResponse): string => (Object.values(res.body ?? {})[0] as { message: string }).message;
const errorKey = (res: TestResponse): string => Object.keys(res.body ?? {})[0] ?? '';
const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

async function createType(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await tc.request('POST', `${base(adminProject)}/types`, { token: admin, body: { volume_type: body } });
  assert.equal(res.status, 200, res.text);
  return res.body.volume_type;
}

describe('volume types API', () => {
  before(async () => {
    tc = await startTestCloud();
    admin = await tc.adminToken();
    adminProject = await tc.adminProjectId();
    alice = await createMemberUser(tc, uniq('alice'));
  });
  after(async () => { await tc?.close(); });

  it('creates, shows, lists, updates and deletes a type with the exact view', async () => {
    const name = uniq('gold');
    const t = await createType({ name, description: 'fast', extra_specs: { volume_backend_name: 'file', multiattach: '<is> True' } });
    assert.deepEqual(Object.keys(t).sort(), ['description', 'extra_specs', 'id', 'is_public', 'name', 'os-volume-type-access:is_public', 'qos_specs_id']);
    assert.equal(t.name, name);
    assert.equal(t.is_public, true);
    assert.equal(t['os-volume-type-access:is_public'], true);
    assert.deepEqual(t.extra_specs, { volume_backend_name: 'file', multiattach: '<is> True' });

    const shown = await tc.request('GET', `${base(adminProject)}/types/${t.id}`, { token: admin });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.volume_type, t);

    // A member sees the type and only the user-visible specs, no qos_specs_id.
    const asMember = await tc.request('GET', `${base(alice.projectId)}/types/${t.id}`, { token: alice.token });
    assert.equal(asMember.status, 200);
    assert.deepEqual(asMember.body.volume_type.extra_specs, { multiattach: '<is> True' });
    assert.equal('qos_specs_id' in asMember.body.volume_type, false);

    const list = await tc.request('GET', `${base(alice.projectId)}/types`, { token: alice.token });
    assert.equal(list.status, 200);
    assert.ok(list.body.volume_types.some((x: { id: string }) => x.id === t.id));

    const upd = await tc.request('PUT', `${base(adminProject)}/types/${t.id}`, { token: admin, body: { volume_type: { name: `${name}-2`, description: null } } });
    assert.equal(upd.status, 200, upd.text);
    assert.equal(upd.body.volume_type.name, `${name}-2`);
    assert.equal(upd.body.volume_type.description, null);

    const del = await tc.request('DELETE', `${base(adminProject)}/types/${t.id}`, { token: admin });
    assert.equal(del.status, 202);
    const gone = await tc.request('GET', `${base(adminProject)}/types/${t.id}`, { token: admin });
    assert.equal(gone.status, 404);
    assert.equal(message(gone), `Volume type ${t.id} could not be found.`);
  });

  it('answers the default type and refuses to delete it', async () => {
    const def = await tc.request('GET', `${base(alice.projectId)}/types/default`, { token: alice.token });
    assert.equal(def.status, 200);
    assert.equal(def.body.volume_type.name, '__DEFAULT__');
    const del = await tc.request('DELETE', `${base(adminProject)}/types/${def.body.volume_type.id}`, { token: admin });
    assert.equal(del.status, 400);
    assert.equal(message(del), `The volume type ${def.body.volume_type.id} is a default volume type and cannot be deleted.`);
  });

  it('refuses to delete a type volumes use', async () => {
    const t = await createType({ name: uniq('used') });
    const ts = new Date().toISOString();
    const db = tc.cloud.volume.ctx.deps.db;
    const volId = randomUUID();
    await db.insertInto('volume').values({
      id: volId, project_id: alice.projectId, user_id: 'u', name: null, description: null, size: 1, status: 'available',
      attach_status: 'detached', status_reason: null, availability_zone: 'nova', volume_type_id: String(t.id), bootable: 0,
      multiattach: 0, source_volid: null, snapshot_id: null, backup_id: null, image_id: null, host: null, provider_location: null,
      migration_status: null, created_at: ts, updated_at: ts, launched_at: null,
    }).execute();
    try {
      const del = await tc.request('DELETE', `${base(adminProject)}/types/${t.id}`, { token: admin });
      assert.equal(del.status, 400);
      assert.equal(message(del), 'Target volume type is still in use.');
      const spec = await tc.request('POST', `${base(adminProject)}/types/${t.id}/extra_specs`, { token: admin, body: { extra_specs: { a: 'b' } } });
      assert.equal(spec.status, 400);
      assert.equal(message(spec), 'Volume Type is currently in use.');
    } finally {
      await db.deleteFrom('volume').where('id', '=', volId).execute();
    }
  });

  it('refuses duplicates, bad bodies and non-admins', async () => {
    const name = uniq('dup');
    await createType({ name });
    const dup = await tc.request('POST', `${base(adminProject)}/types`, { token: admin, body: { volume_type: { name } } });
    assert.equal(dup.status, 409);
    assert.equal(errorKey(dup), 'conflictingRequest');
    assert.equal(message(dup), `Volume Type ${name} already exists.`);

    for (const body of [{}, { volume_type: {} }, { volume_type: { name: '' } }, { volume_type: { name: 'x'.repeat(256) } },
      { volume_type: { name: 'ok', bogus: 1 } }, { volume_type: { name: 'ok', extra_specs: { 'bad key!': 'x' } } },
      { volume_type: { name: 'ok', extra_specs: { k: 5 } } }, { volume_type: { name: 'ok', 'os-volume-type-access:is_public': 'maybe' } }]) {
      const res = await tc.request('POST', `${base(adminProject)}/types`, { token: admin, body });
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
      assert.equal(errorKey(res), 'badRequest');
    }
    const empty = await tc.request('PUT', `${base(adminProject)}/types/${randomUUID()}`, { token: admin, body: { volume_type: {} } });
    assert.equal(empty.status, 400);
    assert.equal(message(empty), 'Specify volume type name, description, is_public or a combination thereof.');

    const member = await tc.request('POST', `${base(alice.projectId)}/types`, { token: alice.token, body: { volume_type: { name: uniq('m') } } });
    assert.equal(member.status, 403);
    assert.equal(errorKey(member), 'forbidden');
  });

  it('hides a private type from other projects until access is given, then removes it', async () => {
    const t = await createType({ name: uniq('private'), 'os-volume-type-access:is_public': false });
    assert.equal(t.is_public, false);
    const url = `${base(alice.projectId)}/types`;
    const listed = async () => (await tc.request('GET', url, { token: alice.token })).body.volume_types.map((x: { id: string }) => x.id);
    assert.equal((await listed()).includes(t.id), false);
    assert.equal((await tc.request('GET', `${url}/${t.id}`, { token: alice.token })).status, 404);

    const add = await tc.request('POST', `${base(adminProject)}/types/${t.id}/action`, { token: admin, body: { addProjectAccess: { project: alice.projectId } } });
    assert.equal(add.status, 202, add.text);
    assert.equal((await listed()).includes(t.id), true);
    assert.equal((await tc.request('GET', `${url}/${t.id}`, { token: alice.token })).status, 200);
    const again = await tc.request('POST', `${base(adminProject)}/types/${t.id}/action`, { token: admin, body: { addProjectAccess: { project: alice.projectId } } });
    assert.equal(again.status, 409);

    const access = await tc.request('GET', `${base(adminProject)}/types/${t.id}/os-volume-type-access`, { token: admin });
    assert.equal(access.status, 200);
    assert.deepEqual(access.body, { volume_type_access: [{ volume_type_id: t.id, project_id: alice.projectId }] });
    assert.equal((await tc.request('GET', `${base(alice.projectId)}/types/${t.id}/os-volume-type-access`, { token: alice.token })).status, 403);
    const memberAdd = await tc.request('POST', `${url}/${t.id}/action`, { token: alice.token, body: { addProjectAccess: { project: alice.projectId } } });
    assert.equal(memberAdd.status, 403);

    const remove = await tc.request('POST', `${base(adminProject)}/types/${t.id}/action`, { token: admin, body: { removeProjectAccess: { project: alice.projectId } } });
    assert.equal(remove.status, 202);
    assert.equal((await listed()).includes(t.id), false);
    const removeAgain = await tc.request('POST', `${base(adminProject)}/types/${t.id}/action`, { token: admin, body: { removeProjectAccess: { project: alice.projectId } } });
    assert.equal(removeAgain.status, 404);

    // Admin lists: public by default, private only with is_public=false, all with is_public=None.
    const ids = async (q: string) => (await tc.request('GET', `${base(adminProject)}/types${q}`, { token: admin })).body.volume_types.map((x: { id: string }) => x.id);
    assert.equal((await ids('')).includes(t.id), false);
    assert.equal((await ids('?is_public=false')).includes(t.id), true);
    assert.equal((await ids('?is_public=None')).includes(t.id), true);
  });

  it('refuses access changes on a public type and unknown actions', async () => {
    const t = await createType({ name: uniq('pub') });
    const add = await tc.request('POST', `${base(adminProject)}/types/${t.id}/action`, { token: admin, body: { addProjectAccess: { project: alice.projectId } } });
    assert.equal(add.status, 400);
    assert.equal(message(add), 'Invalid volume type: Type access modification is not applicable to public volume type.');
    const list = await tc.request('GET', `${base(adminProject)}/types/${t.id}/os-volume-type-access`, { token: admin });
    assert.equal(list.status, 404);
    const bogus = await tc.request('POST', `${base(adminProject)}/types/${t.id}/action`, { token: admin, body: { frobnicate: {} } });
    assert.equal(bogus.status, 400);
    const noProject = await tc.request('POST', `${base(adminProject)}/types/${t.id}/action`, { token: admin, body: { addProjectAccess: {} } });
    assert.equal(noProject.status, 400);
  });

  it('manages extra specs one by one and hides sensitive ones from members', async () => {
    const t = await createType({ name: uniq('specs') });
    const url = `${base(adminProject)}/types/${t.id}/extra_specs`;
    const set = await tc.request('POST', url, { token: admin, body: { extra_specs: { volume_backend_name: 'file', replication_enabled: '<is> False' } } });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.body, { extra_specs: { volume_backend_name: 'file', replication_enabled: '<is> False' } });
    assert.deepEqual((await tc.request('GET', url, { token: admin })).body, { extra_specs: { volume_backend_name: 'file', replication_enabled: '<is> False' } });
    const memberUrl = `${base(alice.projectId)}/types/${t.id}/extra_specs`;
    assert.deepEqual((await tc.request('GET', memberUrl, { token: alice.token })).body, { extra_specs: { replication_enabled: '<is> False' } });
    assert.equal((await tc.request('GET', `${memberUrl}/volume_backend_name`, { token: alice.token })).status, 404);

    const one = await tc.request('GET', `${url}/volume_backend_name`, { token: admin });
    assert.deepEqual(one.body, { volume_backend_name: 'file' });
    const put = await tc.request('PUT', `${url}/volume_backend_name`, { token: admin, body: { volume_backend_name: 'file2' } });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, { volume_backend_name: 'file2' });
    const mismatch = await tc.request('PUT', `${url}/volume_backend_name`, { token: admin, body: { other: 'x' } });
    assert.equal(mismatch.status, 400);
    assert.equal(message(mismatch), 'Request body and URI mismatch');
    const memberPut = await tc.request('PUT', `${memberUrl}/volume_backend_name`, { token: alice.token, body: { volume_backend_name: 'x' } });
    assert.equal(memberPut.status, 403);

    assert.equal((await tc.request('DELETE', `${url}/volume_backend_name`, { token: admin })).status, 202);
    const missing = await tc.request('DELETE', `${url}/volume_backend_name`, { token: admin });
    assert.equal(missing.status, 404);
    assert.equal(message(missing), `Volume Type ${t.id} has no extra specs with key volume_backend_name.`);
    assert.equal((await tc.request('GET', `${base(adminProject)}/types/${randomUUID()}/extra_specs`, { token: admin })).status, 404);
  });

  it('pages and sorts the list', async () => {
    for (let i = 0; i < 3; i++) await createType({ name: uniq(`page${i}`) });
    const all = (await tc.request('GET', `${base(adminProject)}/types?sort=name:asc`, { token: admin })).body.volume_types;
    const names = all.map((x: { name: string }) => x.name);
    assert.deepEqual(names, [...names].sort());
    const first = await tc.request('GET', `${base(adminProject)}/types?sort=name:asc&limit=2`, { token: admin });
    assert.equal(first.body.volume_types.length, 2);
    const next = new URL(first.body.volume_type_links[0].href);
    const second = await tc.request('GET', `${next.pathname}${next.search}`, { token: admin });
    assert.deepEqual(second.body.volume_types.map((x: { name: string }) => x.name), names.slice(2, 4));
    const bad = await tc.request('GET', `${base(adminProject)}/types?sort=size:asc`, { token: admin });
    assert.equal(bad.status, 400);
  });
});
