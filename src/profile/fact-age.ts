// Facts go stale as providers rename models and move pages: name each one whose check is too old.
import type { Profile } from './schema.js';

/** How many days a fact stays trusted after it was checked (ccenv validate --max-fact-age). */
export const DEFAULT_MAX_FACT_AGE_DAYS = 180;

const DAY_MS = 86_400_000;

/** Whole days from `checked` (YYYY-MM-DD, UTC) to `today`. */
function daysSince(checked: string, today: Date): number {
  const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.round((todayUtc - Date.parse(`${checked}T00:00:00Z`)) / DAY_MS);
}

/**
 * One warning per fact checked more than `maxAgeDays` before `today`, or never checked, e.g.
 * "acme.yaml: provenance.models checked 2026-03-01 (278 days ago): re-check https://…".
 */
export function staleFactWarnings(profile: Profile, label: string, today: Date, maxAgeDays = DEFAULT_MAX_FACT_AGE_DAYS): string[] {
  return Object.entries(profile.provenance).flatMap(([name, f]) => {
    if (!f) return [];
    if (f.checked === undefined) return [`${label}: provenance.${name} has no checked date (never checked): re-check ${f.source}`];
    const age = daysSince(f.checked, today);
    return age > maxAgeDays ? [`${label}: provenance.${name} checked ${f.checked} (${age} days ago): re-check ${f.source}`] : [];
  });
}
