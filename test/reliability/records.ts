// One reliability case's outcome, as the campaign's tests record it and docs/reliability.md reports
// it. Each test writes its own file (tests run in parallel workers), so no file is shared.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoPath } from '../../src/paths.js';

export const AREAS = ['files', 'environment', 'faults', 'hostile values', 'secret hygiene'] as const;
export type Area = (typeof AREAS)[number];

/** What a case is expected to end with: an exit code and the state of the user's files. */
export interface Outcome {
  /** The installer's (or configure step's) exit code; null when it was killed on purpose. */
  exit: number | null;
  /** The user's files afterwards, in words computed from before/after (e.g. "settings.json unchanged"). */
  files: string;
}

export interface CaseRecord {
  area: Area;
  title: string;
  /** Where it ran: "install.sh under dash", "configure step (node)", "sandbox, curl | mksh", … */
  target: string;
  expected: Outcome;
  observed: Outcome | null;
  /** Bytes of the user's prior configuration that are gone afterwards (not in the file any more). */
  lostBytes: number;
  /** What else was checked or counted (kill points tried, messages seen). */
  detail: string;
  passed: boolean;
  /** The failure, when the case threw before observing an outcome. */
  error?: string;
}

export const RECORDS_DIR = repoPath('.cache', 'reliability', 'cases');

function fileNameOf(record: Pick<CaseRecord, 'area' | 'title'>): string {
  const slug = `${record.area}-${record.title}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 120);
  return `${slug}.json`;
}

export function writeRecord(record: CaseRecord): void {
  mkdirSync(RECORDS_DIR, { recursive: true });
  writeFileSync(path.join(RECORDS_DIR, fileNameOf(record)), `${JSON.stringify(record, null, 2)}\n`);
}

export function readRecords(dir = RECORDS_DIR): CaseRecord[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((n) => JSON.parse(readFileSync(path.join(dir, n), 'utf8')) as CaseRecord);
}

export function clearRecords(dir = RECORDS_DIR): void {
  rmSync(dir, { recursive: true, force: true });
}
