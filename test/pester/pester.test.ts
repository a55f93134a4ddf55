// Runs the Pester suite for install.ps1 where PowerShell exists. There is none on ccenv's CI
// machine, so there this is reported as skipped — not executed, never as passed.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { repoPath } from '../../src/paths.js';

function findPwsh(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of ['pwsh', 'pwsh.exe']) {
      const p = path.join(dir, name);
      if (dir && existsSync(p)) return p;
    }
  }
  return undefined;
}

const pwsh = findPwsh();

describe('Pester suite (test/pester/install.Tests.ps1)', () => {
  test.skipIf(!pwsh || process.platform !== 'win32')('runs on Windows with pwsh (elsewhere: skipped, not executed)', async () => {
    const r = await execa(pwsh as string, ['-NoProfile', '-Command', `Invoke-Pester -Path '${repoPath('test', 'pester')}' -CI`], { reject: false });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
  }, 900_000);
});
