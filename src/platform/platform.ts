import type { Bus } from './bus/bus.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { Logger } from './logger.js';
import type { Policy } from './policy/policy.js';

/** The shared machinery every service is built on, handed to each service at start. */
export interface Platform {
  readonly config: Config;
  readonly database: Database;
  readonly bus: Bus;
  readonly policy: Policy;
  readonly log: Logger;
}
