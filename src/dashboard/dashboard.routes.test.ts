// The server side of the dashboard: the app's index for its own paths (with its security headers,
// never cached), hashed assets cached for good, nothing outside the build folder, a plain page when
// the app is not built; and, in the whole cloud, the services' own answers unchanged.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { startTestCloud, type TestCloud } from '../../test/harness/test-cloud.js';
import { DASHBOARD_CSP, registerDashboard } from './dashboard.routes.js';

const INDEX = '<!doctype html><title>Nubis test index</title><div id="root"></div>';
const APP_JS = 'console.log("app abc123");';
// Beside the build folder, never to be served.
const SECRET = 'outside-the-root-secret';

async function appFor(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  await registerDashboard(app, root);
  await app.ready();
  return app;
}

describe('dashboard routes (a bare app on a temporary build folder)', () => {
  let dir: string;
  let root: string;
  let app: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nbdash-'));
    root = join(dir, 'dashboard-web');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), INDEX);
    writeFileSync(join(root, 'assets', 'app-abc123.js'), APP_JS);
    writeFileSync(join(root, 'assets', 'x.exe'), 'MZ not served');
    writeFileSync(join(dir, 'secret.js'), SECRET);
    writeFileSync(join(dir, 'secret.html'), SECRET);
    app = await appFor(root);
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const path of ['/', '/login', '/project', '/project/instances/x', '/admin', '/admin/users', '/login?next=%2Fadmin%2Fhypervisors']) {
    it(`GET ${path} answers the index, with the CSP and no caching`, async () => {
      const res = await app.inject({ method: 'GET', url: path });
      assert.equal(res.statusCode, 200);
      assert.equal(res.body, INDEX);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(res.headers['content-security-policy'], DASHBOARD_CSP);
      assert.match(DASHBOARD_CSP, /script-src 'self'/);
      assert.match(DASHBOARD_CSP, /frame-ancestors 'none'/);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
    });
  }

  it('serves a hashed asset as JavaScript, cached for good', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, APP_JS);
    assert.match(String(res.headers['content-type']), /^text\/javascript/);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  for (const path of ['/assets/../../etc/passwd', '/assets/../secret.js', '/assets/%2e%2e/secret.js', '/assets/%2e%2e%2fsecret.js',
    '/assets/..%2f..%2fsecret.html', '/assets/%2e%2e/%2e%2e/etc/passwd', '/assets/..\\secret.js', '/assets/%00.js',
    '/assets/nothing.js', '/assets/x.exe', '/assets/', '/assets/index.html/..']) {
    it(`GET ${path} is a 404 and shows no file outside the build`, async () => {
      const res = await app.inject({ method: 'GET', url: path });
      assert.equal(res.statusCode, 404, `${path}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      assert.ok(!res.body.includes(SECRET), 'the file beside the build folder is not served');
      assert.ok(!res.body.includes('root:'), '/etc/passwd is not served');
      assert.ok(!res.body.includes('MZ not served'));
    });
  }

  it('does not answer paths that belong to the services', async () => {
    for (const path of ['/identity/v3', '/compute/v2.1/servers', '/projects', '/administrator']) {
      const res = await app.inject({ method: 'GET', url: path });
      assert.equal(res.statusCode, 404, path);
      assert.notEqual(res.body, INDEX, path);
    }
  });

  it('answers only GET (and HEAD) for the app', async () => {
    const post = await app.inject({ method: 'POST', url: '/project', payload: {} });
    assert.equal(post.statusCode, 404);
    const head = await app.inject({ method: 'HEAD', url: '/project' });
    assert.equal(head.statusCode, 200);
  });

  it('without a build, the app paths answer a plain "not built" page (200)', async () => {
    const bare = await appFor(join(dir, 'no-such-folder'));
    try {
      for (const path of ['/', '/project/instances']) {
        const res = await bare.inject({ method: 'GET', url: path });
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /The dashboard is not built/);
        assert.match(String(res.headers['content-type']), /^text\/html/);
        assert.equal(res.headers['content-security-policy'], DASHBOARD_CSP);
        assert.equal(res.headers['cache-control'], 'no-store');
      }
      assert.equal((await bare.inject({ method: 'GET', url: '/assets/app-abc123.js' })).statusCode, 404);
    } finally {
      await bare.close();
    }
  });
});

describe('dashboard routes in the whole cloud', () => {
  let t: TestCloud;
  let admin: string;
  before(async () => { t = await startTestCloud(); admin = await t.adminToken(); });
  after(async () => { await t.close(); });

  it('the dashboard paths need no token', async () => {
    for (const path of ['/', '/login', '/project', '/project/instances/abc', '/admin/users']) {
      const res = await t.request('GET', path);
      assert.equal(res.status, 200, path);
      assert.match(String(res.headers['content-type']), /^text\/html/, path);
      assert.equal(res.headers['content-security-policy'], DASHBOARD_CSP, path);
    }
  });

  it('an unknown asset is a plain 404 without a token', async () => {
    const res = await t.request('GET', '/assets/nothing-here.js');
    assert.equal(res.status, 404);
  });

  it("compute's own 404 is unchanged (its JSON body, not the app)", async () => {
    const res = await t.request('GET', '/compute/v2.1/nothing', { token: admin });
    assert.equal(res.status, 404);
    assert.match(String(res.headers['content-type']), /json/);
    assert.ok(!res.text.includes('<!doctype'), res.text);
    assert.equal(res.body?.itemNotFound?.code, 404, res.text);
    assert.match(res.body.itemNotFound.message, /could not be found/);
  });

  it('the services still need a token', async () => {
    const res = await t.request('GET', '/compute/v2.1/servers');
    assert.equal(res.status, 401);
    assert.ok(!res.text.includes('<!doctype'));
  });

  it('GET /identity/v3 is still the version document', async () => {
    const res = await t.request('GET', '/identity/v3');
    assert.equal(res.status, 200);
    assert.equal(res.body.version.id, 'v3.14');
    assert.equal(res.body.version.status, 'stable');
  });

  it('a path outside every service and the app is a JSON 404, not the index', async () => {
    const res = await t.request('GET', '/nothing', { token: admin });
    assert.equal(res.status, 404);
    assert.equal(res.body?.error?.code, 404, res.text);
    assert.ok(!res.text.includes('<!doctype'), res.text);
  });
});
