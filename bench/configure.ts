// Figure 1: the configure-only run (Node ≥ 22 and Claude Code present, key from CCENV_API_KEY)
// against its floor — one node process running the same configure program, started the same way
// (from dash, program on stdin: `exec node - <<heredoc`) — measured interleaved, each run on a fresh
// Claude Code config. Also: the processes each starts and where the time goes (an strace profile).
// A second installer row uses the real Claude Code binary instead of the shell stand-in, because
// `claude --version` is part of the installer's work and the stand-in answers it for free.
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { buildConfigureProgram } from '../src/configure/bundle.js';
import { createFakeMachine, type FakeMachine } from '../src/harness/fake-machine.js';
import { ensureCurrentNode } from '../src/harness/node-fixture.js';
import { CLAUDE_CODE_VERSION, ensureClaudeCodeSnapshot } from '../src/harness/npm-registry.js';
import { installerEnv } from '../src/harness/run-installer.js';
import { shellByName } from '../src/harness/shells.js';
import { loadCatalog } from '../src/messages/catalog.js';
import { resolveProfile } from '../src/profile/load.js';
import { configurePlan } from '../src/render/context.js';
import { repoPath } from '../src/paths.js';
import { CCENV_VERSION } from '../src/version.js';
import { profileOfFile, straceArgv, type Profile } from './profile.js';
import { interleaved, median, ratio } from './stats.js';

export interface ConfigureFigure {
  runs: number;
  installerMedianMs: number;
  floorMedianMs: number;
  ratio: number;
  goal: number;
  /** dash reading and parsing the whole installer (no command run): median less an empty script's. */
  parseMs: number;
  /** From the strace profiles (absent without strace). */
  installerProcesses?: number;
  floorProcesses?: number;
  installerProfile?: Profile;
  floorProfile?: Profile;
  profileNote?: string;
  /** The same installer with the real Claude Code binary on PATH (undefined when it could not be set up). */
  realClaude?: { version: string; installerMedianMs: number; floorMedianMs: number; ratio: number; claudeVersionMedianMs: number; installerProfile?: Profile };
}

const STRACE = '/usr/bin/strace';
const ENV = { CCENV_API_KEY: 'sk-bench-0123456789abcdef', CCENV_YES: '1' };

function freshConfig(m: FakeMachine): void {
  rmSync(path.join(m.home, '.claude'), { recursive: true, force: true });
  rmSync(path.join(m.home, '.claude.json'), { force: true });
}

/** dash reading `script` on stdin, as `curl … | sh` does; optionally under strace. */
async function runDash(m: FakeMachine, script: string, traceTo?: string): Promise<void> {
  const dash = shellByName('dash').argv[0] as string;
  const argv = traceTo ? [...straceArgv(traceTo, STRACE), dash, '-s'] : [dash, '-s'];
  const r = await execa(argv[0] as string, argv.slice(1), { input: script, env: installerEnv(m, ENV), extendEnv: false, reject: false, cwd: m.home });
  if (r.exitCode !== 0) throw new Error(`bench run failed (exit ${r.exitCode ?? r.shortMessage}):\n${r.stdout}\n${r.stderr}`);
}

async function profileRun(m: FakeMachine, script: string, dir: string, name: string): Promise<Profile | undefined> {
  if (!existsSync(STRACE)) return undefined;
  freshConfig(m);
  const log = path.join(dir, name);
  await runDash(m, script, log);
  return profileOfFile(log, 'dash');
}

/** The native `claude` of the pinned Claude Code, unpacked from the registry snapshot into `dir`. */
async function realClaudeBinary(dir: string): Promise<string> {
  const snapshot = await ensureClaudeCodeSnapshot();
  const pkg = snapshot.packages.find((p) => p.name.endsWith('-linux-x64'));
  if (!pkg) throw new Error('no linux-x64 Claude Code package in the snapshot');
  await execa('tar', ['-xzf', pkg.tarball, '-C', dir, 'package/claude'], { stdin: 'ignore' });
  return path.join(dir, 'package', 'claude');
}

