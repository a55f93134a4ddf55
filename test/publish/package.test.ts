// The ccenv package as a user gets it: `npm pack` of a copy of this work tree (so prepack compiles
// there, not into the out/ other tests run from), its file list held to what the commands load,
// installed with `npm install -g --prefix` and run from that prefix in an empty folder, HOME empty.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync as mkdtempFs, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { execa, execaSync } from 'execa';
import { REPO_ROOT, repoPath } from '../../src/paths.js';

/** Folders the commands read whole at run time (templates, profiles, catalogs, the grammar, Wine sources). */
const DATA_DIRS = ['templates', 'profiles', 'messages', 'vendor/tree-sitter-powershell', 'src/harness/wine/shims', 'src/harness/wine/console-probe', 'src/harness/wine/powershell-host'];
/** The compiled programs: the CLI, and the sandbox's scenario runner that `ccenv test` bundles. */
const ENTRY_POINTS = ['out/src/cli/main.js', 'out/src/harness/scenario-main.js'];

let stage: string; // the work tree's copy that was packed
let files: string[];
let packedSize: number;
let prefix: string;
let installLog: string;
const temporary: string[] = [];

/** A temporary folder, removed after the file's tests (the prefix alone is ~30 MB). */
function mkdtempSync(prefix: string): string {
  const dir = mkdtempFs(prefix);
  temporary.push(dir);
  return dir;
}

afterAll(() => {
  for (const d of temporary) rmSync(d, { recursive: true, force: true });
});

function git(args: string[]): string[] {
  return execaSync('git', args, { cwd: REPO_ROOT, stdin: 'ignore' }).stdout.split('\0').filter(Boolean);
}

/** Every file below `dir` (relative to `root`), as npm lists them. */
function filesUnder(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(root, `${dir}/${e.name}`) : [`${dir}/${e.name}`],
  );
}

/** The files esbuild reads to bundle `entries` in `root` (packages left external). */
async function moduleInputs(root: string, entries: string[], format: 'esm' | 'iife'): Promise<string[]> {
  const r = await build({ absWorkingDir: root, entryPoints: entries, bundle: true, platform: 'node', format, packages: 'external', write: false, metafile: true, logLevel: 'error', outdir: 'unused' });
  return Object.keys(r.metafile.inputs);
}

/** What the tarball must hold, no more: the compiled modules the entry points reach, the TypeScript
 * the configure bundle is built from at `ccenv build` time, the data folders, package.json, README, LICENSE. */
async function expectedFiles(root: string): Promise<string[]> {
  const compiled = await moduleInputs(root, ENTRY_POINTS, 'esm');
  const configureSources = await moduleInputs(root, ['src/configure/main.ts'], 'iife');
  return [...new Set([...compiled, ...configureSources, ...DATA_DIRS.flatMap((d) => filesUnder(root, d)), 'package.json', 'README.md', 'LICENSE'])].sort();
}

beforeAll(async () => {
  stage = mkdtempSync(path.join(tmpdir(), 'ccenv-stage-'));
  // tracked and untracked-but-not-ignored files: the tree as it would be committed
  for (const f of git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'])) {
    if (!existsSync(repoPath(f))) continue; // deleted, not yet committed
    mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
    cpSync(repoPath(f), path.join(stage, f));
  }
  symlinkSync(repoPath('node_modules'), path.join(stage, 'node_modules'));
  const packDir = mkdtempSync(path.join(tmpdir(), 'ccenv-pack-'));
  const packed = await execa('npm', ['pack', '--json', '--pack-destination', packDir, '--loglevel=error'], { cwd: stage, stdin: 'ignore' });
  const info = (JSON.parse(packed.stdout) as { filename: string; size: number; files: { path: string }[] }[])[0]!;
  files = info.files.map((f) => f.path).sort();
  packedSize = info.size;
  prefix = mkdtempSync(path.join(tmpdir(), 'ccenv-prefix-'));
  // the host's npm settings (registry, proxy, cache) as a user's own install would use them
  const installed = await execa('npm', ['install', '-g', '--prefix', prefix, path.join(packDir, info.filename), '--no-audit', '--no-fund'], { cwd: packDir, stdin: 'ignore', all: true });
  installLog = installed.all ?? '';
}, 600_000);

/** `ccenv …` from the installed prefix, in `cwd`, with an empty HOME (so an empty ccenv cache). */
function ccenv(args: string[], cwd: string, home: string) {
  return execa(path.join(prefix, 'bin', 'ccenv'), args, {
    cwd,
    stdin: 'ignore',
    reject: false,
    extendEnv: false,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' },
  });
}

