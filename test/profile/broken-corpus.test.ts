// The broken-profile corpus: each file fails `ccenv validate` (the compiled CLI) with exit 2 and a
// message naming its file and the field path written on its first line (`# expect: …`).
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT, repoPath } from '../../src/paths.js';

const DIR = path.join('test', 'fixtures', 'profiles', 'broken');
const files = readdirSync(repoPath(DIR)).filter((f) => f.endsWith('.yaml')).sort();

function expectation(file: string): string {
  const first = readFileSync(repoPath(DIR, file), 'utf8').split('\n')[0]!;
  const m = /^# expect: (.+)$/.exec(first);
  if (!m) throw new Error(`${file}: first line must be "# expect: <path>: <message>"`);
  return m[1]!;
}

describe('broken profiles', () => {
  test('the corpus holds at least ten', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files) {
    test(`${file}: ${expectation(file)}`, async () => {
      const rel = path.join(DIR, file);
      const r = await execa('node', ['out/src/cli/main.js', 'validate', rel], { cwd: REPO_ROOT, reject: false, stdin: 'ignore' });
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`${rel}: ${expectation(file)}`);
    });
  }

  test('valid ones pass: every built-in id and the company fixture, in one call', async () => {
    const r = await execa('node', ['out/src/cli/main.js', 'validate', 'zhipu', 'deepseek', 'test/fixtures/profiles/company.yaml'], { cwd: REPO_ROOT, reject: false, stdin: 'ignore' });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('test/fixtures/profiles/company.yaml: valid profile "company"');
  });
});