export async function benchConfigure(runs = 15, opts: { realClaude?: boolean } = {}): Promise<ConfigureFigure> {
  const m = createFakeMachine();
  const work = mkdtempSync(path.join(tmpdir(), 'ccenv-bench-configure-'));
  try {
    m.addNode(await ensureCurrentNode());
    m.addClaudeStandIn();
    const installer = readFileSync(repoPath('dist', 'zhipu', 'install.sh'), 'utf8');
    const program = await buildConfigureProgram(configurePlan(resolveProfile('zhipu'), loadCatalog(), CCENV_VERSION));
    // The floor: the same program, the same merge, started from the same shell the same way.
    const floor = `exec node - <<'CCENV_BENCH_JS'\n${program}CCENV_BENCH_JS\n`;
    // What reading and parsing the script costs dash: the installer with its last line (`main "$@"`)
    // made a no-op, against dash reading an empty script.
    const lastLine = 'main ${1+"$@"}\n';
    if (!installer.endsWith(lastLine)) throw new Error('install.sh does not end with its main call');
    const parseOnly = `${installer.slice(0, -lastLine.length)}:\n`;
    const variants = {
      installer: () => runDash(m, installer),
      floor: () => runDash(m, floor),
      parseOnly: () => runDash(m, parseOnly),
      empty: () => runDash(m, ':\n'),
    };
    // warm the page cache and node's compile cache for both
    await interleaved(2, variants, () => freshConfig(m));
    const t = await interleaved(runs, variants, () => freshConfig(m));
    const installerProfile = await profileRun(m, installer, work, 'installer');
    const floorProfile = await profileRun(m, floor, work, 'floor');
    const sum = (o: Record<string, number>) => Object.values(o).reduce((x, y) => x + y, 0);
    const installerMedianMs = median(t.installer);
    const floorMedianMs = median(t.floor);
    const fig: ConfigureFigure = {
      runs,
      installerMedianMs,
      floorMedianMs,
      ratio: ratio(installerMedianMs, floorMedianMs),
      goal: 1.2,
      parseMs: Math.max(0, Math.round((median(t.parseOnly) - median(t.empty)) * 10) / 10),
      ...(installerProfile && floorProfile
        ? { installerProcesses: sum(installerProfile.programs), floorProcesses: sum(floorProfile.programs), installerProfile, floorProfile }
        : { profileNote: `${STRACE} is not installed (apt-get install strace): no process counts or per-step profile` }),
    };
    if (opts.realClaude !== false) {
      // The stand-in answers `claude --version` from a 3-line sh script; the real one is a 380 MB binary.
      const claude = await realClaudeBinary(work);
      unlinkSync(path.join(m.bin, 'claude'));
      symlinkSync(claude, path.join(m.bin, 'claude'));
      const claudeVersion = () => execa(claude, ['--version'], { stdin: 'ignore', env: { HOME: m.home, PATH: m.path } });
      const real = { installer: () => runDash(m, installer), floor: () => runDash(m, floor), claudeVersion };
      await interleaved(1, real, () => freshConfig(m));
      const r = await interleaved(Math.max(5, Math.ceil(runs / 2)), real, () => freshConfig(m));
      fig.realClaude = {
        version: CLAUDE_CODE_VERSION,
        installerMedianMs: median(r.installer),
        floorMedianMs: median(r.floor),
        ratio: ratio(median(r.installer), median(r.floor)),
        claudeVersionMedianMs: median(r.claudeVersion),
      };
      const p = await profileRun(m, installer, work, 'installer-real-claude');
      if (p) fig.realClaude.installerProfile = p;
    }
    return fig;
  } finally {
    m.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

// `node out/bench/configure.js`: this figure alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchConfigure(), null, 2));
}
