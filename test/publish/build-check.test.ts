// `ccenv build --check` on a copy of the repository: fresh passes, a template or profile edit fails,
// and a shellcheck finding stops the build before anything is written. A template edit changes every
// built-in's install.sh, which shellcheck has not seen (~1 s of CPU per file and dialect, 4 per file): the
// freshness cycle builds with --no-lint (the gate is not what it proves), the finding one profile.
import { beforeAll, describe, expect, test } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../src/paths.js';

let copy: string;

/** `ccenv build …` as `make build` runs it: the repository's dist/ is the development tree (no v<version>/). */
async function ccenv(...args: string[]) {
  return execa('node', ['out/src/cli/main.js', ...args, '--no-versioned'], { cwd: copy, reject: false, stdin: 'ignore' });
}

beforeAll(async () => {
  copy = mkdtempSync(path.join(tmpdir(), 'ccenv-repo-'));
  // vendor/: prebuilt parts the gates load at run time (the PowerShell grammar), when the checkout has them
  for (const entry of ['package.json', 'tsconfig.json', 'src', 'templates', 'profiles', 'messages', 'dist', 'vendor']) {
    if (existsSync(path.join(REPO_ROOT, entry))) cpSync(path.join(REPO_ROOT, entry), path.join(copy, entry), { recursive: true });
  }
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  await execa(path.join(copy, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: copy });
}, 120_000);

describe('ccenv build --check', () => {
  test('passes on the committed dist/', async () => {
    const r = await ccenv('build', '--check');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/dist\/ is fresh/);
  }, 300_000);

  test('fails after a template edit, and build makes it fresh again', async () => {
    const tpl = path.join(copy, 'templates', 'install.sh.hbs');
    const original = readFileSync(tpl, 'utf8');
    writeFileSync(tpl, original.replace('main() {\n', 'main() {\n    # a reviewer-visible change\n'));
    const stale = await ccenv('build', '--check', '--no-lint');
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain('stale: dist/zhipu/install.sh');
    const built = await ccenv('build', '--no-lint');
    expect(built.exitCode).toBe(0);
    expect(readFileSync(path.join(copy, 'dist', 'zhipu', 'install.sh'), 'utf8')).toContain('# a reviewer-visible change');
    expect((await ccenv('build', '--check', '--no-lint')).exitCode).toBe(0);
    writeFileSync(tpl, original);
    expect((await ccenv('build')).exitCode).toBe(0);
  }, 300_000);

  test('fails after a profile edit', async () => {
    const file = path.join(copy, 'profiles', 'zhipu.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"3000000"', '"3000001"'));
    const r = await ccenv('build', '--check');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('stale: dist/zhipu/install.sh');
    writeFileSync(file, original);
  }, 300_000);

  test('an invalid profile exits 2 naming the file and field', async () => {
    const bad = path.join(copy, 'bad.yaml');
    writeFileSync(bad, 'id: bad\nname: { en: B, zh: 乙 }\nbaseUrl: http://x.example/anthropic\nkeyUrl: https://x.example\n');
    const r = await ccenv('build', '--profile', bad, '--out', path.join(copy, 'out-bad'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${bad}: baseUrl: must be an https:// URL`);
  });

  test('a shellcheck finding fails the build and writes nothing', async () => {
    const tpl = path.join(copy, 'templates', 'install.sh.hbs');
    const original = readFileSync(tpl, 'utf8');
    writeFileSync(tpl, original.replace('main() {\n', 'main() {\n    echo $HOME\n'));
    const before = readFileSync(path.join(copy, 'dist', 'zhipu', 'install.sh'), 'utf8');
    const r = await ccenv('build', '--profile', 'zhipu');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/install\.sh:\d+:\d+: info SC2086/);
    expect(readFileSync(path.join(copy, 'dist', 'zhipu', 'install.sh'), 'utf8')).toBe(before);
    writeFileSync(tpl, original);
  }, 300_000);
});
