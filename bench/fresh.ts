// Figure 2: a fresh install — the host's Node 20 only, so the installer fetches Node 22 from the
// loopback mirror and Claude Code (the real, pinned package) from the local registry — against its
// floor: `curl` + `sha256sum` + `tar` of the same tarball, then a bare `npm install -g` from the same
// registry with the Node just unpacked. Same sandbox, same sites, same environment; each run in a
// new sandbox (empty HOME); installer and floor interleaved. The step's own wall time is compared
// (the sandbox's start is figure 4). Where the time goes: timestamps between the floor's lines, and
// one more installer run under strace.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureNodeMirror, type NodeMirror } from '../src/harness/node-mirror.js';
import { ensureClaudeCodeSnapshot } from '../src/harness/npm-registry.js';
import { hostNodeBinary } from '../src/harness/node-fixture.js';
import { PROXY_USER_ENV, runScenario, SANDBOX_HOME } from '../src/harness/sandbox.js';
import { CN_MIRRORS, standardSites, type SiteSpec } from '../src/harness/sites.js';
import { repoPath } from '../src/paths.js';
import { profileOf, straceArgv, type Profile, type Step } from './profile.js';
import { median, ratio } from './stats.js';

export interface FreshFigure {
  runs: number;
  installerMedianMs: number;
  floorMedianMs: number;
  ratio: number;
  goal: number;
  installerRunsMs: number[];
  floorRunsMs: number[];
  /** installer ÷ floor of each interleaved pair (the load drifts less within a pair). */
  pairRatios: number[];
  tarball: string;
  floorCommand: string;
  /** The floor's lines, median over its runs (timestamps between them). */
  floorSteps: Step[];
  /** One more installer run under strace (slower than the timed ones: tracedRunMs). */
  installerProfile?: Profile & { tracedRunMs: number };
  /** Why there is no profile (strace missing). */
  profileNote?: string;
}

const KEY = 'sk-bench-0123456789abcdef';
const STRACE = '/usr/bin/strace';
const TRACE = `${SANDBOX_HOME}/bench-trace.log`;

const FLOOR_TIMES = '.bench-floor-times';
const FLOOR_STEPS = ['curl (the tarball)', 'sha256sum', 'tar -xJf', 'npm install -g'];

/**
 * The floor, as a user would type it: the same tarball, verified and unpacked; npm from it. A
 * `date +%s%N` before and after each line says what each costs (4 tiny processes in ~20 s).
 */
function floorCommand(mirror: NodeMirror): string {
  const file = path.basename(mirror.tarXz);
  const dist = file.replace(/\.tar\.xz$/, '');
  const url = `${CN_MIRRORS.nodeUrl}/latest-v${mirror.version.split('.')[0]}.x/${file}`;
  return [
    'set -e',
    `t() { date +%s%N >>"$HOME/${FLOOR_TIMES}"; }`,
    't',
    `curl --proto =https --tlsv1.2 -fsSL -o "$HOME/${file}" ${url}`,
    't',
    `sha256sum "$HOME/${file}" >/dev/null`,
    't',
    `mkdir "$HOME/node" && tar -xJf "$HOME/${file}" -C "$HOME/node"`,
    't',
    `PATH="$HOME/node/${dist}/bin:$PATH" npm install -g @anthropic-ai/claude-code --registry https://registry.npmmirror.com --no-fund --no-audit --loglevel=error </dev/null`,
    't',
  ].join('\n');
}

/** Per-step times of a floor run from its timestamps. */
function floorSteps(times: string | null | undefined): number[] | undefined {
  const ns = (times ?? '').split('\n').filter(Boolean).map((l) => BigInt(l.trim()));
  if (ns.length !== FLOOR_STEPS.length + 1) return undefined;
  return FLOOR_STEPS.map((_, i) => Number((ns[i + 1] as bigint) - (ns[i] as bigint)) / 1e6);
}

function installerCommand(traced: boolean): string {
  const sh = traced ? `${straceArgv(TRACE, STRACE).join(' ')} sh` : 'sh';
  return `curl -fsSL https://cdn.ccenv.test/zhipu/install.sh | ${sh}`;
}

async function runOnce(sites: SiteSpec[], command: string, collect: string): Promise<{ ms: number; file: string | null | undefined }> {
  const r = await runScenario({
    sites,
    toolbox: { node: hostNodeBinary() },
    steps: [{ name: 'run', command, env: { ...PROXY_USER_ENV, CCENV_API_KEY: KEY, CCENV_YES: '1' }, timeoutMs: 600_000 }],
    collect: [collect],
    // Unpacking Node.js writes ~200 MB into HOME: in memory when there is a tmpfs (as the matrix does).
    ...(existsSync('/dev/shm') ? { workDir: '/dev/shm' } : {}),
  });
  const step = r.steps[0];
  if (!step || step.exitCode !== 0) throw new Error(`fresh-install bench run failed (exit ${step?.exitCode}):\n${r.transcript}`);
  return { ms: step.durationMs, file: r.files[collect] };
}

export async function benchFresh(runs = 4): Promise<FreshFigure> {
  const [mirror, registry] = await Promise.all([ensureNodeMirror(), ensureClaudeCodeSnapshot()]);
  const sites = standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry });
  const installerRunsMs: number[] = [];
  const floorRunsMs: number[] = [];
  const floorStepRuns: number[][] = [];
  for (let i = 0; i < runs; i++) {
    for (const which of i % 2 ? ['floor', 'installer'] : ['installer', 'floor']) {
      if (which === 'installer') installerRunsMs.push((await runOnce(sites, installerCommand(false), 'bench-trace.log')).ms);
      else {
        const r = await runOnce(sites, floorCommand(mirror), FLOOR_TIMES);
        floorRunsMs.push(r.ms);
        const steps = floorSteps(r.file);
        if (steps) floorStepRuns.push(steps);
      }
    }
  }
  const installerMedianMs = median(installerRunsMs);
  const floorMedianMs = median(floorRunsMs);
  const fig: FreshFigure = {
    runs,
    installerMedianMs,
    floorMedianMs,
    ratio: ratio(installerMedianMs, floorMedianMs),
    goal: 1.2,
    installerRunsMs,
    floorRunsMs,
    pairRatios: installerRunsMs.map((v, i) => ratio(v, floorRunsMs[i] as number)),
    tarball: path.basename(mirror.tarXz),
    floorCommand: floorCommand(mirror),
    floorSteps: FLOOR_STEPS.map((step, i) => ({ step, count: 1, ms: median(floorStepRuns.map((r) => r[i] as number)) })),
  };
  if (existsSync(STRACE)) {
    const traced = await runOnce(sites, installerCommand(true), 'bench-trace.log');
    if (traced.file) fig.installerProfile = { ...profileOf(traced.file, 'sh'), tracedRunMs: traced.ms };
  } else {
    fig.profileNote = `${STRACE} is not installed (apt-get install strace): no per-step profile of the installer`;
  }
  return fig;
}

// `node out/bench/fresh.js [RUNS]`: this figure alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchFresh(Number(process.argv[2] ?? 4)), null, 2));
}
