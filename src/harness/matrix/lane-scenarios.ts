// Which implementation of a scenario a lane runs: install.sh's (scenarios.ts) in the shell lanes,
// install.ps1's (ps1-scenarios.ts) in the pwsh lane. A module of its own: ps1-scenarios.ts builds
// on scenarios.ts, so scenarios.ts cannot import it back.
import { laneById } from './lanes.js';
import { PS1_SCENARIOS } from './ps1-scenarios.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

const BY_INSTALLER: Record<string, Scenario[]> = { 'install.sh': SCENARIOS, 'install.ps1': PS1_SCENARIOS };

/** The scenario `id` as `lane` runs it; throws when the lane has no implementation of it. */
export function scenarioFor(lane: string, id: string): Scenario {
  const installer = laneById(lane).installer ?? 'install.sh';
  const s = BY_INSTALLER[installer]?.find((x) => x.id === id);
  if (!s) throw new Error(`matrix: ${installer} has no scenario ${id} (lane ${lane})`);
  return s;
}