describe('npm pack: the tarball', () => {
  test('holds exactly what the commands load: no tests, no harness-only modules, no other TypeScript', async () => {
    const expected = await expectedFiles(stage);
    expect({ missing: expected.filter((f) => !files.includes(f)), extra: files.filter((f) => !expected.includes(f)) }).toEqual({ missing: [], extra: [] });
    // the cases the issue named, spelled out
    expect(files.filter((f) => /^(test|dist|docs|bench|scripts|\.github)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /^src\/harness\/.*\.ts$/.test(f) || /^out\/src\/harness\/(prepare-main|local-package|shells)\.js$/.test(f))).toEqual([]);
    for (const f of ['out/src/cli/main.js', 'out/src/harness/matrix/session.js', 'src/configure/main.ts', 'src/contract.ts', 'templates/install.sh.hbs', 'profiles/zhipu.yaml', 'messages/configure.yaml', 'vendor/tree-sitter-powershell/tree-sitter-powershell.wasm']) {
      expect(files, f).toContain(f);
    }
    expect(packedSize).toBeLessThan(1_000_000);
  });

  test('installs without any dependency install script but esbuild’s (whose binary comes as @esbuild/<platform>)', () => {
    const root = path.join(prefix, 'lib', 'node_modules', 'ccenv', 'node_modules');
    const withScripts = readdirSync(root)
      .flatMap((d) => (d.startsWith('@') ? readdirSync(path.join(root, d)).map((n) => `${d}/${n}`) : [d]))
      .filter((name) => {
        const dir = path.join(root, name);
        if (!lstatSync(dir).isDirectory() || !existsSync(path.join(dir, 'package.json'))) return false;
        const { scripts = {} } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
        // binding.gyp: npm runs `node-gyp rebuild` for it when no install script is given
        return ['preinstall', 'install', 'postinstall'].some((s) => s in scripts) || existsSync(path.join(dir, 'binding.gyp'));
      });
    expect(withScripts, installLog).toEqual(['esbuild']);
    expect(readdirSync(path.join(root, '@esbuild'))).toEqual([`${process.platform}-${process.arch}`]);
  });
});

describe('the installed ccenv, in an empty folder with an empty HOME', () => {
  test('list, validate, init --yes, build --profile zhipu: the same installers as this repository builds', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'ccenv-user-'));
    const home = path.join(work, 'home');
    const cwd = path.join(work, 'project');
    mkdirSync(home);
    mkdirSync(cwd);

    const list = await ccenv(['list', '--json'], cwd, home);
    expect(list.exitCode, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((p) => p.id).sort()).toEqual(
      readdirSync(repoPath('profiles')).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort(),
    );

    const init = await ccenv(['init', '--yes', '--id', 'acme', '--extends', 'zhipu', '--name-en', 'Acme AI', '--name-zh', '艾克米'], cwd, home);
    expect(init.exitCode, `${init.stdout}\n${init.stderr}`).toBe(0);
    const validate = await ccenv(['validate', 'acme.yaml'], cwd, home);
    expect(validate.exitCode, `${validate.stdout}\n${validate.stderr}`).toBe(0);

    // as the repository builds its dist/ (no v<version>/ copies), so the two trees compare
    const built = await ccenv(['build', '--profile', 'zhipu', '--out', 'dist', '--no-versioned'], cwd, home);
    expect(built.exitCode, `${built.stdout}\n${built.stderr}`).toBe(0);
    expect(built.stdout).toContain('shellcheck: 1 file(s) clean');
    for (const f of ['install.sh', 'install.ps1', 'install.cmd', 'manifest.json', 'index.html']) {
      expect(readFileSync(path.join(cwd, 'dist', 'zhipu', f), 'utf8'), f).toBe(readFileSync(repoPath('dist', 'zhipu', f), 'utf8'));
    }
    // the configure bundle was built by the installed esbuild, into the empty HOME's cache
    expect(readdirSync(path.join(home, '.cache', 'ccenv', 'configure-bundle')).length).toBe(1);
  }, 300_000);

  test('it reads its own files, not this repository’s', async () => {
    const paths = path.join(prefix, 'lib', 'node_modules', 'ccenv', 'out', 'src', 'paths.js');
    const r = await execa('node', ['--input-type=module', '-e', `import(${JSON.stringify(paths)}).then((m) => console.log(m.REPO_ROOT))`], { stdin: 'ignore' });
    expect(r.stdout.trim()).toBe(path.join(prefix, 'lib', 'node_modules', 'ccenv'));
  });
});
