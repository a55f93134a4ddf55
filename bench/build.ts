// Figure 3: `ccenv build` — all built-in profiles × 3 targets, rendered alone (goal < 1 s) and with
// the lint gates (shellcheck in 4 dialects, cached by content: cold with an empty cache, warm with a
// filled one; the PowerShell and cmd gates), and how each grows with 1, 10 and 50 profiles
// (copies of a built-in profile under other ids, in a temporary folder).
// Figure 5: every installer's size, bytes and gzip bytes (what `curl` fetches from a CDN that
// compresses; the PowerShell `irm` and cmd downloads alike).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { checkCmd } from '../src/lint/cmd.js';
import { checkPowerShell } from '../src/lint/powershell.js';
import { shellcheck, type LintFile } from '../src/lint/shellcheck.js';
import { loadCatalog } from '../src/messages/catalog.js';
import { builtinProfileIds, resolveProfile } from '../src/profile/load.js';
import type { Profile } from '../src/profile/schema.js';
import { latestInstallers, renderDistTree } from '../src/publish/dist-tree.js';
import { repoPath } from '../src/paths.js';
import { CCENV_VERSION } from '../src/version.js';
import { median, round, time } from './stats.js';

export interface Stages {
  profiles: number;
  /** Render every target of every profile (in this process, templates compiled): median. */
  renderMs: number;
  /** shellcheck of the sh installers with an empty cache (once: it is the slow part). */
  shellcheckColdMs?: number;
  /** The same files again, every result from the cache: median. */
  shellcheckWarmMs?: number;
  powershellGateMs: number;
  cmdGateMs: number;
}

export interface BuildFigure {
  profiles: number;
  /** `ccenv build` as a user runs it (a new node process, output to a temporary folder): medians. */
  cli: { runs: number; nodeStartMs: number; startupMs: number; renderOnlyMs: number; withLintWarmMs: number; goalRenderMs: number };
  /** The first render in a process: templates compiled, the configure bundle read (esbuild only if its sources changed). */
  firstRenderMs: number;
  stages: Stages;
  growth: Stages[];
  /** Profile counts whose cold shellcheck was left out (slow: ~2 s per file and dialect here). */
  coldLintSkipped: number[];
  sizes: Record<string, { bytes: number; gzipBytes: number }>;
}

const CLI = repoPath('out', 'src', 'cli', 'main.js');

/** Runs `fn` with the shellcheck cache (and every other harness cache) in `dir`. */
async function withCacheDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env['CCENV_CACHE_DIR'];
  process.env['CCENV_CACHE_DIR'] = dir;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env['CCENV_CACHE_DIR'];
    else process.env['CCENV_CACHE_DIR'] = before;
  }
}

async function stagesFor(profiles: Profile[], work: string, opts: { cold: boolean; runs: number }): Promise<Stages> {
  const catalog = loadCatalog();
  const renders: number[] = [];
  let tree!: Awaited<ReturnType<typeof renderDistTree>>;
  for (let i = 0; i < opts.runs; i++) renders.push(await time(async () => (tree = await renderDistTree(profiles, catalog, CCENV_VERSION, { versioned: false }))));
  const files = (ext: string): LintFile[] => latestInstallers(tree, ext).map(({ rel, text }) => ({ name: rel, text }));
  const sh = files('.sh');
  const ps = files('.ps1');
  const cmd = files('.cmd');
  const stages: Stages = {
    profiles: profiles.length,
    renderMs: median(renders),
    powershellGateMs: median([await time(() => checkPowerShell(ps)), await time(() => checkPowerShell(ps))]),
    cmdGateMs: median([await time(() => checkCmd(cmd)), await time(() => checkCmd(cmd)), await time(() => checkCmd(cmd))]),
  };
  if (opts.cold) {
    // an empty cache of our own: cold, and the user's cache is neither used nor filled
    const cache = mkdtempSync(path.join(work, 'cache-'));
    await withCacheDir(cache, async () => {
      stages.shellcheckColdMs = round(await time(() => shellcheck(sh)));
      const warm: number[] = [];
      for (let i = 0; i < 3; i++) warm.push(await time(() => shellcheck(sh)));
      stages.shellcheckWarmMs = median(warm);
    });
    rmSync(cache, { recursive: true, force: true });
  }
  return stages;
}

