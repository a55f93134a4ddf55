// vitest globalSetup: when the run ends, writes the reliability report from the records its cases
// left, to the file RELIABILITY_REPORT names (make reliability: docs/reliability.md; make test:
// .cache/reliability.md, so a test run never rewrites the tracked record). Unset: writes nothing,
// so a targeted run leaves both files alone.
import path from 'node:path';
import { writeReport } from './report.js';

export function teardown(): void {
  const target = process.env.RELIABILITY_REPORT;
  if (!target) return;
  const file = path.resolve(target);
  const t = writeReport(file);
  console.log(`${path.relative(process.cwd(), file)}: ${t.tried} cases, ${t.passed} passed, ${t.failed} failed, ${t.lostBytes} bytes of prior config lost`);
  if (t.tried === 0) {
    console.error('no reliability records found: the run had no reliability case (make reliability runs them)');
    process.exitCode = 1; // vitest logs a teardown's throw but still exits 0
  }
}
