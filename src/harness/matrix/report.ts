// The matrix's results as a lane × scenario table (printed) and as JUnit XML (for CI).
import type { CellResult, MatrixRun } from './run.js';
import { LANES } from './lanes.js';
import { SCENARIOS } from './scenarios.js';

function cellMark(results: CellResult[]): string {
  if (results.length === 0) return '?';
  const ran = results.filter((r) => r.status !== 'not-executed');
  const failed = ran.filter((r) => r.status === 'fail').length;
  const skipped = results.length - ran.length;
  if (ran.length === 0) return '-';
  const mark = failed > 0 ? `FAIL${failed}` : `ok${ran.length > 1 ? ran.length : ''}`;
  return skipped > 0 ? `${mark}+-` : mark;
}

export function summary(run: MatrixRun): { cells: number; passed: number; failed: number; notExecuted: number } {
  const r = run.results;
  return {
    cells: r.length,
    passed: r.filter((x) => x.status === 'pass').length,
    failed: r.filter((x) => x.status === 'fail').length,
    notExecuted: r.filter((x) => x.status === 'not-executed').length,
  };
}

/** Rows: lanes; columns: scenarios (numbered, legend below). okN: N cells passed; - : not executed. */
export function resultsTable(run: MatrixRun): string {
  // only the lanes and scenarios this run has results for (a run may pick some)
  const cols = SCENARIOS.filter((s) => run.results.some((r) => r.scenario === s.id)).map((s, i) => ({ key: String(i + 1), id: s.id }));
  const lanes = LANES.filter((l) => run.results.some((r) => r.lane === l.id));
  const laneWidth = Math.max(4, ...lanes.map((l) => l.id.length));
  const width = 7;
  const lines = [`${''.padEnd(laneWidth)} ${cols.map((c) => c.key.padStart(width)).join('')}`];
  for (const lane of lanes) {
    const marks = cols.map((c) => cellMark(run.results.filter((r) => r.lane === lane.id && r.scenario === c.id)).padStart(width));
    lines.push(`${lane.id.padEnd(laneWidth)} ${marks.join('')}`);
  }
  lines.push('', ...cols.map((c) => `${c.key.padStart(3)}  ${c.id}: ${SCENARIOS.find((s) => s.id === c.id)?.title ?? ''}`));
  const s = summary(run);
  lines.push('', `runner ${run.runner}: ${s.cells} cells, ${s.passed} passed, ${s.failed} failed, ${s.notExecuted} not executed; cells ${(run.wallMs / 1000).toFixed(1)} s (setup ${(run.setupMs / 1000).toFixed(1)} s)`);
  const skipped = run.results.filter((r) => r.status === 'not-executed');
  if (skipped.length > 0) {
    // one line per reason: a reason usually covers a whole lane or column
    const byReason = new Map<string, string[]>();
    for (const r of skipped) byReason.set(r.problems.join('; '), [...(byReason.get(r.problems.join('; ')) ?? []), `${r.lane} / ${r.scenario}`]);
    lines.push('', 'not executed:');
    for (const [why, ids] of byReason) lines.push(`  ${ids.length === 1 ? ids[0] : `${ids.length} cells (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''})`}: ${why}`);
  }
  const failed = run.results.filter((r) => r.status === 'fail');
  if (failed.length > 0) lines.push('', 'failed:', ...failed.map((r) => `  ${r.id}: ${r.problems.join('; ')}`));
  return lines.join('\n');
}

function xml(s: string): string {
  // Control characters are not allowed in XML 1.0, whatever the escaping.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '?').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function testsuite(name: string, prefix: string, run: MatrixRun): string[] {
  const s = summary(run);
  const cases = run.results.map((r) => {
    const open = `    <testcase classname="${xml(prefix)}.${xml(r.lane)}" name="${xml(`${r.scenario}${r.launch ? ` / ${r.launch}` : ''}`)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
    if (r.status === 'pass') return `${open}/>`;
    if (r.status === 'not-executed') return `${open}>\n      <skipped message="${xml(`not executed: ${r.problems.join('; ')}`)}"/>\n    </testcase>`;
    return `${open}>\n      <failure message="${xml(r.problems.join('; '))}">${xml(r.transcript ?? '')}</failure>\n    </testcase>`;
  });
  return [`  <testsuite name="${xml(name)} (${xml(run.runner)})" tests="${s.cells}" failures="${s.failed}" skipped="${s.notExecuted}" time="${(run.wallMs / 1000).toFixed(3)}">`, ...cases, '  </testsuite>'];
}

/** One <testsuite> per profile tested (classname <profile>.<lane>). */
export function junitXmlSuites(runs: { name: string; run: MatrixRun }[]): string {
  const all = runs.map(({ run }) => summary(run));
  const total = (k: 'cells' | 'failed' | 'notExecuted') => all.reduce((n, s) => n + s[k], 0);
  const time = runs.reduce((n, { run }) => n + run.wallMs, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ccenv matrix" tests="${total('cells')}" failures="${total('failed')}" skipped="${total('notExecuted')}" time="${(time / 1000).toFixed(3)}">`,
    ...runs.flatMap(({ name, run }) => testsuite(name, name, run)),
    '</testsuites>',
    '',
  ].join('\n');
}

export function junitXml(run: MatrixRun): string {
  return junitXmlSuites([{ name: 'matrix', run }]);
}
