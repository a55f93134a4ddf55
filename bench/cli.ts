// Figure 6: how soon `ccenv` answers, each new process against its floor, a bare `node -e ''`
// (interleaved, so both see the same load): `ccenv --help` (goal ≤ 4× the floor), `ccenv --version`,
// and `ccenv build --no-lint` of every built-in profile × 3 targets (goal < 1 s), with the configure
// bundle kept in the cache (as every build after the first) and with an empty cache (esbuild runs).
// Also what each loads: modules counted by a module-load hook in an untimed run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { repoPath } from '../src/paths.js';
import { builtinProfileIds } from '../src/profile/load.js';
import { TARGET_IDS } from '../src/render/targets.js';
import { interleaved, median, ratio } from './stats.js';

export interface Loads {
  /** ES modules and CommonJS entry points loaded (node: built-ins not counted). */
  modules: number;
  /** npm packages among them, by name. */
  packages: string[];
  /** ccenv's own folders among them (out/src/<folder>). */
  folders: string[];
}

export interface CliFigure {
  runs: number;
  profiles: number;
  targets: number;
  /** The floor: `node -e ''`, median. */
  nodeStartMs: number;
  helpMs: number;
  helpRatio: number;
  goalHelpRatio: number;
  versionMs: number;
  /** `ccenv build --no-lint`, configure bundle from the cache. */
  buildMs: number;
  /** The same with an empty ccenv cache: esbuild bundles the configure program first. */
  buildColdBundleMs: number;
  goalBuildMs: number;
  loads: { help: Loads; build: Loads };
}

const CLI = repoPath('out', 'src', 'cli', 'main.js');

/** Files for `node --import <register>`: a load hook appending every module URL to $CCENV_LOADED_LOG. */
function loadHook(dir: string): string {
  const hooks = path.join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    "import { appendFileSync } from 'node:fs';\n" +
      'export async function load(url, context, next) {\n' +
      "  if (!url.startsWith('node:')) appendFileSync(process.env.CCENV_LOADED_LOG, url + '\\n');\n" +
      '  return next(url, context);\n' +
      '}\n',
  );
  const register = path.join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  return register;
}

function summarize(urls: string[]): Loads {
  const packages = new Set<string>();
  const folders = new Set<string>();
  for (const url of new Set(urls)) {
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (pkg) packages.add(pkg[1] as string);
    const own = /\/out\/src\/([^/]+)\//.exec(url);
    if (own) folders.add(own[1] as string);
  }
  return { modules: new Set(urls).size, packages: [...packages].sort(), folders: [...folders].sort() };
}

async function loadsOf(args: string[], work: string, register: string): Promise<Loads> {
  const log = path.join(work, `loaded-${args[0]}.log`);
  writeFileSync(log, '');
  await execa(process.execPath, ['--import', register, CLI, ...args], { stdin: 'ignore', env: { CCENV_LOADED_LOG: log } });
  return summarize(readFileSync(log, 'utf8').split('\n').filter(Boolean));
}

export async function benchCli(opts: { runs?: number } = {}): Promise<CliFigure> {
  const runs = opts.runs ?? 10;
  const work = mkdtempSync(path.join(tmpdir(), 'ccenv-bench-cli-'));
  try {
    const out = path.join(work, 'dist');
    const build = ['build', '--out', out, '--no-versioned', '--no-lint'];
    const run = (args: string[], env: Record<string, string> = {}) => execa(process.execPath, args, { stdin: 'ignore', env });
    await run([CLI, ...build]); // untimed: fills the output folder and the cached bundle, as a first build does
    let coldCache = '';
    const times = await interleaved(
      runs,
      {
        node: () => run(['-e', '']),
        help: () => run([CLI, '--help']),
        version: () => run([CLI, '--version']),
        build: () => run([CLI, ...build]),
        buildColdBundle: () => run([CLI, ...build], { CCENV_CACHE_DIR: coldCache }),
      },
      (k) => {
        if (k === 'buildColdBundle') coldCache = mkdtempSync(path.join(work, 'cache-'));
      },
    );
    const register = loadHook(work);
    const nodeStartMs = median(times.node);
    const helpMs = median(times.help);
    return {
      runs,
      profiles: builtinProfileIds().length,
      targets: TARGET_IDS.length,
      nodeStartMs,
      helpMs,
      helpRatio: ratio(helpMs, nodeStartMs),
      goalHelpRatio: 4,
      versionMs: median(times.version),
      buildMs: median(times.build),
      buildColdBundleMs: median(times.buildColdBundle),
      goalBuildMs: 1000,
      loads: { help: await loadsOf(['--help'], work, register), build: await loadsOf(build, work, register) },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// `node out/bench/cli.js`: figure 6 alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchCli(), null, 2));
}
