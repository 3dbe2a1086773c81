// The two server actions the servers slice dispatches to, called as it calls them.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';
import type { AuthContext } from '../../platform/auth-context.js';
import { ApiError } from '../../platform/errors.js';
import type { ComputeContext } from '../context.js';
import { parseVersion } from '../microversions.js';
import { getConsoleOutput, getVncConsole, vncConsoleUrl } from './console-actions.js';
import { createUserWithRole, insertInstance, serveFakeAgent, type FakeAgent } from './console-test-kit.js';

const at = (v: string) => ({ computeVersion: parseVersion(v)! }) as FastifyRequest;

async function status(p: Promise<unknown>, code: number, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.status, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('console actions', () => {
  let t: TestCloud;
  let ctx: ComputeContext;
  let agent: FakeAgent;
  let auth: AuthContext;
  let server: string;

  before(async () => {
    t = await startTestCloud();
    ctx = t.cloud.compute.ctx;
    agent = await serveFakeAgent(t, 'h1');
    agent.vnc = { host: '127.0.0.1', port: 5900 };
    const reader = await createUserWithRole(t, 'nbconsole-act', 'reader');
    auth = await t.cloud.identity.tokens.authenticate(reader.token) as AuthContext;
    server = await insertInstance(t, { project_id: reader.projectId });
  });
  after(async () => {
    await agent.stop();
    await t.close();
  });

  describe('os-getVNCConsole', () => {
    it('answers {console: {type, url}} before 2.6', async () => {
      const admin = await t.cloud.identity.tokens.authenticate(await t.adminToken()) as AuthContext;
      const res = await getVncConsole(ctx, at('2.1'), admin, server, { type: 'novnc' });
      assert.equal(res.console.type, 'novnc');
      assert.match(res.console.url, /\/compute\/console\/vnc\.html\?path=compute%2Fconsole%2Fwebsockify%3Ftoken%3D[A-Za-z0-9_-]{43}$/);
    });

    it('is gone from 2.6 on (remote-consoles replaces it)', async () => {
      await status(getVncConsole(ctx, at('2.6'), auth, server, { type: 'novnc' }), 404, /The resource could not be found/);
    });

    it('refuses bad bodies with a 400 naming the field', async () => {
      await status(getVncConsole(ctx, at('2.1'), auth, server, { type: 'xvpvnc' }), 400, /Unavailable console type xvpvnc/);
      await status(getVncConsole(ctx, at('2.1'), auth, server, { type: 'spice' }), 400, /field\/attribute type/);
      await status(getVncConsole(ctx, at('2.1'), auth, server, {}), 400, /'type' is a required property/);
      await status(getVncConsole(ctx, at('2.1'), auth, server, 'novnc'), 400, /not of type 'object'/);
    });

    it('follows policy os-remote-consoles (a reader may not)', async () => {
      await status(getVncConsole(ctx, at('2.1'), auth, server, { type: 'novnc' }), 403, /os-remote-consoles/);
    });
  });

  describe('os-getConsoleOutput', () => {
    const body = (length?: unknown) => (length === undefined ? {} : { length });
    const lastLines = () => agent.calls.filter((c) => c.method === 'consoleOutput').at(-1)?.args.lines;

    it('returns the log without control characters other than tab and newline (a reader may read it)', async () => {
      agent.output = 'boot\r\n\x1b[0mlogin:\tok\x00\n';
      const res = await getConsoleOutput(ctx, auth, server, body());
      assert.deepEqual(res, { output: 'boot\n[0mlogin:\tok\n' });
      assert.equal(lastLines(), undefined);
    });

    it('passes the number of lines; -1 and null mean all; digit strings count as numbers', async () => {
      agent.output = 'x\n';
      for (const [length, lines] of [[5, 5], ['7', 7], [0, 0], [-1, undefined], ['-1', undefined], [null, undefined]] as const) {
        await getConsoleOutput(ctx, auth, server, body(length));
        assert.equal(lastLines(), lines, `length ${String(length)}`);
      }
    });

    it('refuses a bad length or body with a 400', async () => {
      for (const length of ['abc', 1.5, -2, '-2', true, [], {}, '1e3', 2 ** 60]) {
        await status(getConsoleOutput(ctx, auth, server, body(length)), 400, /length/);
      }
      await status(getConsoleOutput(ctx, auth, server, { lines: 3 }), 400, /'lines' was unexpected/);
      await status(getConsoleOutput(ctx, auth, server, null), 400, /not of type 'object'/);
    });

    it('answers 404 for an unknown or other project\'s server', async () => {
      const id = randomUUID();
      await status(getConsoleOutput(ctx, auth, id, body()), 404, new RegExp(`Instance ${id} could not be found.`));
      const theirs = await insertInstance(t, { project_id: 'another-project' });
      await status(getConsoleOutput(ctx, auth, theirs, body()), 404);
    });

    it('reads a stopped server\'s log; 409 without a host', async () => {
      const stopped = await insertInstance(t, { project_id: auth.projectId!, vm_state: 'stopped', power_state: 4 });
      agent.output = 'reboot: Power down\n';
      assert.deepEqual(await getConsoleOutput(ctx, auth, stopped, body()), { output: 'reboot: Power down\n' });
      const unplaced = await insertInstance(t, { project_id: auth.projectId!, host: null, vm_state: 'building' });
      await status(getConsoleOutput(ctx, auth, unplaced, body()), 409, /is not ready/);
    });

    it('answers 404 when the guest has no console, 409 when its host is silent', async () => {
      agent.output = new Error('no such guest');
      try {
        await status(getConsoleOutput(ctx, auth, server, body()), 404, /Guest does not have a console available/);
      } finally {
        agent.output = '';
      }
      const lost = await insertInstance(t, { project_id: auth.projectId!, host: 'nbconsole-silent' });
      await status(getConsoleOutput(ctx, auth, lost, body()), 409, /does not answer/);
    });
  });

  it('builds console URLs that keep a public URL\'s path', () => {
    assert.equal(vncConsoleUrl('https://cloud.example/nubis/', 'T'),
      'https://cloud.example/nubis/compute/console/vnc.html?path=nubis%2Fcompute%2Fconsole%2Fwebsockify%3Ftoken%3DT');
    assert.equal(vncConsoleUrl('http://10.0.0.1:8080', 'T'),
      'http://10.0.0.1:8080/compute/console/vnc.html?path=compute%2Fconsole%2Fwebsockify%3Ftoken%3DT');
  });
});
