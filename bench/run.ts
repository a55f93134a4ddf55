// `make bench`: every figure of the benchmark, each against its floor and goal, on this machine, in
// one run; writes bench/results.json (raw) and bench/results.md (the report). Goals live here and in
// the report, never in timed tests.
//   node out/bench/run.js [--only configure,fresh,build,cli,matrix,sandbox] [--full]
// --only re-measures those figures and keeps the others from the last results.json (each figure
// says when it was measured); --full also lints 50 synthetic profiles cold (minutes).
// Fixtures (Node builds, the Node mirror, the Claude Code snapshot, root file systems) are fetched
// or built into ~/.cache/ccenv on first use, as the tests do.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { repoPath } from '../src/paths.js';
import { CCENV_VERSION } from '../src/version.js';
import { benchBuild } from './build.js';
import { benchCli } from './cli.js';
import { benchConfigure } from './configure.js';
import { benchFresh } from './fresh.js';
import { machineInfo } from './machine.js';
import { benchMatrix, benchSandboxStart } from './matrix.js';
import { resultsMarkdown, type Measured, type Results } from './report.js';

const FIGURES = ['configure', 'fresh', 'build', 'cli', 'matrix', 'sandbox'] as const;
type Figure = (typeof FIGURES)[number];

function parseArgs(argv: string[]): { only: Figure[]; full: boolean } {
  let only: Figure[] = [...FIGURES];
  let full = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--full') full = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const list = a.includes('=') ? a.slice(a.indexOf('=') + 1) : (argv[++i] ?? '');
      only = list.split(',').map((s) => s.trim()) as Figure[];
      const bad = only.filter((f) => !FIGURES.includes(f));
      if (bad.length) throw new Error(`--only: unknown figure ${bad.join(', ')} (choose from ${FIGURES.join(', ')})`);
    } else throw new Error(`unknown argument ${a}: bench/run.ts [--only ${FIGURES.join(',')}] [--full]`);
  }
  return { only, full };
}

async function measured<T extends object>(name: string, fn: () => Promise<T>): Promise<T & Measured> {
  const loadBefore = os.loadavg()[0] ?? 0;
  const date = new Date().toISOString();
  const t0 = performance.now();
  console.error(`bench: ${name} …`);
  const r = await fn();
  const seconds = (performance.now() - t0) / 1000;
  console.error(`bench: ${name} done in ${seconds.toFixed(0)} s`);
  return { ...r, date, loadBefore, loadAfter: os.loadavg()[0] ?? 0, seconds };
}

/** dist/ as the templates render it now? (the bench measures dist/, as shipped) */
async function distIsFresh(): Promise<boolean> {
  const r = await execa(process.execPath, [repoPath('out', 'src', 'cli', 'main.js'), 'build', '--out', repoPath('dist'), '--no-versioned', '--check', '--no-lint'], {
    reject: false,
    stdin: 'ignore',
  });
  return r.exitCode === 0;
}

async function main(): Promise<void> {
  const { only, full } = parseArgs(process.argv.slice(2));
  const jsonFile = repoPath('bench', 'results.json');
  const previous: Partial<Results> = only.length < FIGURES.length && existsSync(jsonFile) ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as Partial<Results>) : {};
  const machine = machineInfo();
  const distFresh = await distIsFresh();
  if (!distFresh) console.error('bench: dist/ is stale (run make build): measuring the committed installers');
  const results: Results = { ccenvVersion: CCENV_VERSION, machine, distFresh };
  // figures kept from the last run: only those in this format (each says when it was measured)
  for (const k of ['configure', 'fresh', 'build', 'cli', 'matrix', 'sandboxStart'] as const) {
    const v = previous[k] as (Measured & object) | undefined;
    if (v && typeof v.date === 'string') (results as unknown as Record<string, unknown>)[k] = v;
  }
  if (only.includes('configure')) results.configure = await measured('configure-only run', () => benchConfigure());
  if (only.includes('fresh')) results.fresh = await measured('fresh install', () => benchFresh());
  if (only.includes('build')) results.build = await measured('build', () => benchBuild(full ? { coldLintUpTo: 50 } : {}));
  if (only.includes('cli')) results.cli = await measured('ccenv start', () => benchCli());
  if (only.includes('sandbox')) results.sandboxStart = await measured('sandbox start', async () => ({ runners: await benchSandboxStart() }));
  if (only.includes('matrix')) results.matrix = await measured('matrix', () => benchMatrix());
  results.machine.loadAtEnd = os.loadavg()[0] ?? 0;
  writeFileSync(jsonFile, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(repoPath('bench', 'results.md'), resultsMarkdown(results));
  console.log(resultsMarkdown(results));
}

main().catch((err: unknown) => {
  console.error(`bench: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
