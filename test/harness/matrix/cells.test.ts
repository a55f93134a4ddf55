// The matrix table itself: no (lane, scenario) pair silently missing, and the report says so.
import { describe, expect, test } from 'vitest';
import { expandMatrix, MATRIX, NOT_EXECUTED } from '../../../src/harness/matrix/cells.js';
import { LANES } from '../../../src/harness/matrix/lanes.js';
import { junitXml, resultsTable } from '../../../src/harness/matrix/report.js';
import type { MatrixRun } from '../../../src/harness/matrix/run.js';
import { SCENARIOS } from '../../../src/harness/matrix/scenarios.js';

describe('matrix table', () => {
  test('every lane × scenario is run or has a reason', () => {
    const { cells, notExecuted } = expandMatrix();
    for (const lane of LANES) {
      for (const s of SCENARIOS) {
        const covered = cells.some((c) => c.lane === lane.id && c.scenario === s.id) || notExecuted.some((n) => n.lane === lane.id && n.scenario === s.id);
        expect(covered, `${lane.id} × ${s.id}`).toBe(true);
      }
    }
    expect(notExecuted.every((n) => n.reason.length > 20)).toBe(true);
    // install.sh's three launch modes, install.ps1's three, and the golden cells are in the table
    expect(new Set(cells.filter((c) => c.scenario === 'fresh' && c.lane !== 'pwsh').map((c) => c.launch))).toEqual(new Set(['pipe', 'file', 'stdin-args']));
    expect(new Set(cells.filter((c) => c.lane === 'pwsh').map((c) => c.launch))).toEqual(new Set(['iex', 'scriptblock', 'file']));
    expect(cells.filter((c) => c.golden).map((c) => c.id)).toEqual(['dash / fresh / pipe', 'pwsh / fresh / iex']);
  });

  test('a pair dropped from the table without a reason is refused', () => {
    const rows = MATRIX.map((r) => (r.scenario === 'key-at-pty' ? { ...r, lanes: r.lanes.filter((l) => l !== 'yash') } : r));
    expect(() => expandMatrix(rows, NOT_EXECUTED)).toThrow(/no cell and no reason for yash × key-at-pty/);
  });

  test('the report shows failures and reasons, the JUnit XML counts them', () => {
    const run: MatrixRun = {
      runner: 'bwrap',
      wallMs: 1000,
      setupMs: 0,
      results: [
        { id: 'dash / fresh / pipe', lane: 'dash', scenario: 'fresh', launch: 'pipe', status: 'pass', problems: [], exitCode: 0, durationMs: 10 },
        { id: 'posh / fresh / pipe', lane: 'posh', scenario: 'fresh', launch: 'pipe', status: 'fail', problems: ['exit 2, expected 0'], exitCode: 2, durationMs: 10, transcript: 'x <&> "\u0001"' },
        { id: 'macos / fresh', lane: 'macos', scenario: 'fresh', status: 'not-executed', problems: ['a reason'], exitCode: null, durationMs: 0 },
      ],
    };
    const table = resultsTable(run);
    expect(table).toMatch(/^dash\s+ok/m);
    expect(table).toMatch(/^posh\s+FAIL1/m);
    expect(table).toContain('posh / fresh / pipe: exit 2, expected 0');
    expect(table).toContain('macos / fresh: a reason');
    expect(table).toContain('3 cells, 1 passed, 1 failed, 1 not executed');
    const xml = junitXml(run);
    expect(xml).toContain('tests="3" failures="1" skipped="1"');
    expect(xml).toContain('<skipped message="not executed: a reason"/>');
    expect(xml).toContain('x &lt;&amp;&gt; &quot;?&quot;');
  });
});
