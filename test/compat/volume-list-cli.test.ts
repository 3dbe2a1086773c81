// The real `openstack` CLI (Debian's python3-openstackclient 6.0, which drives python-cinderclient
// for volumes) against a real `nubis up`: the volume commands, checked by what the CLI prints.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCompatCloud, type CompatCloud } from '../harness/compat-cloud.js';
import type { OpenStackCli } from '../harness/openstack-cli.js';

type Row = Record<string, unknown>;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('the openstack volume CLI against nubis up', { timeout: 600_000 }, () => {
  let cloud: CompatCloud;
  let cli: OpenStackCli;
  let other: OpenStackCli;

  before(async () => {
    cloud = await startCompatCloud();
    for (const [user, project] of [['vcli-owner', 'vcli-owner-project'], ['vcli-other', 'vcli-other-project']] as const) {
      await cloud.admin.ok(['project', 'create', project]);
      await cloud.admin.ok(['user', 'create', '--password', `${user}-pw`, '--project', project, user]);
      await cloud.admin.ok(['role', 'add', '--project', project, '--user', user, 'member']);
    }
    cli = cloud.cliAs('vcli-owner', 'vcli-owner-pw', 'vcli-owner-project');
    other = cloud.cliAs('vcli-other', 'vcli-other-pw', 'vcli-other-project');
  });
  after(async () => { await cloud?.close(); });

  const available = (name: string) => until(`${name} available`, async () => {
    const v = await cli.json<Row>(['volume', 'show', name]);
    if (v.status === 'error') throw new Error(`${name} went error`);
    return v.status === 'available' ? v : undefined;
  });

  it('creates, shows, lists, sets, unsets and deletes volumes', async () => {
    const created = await cli.json<Row>(['volume', 'create', '--size', '1', '--description', 'first one', '--property', 'tier=gold', 'vcli-one']);
    assert.equal(created.name, 'vcli-one');
    assert.equal(created.size, 1);
    assert.equal(created.type, '__DEFAULT__');
    const shown = await available('vcli-one');
    assert.equal(shown.description, 'first one');
    assert.equal(shown.bootable, 'false');
    assert.deepEqual(shown.properties, { tier: 'gold' });

    const list = await cli.json<Row[]>(['volume', 'list']);
    assert.deepEqual(list.map((v) => v.Name), ['vcli-one']);
    assert.equal(list[0]!.Status, 'available');
    assert.equal(list[0]!.Size, 1);
    const long = await cli.json<Row[]>(['volume', 'list', '--long']);
    assert.equal(long[0]!.Type, '__DEFAULT__');
    assert.equal(long[0]!.Bootable, 'false');

    await cli.ok(['volume', 'set', '--name', 'vcli-renamed', '--property', 'env=prod', 'vcli-one']);
    await cli.ok(['volume', 'unset', '--property', 'tier', 'vcli-renamed']);
    const renamed = await cli.json<Row>(['volume', 'show', 'vcli-renamed']);
    assert.deepEqual(renamed.properties, { env: 'prod' });

    // A clone, and the name and status filters.
    await cli.json<Row>(['volume', 'create', '--source', 'vcli-renamed', 'vcli-clone']);
    const clone = await available('vcli-clone');
    assert.equal(clone.size, 1);
    const named = await cli.json<Row[]>(['volume', 'list', '--name', 'vcli-clone']);
    assert.deepEqual(named.map((v) => v.Name), ['vcli-clone']);
    const byStatus = await cli.json<Row[]>(['volume', 'list', '--status', 'available']);
    assert.equal(byStatus.length, 2);
    const paged = await cli.json<Row[]>(['volume', 'list', '--limit', '1']);
    assert.equal(paged.length, 1);

    // Another project neither lists nor finds them.
    assert.deepEqual(await other.json<Row[]>(['volume', 'list']), []);
    const hidden = await other.run(['volume', 'show', String(shown.id)]);
    assert.notEqual(hidden.code, 0);
    assert.match(hidden.stderr, /could not be found|No volume/i);

    // The admin sees every project's volumes with --all-projects.
    const all = await cloud.admin.json<Row[]>(['volume', 'list', '--all-projects']);
    assert.ok(all.some((v) => v.Name === 'vcli-clone'));

    await cli.ok(['volume', 'delete', 'vcli-clone', 'vcli-renamed']);
    await until('volumes deleted', async () => ((await cli.json<Row[]>(['volume', 'list'])).length === 0 ? true : undefined));
  });

  it('a volume no backend can take ends in error with a user message', async () => {
    await cloud.admin.ok(['volume', 'type', 'create', '--property', 'volume_backend_name=nowhere', 'vcli-nowhere']);
    const v = await cli.json<Row>(['volume', 'create', '--size', '1', '--type', 'vcli-nowhere', 'vcli-stuck']);
    await until('vcli-stuck error', async () => ((await cli.json<Row>(['volume', 'show', 'vcli-stuck'])).status === 'error' ? true : undefined));
    const messages = await until('a message', async () => {
      const m = await cli.json<Row[]>(['--os-volume-api-version', '3.3', 'volume', 'message', 'list']);
      return m.length ? m : undefined;
    });
    assert.equal(messages[0]!['Resource UUID'], v.id, JSON.stringify(messages));
    assert.equal(messages[0]!['Resource Type'], 'VOLUME');
    assert.match(String(messages[0]!['User Message']), /schedule allocate volume/);
    await cli.ok(['volume', 'delete', 'vcli-stuck']);
  });

  it('refuses a bad size with Cinder\'s message', async () => {
    const r = await cli.run(['volume', 'create', '--size', '0', 'vcli-bad']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /must be an integer and greater than 0|Invalid input/);
  });
});
