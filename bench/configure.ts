// Figure 1: the configure-only run (Node ≥ 22 and Claude Code present, key from CCENV_API_KEY)
// against its floor — one node process running the same configure program, started the same way
// (from dash, program on stdin) — measured interleaved, each run on a fresh Claude Code config.
// Also: how many processes each spawns (strace -f, successful execve), by program.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { buildConfigureProgram } from '../src/configure/bundle.js';
import { createFakeMachine, type FakeMachine } from '../src/harness/fake-machine.js';
import { ensureCurrentNode } from '../src/harness/node-fixture.js';
import { installerEnv } from '../src/harness/run-installer.js';
import { shellByName } from '../src/harness/shells.js';
import { loadCatalog } from '../src/messages/catalog.js';
import { resolveProfile } from '../src/profile/load.js';
import { configurePlan } from '../src/render/context.js';
import { repoPath } from '../src/paths.js';
import { CCENV_VERSION } from '../src/version.js';

export interface ConfigureFigure {
  runs: number;
  installerMedianMs: number;
  floorMedianMs: number;
  ratio: number;
  goal: number;
  installerProcesses: number;
  floorProcesses: number;
  /** Programs the installer starts, with how many times. */
  installerPrograms: Record<string, number>;
}

const ENV = { CCENV_API_KEY: 'sk-bench-0123456789abcdef', CCENV_YES: '1' };

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.floor(s.length / 2)] as number) * 10) / 10;
}

function freshConfig(m: FakeMachine): void {
  rmSync(path.join(m.home, '.claude'), { recursive: true, force: true });
  rmSync(path.join(m.home, '.claude.json'), { force: true });
}

/** argv of `dash` reading `script` on stdin, as `curl … | sh` does. */
async function runDash(m: FakeMachine, script: string, traceTo?: string): Promise<number> {
  const dash = shellByName('dash').argv[0] as string;
  const argv = traceTo ? ['/usr/bin/strace', '-f', '-qq', '-e', 'trace=execve', '-o', traceTo, dash, '-s'] : [dash, '-s'];
  const t0 = performance.now();
  const r = await execa(argv[0] as string, argv.slice(1), { input: script, env: installerEnv(m, ENV), extendEnv: false, reject: false, cwd: m.home });
  const ms = performance.now() - t0;
  if (r.exitCode !== 0) throw new Error(`bench run failed (exit ${r.exitCode ?? r.shortMessage}):\n${r.stdout}\n${r.stderr}`);
  return ms;
}

/** Successful execve calls in an strace log, by program name. */
function programsIn(log: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const m = /execve\("([^"]+)".* = 0$/.exec(line);
    if (m) counts[path.basename(m[1] as string)] = (counts[path.basename(m[1] as string)] ?? 0) + 1;
  }
  return counts;
}

export async function benchConfigure(runs = 9): Promise<ConfigureFigure> {
  const m = createFakeMachine();
  try {
    m.addNode(await ensureCurrentNode());
    m.addClaudeStandIn();
    const installer = readFileSync(repoPath('dist', 'zhipu', 'install.sh'), 'utf8');
    const program = await buildConfigureProgram(configurePlan(resolveProfile('zhipu'), loadCatalog(), CCENV_VERSION));
    // The floor: the same program, the same merge, started from the same shell the same way.
    const floor = `exec node - <<'CCENV_BENCH_JS'\n${program}CCENV_BENCH_JS\n`;
    // warm the page cache and node's compile cache for both
    freshConfig(m);
    await runDash(m, installer);
    freshConfig(m);
    await runDash(m, floor);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < runs; i++) {
      freshConfig(m);
      a.push(await runDash(m, installer));
      freshConfig(m);
      b.push(await runDash(m, floor));
    }
    const logs = mkdtempSync(path.join(tmpdir(), 'ccenv-bench-strace-'));
    freshConfig(m);
    await runDash(m, installer, path.join(logs, 'installer'));
    freshConfig(m);
    await runDash(m, floor, path.join(logs, 'floor'));
    const installerPrograms = programsIn(path.join(logs, 'installer'));
    const floorPrograms = programsIn(path.join(logs, 'floor'));
    rmSync(logs, { recursive: true, force: true });
    const sum = (o: Record<string, number>) => Object.values(o).reduce((x, y) => x + y, 0);
    const installerMedianMs = median(a);
    const floorMedianMs = median(b);
    return {
      runs,
      installerMedianMs,
      floorMedianMs,
      ratio: Math.round((installerMedianMs / floorMedianMs) * 100) / 100,
      goal: 1.2,
      installerProcesses: sum(installerPrograms),
      floorProcesses: sum(floorPrograms),
      installerPrograms,
    };
  } finally {
    m.dispose();
  }
}

// `node out/bench/configure.js`: this figure alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchConfigure(), null, 2));
}
