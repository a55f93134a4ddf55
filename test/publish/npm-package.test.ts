// The ccenv package itself: `npm pack` (of the compiled out/), installed from the tarball into an empty
// folder outside the repository, builds a profile with its own templates, profiles and catalog.
import { beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT, repoPath } from '../../src/paths.js';

let app: string;
let files: string[];

beforeAll(async () => {
  const packDir = mkdtempSync(path.join(tmpdir(), 'ccenv-pack-'));
  // out/ is compiled by `make test` before the suite (prepack would run the same tsc, racing the
  // tests that run the CLI from out/ meanwhile)
  const packed = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir, '--json', '--silent'], { cwd: REPO_ROOT, stdin: 'ignore' });
  const info = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  files = info[0]!.files.map((f) => f.path);
  app = mkdtempSync(path.join(tmpdir(), 'ccenv-app-'));
  writeFileSync(path.join(app, 'package.json'), '{ "name": "platform-team", "private": true }\n');
  await execa('npm', ['install', path.join(packDir, info[0]!.filename), '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, stdin: 'ignore' });
}, 600_000);

describe('npm pack → npm install → npx ccenv', () => {
  test('the tarball holds the compiled CLI, templates, profiles, schema and catalog; no tests, no dist/', () => {
    for (const f of ['out/src/cli/main.js', 'templates/install.sh.hbs', 'templates/landing.html.hbs', 'profiles/zhipu.yaml', 'profiles/profile.schema.json', 'messages/configure.yaml', 'src/configure/main.ts', 'package.json']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(test|dist|\.cache)\//.test(f))).toEqual([]);
  });

  test('npx ccenv build --profile zhipu in the empty folder: the same installers as this repository builds', async () => {
    // as the repository builds its dist/ (no v<version>/ copies), so the two trees compare
    const r = await execa('npx', ['--no-install', 'ccenv', 'build', '--profile', 'zhipu', '--out', 'dist', '--no-versioned'], { cwd: app, reject: false, stdin: 'ignore' });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('shellcheck: 1 file(s) clean');
    for (const f of ['install.sh', 'install.ps1', 'install.cmd', 'manifest.json', 'index.html']) {
      expect(readFileSync(path.join(app, 'dist', 'zhipu', f), 'utf8'), f).toBe(readFileSync(repoPath('dist', 'zhipu', f), 'utf8'));
    }
    // it read its own files, not this repository's
    const root = await execa('node', ['-e', "import('ccenv/out/src/paths.js').then((m) => console.log(m.REPO_ROOT))"], { cwd: app });
    expect(root.stdout.trim()).toBe(path.join(app, 'node_modules', 'ccenv'));
    const list = await execa('npx', ['--no-install', 'ccenv', 'list', '--json'], { cwd: app });
    expect((JSON.parse(list.stdout) as unknown[]).length).toBe(11);
  }, 300_000);
});
