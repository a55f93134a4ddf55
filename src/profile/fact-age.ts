// Facts go stale as providers rename models and move pages: name each one whose check is too old.
import type { Profile } from './schema.js';

type Fact = Profile['provenance']['baseUrl'];

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
  const facts: Array<[string, Fact | undefined]> = Object.entries(profile.provenance).map(([name, f]) => [`provenance.${name}`, f]);
  for (const [name, server] of Object.entries(profile.mcp?.servers ?? {})) facts.push([`mcp.servers.${name}.provenance`, server.provenance]);
  return facts.flatMap(([where, f]) => {
    if (!f) return [];
    if (f.checked === undefined) return [`${label}: ${where} has no checked date (never checked): re-check ${f.source}`];
    const age = daysSince(f.checked, today);
    return age > maxAgeDays ? [`${label}: ${where} checked ${f.checked} (${age} days ago): re-check ${f.source}`] : [];
  });
}
