// `ccenv` loads a command's work only when that command runs, and a build reuses the configure
// bundle kept by an earlier process: what the compiled CLI loads, seen by a module-load hook.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../src/paths.js';

const CLI = path.join(REPO_ROOT, 'out', 'src', 'cli', 'main.js');
const work = mkdtempSync(path.join(tmpdir(), 'ccenv-lazy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hooks = path.join(work, 'hooks.mjs');
writeFileSync(
  hooks,
  "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.LOADED_LOG, url + '\\n');\n  return next(url, context);\n}\n",
);
const register = path.join(work, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);

let runs = 0;
/** Runs the CLI; returns the npm packages and ccenv folders (out/src/<folder>) it loaded. */
async function loads(args: string[], env: Record<string, string> = {}): Promise<{ packages: Set<string>; folders: Set<string> }> {
  const log = path.join(work, `loaded-${++runs}.log`);
  writeFileSync(log, '');
  const r = await execa(process.execPath, ['--import', register, CLI, ...args], { stdin: 'ignore', reject: false, env: { ...env, LOADED_LOG: log } });
  expect(r.exitCode, r.stderr).toBe(0);
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const packages = new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));
  const folders = new Set(urls.flatMap((u) => /\/out\/src\/([^/]+)\//.exec(u)?.[1] ?? []));
  return { packages, folders };
}

describe('ccenv loads what a command needs', () => {
  test('--help: yargs and the command definitions only', async () => {
    const { packages, folders } = await loads(['--help']);
    expect(packages).toContain('yargs'); // the hook does see packages
    for (const heavy of ['handlebars', 'esbuild', 'execa', 'zod', 'yaml', 'web-tree-sitter']) expect(packages).not.toContain(heavy);
    expect([...folders].sort()).toEqual(['cli', 'profile']); // profile/regions.js: init's --region choices
  });

  test('build --no-lint: no lint gates nor execa; esbuild only while the bundle is not kept yet', async () => {
    const env = { CCENV_CACHE_DIR: path.join(work, 'cache') }; // empty: the first build bundles
    const args = ['build', '--profile', 'zhipu', '--out', path.join(work, 'dist'), '--no-versioned', '--no-lint'];
    const first = await loads(args, env);
    expect(first.packages).toContain('handlebars');
    expect(first.packages).toContain('esbuild');
    for (const p of ['execa', 'web-tree-sitter']) expect(first.packages).not.toContain(p);
    expect(first.folders).not.toContain('lint');
    const second = await loads(args, env); // a new process: the bundle comes from the cache
    expect(second.packages).toContain('handlebars');
    expect(second.packages).not.toContain('esbuild');
    expect(readFileSync(path.join(work, 'dist', 'zhipu', 'install.sh'), 'utf8')).toContain('ccenvConfigure.main(');
  });
});
