// Network topology and overview usage, as the admin sees them: three routers on one network (their
// interface addresses must not overlap), two instances with 40-character names (cut, never
// overlapping), and the overview's usage following os-simple-tenant-usage's next links to the end.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Page, Route } from 'playwright-core';
import { goTo, rowOf, settle } from '../../harness/browser.js';
import type { ActionsContext } from './context.js';

const NET = 'nbui-topo-net';
const SUBNET = 'nbui-topo-subnet';
const ROUTERS = ['nbui-topo-router-a', 'nbui-topo-router-b', 'nbui-topo-router-c'];
// Two ports given to routers b and c (a takes the subnet's gateway address); high addresses, so the
// servers created at the same time do not take them first.
const PORTS = ['nbui-topo-port-b', 'nbui-topo-port-c'];
const ADDRS = ['10.77.0.1', '10.77.0.201', '10.77.0.202'];
const pad40 = (s: string) => s.padEnd(40, 'x');
const SERVERS = [pad40('nbui-topo-alpha-'), pad40('nbui-topo-bravo-')];
const IMAGE = 'nbui-topo-image';

/** Every pair of non-empty <text> of the graph whose boxes meet (empty when none do). */
const OVERLAPS = `(() => {
  const texts = [...document.querySelectorAll('svg.topo-svg text')].filter((t) => t.textContent.trim());
  const boxes = texts.map((t) => ({ text: t.textContent, b: t.getBBox() }));
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i].b, c = boxes[j].b;
    if (a.x < c.x + c.width && c.x < a.x + a.width && a.y < c.y + c.height && c.y < a.y + a.height) out.push(boxes[i].text + ' / ' + boxes[j].text);
  }
  return { count: texts.length, out };
})()`;

