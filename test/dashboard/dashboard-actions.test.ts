// The dashboard's less common actions, each done through the pages as a user would and checked with
// the `openstack` CLI: one real `nubis up` (fake compute driver), one Chromium, the admin and the
// member of a second project. The actions of each area live in test/dashboard/actions/<area>.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import { startCompatCloud, type CompatCloud } from '../harness/compat-cloud.js';
import { adminPassword, collectErrors, launchBrowser, logIn, type TestBrowser } from '../harness/browser.js';
import { adminActions } from './actions/admin.js';
import { computeActions } from './actions/compute.js';
import type { ActionsContext } from './actions/context.js';
import { imagesActions } from './actions/images.js';
import { topologyActions } from './actions/topology.js';
import { volumesActions } from './actions/volumes.js';

const MEMBER = 'nbui-other-member';
const MEMBER_PW = 'nbui-other-pw';
const OTHER = 'nbui-other';

describe('dashboard actions across the services', { timeout: 300_000 }, () => {
  let cloud: CompatCloud;
  let browser: TestBrowser;
  let admin: Page;
  let member: Page | undefined;
  let dir: string;
  const seen: ReturnType<typeof collectErrors>[] = [];
  const ctx = {} as ActionsContext;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nbui-actions-'));
    const tinyDisk = join(dir, 'tiny.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', tinyDisk, '16M']);
    cloud = await startCompatCloud({ env: { NUBIS_COMPUTE_DRIVER: 'fake', NUBIS_NETWORK_DATAPLANE: 'none' } });
    const cli = cloud.admin;
    const project = await cli.json<{ id: string; name: string }>(['project', 'create', OTHER]);
    await cli.ok(['user', 'create', '--password', MEMBER_PW, MEMBER]);
    await cli.ok(['role', 'add', '--project', OTHER, '--user', MEMBER, 'member']);
    browser = await launchBrowser();
    admin = await browser.newPage();
    seen.push(collectErrors(admin));
    await logIn(admin, cloud.nubis.baseUrl, 'admin', adminPassword(cloud.nubis.stateDir));
    Object.assign(ctx, {
      cloud, browser, tinyDisk,
      adminPage: () => admin,
      async memberPage() {
        if (!member) {
          member = await browser.newPage();
          seen.push(collectErrors(member));
          await logIn(member, cloud.nubis.baseUrl, MEMBER, MEMBER_PW);
        }
        return member;
      },
      member: cloud.cliAs(MEMBER, MEMBER_PW, OTHER),
      memberName: MEMBER, memberPassword: MEMBER_PW,
      otherProject: { id: String(project.id), name: OTHER },
      errors: { list: () => seen.flatMap((e) => e.list()), clear: () => seen.forEach((e) => e.clear()) },
    } satisfies ActionsContext);
  });

  after(async () => {
    await browser?.close();
    await cloud?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Each area registers its `it`s here (they run in this order, sharing the cloud).
  adminActions(ctx);
  imagesActions(ctx);
  volumesActions(ctx);
  computeActions(ctx);
  topologyActions(ctx);
});
