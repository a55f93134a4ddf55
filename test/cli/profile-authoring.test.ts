// A provider's first hour with the CLI: its own acme.yaml in the current folder, named as `acme`,
// a timeout written as a YAML number, one syntax error reported once, its files in `ccenv list`.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../src/paths.js';

const CLI = path.join(REPO_ROOT, 'out', 'src', 'cli', 'main.js');

const ACME = `id: acme
name: { en: Acme AI, zh: 艾克米 }
baseUrl: https://api.acme.example/anthropic
keyUrl: https://acme.example/keys
env:
  API_TIMEOUT_MS: 3000000
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: 1
`;

/** A fresh folder holding these files, as a provider's working folder. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-authoring-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const ccenv = (cwd: string, ...args: string[]) => execa('node', [CLI, ...args], { cwd, reject: false, stdin: 'ignore', env: { CCENV_DEBUG: '' } });

describe('a bare name finds ./<name>.yaml in the current folder', () => {
  test('validate, list and build take `acme` for ./acme.yaml and say which file they used', async () => {
    const dir = folder({ 'acme.yaml': ACME });
    const v = await ccenv(dir, 'validate', 'acme');
    expect(v.exitCode, v.stderr).toBe(0);
    expect(v.stdout).toBe('acme: valid profile "acme" (https://api.acme.example/anthropic)');
    expect(v.stderr).toBe('acme: using ./acme.yaml');

    const l = await ccenv(dir, 'list', '--json', '--profile', 'acme');
    expect(l.exitCode, l.stderr).toBe(0);
    expect(JSON.parse(l.stdout).map((s: { id: string }) => s.id)).toEqual(['acme']);

    const b = await ccenv(dir, 'build', '--profile', 'acme', '--out', 'dist', '--no-lint', '--no-versioned');
    expect(b.exitCode, b.stderr).toBe(0);
    expect(b.stderr).toBe('acme: using ./acme.yaml');
    // the number is stored as the string settings.json's env needs
    expect(readFileSync(path.join(dir, 'dist', 'acme', 'install.sh'), 'utf8')).toContain('"API_TIMEOUT_MS":"3000000"');
  });

  test('.yml works too; both present is ambiguous and names both', async () => {
    const yml = folder({ 'acme.yml': ACME });
    expect((await ccenv(yml, 'validate', 'acme')).stderr).toBe('acme: using ./acme.yml');
    const both = await ccenv(folder({ 'acme.yml': ACME, 'acme.yaml': ACME }), 'validate', 'acme');
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toBe('profile "acme": both ./acme.yaml and ./acme.yml exist; name the one to use');
  });

  test('an unknown name says what was tried: the built-in ids and both local file names', async () => {
    const dir = folder({});
    const r = await ccenv(dir, 'build', '--profile', 'acme', '--no-lint');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^unknown profile "acme"; built-in profiles: .*zhipu; no \.\/acme\.yaml or \.\/acme\.yml in /);
    expect(r.stderr).toContain(dir);
  });

  test('a built-in id wins over a local file of the same name, with a note naming how to pick the file', async () => {
    const dir = folder({ 'zhipu.yaml': ACME.replace('id: acme', 'id: zhipu') });
    const r = await ccenv(dir, 'validate', 'zhipu');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('zhipu: valid profile "zhipu" (https://open.bigmodel.cn/api/anthropic)');
    expect(r.stderr).toBe('zhipu: using the built-in profile, not ./zhipu.yaml (write ./zhipu.yaml to use that file)');
    const local = await ccenv(dir, 'validate', './zhipu.yaml');
    expect(local.stdout).toContain('(https://api.acme.example/anthropic)');
    // listing the built-ins is not shadowed either, and says nothing about the local file
    const list = await ccenv(dir, 'list', '--json');
    expect(list.stderr).toBe('');
    expect(JSON.parse(list.stdout).find((s: { id: string }) => s.id === 'zhipu').baseUrl).toBe('https://open.bigmodel.cn/api/anthropic');
  });
});

describe('one YAML syntax error, one message', () => {
  test('the first error only, as file:line:column, and no schema check of the broken parse', async () => {
    // a mis-indented key, then an unclosed quote: the parser reports three errors, we say one
    const text = ACME.replace('  zh: 艾克米', '').replace('name: { en: Acme AI, zh: 艾克米 }', 'name:\n  en: Acme AI\n    zh: 艾克米').replace('keyUrl: https://acme.example/keys', 'keyUrl: "https://acme.example/keys');
    const dir = folder({ 'acme.yaml': text });
    const r = await ccenv(dir, 'validate', 'acme.yaml');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('acme.yaml:3:7: Nested mappings are not allowed in compact mappings');
  });

  test('a duplicate key is reported where the second one is', async () => {
    const r = await ccenv(folder({ 'acme.yaml': `${ACME}id: acme\n` }), 'validate', 'acme.yaml');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('acme.yaml:8:1: Map keys must be unique');
  });
});

describe('ccenv list names a provider\'s own files', () => {
  test('--profile ones, then positional paths, in the same table as the built-ins', async () => {
    const dir = folder({ 'acme.yaml': ACME, 'corp.yaml': 'id: corp\nextends: zhipu\nname: { en: Corp GLM, zh: 公司 }\n' });
    const r = await ccenv(dir, 'list', 'corp.yaml', '--profile', 'acme', '--profile', 'deepseek');
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = r.stdout.split('\n');
    expect(rows[0]).toMatch(/^ID\s+REGION\s+BASE URL\s+MODELS\s+MCP\s+NAME\s+CAVEATS$/);
    expect(rows.slice(1).map((row) => row.split(/\s+/).slice(0, 3))).toEqual([
      ['acme', 'global', 'https://api.acme.example/anthropic'],
      ['deepseek', 'global', 'https://api.deepseek.com/anthropic'],
      ['corp', 'cn', 'https://open.bigmodel.cn/api/anthropic'],
    ]);
  });

  test('a broken file is exit 2 naming its field', async () => {
    const r = await ccenv(folder({ 'acme.yaml': ACME.replace('https://api', 'http://api') }), 'list', './acme.yaml');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('./acme.yaml: baseUrl: must be an https:// URL');
  });
});

test('ccenv validate with no profile is a usage error: one usage line, exit 2', async () => {
  const r = await ccenv(REPO_ROOT, 'validate');
  expect(r.exitCode).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n')[1]).toMatch(/^Usage: ccenv validate <profiles\.\.> /);
});

describe('validate names the facts to re-check, and still passes', () => {
  test('a fact checked long ago and one never checked: two warnings on stderr, exit 0', async () => {
    const dir = folder({
      'acme.yaml': `${ACME}provenance:\n  baseUrl: { source: https://acme.example/docs/claude-code, checked: 2020-01-01 }\n  keyUrl: { source: https://acme.example/keys-help }\n`,
    });
    const v = await ccenv(dir, 'validate', './acme.yaml');
    expect(v.exitCode, v.stderr).toBe(0);
    expect(v.stdout).toBe('./acme.yaml: valid profile "acme" (https://api.acme.example/anthropic)');
    const lines = v.stderr.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^acme\.yaml: provenance\.baseUrl checked 2020-01-01 \(\d{4,} days ago\): re-check https:\/\/acme\.example\/docs\/claude-code$/);
    expect(lines[1]).toBe('acme.yaml: provenance.keyUrl has no checked date (never checked): re-check https://acme.example/keys-help');
    // a limit longer than the fact's age silences the dated one; the undated one stays
    const wide = await ccenv(dir, 'validate', './acme.yaml', '--max-fact-age', '100000');
    expect(wide.stderr).toBe(lines[1]);
    const bad = await ccenv(dir, 'validate', './acme.yaml', '--max-fact-age', '-1');
    expect(bad.exitCode).toBe(2);
  });
});
