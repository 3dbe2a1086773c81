import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import { createMemberUser, type MemberUser } from '../../../test/harness/member-user.js';
import { createUserWithRole, insertInstance, serveFakeAgent, type FakeAgent } from './console-test-kit.js';

const V26 = { 'OpenStack-API-Version': 'compute 2.6' };
const vnc = { remote_console: { protocol: 'vnc', type: 'novnc' } };

describe('POST /servers/{id}/remote-consoles', () => {
  let t: TestCloud;
  let admin: string;
  let member: MemberUser;
  let agent: FakeAgent;
  let server: string;
  const url = (id: string) => `/compute/v2.1/servers/${id}/remote-consoles`;
  const post = (id: string, body: unknown, token = member.token, headers: Record<string, string> = V26) =>
    t.request('POST', url(id), { token, body, headers });

  before(async () => {
    t = await startTestCloud();
    admin = await t.adminToken();
    member = await createMemberUser(t, 'nbconsole-member');
    agent = await serveFakeAgent(t, 'h1');
    agent.vnc = { path: '/nonexistent/vnc.sock' };
    server = await insertInstance(t, { project_id: member.projectId, user_id: member.id });
  });
  after(async () => {
    await agent.stop();
    await t.close();
  });

  it('gives a noVNC URL whose websocket path carries a token stored only as its hash', async () => {
    const res = await post(server, vnc);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.remote_console.protocol, 'vnc');
    assert.equal(res.body.remote_console.type, 'novnc');
    const u = new URL(res.body.remote_console.url);
    assert.equal(`${u.protocol}//${u.host}`, t.config.publicUrl);
    assert.equal(u.pathname, '/compute/console/vnc.html');
    const ws = new URL(`http://x/${u.searchParams.get('path')}`);
    assert.equal(ws.pathname, '/compute/console/websockify');
    const token = ws.searchParams.get('token')!;
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const rows = await t.cloud.compute.ctx.deps.db.selectFrom('compute_console_token').selectAll()
      .where('instance_uuid', '=', server).execute();
    assert.ok(rows.some((r) => r.token_hash === createHash('sha256').update(token).digest('hex')));
    assert.ok(rows.every((r) => !r.token_hash.includes(token) && r.host === 'h1' && r.console_type === 'novnc'));
    const expires = Date.parse(rows[0]!.expires_at) - Date.now();
    assert.ok(expires > 0 && expires <= t.config.compute.consoleTokenTtlSeconds * 1000);
    assert.ok(agent.calls.some((c) => c.method === 'vncAddress' && c.args.uuid === server));
  });

  it('is not there before microversion 2.6', async () => {
    const res = await post(server, vnc, member.token, {});
    assert.equal(res.status, 404);
    assert.equal(res.body.itemNotFound.message, 'The resource could not be found.');
  });

  for (const [name, body, pattern] of [
    ['no remote_console', {}, /'remote_console' is a required property/],
    ['a body that is not an object', [1], /must be a JSON object/],
    ['an unknown protocol', { remote_console: { protocol: 'telnet', type: 'novnc' } }, /protocol.*'telnet' is not one of/],
    ['a missing type', { remote_console: { protocol: 'vnc' } }, /'type' is a required property/],
    ['an extra field', { remote_console: { protocol: 'vnc', type: 'novnc', x: 1 } }, /'x' was unexpected/],
    ['a type of another protocol', { remote_console: { protocol: 'vnc', type: 'spice-html5' } }, /Invalid console type spice-html5/],
    ['a console Nubis does not proxy', { remote_console: { protocol: 'spice', type: 'spice-html5' } }, /Unavailable console type spice-html5/],
    ['xvpvnc', { remote_console: { protocol: 'vnc', type: 'xvpvnc' } }, /Unavailable console type xvpvnc/],
  ] as const) {
    it(`refuses ${name} with a 400`, async () => {
      const res = await post(server, body);
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.badRequest.message, pattern);
    });
  }

  it('answers 404 for an unknown, malformed or other project\'s server; an admin sees any', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const res = await post(id, vnc);
      assert.equal(res.status, 404);
      assert.equal(res.body.itemNotFound.message, `Instance ${id} could not be found.`);
    }
    const other = await createMemberUser(t, 'nbconsole-other');
    assert.equal((await post(server, vnc, other.token)).status, 404);
    assert.equal((await post(server, vnc, admin)).status, 200);
  });

  it('answers 404 for a deleted server', async () => {
    const gone = await insertInstance(t, { project_id: member.projectId, deleted: 1, vm_state: 'deleted' });
    assert.equal((await post(gone, vnc)).status, 404);
  });

  it('refuses a reader (policy os-remote-consoles) with a 403', async () => {
    const reader = await createUserWithRole(t, 'nbconsole-reader', 'reader');
    const mine = await insertInstance(t, { project_id: reader.projectId });
    const res = await post(mine, vnc, reader.token);
    assert.equal(res.status, 403);
    assert.match(res.body.forbidden.message, /os_compute_api:os-remote-consoles/);
  });

  it('answers 409 while the server has no host or is not active', async () => {
    for (const fields of [{ host: null, vm_state: 'building' as const }, { vm_state: 'stopped' as const }, { task_state: 'deleting' as const }]) {
      const id = await insertInstance(t, { project_id: member.projectId, ...fields });
      const res = await post(id, vnc);
      assert.equal(res.status, 409, JSON.stringify(fields));
      assert.match(res.body.conflictingRequest.message, new RegExp(`Instance ${id} is not ready`));
    }
  });

  it('answers 409, not 500, when the host is silent or has no VNC console', async () => {
    const lost = await insertInstance(t, { project_id: member.projectId, host: 'nbconsole-nohost' });
    const res = await post(lost, vnc);
    assert.equal(res.status, 409);
    assert.match(res.body.conflictingRequest.message, /does not answer/);
    agent.vnc = new Error('the fake driver has no VNC console');
    try {
      const res2 = await post(server, vnc);
      assert.equal(res2.status, 409);
      assert.equal(res2.body.conflictingRequest.message, 'Guest does not have a console available.');
    } finally {
      agent.vnc = { path: '/nonexistent/vnc.sock' };
    }
  });

  it('answers the legacy actions through POST /servers/{id}/action', async () => {
    const action = (body: unknown, headers: Record<string, string> = {}) =>
      t.request('POST', `/compute/v2.1/servers/${server}/action`, { token: member.token, body, headers });
    const res = await action({ 'os-getVNCConsole': { type: 'novnc' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.console.type, 'novnc');
    assert.match(res.body.console.url, /\/compute\/console\/vnc\.html\?path=/);
    assert.equal((await action({ 'os-getVNCConsole': { type: 'novnc' } }, V26)).status, 404);
    assert.equal((await action({ 'os-getVNCConsole': { type: 'bogus' } })).status, 400);

    agent.output = 'line 1\nline 2\n';
    const out = await action({ 'os-getConsoleOutput': { length: 1 } });
    assert.equal(out.status, 200, out.text);
    assert.deepEqual(out.body, { output: 'line 1\nline 2\n' });
    assert.equal(agent.calls.at(-1)?.args.lines, 1);
    const bad = await action({ 'os-getConsoleOutput': { length: 'x' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.badRequest.message, /length/);
  });

  it('needs a token', async () => {
    const res = await t.request('POST', url(server), { body: vnc, headers: V26 });
    assert.equal(res.status, 401);
  });
});

describe('GET /compute/console/… (the noVNC page)', () => {
  let t: TestCloud;
  before(async () => { t = await startTestCloud(); });
  after(async () => { await t.close(); });

  it('serves the page without a token, with a strict CSP and no referrer', async () => {
    for (const page of ['vnc.html', 'vnc_lite.html']) {
      const res = await t.request('GET', `/compute/console/${page}?path=compute%2Fconsole%2Fwebsockify%3Ftoken%3Dx`);
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.text, /<script type="module" src="console.js">/);
      assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
    }
  });

  it('serves its script and noVNC\'s modules, which it imports by relative path', async () => {
    const script = await t.request('GET', '/compute/console/console.js');
    assert.equal(script.status, 200);
    assert.match(script.text, /from '\.\/core\/rfb\.js'/);
    for (const file of ['core/rfb.js', 'core/websock.js', 'vendor/pako/lib/zlib/inflate.js']) {
      const res = await t.request('GET', `/compute/console/${file}`);
      assert.equal(res.status, 200, file);
      assert.match(String(res.headers['content-type']), /^text\/javascript/);
    }
  });

  it('serves every module the page imports, transitively (what a browser would fetch)', async () => {
    const seen = new Set<string>();
    const queue = ['console.js'];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const res = await t.request('GET', `/compute/console/${file}`);
      assert.equal(res.status, 200, file);
      for (const m of res.text.matchAll(/(?:\bfrom|^import)\s*["'](\.{1,2}\/[^"']+)["']/gm)) {
        queue.push(new URL(m[1]!, `http://x/${file}`).pathname.slice(1));
      }
    }
    assert.ok(seen.size > 20, `only ${seen.size} modules`);
    assert.ok(seen.has('vendor/pako/lib/zlib/inflate.js'));
  });

  it('serves nothing else', async () => {
    for (const file of ['package.json', 'core/rfb.ts', 'core/nothing.js', 'core/.hidden.js', 'docs/API.md', '', 'websockify']) {
      const res = await t.request('GET', `/compute/console/${file}`);
      assert.equal(res.status, 404, file);
      assert.ok(res.body.itemNotFound, file);
    }
    // Paths that climb out land outside the console routes (so need a token), never on a file.
    for (const file of ['core/../../../package.json', 'core/%2e%2e/%2e%2e/package.json', 'core/..%2f..%2fpackage.json']) {
      const res = await t.request('GET', `/compute/console/${file}`);
      assert.ok(res.status === 404 || res.status === 401, `${file}: ${res.status}`);
    }
  });
});
