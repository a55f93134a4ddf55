// The PowerShell gate (no pwsh here): it passes valid scripts and catches each broken sample of the
// corpus with the right rule — proof it fails on real errors, not only that it runs.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkPowerShell, formatPsFinding } from '../../src/lint/powershell.js';

const corpus = path.join(import.meta.dirname, '..', 'fixtures', 'powershell-lint');
const load = (dir: string) =>
  readdirSync(path.join(corpus, dir))
    .sort()
    .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(path.join(corpus, dir, f), 'utf8') }));

/** The rule each broken sample must trip. */
const EXPECTED: Record<string, string> = {
  'broken/dangling-operator.ps1': 'syntax',
  'broken/else-if.ps1': 'syntax',
  'broken/exit-outside.ps1': 'exit',
  'broken/expand-archive.ps1': 'expand-archive',
  'broken/invoke-expression.ps1': 'iex',
  'broken/missing-paren.ps1': 'syntax',
  'broken/non-ascii.ps1': 'ascii',
  'broken/setx.ps1': 'setx',
  'broken/unclosed-brace.ps1': 'syntax',
  'broken/unclosed-hashtable.ps1': 'syntax',
  'broken/unclosed-string.ps1': 'syntax',
};

describe('PowerShell gate', () => {
  test('valid samples pass', async () => {
    const findings = await checkPowerShell(load('valid'));
    expect(findings.map(formatPsFinding)).toEqual([]);
  });

  test('every broken sample fails, with the rule it breaks', async () => {
    const broken = load('broken');
    expect(broken.map((f) => f.name)).toEqual(Object.keys(EXPECTED));
    for (const f of broken) {
      const findings = await checkPowerShell([f]);
      expect(findings.map((x) => x.rule), `${f.name}: ${findings.map(formatPsFinding).join('; ')}`).toContain(EXPECTED[f.name]);
    }
  });

  test('a finding names the file, line and column', async () => {
    const [f] = await checkPowerShell([{ name: 'x.ps1', text: '& {\n    Write-Host "ok"\n    Write-Host "\u00e9"\n}\n' }]);
    expect(f).toMatchObject({ file: 'x.ps1', line: 3, column: 17, rule: 'ascii' });
    expect(formatPsFinding(f!)).toBe('x.ps1:3:17: ascii: not printable ASCII: U+00E9');
  });
});
