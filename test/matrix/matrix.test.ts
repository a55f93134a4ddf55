// The containerized matrix (src/harness/matrix): every cell of the table in a sandbox of its own,
// run two at a time; one test per cell, and the results table and JUnit XML written at the end.
// CCENV_SANDBOX picks the runner (default: bwrap here).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expandMatrix } from '../../src/harness/matrix/cells.js';
import { junitXml, resultsTable } from '../../src/harness/matrix/report.js';
import { runMatrix, type MatrixRun } from '../../src/harness/matrix/run.js';
import { subjectOf } from '../../src/harness/matrix/subject.js';
import { resolveProfile } from '../../src/profile/load.js';
import { detectRunners, selectRunner, type RunnerStatus } from '../../src/harness/runners.js';
import { repoPath } from '../../src/paths.js';

const ZHIPU = subjectOf(resolveProfile('zhipu'));

// CCENV_MATRIX_LANES=pwsh (a comma list) runs those lanes only: -t alone would still run every cell in beforeAll.
const lanes = process.env['CCENV_MATRIX_LANES']?.split(',').filter(Boolean);
const table = expandMatrix();
const cells = table.cells.filter((c) => !lanes || lanes.includes(c.lane));
const notExecuted = table.notExecuted.filter((n) => !lanes || lanes.includes(n.lane));
let run: MatrixRun | undefined;
let runners: RunnerStatus[] = [];

beforeAll(async () => {
  runners = await detectRunners();
  run = await runMatrix({ subject: ZHIPU, runner: await selectRunner(), cells, notExecuted, dist: repoPath('dist'), concurrency: 2 });
}, 3_600_000);

afterAll(() => {
  if (!run) return;
  const dir = repoPath('.cache', 'matrix');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'junit.xml'), junitXml(run));
  writeFileSync(path.join(dir, 'results.txt'), resultsTable(run) + '\n');
  const engines = runners.map((s) => `sandbox ${s.name}: ${s.available ? 'available' : 'not available'} (${s.detail})`);
  console.log(`${engines.join('\n')}\n${resultsTable(run)}\nJUnit XML: ${path.join(dir, 'junit.xml')}`);
});

describe('matrix', () => {
  for (const cell of cells) {
    test(cell.id, (ctx) => {
      const r = run?.results.find((x) => x.id === cell.id);
      expect(r, 'the cell did not run').toBeDefined();
      // decided at run time (a public image under bwrap): reported as skipped with its reason
      if (r!.status === 'not-executed') ctx.skip(`not executed: ${r!.problems.join('; ')}`);
      expect(r!.problems, r!.transcript).toEqual([]);
      expect(r!.status).toBe('pass');
    });
  }
  for (const n of notExecuted) {
    test.skip(`${n.lane} / ${n.scenario}${n.launch ? ` / ${n.launch}` : ''} — not executed: ${n.reason}`, () => undefined);
  }
});
