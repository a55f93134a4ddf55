// The campaign's case: a vitest test that names the exit code and file state it expects, records
// what it observed (for docs/reliability.md) and then fails if the two differ or prior config was lost.
import { lstatSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { expect, test } from 'vitest';
import { writeRecord, type Area, type Outcome } from './records.js';

export interface CaseSpec {
  area: Area;
  title: string;
  /** Where it runs: "install.sh under dash", "configure step", "sandbox: curl | mksh", … */
  target: string;
  expected: Outcome;
  timeoutMs?: number;
}

export interface CaseResult {
  observed: Outcome;
  /** Bytes of prior user configuration gone afterwards (describeConfig computes it). */
  lostBytes: number;
  /** What else was checked or counted, for the report. */
  detail?: string;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // vitest's assertion messages carry ANSI colours and a diff below the first line
  return (text.split('\n')[0] ?? '').replace(/\x1b\[[0-9;]*m/g, '').slice(0, 300);
}

/**
 * Registers one case. The body runs the scenario and may assert more (messages, modes); whatever it
 * returns is recorded, then compared with the expectation.
 */
export function reliabilityCase(spec: CaseSpec, body: () => Promise<CaseResult>): void {
  test(spec.title, async () => {
    const base = { area: spec.area, title: spec.title, target: spec.target, expected: spec.expected };
    let result: CaseResult;
    try {
      result = await body();
    } catch (e) {
      writeRecord({ ...base, observed: null, lostBytes: 0, detail: '', passed: false, error: firstLine(e) });
      throw e;
    }
    const passed = isDeepStrictEqual(result.observed, spec.expected) && result.lostBytes === 0;
    writeRecord({ ...base, observed: result.observed, lostBytes: result.lostBytes, detail: result.detail ?? '', passed });
    expect(result.observed).toEqual(spec.expected);
    expect(result.lostBytes).toBe(0);
  }, spec.timeoutMs ?? 60_000);
}

// ---- the user's files, before and after ----

export interface Captured {
  kind: 'missing' | 'file' | 'dir' | 'unreadable';
  link: boolean;
  bytes: Buffer | null;
}

export function capture(file: string): Captured {
  let link = false;
  try {
    link = lstatSync(file).isSymbolicLink();
  } catch {
    return { kind: 'missing', link: false, bytes: null };
  }
  try {
    return { kind: 'file', link, bytes: readFileSync(file) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing', link, bytes: null };
    if (code === 'EISDIR') return { kind: 'dir', link, bytes: null };
    return { kind: 'unreadable', link, bytes: null };
  }
}

/** The env entries ccenv owns: changing them is its job, not a loss. */
const MANAGED_ENV = /^(ANTHROPIC_AUTH_TOKEN|ANTHROPIC_API_KEY|ANTHROPIC_BASE_URL|API_TIMEOUT_MS|CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC|ANTHROPIC_DEFAULT_(OPUS|SONNET|HAIKU)_MODEL)$/;

function parse(bytes: Buffer): unknown {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  // an empty file is an empty configuration, as ccenv and Claude Code read it
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Everything the user had is still there (ccenv's own env entries and `owned` keys aside). */
function priorKept(before: unknown, after: unknown, owned: readonly string[]): boolean {
  if (!isObject(before) || !isObject(after)) return false;
  for (const [key, value] of Object.entries(before)) {
    if (owned.includes(key)) continue;
    if (key === 'env' && isObject(value) && isObject(after['env'])) {
      const env = after['env'];
      for (const [name, v] of Object.entries(value)) {
        if (!MANAGED_ENV.test(name) && !isDeepStrictEqual(env[name], v)) return false;
      }
    } else if (!isDeepStrictEqual(after[key], value)) return false;
  }
  return true;
}

export interface FileVerdict {
  state: string;
  lostBytes: number;
}

/**
 * One file's fate in words: absent · unchanged · created · merged (the change wanted, all prior content
 * kept) · changed (other content, all prior content kept) · damaged · deleted.
 * `done` says whether the file holds what the run was meant to write.
 */
export function verdict(
  before: Captured,
  after: Captured,
  done: (json: Record<string, unknown>) => boolean,
  owned: readonly string[] = [],
): FileVerdict {
  const lost = before.bytes?.length ?? 0;
  if (after.kind === 'missing') return before.kind === 'missing' ? { state: 'absent', lostBytes: 0 } : { state: 'deleted', lostBytes: lost };
  if (after.kind !== 'file' || after.bytes === null) {
    return before.kind === after.kind ? { state: 'unchanged', lostBytes: 0 } : { state: `now ${after.kind}`, lostBytes: lost };
  }
  const suffix = before.link && !after.link ? ' (symlink replaced)' : '';
  if (before.bytes && before.bytes.equals(after.bytes)) return { state: `unchanged${suffix}`, lostBytes: 0 };
  const now = parse(after.bytes);
  if (!isObject(now)) return { state: 'damaged', lostBytes: lost };
  if (before.bytes === null) return { state: done(now) ? `created${suffix}` : 'changed', lostBytes: 0 };
  if (!priorKept(parse(before.bytes), now, owned)) return { state: 'damaged', lostBytes: lost };
  return { state: `${done(now) ? 'merged' : 'changed'}${suffix}`, lostBytes: 0 };
}

/** settings.json carries the key and the profile's base URL. */
export function configuredWith(key: string, baseUrl: string): (json: Record<string, unknown>) => boolean {
  return (json) => {
    const env = json['env'];
    return isObject(env) && env['ANTHROPIC_AUTH_TOKEN'] === key && env['ANTHROPIC_BASE_URL'] === baseUrl;
  };
}

/** ~/.claude.json marks onboarding done. */
export const onboarded = (json: Record<string, unknown>): boolean => json['hasCompletedOnboarding'] === true;

export interface ConfigPaths {
  settings: string;
  state: string;
}

export interface ConfigSnapshot {
  settings: Captured;
  state: Captured;
}

export function snapshotConfig(p: ConfigPaths): ConfigSnapshot {
  return { settings: capture(p.settings), state: capture(p.state) };
}

/** "settings.json merged; .claude.json created" and the bytes lost across both. */
export function describeConfig(before: ConfigSnapshot, after: ConfigSnapshot, key: string, baseUrl: string): FileVerdict {
  const s = verdict(before.settings, after.settings, configuredWith(key, baseUrl));
  // ccenv's one change to ~/.claude.json is hasCompletedOnboarding: a false there is no loss
  const c = verdict(before.state, after.state, onboarded, ['hasCompletedOnboarding']);
  return { state: `settings.json ${s.state}; .claude.json ${c.state}`, lostBytes: s.lostBytes + c.lostBytes };
}
