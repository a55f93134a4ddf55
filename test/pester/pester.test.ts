// The Pester suite (test/pester/*.Tests.ps1) under real pwsh with Pester 5.7.1, both from make deps.
// Off Windows the tests tagged WindowsOnly (install.ps1 run by powershell.exe) are excluded; the
// windows workflow runs them. Fails on any failed test, block or file, and when nothing passed.
// Without pwsh or Pester: skipped as "not executed", never passed.
import { mkdirSync } from 'node:fs';
import { expect, test } from 'vitest';
import { findPwsh, NO_PWSH, pesterModulePath, PESTER_VERSION, runPwsh } from '../../src/harness/powershell.js';
import { repoPath } from '../../src/paths.js';

const pwsh = findPwsh();
const pester = pesterModulePath();
const missing = !pwsh ? NO_PWSH : !pester ? `not executed: no Pester ${PESTER_VERSION} (make deps fetches it)` : undefined;
const RESULTS = repoPath('.cache', 'pester', 'pester-junit.xml');

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

const SCRIPT = `
$ErrorActionPreference = 'Stop'
Import-Module ${quote(pester ?? '')}
$c = New-PesterConfiguration
$c.Run.Path = ${quote(repoPath('test', 'pester'))}
$c.Run.PassThru = $true
$c.TestResult.Enabled = $true
$c.TestResult.OutputFormat = 'JUnitXml'
$c.TestResult.OutputPath = ${quote(RESULTS)}
$c.Output.Verbosity = 'Normal'
if (-not $IsWindows) { $c.Filter.ExcludeTag = 'WindowsOnly' }
$r = Invoke-Pester -Configuration $c
'PESTER-COUNTS ' + (@($r.PassedCount, $r.FailedCount, $r.SkippedCount, $r.NotRunCount, $r.FailedBlocksCount, $r.FailedContainersCount) -join ' ')
`;

test.skipIf(missing !== undefined)(`Pester ${PESTER_VERSION} suite test/pester under pwsh${missing ? ` — ${missing}` : ''}`, async () => {
  mkdirSync(repoPath('.cache', 'pester'), { recursive: true });
  const r = await runPwsh(SCRIPT, { pwsh, cwd: repoPath(), timeoutMs: 600_000 });
  const output = `${r.stdout}\n${r.stderr}`;
  const m = /^PESTER-COUNTS (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)\s*$/m.exec(r.stdout);
  expect(m, output).not.toBeNull();
  const [passed, failed, skipped, notRun, failedBlocks, failedFiles] = m!.slice(1).map(Number) as number[];
  console.log(`Pester: ${passed} passed, ${failed} failed, ${skipped} skipped (${notRun} not run by tag; ${failedBlocks} failed blocks, ${failedFiles} failed files; JUnit: ${RESULTS}; ${r.ms} ms)`);
  expect(r.exitCode, output).toBe(0);
  expect({ failed, failedBlocks, failedFiles }, output).toEqual({ failed: 0, failedBlocks: 0, failedFiles: 0 });
  expect(passed, output).toBeGreaterThan(0);
}, 600_000);
