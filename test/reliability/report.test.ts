// docs/reliability.md is rendered from records: totals add up, failures stand out, cells stay cells.
import { expect, test } from 'vitest';
import { renderReport, totalsOf } from './report.js';
import type { CaseRecord } from './records.js';

const pass: CaseRecord = {
  area: 'files',
  title: 'a trailing comma',
  target: 'install.sh under dash',
  expected: { exit: 4, files: 'settings.json unchanged' },
  observed: { exit: 4, files: 'settings.json unchanged' },
  lostBytes: 0,
  detail: 'not valid JSON | line 3',
  passed: true,
};
const fail: CaseRecord = { ...pass, area: 'faults', title: 'killed at write 3', expected: { exit: null, files: 'old or new' }, observed: { exit: null, files: 'damaged' }, lostBytes: 812, passed: false };
const broke: CaseRecord = { ...pass, area: 'environment', title: 'threw', observed: null, passed: false, error: 'timed out' };

test('totals count cases, passes and bytes lost', () => {
  expect(totalsOf([pass, fail, broke])).toEqual({ tried: 3, passed: 1, failed: 2, lostBytes: 812 });
});

test('the report has the totals row, a section per area, failures marked, pipes escaped', () => {
  const md = renderReport([pass, fail, broke]);
  expect(md).toContain('| 3 | 1 | 2 | 812 |');
  expect(md).toContain('## Files');
  expect(md).toContain('## Faults');
  expect(md).toContain('| killed at write 3 | install.sh under dash | exit killed; old or new | exit killed; damaged | 812 | **FAIL** |');
  expect(md).toContain('not valid JSON \\| line 3');
  expect(md).toContain('error: timed out');
  expect(md.indexOf('## Files')).toBeLessThan(md.indexOf('## Environment'));
});

test('the same records give the same bytes: no date or machine in the text (make test rewrites a tracked file)', () => {
  expect(renderReport([pass, fail])).toBe(renderReport([pass, fail]));
  expect(renderReport([pass])).not.toMatch(/\b20\d\d-\d\d-\d\d\b|CPUs|Node v/);
});
