// Issue 19 part 5, "one result across targets": the same scenarios through install.sh (dash),
// install.ps1 (pwsh 7) and install.cmd (Wine), and the same settings.json, .claude.json, receipt,
// backups and exit codes from each. install.sh is the reference; every difference is reported with
// its file and byte offset. The table goes to stdout, and to docs/differential.md by `make differential`.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { firstDifference, normalize, readTree, type Normalized, type Tree } from './outcome.js';
import { renderDoc, renderTable, type Cell, type Row } from './report.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { targets, type Account, type TargetId } from './targets.js';

interface Result {
  exits: number[];
  /** What each run printed (stdout, then stderr): shown when a run's exit code differs. */
  output: string[];
  raw: Tree[];
  normalized: Normalized[];
}

const TARGETS = targets();
const results = new Map<string, Partial<Record<TargetId, Result>>>();
const failures = new Map<string, Partial<Record<TargetId, string>>>();
const contract = new Map<string, Partial<Record<TargetId, string>>>();
const note = (m: Map<string, Partial<Record<TargetId, string>>>, s: string, t: TargetId, why: string) => m.set(s, { ...m.get(s), [t]: why });

async function runScenario(account: Account, scenario: Scenario, modes: boolean): Promise<Result> {
  for (const [rel, text] of Object.entries(scenario.before)) {
    mkdirSync(path.dirname(path.join(account.home, rel)), { recursive: true });
    writeFileSync(path.join(account.home, rel), text);
  }
  const out: Result = { exits: [], output: [], raw: [], normalized: [] };
  for (const step of scenario.steps) {
    const run = await account.run(step);
    out.exits.push(run.code);
    out.output.push(`${run.stdout}\n${run.stderr}`.split(account.nativeHome).join('~').trim());
    const raw = readTree(account.home, modes);
    out.raw.push(raw);
    out.normalized.push(normalize(raw, account.nativeHome, modes));
  }
  return out;
}

/** Exit codes and normalized bytes (not mode bits, which Windows lacks): equal outcomes, equal prints. */
const fingerprint = (r: Result) => {
  const trees = r.normalized.map((n) => Object.fromEntries(Object.entries(n.tree).map(([k, f]) => [k, f.text])));
  return createHash('sha256').update(JSON.stringify({ exits: r.exits, trees })).digest('hex').slice(0, 12);
};
const usedBy = (r: Result) => [...new Set(r.normalized.flatMap((n) => [...n.used]))];

/** Where `got` departs from the reference: exit codes first, then the files after each run. */
function compare(ref: Result, got: Result): string | null {
  const step = ref.exits.findIndex((code, i) => code !== got.exits[i]);
  if (step >= 0) {
    const said = (got.output[step] ?? '').split('\n').filter(Boolean).slice(-2).join(' / ');
    return `exit codes ${got.exits.join('/')} (reference ${ref.exits.join('/')}); run ${step + 1} printed: ${JSON.stringify(said.slice(0, 200))}`;
  }
  for (let i = 0; i < ref.normalized.length; i++) {
    const d = firstDifference(ref.normalized[i]!.tree, got.normalized[i]!.tree);
    if (d) return ref.normalized.length > 1 ? `after run ${i + 1}: ${d}` : d;
  }
  return null;
}

for (const target of TARGETS) {
  describe.skipIf(target.missing !== undefined)(`${target.id}: every scenario${target.missing ? ` — ${target.missing}` : ''}`, () => {
    beforeAll(() => target.setup(), 600_000);
    afterAll(() => target.teardown());
    for (const scenario of SCENARIOS) {
      test(scenario.title, async () => {
        const account = await target.account();
        let result: Result;
        try {
          result = await runScenario(account, scenario, target.id !== 'cmd');
        } catch (e) {
          note(failures, scenario.id, target.id, String((e as Error).message).split('\n')[0] ?? 'error');
          throw e;
        } finally {
          await account.dispose();
        }
        results.set(scenario.id, { ...results.get(scenario.id), [target.id]: result });
        try {
          scenario.check(result.raw, result.exits);
        } catch (e) {
          note(contract, scenario.id, target.id, String((e as Error).message).split('\n')[0] ?? 'failed');
          throw e;
        }
      });
    }
  });
}

describe('the same outcome as install.sh', () => {
  for (const scenario of SCENARIOS) {
    for (const target of TARGETS.filter((t) => t.id !== 'sh')) {
      test.skipIf(target.missing !== undefined)(`${scenario.title}: ${target.id}`, () => {
        const r = results.get(scenario.id) ?? {};
        expect(r.sh, 'install.sh produced no result').toBeDefined();
        expect(r[target.id], `${target.id} produced no result`).toBeDefined();
        expect(compare(r.sh!, r[target.id]!)).toBeNull();
      });
    }
  }
});

function cellFor(scenario: Scenario, id: TargetId): Cell | undefined {
  const target = TARGETS.find((t) => t.id === id)!;
  if (target.missing) return { kind: 'not-executed', why: target.missing };
  const failed = failures.get(scenario.id)?.[id];
  if (failed) return { kind: 'failed', why: failed };
  const r = results.get(scenario.id) ?? {};
  const got = r[id];
  if (!got) return undefined;
  if (id === 'sh') return { kind: 'reference', fingerprint: fingerprint(got), exits: got.exits, used: usedBy(got) };
  if (!r.sh) return { kind: 'failed', why: 'no reference result from install.sh' };
  const why = compare(r.sh, got);
  return why ? { kind: 'differs', why, used: usedBy(got) } : { kind: 'identical', fingerprint: fingerprint(got), exits: got.exits, used: usedBy(got) };
}

afterAll(() => {
  const rows: Row[] = SCENARIOS.map((s) => ({
    title: s.title,
    cells: Object.fromEntries(TARGETS.map((t) => [t.id, cellFor(s, t.id)])),
    contract: contract.get(s.id) ?? {},
  }));
  // CCENV_DIFF_DUMP=<file>: every target's raw and normalized files, to look into a difference
  if (process.env['CCENV_DIFF_DUMP']) writeFileSync(process.env['CCENV_DIFF_DUMP'], JSON.stringify(Object.fromEntries(results), null, 1));
  console.log(`\n${renderTable(rows)}\n`);
  // Only `make differential` rewrites the committed docs/differential.md (DIFFERENTIAL_REPORT); a run
  // filtered with -t leaves rows without a result and writes nothing.
  const report = process.env['DIFFERENTIAL_REPORT'];
  const complete = rows.every((r) => Object.values(r.cells).every((c) => c !== undefined));
  if (report && complete) writeFileSync(path.resolve(report), renderDoc(rows));
});
