// Handing slow work to the volume manager after the intent is committed. The manager's calls return
// at once; should one throw anyway, the request has already succeeded (its row is written), so the
// failure is logged rather than turned into a 500 for a change that did happen.
import type { VolumeDeps } from '../common.js';

export function handOn(deps: VolumeDeps, what: string, work: () => void): void {
  try {
    work();
  } catch (err) {
    deps.log.error({ err }, `volume manager refused ${what}`);
  }
}
