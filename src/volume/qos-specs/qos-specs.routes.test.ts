// QoS specs through the API: create/list/show/set/unset/delete, association with volume types (shown
// as the type's qos_specs_id), refusals, and policy.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud, type TestResponse } from '../../../test/harness/test-cloud.js';

let tc: TestCloud;
let admin: string;
let base: string;
let alice: MemberUser;
const message = (res: TestResponse): string => (Object.values(res.body ?? {})[0] as { message: string }).message;
const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

describe('QoS specs API', () => {
  before(async () => {
    tc = await startTestCloud();
    admin = await tc.adminToken();
    base = `/volume/v3/${await tc.adminProjectId()}`;
    alice = await createMemberUser(tc, uniq('alice'));
  });
  after(async () => { await tc?.close(); });

  it('creates, shows, lists, sets, unsets and deletes QoS specs', async () => {
    const name = uniq('fast');
    const created = await tc.request('POST', `${base}/qos-specs`, { token: admin, body: { qos_specs: { name, consumer: 'front-end', read_iops_sec: '1000' } } });
    assert.equal(created.status, 200, created.text);
    const q = created.body.qos_specs;
    assert.deepEqual(q, { id: q.id, name, consumer: 'front-end', specs: { read_iops_sec: '1000' } });
    assert.equal(created.body.links[0].rel, 'self');
    const shown = await tc.request('GET', `${base}/qos-specs/${q.id}`, { token: admin });
    assert.deepEqual(shown.body.qos_specs, q);
    assert.ok((await tc.request('GET', `${base}/qos-specs`, { token: admin })).body.qos_specs.some((x: { id: string }) => x.id === q.id));

    const set = await tc.request('PUT', `${base}/qos-specs/${q.id}`, { token: admin, body: { qos_specs: { write_iops_sec: '500' } } });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { qos_specs: { write_iops_sec: '500' } });
    assert.deepEqual((await tc.request('GET', `${base}/qos-specs/${q.id}`, { token: admin })).body.qos_specs.specs, { read_iops_sec: '1000', write_iops_sec: '500' });
    const unset = await tc.request('PUT', `${base}/qos-specs/${q.id}/delete_keys`, { token: admin, body: { keys: ['read_iops_sec'] } });
    assert.equal(unset.status, 202);
    assert.deepEqual((await tc.request('GET', `${base}/qos-specs/${q.id}`, { token: admin })).body.qos_specs.specs, { write_iops_sec: '500' });

    const dup = await tc.request('POST', `${base}/qos-specs`, { token: admin, body: { qos_specs: { name } } });
    assert.equal(dup.status, 409);
    const badConsumer = await tc.request('POST', `${base}/qos-specs`, { token: admin, body: { qos_specs: { name: uniq('x'), consumer: 'sideways' } } });
    assert.equal(badConsumer.status, 400);
    const member = await tc.request('GET', `/volume/v3/${alice.projectId}/qos-specs`, { token: alice.token });
    assert.equal(member.status, 403);

    assert.equal((await tc.request('DELETE', `${base}/qos-specs/${q.id}`, { token: admin })).status, 202);
    const gone = await tc.request('GET', `${base}/qos-specs/${q.id}`, { token: admin });
    assert.equal(gone.status, 404);
    assert.equal(message(gone), `QoS Specs ${q.id} could not be found.`);
  });

  it('associates with types, shows qos_specs_id, refuses deleting while in use unless forced', async () => {
    const q = (await tc.request('POST', `${base}/qos-specs`, { token: admin, body: { qos_specs: { name: uniq('q') } } })).body.qos_specs;
    const q2 = (await tc.request('POST', `${base}/qos-specs`, { token: admin, body: { qos_specs: { name: uniq('q2') } } })).body.qos_specs;
    const type = (await tc.request('POST', `${base}/types`, { token: admin, body: { volume_type: { name: uniq('t') } } })).body.volume_type;
    const assoc = await tc.request('GET', `${base}/qos-specs/${q.id}/associate?vol_type_id=${type.id}`, { token: admin });
    assert.equal(assoc.status, 202, assoc.text);
    assert.equal((await tc.request('GET', `${base}/types/${type.id}`, { token: admin })).body.volume_type.qos_specs_id, q.id);
    const list = await tc.request('GET', `${base}/qos-specs/${q.id}/associations`, { token: admin });
    assert.deepEqual(list.body, { qos_associations: [{ association_type: 'volume_type', name: type.name, id: type.id }] });

    const other = await tc.request('GET', `${base}/qos-specs/${q2.id}/associate?vol_type_id=${type.id}`, { token: admin });
    assert.equal(other.status, 400);
    const noType = await tc.request('GET', `${base}/qos-specs/${q.id}/associate`, { token: admin });
    assert.equal(noType.status, 400);
    assert.equal(message(noType), 'Volume Type id must not be None.');
    assert.equal((await tc.request('GET', `${base}/qos-specs/${q.id}/associate?vol_type_id=${randomUUID()}`, { token: admin })).status, 404);

    const inUse = await tc.request('DELETE', `${base}/qos-specs/${q.id}`, { token: admin });
    assert.equal(inUse.status, 400);
    assert.equal(message(inUse), 'Qos specs still in use.');

    assert.equal((await tc.request('GET', `${base}/qos-specs/${q.id}/disassociate?vol_type_id=${type.id}`, { token: admin })).status, 202);
    assert.equal((await tc.request('GET', `${base}/types/${type.id}`, { token: admin })).body.volume_type.qos_specs_id, null);
    await tc.request('GET', `${base}/qos-specs/${q.id}/associate?vol_type_id=${type.id}`, { token: admin });
    assert.equal((await tc.request('GET', `${base}/qos-specs/${q.id}/disassociate_all`, { token: admin })).status, 202);
    assert.deepEqual((await tc.request('GET', `${base}/qos-specs/${q.id}/associations`, { token: admin })).body, { qos_associations: [] });

    await tc.request('GET', `${base}/qos-specs/${q.id}/associate?vol_type_id=${type.id}`, { token: admin });
    assert.equal((await tc.request('DELETE', `${base}/qos-specs/${q.id}?force=True`, { token: admin })).status, 202);
    assert.equal((await tc.request('GET', `${base}/types/${type.id}`, { token: admin })).body.volume_type.qos_specs_id, null);
    // Deleting the type drops its association with it.
    await tc.request('GET', `${base}/qos-specs/${q2.id}/associate?vol_type_id=${type.id}`, { token: admin });
    assert.equal((await tc.request('DELETE', `${base}/types/${type.id}`, { token: admin })).status, 202);
    assert.deepEqual((await tc.request('GET', `${base}/qos-specs/${q2.id}/associations`, { token: admin })).body, { qos_associations: [] });
  });
});