export function topologyActions(ctx: ActionsContext): void {
  const cli = () => ctx.cloud.admin;
  const node = (page: Page, kind: string, name: string) => page.locator(`g[data-kind="${kind}"][data-name="${name}"]`);

  it('topology: draws three routers on one network and long-named instances without overlapping labels', async () => {
    const page = ctx.adminPage();
    try {
      // Each CLI call costs seconds: run what does not depend on each other side by side.
      await Promise.all([
        (async () => {
          await cli().ok(['network', 'create', NET]);
          await cli().ok(['subnet', 'create', '--network', NET, '--subnet-range', '10.77.0.0/24', SUBNET]);
        })(),
        cli().ok(['router', 'create', '--external-gateway', 'public', ROUTERS[0]!]),
        ...ROUTERS.slice(1).map((r) => cli().ok(['router', 'create', r])),
        cli().ok(['image', 'create', '--disk-format', 'qcow2', '--container-format', 'bare', '--file', ctx.tinyDisk, IMAGE]),
      ]);
      await Promise.all([
        cli().ok(['router', 'add', 'subnet', ROUTERS[0]!, SUBNET]),
        ...PORTS.map(async (port, k) => {
          await cli().ok(['port', 'create', '--network', NET, '--fixed-ip', `subnet=${SUBNET},ip-address=${ADDRS[k + 1]}`, port]);
          await cli().ok(['router', 'add', 'port', ROUTERS[k + 1]!, port]);
        }),
        ...SERVERS.map((s) => cli().ok(['server', 'create', '--flavor', 'm1.nano', '--image', IMAGE, '--network', NET, '--wait', s])),
      ]);

      await goTo(page, '/project/topology');
      await page.getByRole('heading', { name: 'Network topology', level: 1, exact: true }).waitFor();
      for (const r of ROUTERS) await node(page, 'router', r).waitFor();
      await node(page, 'network', NET).waitFor();
      for (const s of SERVERS) await node(page, 'instance', s).waitFor();
      // Each interface address drawn once, on its edge.
      for (const ip of ADDRS) await page.locator('.topo-edge-label text', { hasText: ip }).waitFor();
      // A 40-character name does not fit its box: cut, with the whole name in the link's name and tooltip.
      const link = node(page, 'instance', SERVERS[0]!).getByRole('link');
      assert.match((await link.getAttribute('aria-label')) ?? '', new RegExp(SERVERS[0]!));
      assert.match((await node(page, 'instance', SERVERS[0]!).locator('title').textContent()) ?? '', new RegExp(SERVERS[0]!));
      assert.match((await node(page, 'instance', SERVERS[0]!).locator('text.topo-name').textContent()) ?? '', /…$/);

      const { count, out } = await page.evaluate(OVERLAPS) as { count: number; out: string[] };
      assert.ok(count >= 2 * (ROUTERS.length + SERVERS.length), `labels drawn: ${count}`);
      assert.deepEqual(out, [], 'text labels of the topology graph overlap');
      // Also at phone width (the graph scrolls sideways, its layout does not change).
      await page.setViewportSize({ width: 390, height: 800 });
      assert.deepEqual((await page.evaluate(OVERLAPS) as { out: string[] }).out, []);
      await page.setViewportSize({ width: 1280, height: 800 });
      await ctx.browser.screenshot(page, 'actions-topology');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('topology: the overview usage follows the usage pages and matches `openstack usage show`', async () => {
    const page = ctx.adminPage();
    // Nubis pages os-simple-tenant-usage only when asked for a limit: ask for one instance per page,
    // so the app must follow each next link (which keeps limit=1) to see both servers.
    const asked: URL[] = [];
    const handler = async (route: Route) => {
      const url = new URL(route.request().url());
      if (!url.searchParams.has('limit')) url.searchParams.set('limit', '1');
      asked.push(url);
      await route.continue({ url: url.toString() });
    };
    await page.route('**/os-simple-tenant-usage/**', handler);
    try {
      await goTo(page, '/project');
      await page.getByRole('heading', { name: 'Usage', level: 2, exact: true }).waitFor();
      const table = 'Usage per instance';
      await page.getByLabel(`Filter ${table}`).fill('nbui-topo-');
      for (const s of SERVERS) await rowOf(page, table, s).waitFor();
      await settle(page);
      assert.ok(asked.filter((u) => u.searchParams.has('marker')).length >= 2, `pages asked: ${asked.map((u) => u.search).join(' ')}`);

      const askedAt = Date.now();
      // `-f json` prints the servers' usages as a list under "Servers".
      const shown = await cli().json<{ Servers: { name: string }[]; 'CPU Hours': number }>(['usage', 'show', '--project', 'admin']);
      const hoursSince = (Date.now() - askedAt) / 3_600_000;
      const totals = page.locator('dl.ov-totals');
      const value = async (label: string) => Number(await totals.locator('div', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd').textContent());
      const servers = shown.Servers.length;
      for (const s of SERVERS) assert.ok(shown.Servers.some((u) => u.name === s), `${s} in openstack usage show`);
      assert.equal(await value('Instances'), servers);
      // The page asked a moment before the CLI: allow for the rounding (two decimals) and the hours
      // that passed since (a few vCPUs per server at most).
      const cpu = await value('vCPU hours');
      const rounding = (cpu < 10 ? 0.005 : 0.05) + 0.005;
      assert.ok(Math.abs(cpu - Number(shown['CPU Hours'])) <= rounding + servers * 8 * hoursSince, `vCPU hours ${cpu} vs ${shown['CPU Hours']}`);
    } finally {
      await page.unroute('**/os-simple-tenant-usage/**', handler);
    }
  });

  it('topology: clean up', async () => {
    // Removing a port interface deletes the port too; deleting a router drops its gateway.
    await Promise.all([
      ...SERVERS.map((s) => cli().run(['server', 'delete', '--wait', s])),
      cli().run(['router', 'remove', 'subnet', ROUTERS[0]!, SUBNET]),
      ...PORTS.map((port, k) => cli().run(['router', 'remove', 'port', ROUTERS[k + 1]!, port])),
      cli().run(['image', 'delete', IMAGE]),
    ]);
    const [routers, net] = await Promise.all([cli().run(['router', 'delete', ...ROUTERS]), cli().run(['network', 'delete', NET])]);
    assert.equal(routers.code, 0, routers.stderr);
    assert.equal(net.code, 0, net.stderr);
  });
}