/** `count` copies of the zhipu profile named bench-01 …, as YAML files in `dir`. */
function syntheticProfiles(dir: string, count: number): Profile[] {
  const text = readFileSync(repoPath('profiles', 'zhipu.yaml'), 'utf8');
  if (!/^id: zhipu$/m.test(text)) throw new Error('profiles/zhipu.yaml: no "id: zhipu" line to replace');
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: count }, (_, i) => {
    const id = `bench-${String(i + 1).padStart(2, '0')}`;
    const file = path.join(dir, `${id}.yaml`);
    writeFileSync(file, text.replace(/^id: zhipu$/m, `id: ${id}`));
    return resolveProfile(file);
  });
}

async function cliBuild(args: string[], out: string): Promise<number> {
  return time(async () => {
    const r = await execa(process.execPath, [CLI, 'build', '--out', out, '--no-versioned', ...args], { reject: false, stdin: 'ignore' });
    if (r.exitCode !== 0) throw new Error(`ccenv build ${args.join(' ')} failed (exit ${r.exitCode}):\n${r.stderr}`);
  });
}

export function installerSizes(dist = repoPath('dist')): Record<string, { bytes: number; gzipBytes: number }> {
  const sizes: Record<string, { bytes: number; gzipBytes: number }> = {};
  for (const id of readdirSync(dist).sort()) {
    if (!statSync(path.join(dist, id)).isDirectory()) continue;
    for (const file of ['install.sh', 'install.ps1', 'install.cmd']) {
      const p = path.join(dist, id, file);
      try {
        const data = readFileSync(p);
        sizes[`${id}/${file}`] = { bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length };
      } catch {
        // a folder without that installer (not a profile folder)
      }
    }
  }
  return sizes;
}

export async function benchBuild(opts: { runs?: number; growth?: number[]; coldLintUpTo?: number } = {}): Promise<BuildFigure> {
  const runs = opts.runs ?? 3;
  const growthCounts = opts.growth ?? [1, 10, 50];
  // Cold shellcheck costs ~2 s per file and dialect here: measured for the built-in profiles and
  // for 1; larger synthetic sets only when asked (bench/run.ts --full).
  const coldUpTo = opts.coldLintUpTo ?? 1;
  const work = mkdtempSync(path.join(tmpdir(), 'ccenv-bench-build-'));
  try {
    const profiles = builtinProfileIds().map(resolveProfile);
    const firstRenderMs = round(await time(() => renderDistTree(profiles, loadCatalog(), CCENV_VERSION, { versioned: false })));
    const stages = await stagesFor(profiles, work, { cold: true, runs: 5 });
    // The CLI, warm cache (the one `make build` fills): render only, then with every gate.
    const out = path.join(work, 'dist');
    await cliBuild([], out); // fills the user's shellcheck cache for these files, if it was not
    const renderOnly: number[] = [];
    const withLint: number[] = [];
    for (let i = 0; i < runs; i++) {
      renderOnly.push(await cliBuild(['--no-lint'], out));
      withLint.push(await cliBuild([], out));
    }
    const all = syntheticProfiles(path.join(work, 'profiles'), Math.max(...growthCounts));
    const growth: Stages[] = [];
    const coldLintSkipped: number[] = [];
    for (const n of growthCounts) {
      growth.push(await stagesFor(all.slice(0, n), work, { cold: n <= coldUpTo, runs }));
      if (n > coldUpTo) coldLintSkipped.push(n);
    }
    const startup: number[] = [];
    const bareNode: number[] = [];
    for (let i = 0; i < runs; i++) {
      startup.push(await time(() => execa(process.execPath, [CLI, '--version'], { stdin: 'ignore' })));
      bareNode.push(await time(() => execa(process.execPath, ['-e', '0'], { stdin: 'ignore' })));
    }
    return {
      profiles: profiles.length,
      cli: { runs, nodeStartMs: median(bareNode), startupMs: median(startup), renderOnlyMs: median(renderOnly), withLintWarmMs: median(withLint), goalRenderMs: 1000 },
      firstRenderMs,
      stages,
      growth,
      coldLintSkipped,
      sizes: installerSizes(),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// `node out/bench/build.js`: figures 3 and 5 alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchBuild(), null, 2));
}
