// What every action module of dashboard-actions.test.ts gets: one cloud, one browser, the admin
// logged in (project `admin`) and a second project with its own member user, for what crosses
// projects (sharing an image, transferring a volume).
import type { Page } from 'playwright-core';
import type { CompatCloud } from '../../harness/compat-cloud.js';
import type { OpenStackCli } from '../../harness/openstack-cli.js';
import type { TestBrowser } from '../../harness/browser.js';

export interface ActionsContext {
  cloud: CompatCloud;
  browser: TestBrowser;
  /** The admin's page, logged in and scoped to project `admin`. */
  adminPage(): Page;
  /** A second page logged in as the member of project `nbui-other` (opened on first use). */
  memberPage(): Promise<Page>;
  /** The CLI as that member. */
  member: OpenStackCli;
  memberName: string;
  memberPassword: string;
  otherProject: { id: string; name: string };
  /** A 16 MiB qcow2 file for image uploads. */
  tinyDisk: string;
  /** Page and console errors since the last clear() (both pages). */
  errors: { list(): string[]; clear(): void };
}
