import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { generateX509Keypair } from './x509-cert.js';
import { loadKeypair } from './keypairs.service.js';

const V = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDZ6WIVMBAQ/WYRmVh1YhqSR4T6H+4SpUxBMWu7IZn7W nb@test';
const URL = '/compute/v2.1/os-keypairs';

describe('compute API: keypairs', () => {
  let t: TestCloud;
  let admin: string;
  let alice: MemberUser;
  let bob: MemberUser;
  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    alice = await createMemberUser(t, 'kp-alice');
    bob = await createMemberUser(t, 'kp-bob');
  });
  after(async () => { await t.close(); });

  it('imports a public key (2.1: 200, no type) and shows it', async () => {
    const res = await t.request('POST', URL, { token: alice.token, body: { keypair: { name: 'nb-import', public_key: ED25519 } } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body.keypair).sort(), ['fingerprint', 'name', 'public_key', 'user_id']);
    assert.equal(res.body.keypair.user_id, alice.id);
    assert.match(res.body.keypair.fingerprint, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    const shown = await t.request('GET', `${URL}/nb-import`, { token: alice.token });
    assert.equal(shown.status, 200);
    const k = shown.body.keypair;
    assert.deepEqual(Object.keys(k).sort(), ['created_at', 'deleted', 'deleted_at', 'fingerprint', 'id', 'name', 'public_key', 'updated_at', 'user_id']);
    assert.equal(k.deleted, false);
    assert.equal(k.deleted_at, null);
    assert.equal(typeof k.id, 'number');
    assert.match(k.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(k.public_key, ED25519);
    const v22 = await t.request('GET', `${URL}/nb-import`, { token: alice.token, headers: V('2.2') });
    assert.equal(v22.body.keypair.type, 'ssh');
  });

  it('generates a keypair and returns the private key once (2.2: 201 with type)', async () => {
    const res = await t.request('POST', URL, { token: alice.token, headers: V('2.2'), body: { keypair: { name: 'nb-gen' } } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.keypair.type, 'ssh');
    assert.match(res.body.keypair.private_key, /BEGIN RSA PRIVATE KEY/);
    assert.match(res.body.keypair.public_key, /^ssh-rsa /);
    const shown = await t.request('GET', `${URL}/nb-gen`, { token: alice.token, headers: V('2.2') });
    assert.equal(shown.body.keypair.private_key, undefined);
    assert.equal(shown.body.keypair.fingerprint, res.body.keypair.fingerprint);
  });

  it('creates x509 keypairs from 2.2, generated or imported', async () => {
    const gen = await t.request('POST', URL, { token: alice.token, headers: V('2.2'), body: { keypair: { name: 'nb-x509', type: 'x509' } } });
    assert.equal(gen.status, 201, gen.text);
    assert.equal(gen.body.keypair.type, 'x509');
    assert.match(gen.body.keypair.public_key, /BEGIN CERTIFICATE/);
    assert.match(gen.body.keypair.private_key, /BEGIN PRIVATE KEY/);
    const cert = await generateX509Keypair('someone');
    const imp = await t.request('POST', URL, { token: alice.token, headers: V('2.2'), body: { keypair: { name: 'nb-x509-imp', type: 'x509', public_key: cert.publicKey } } });
    assert.equal(imp.status, 201, imp.text);
    assert.equal(imp.body.keypair.fingerprint, cert.fingerprint);
    const bad = await t.request('POST', URL, { token: alice.token, headers: V('2.2'), body: { keypair: { name: 'nb-x509-bad', type: 'x509', public_key: ED25519 } } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.badRequest.message, /^Keypair data is invalid: failed to generate X509 fingerprint/);
    const early = await t.request('POST', URL, { token: alice.token, headers: V('2.1'), body: { keypair: { name: 'nb-x', type: 'x509' } } });
    assert.equal(early.status, 400);
    assert.match(early.body.badRequest.message, /type/);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ keypair: { name: 'bad/name', public_key: ED25519 } }, /unsafe characters/],
      [{ keypair: { name: 'nb.dot', public_key: ED25519 } }, /unsafe characters/],
      [{ keypair: { name: '', public_key: ED25519 } }, /name/],
      [{ keypair: { name: 'x'.repeat(256), public_key: ED25519 } }, /name/],
      [{ keypair: { name: ' lead', public_key: ED25519 } }, /name/],
      [{ keypair: { name: 5 } }, /name/],
      [{ keypair: { public_key: ED25519 } }, /'name' is a required property/],
      [{ keypair: { name: 'nb-k', public_key: 'ssh-rsa garbage' } }, /failed to generate fingerprint/],
      [{ keypair: { name: 'nb-k', public_key: 42 } }, /public_key/],
      [{ keypair: { name: 'nb-k', type: 'pgp' } }, /type/],
      [{ keypair: { name: 'nb-k', user_id: 'x' } }, /user_id/],
      [{ keypair: { name: 'nb-k', extra: 1 } }, /extra/],
      [{ keypair: 'nb-k' }, /keypair/],
      [{}, /keypair/],
    ];
    for (const [body, re] of cases) {
      const res = await t.request('POST', URL, { token: alice.token, headers: V('2.2'), body });
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.match(res.body.badRequest.message, re, JSON.stringify(body));
    }
  });

  it('answers 409 to a duplicate name, but the same name is free for another user', async () => {
    const dup = await t.request('POST', URL, { token: alice.token, body: { keypair: { name: 'nb-import', public_key: ED25519 } } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.conflictingRequest.message, "Key pair 'nb-import' already exists.");
    const other = await t.request('POST', URL, { token: bob.token, body: { keypair: { name: 'nb-import', public_key: ED25519 } } });
    assert.equal(other.status, 200);
  });

  it('lists the caller\'s keypairs, with type from 2.2', async () => {
    const old = await t.request('GET', URL, { token: bob.token });
    assert.deepEqual(old.body, { keypairs: [{ keypair: { name: 'nb-import', public_key: ED25519, fingerprint: old.body.keypairs[0].keypair.fingerprint } }] });
    const v22 = await t.request('GET', URL, { token: alice.token, headers: V('2.2') });
    assert.deepEqual(v22.body.keypairs.map((k: { keypair: { name: string; type: string } }) => [k.keypair.name, k.keypair.type]),
      [['nb-gen', 'ssh'], ['nb-import', 'ssh'], ['nb-x509', 'x509'], ['nb-x509-imp', 'x509']]);
  });

  it('pages from 2.35 with keypairs_links', async () => {
    const p1 = await t.request('GET', `${URL}?limit=2`, { token: alice.token, headers: V('2.35') });
    assert.deepEqual(p1.body.keypairs.map((k: { keypair: { name: string } }) => k.keypair.name), ['nb-gen', 'nb-import']);
    const next = new globalThis.URL(p1.body.keypairs_links[0].href);
    assert.equal(next.searchParams.get('marker'), 'nb-import');
    const p2 = await t.request('GET', `${URL}${next.search}`, { token: alice.token, headers: V('2.35') });
    assert.deepEqual(p2.body.keypairs.map((k: { keypair: { name: string } }) => k.keypair.name), ['nb-x509', 'nb-x509-imp']);
    const p3 = await t.request('GET', `${URL}?limit=2&marker=nb-x509-imp`, { token: alice.token, headers: V('2.35') });
    assert.deepEqual(p3.body.keypairs, []);
    assert.equal(p3.body.keypairs_links, undefined);
    // Before 2.35 limit is ignored.
    assert.equal((await t.request('GET', `${URL}?limit=1`, { token: alice.token, headers: V('2.34') })).body.keypairs.length, 4);
    for (const q of ['limit=x', 'limit=-1', 'marker=nb-none']) {
      assert.equal((await t.request('GET', `${URL}?${q}`, { token: alice.token, headers: V('2.35') })).status, 400, q);
    }
  });

  it('lets admins act for another user from 2.10, members only for themselves', async () => {
    const forBob = await t.request('POST', URL, { token: admin, headers: V('2.10'), body: { keypair: { name: 'nb-for-bob', public_key: ED25519, user_id: bob.id } } });
    assert.equal(forBob.status, 201, forBob.text);
    assert.equal(forBob.body.keypair.user_id, bob.id);
    const bobs = await t.request('GET', `${URL}?user_id=${bob.id}`, { token: admin, headers: V('2.10') });
    assert.deepEqual(bobs.body.keypairs.map((k: { keypair: { name: string } }) => k.keypair.name), ['nb-for-bob', 'nb-import']);
    const shown = await t.request('GET', `${URL}/nb-for-bob?user_id=${bob.id}`, { token: admin, headers: V('2.10') });
    assert.equal(shown.body.keypair.user_id, bob.id);
    // A member naming another user is refused; before 2.10 user_id is ignored.
    const peek = await t.request('GET', `${URL}?user_id=${bob.id}`, { token: alice.token, headers: V('2.10') });
    assert.equal(peek.status, 403);
    assert.equal((await t.request('GET', `${URL}/nb-for-bob?user_id=${bob.id}`, { token: alice.token, headers: V('2.10') })).status, 403);
    assert.equal((await t.request('DELETE', `${URL}/nb-for-bob?user_id=${bob.id}`, { token: alice.token, headers: V('2.10') })).status, 403);
    const mine = await t.request('GET', `${URL}?user_id=${bob.id}`, { token: alice.token, headers: V('2.9') });
    assert.equal(mine.status, 200);
    assert.ok(mine.body.keypairs.every((k: { keypair: { name: string } }) => k.keypair.name !== 'nb-for-bob'));
    const forge = await t.request('POST', URL, { token: alice.token, headers: V('2.10'), body: { keypair: { name: 'nb-forged', public_key: ED25519, user_id: bob.id } } });
    assert.equal(forge.status, 403);
    assert.equal((await t.request('GET', `${URL}/nb-for-bob`, { token: alice.token })).status, 404);
    assert.equal((await t.request('DELETE', `${URL}/nb-for-bob?user_id=${bob.id}`, { token: admin, headers: V('2.10') })).status, 204);
  });

  it('deletes with 202 before 2.2 and 204 after, then 404', async () => {
    assert.equal((await t.request('DELETE', `${URL}/nb-x509`, { token: alice.token })).status, 202);
    assert.equal((await t.request('DELETE', `${URL}/nb-x509-imp`, { token: alice.token, headers: V('2.2') })).status, 204);
    const gone = await t.request('GET', `${URL}/nb-x509`, { token: alice.token });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.itemNotFound.message, `Keypair nb-x509 not found for user ${alice.id}`);
    assert.equal((await t.request('DELETE', `${URL}/nb-x509`, { token: alice.token })).status, 404);
  });

  it('enforces the key_pairs quota per user', async () => {
    const carol = await createMemberUser(t, 'kp-carol');
    await t.cloud.compute.ctx.deps.db.insertInto('compute_quota').values({ project_id: carol.projectId, resource: 'key_pairs', hard_limit: 2 }).execute();
    const results = await Promise.all([1, 2, 3].map((i) =>
      t.request('POST', URL, { token: carol.token, body: { keypair: { name: `nb-q${i}`, public_key: ED25519 } } })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 403]);
    const refused = results.find((r) => r.status === 403)!;
    assert.equal(refused.body.forbidden.message, 'Quota exceeded, too many key pairs.');
  });

  it('resolves a keypair for server create', async () => {
    const deps = t.cloud.compute.ctx.deps;
    const row = await loadKeypair(deps, alice.id, 'nb-import');
    assert.equal(row.public_key, ED25519);
    await assert.rejects(loadKeypair(deps, bob.id, 'nb-gen'), { status: 400, message: 'Invalid key_name provided.' });
  });
});
