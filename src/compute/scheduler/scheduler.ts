import type { ComputeDeps } from '../common.js';
import { NoValidHost, type Scheduler } from './request-spec.js';

// STUB: replaced by the filter/weigher scheduler.
export function createScheduler(_deps: ComputeDeps): Scheduler {
  return {
    async selectAndClaim() { throw new NoValidHost('scheduler not implemented'); },
    async claimOnNode() { return false; },
    async release() { /* stub */ },
    async promoteMigration() { /* stub */ },
    recordBuildFailure() { /* stub */ },
    recordBuildSuccess() { /* stub */ },
  };
}
