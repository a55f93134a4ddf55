// Figure 1: the configure-only run (Node ≥ 22 and Claude Code present, key from CCENV_API_KEY)
// against its floor — a bare `node -e` doing the same merge (settings.json's env and ~/.claude.json's
// onboarding flag, each written to a temp file, fsynced and renamed) — measured interleaved in one
// run, each run on a fresh Claude Code config. Claude Code is the real 2.1.330 laid out as
// `npm install -g` leaves it (the wrapper package, its bin/claude.exe a hard link to the platform
// package's native binary); a second row has the same binary on PATH outside npm's layout, which the
// installer must ask `claude --version`. Also: the configure program alone (started as the installer
// starts it), the processes each starts and where the time goes (an strace profile).
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { buildConfigureProgram } from '../src/configure/bundle.js';
import { createFakeMachine, type FakeMachine } from '../test/support/fake-machine.js';
import { ensureCurrentNode } from '../src/harness/node-fixture.js';
import { CLAUDE_CODE_VERSION, ensureClaudeCodeSnapshot } from '../src/harness/npm-registry.js';
import { installerEnv } from '../test/support/run-installer.js';
import { shellByName } from '../src/harness/shells.js';
import { loadCatalog } from '../src/messages/catalog.js';
import { resolveProfile } from '../src/profile/load.js';
import { bakeProfile } from '../src/render/context.js';
import { repoPath } from '../src/paths.js';
import { CCENV_VERSION } from '../src/version.js';
import { profileOfFile, straceArgv, type Profile } from './profile.js';
import { interleaved, median, ratio } from './stats.js';

export interface ConfigureFigure {
  runs: number;
  /** install.sh, Claude Code installed by npm (the usual case). */
  installerMedianMs: number;
  /** The floor: a bare `node -e` doing the same merge. */
  floorMedianMs: number;
  ratio: number;
  goal: number;
  /** The configure program alone, as the installer starts it (`exec node - <<heredoc` from dash). */
  programMedianMs: number;
  /** dash reading and parsing the whole installer (no command run): median less an empty script's. */
  parseMs: number;
  /** From the strace profiles (absent without strace). */
  installerProcesses?: number;
  floorProcesses?: number;
  installerProfile?: Profile;
  floorProfile?: Profile;
  profileNote?: string;
  /** The same binary on PATH outside npm's layout: the installer asks it `claude --version`. */
  realClaude?: { version: string; installerMedianMs: number; floorMedianMs: number; ratio: number; claudeVersionMedianMs: number; installerProfile?: Profile };
}

const STRACE = '/usr/bin/strace';
const KEY = 'sk-bench-0123456789abcdef';
const ENV = { CCENV_API_KEY: KEY, CCENV_YES: '1' };

/**
 * The floor's program: what any configure step must do at the least, with the same durability as the
 * installer's (a temp file, fsynced, renamed over the target, its folder fsynced): settings.json's
 * env gets the profile's values and the key, ~/.claude.json gets hasCompletedOnboarding. What the
 * installer does beyond it: the receipt for --uninstall (written before and after, each durable),
 * the lock, the checks, and reading the program from the script.
 */
function floorScript(env: Record<string, string>): string {
  return [
    "const fs = require('fs'), path = require('path'), os = require('os');",
    "const dir = process.env.CLAUDE_CONFIG_DIR || path.join(os.homedir(), '.claude');",
    'fs.mkdirSync(dir, { recursive: true, mode: 0o700 });',
    "function read(f) { try { return JSON.parse(fs.readFileSync(f, 'utf8')); } catch (e) { if (e.code === 'ENOENT') return {}; throw e; } }",
    // durable as the installer's writes are: the file's bytes, then the rename (its folder), on disk
    "function write(f, v) { const t = f + '.tmp-' + process.pid; const fd = fs.openSync(t, 'wx', 0o600); fs.writeSync(fd, JSON.stringify(v, null, 2) + '\\n'); fs.fsyncSync(fd); fs.closeSync(fd); fs.renameSync(t, f); const d = fs.openSync(path.dirname(f), 'r'); fs.fsyncSync(d); fs.closeSync(d); }",
    "const settings = path.join(dir, 'settings.json'); const s = read(settings);",
    `s.env = Object.assign(s.env || {}, { ANTHROPIC_AUTH_TOKEN: process.env.CCENV_API_KEY }, ${JSON.stringify(env)});`,
    'write(settings, s);',
    "const state = path.join(os.homedir(), '.claude.json'); const c = read(state); c.hasCompletedOnboarding = true; write(state, c);",
  ].join('\n');
}

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

/** `node -e <floor>`, started directly (no shell); optionally under strace. */
async function runFloor(m: FakeMachine, node: string, script: string, traceTo?: string): Promise<void> {
  const argv = traceTo ? [...straceArgv(traceTo, STRACE), node, '-e', script] : [node, '-e', script];
  const r = await execa(argv[0] as string, argv.slice(1), { stdin: 'ignore', env: installerEnv(m, ENV), extendEnv: false, reject: false, cwd: m.home });
  if (r.exitCode !== 0) throw new Error(`floor run failed (exit ${r.exitCode ?? r.shortMessage}):\n${r.stdout}\n${r.stderr}`);
}

/** What the installer and the floor left in settings.json's env: they must be the same merge. */
function settingsEnv(m: FakeMachine): unknown {
  return (JSON.parse(readFileSync(path.join(m.home, '.claude', 'settings.json'), 'utf8')) as { env?: unknown }).env;
}

/**
 * The pinned Claude Code unpacked into `prefix` as `npm install -g` and its postinstall leave it:
 * <prefix>/bin/claude → ../lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe, a hard link to
 * the platform package's native `claude`. Returns that native binary.
 */
async function npmLayoutClaude(prefix: string): Promise<string> {
  const snapshot = await ensureClaudeCodeSnapshot();
  const scope = path.join(prefix, 'lib', 'node_modules', '@anthropic-ai');
  const unpack = async (name: string, dir: string, member: string) => {
    const pkg = snapshot.packages.find((p) => p.name === name);
    if (!pkg) throw new Error(`no ${name} in the Claude Code snapshot`);
    mkdirSync(dir, { recursive: true });
    await execa('tar', ['-xzf', pkg.tarball, '-C', dir, '--strip-components=1', member], { stdin: 'ignore' });
  };
  const wrapper = path.join(scope, 'claude-code');
  const platform = path.join(scope, 'claude-code-linux-x64');
  await unpack('@anthropic-ai/claude-code', wrapper, 'package/package.json');
  await unpack('@anthropic-ai/claude-code-linux-x64', platform, 'package/claude');
  mkdirSync(path.join(wrapper, 'bin'), { recursive: true });
  linkSync(path.join(platform, 'claude'), path.join(wrapper, 'bin', 'claude.exe'));
  mkdirSync(path.join(prefix, 'bin'), { recursive: true });
  symlinkSync('../lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe', path.join(prefix, 'bin', 'claude'));
  return path.join(platform, 'claude');
}

async function profileRun(m: FakeMachine, run: (traceTo: string) => Promise<void>, dir: string, name: string, root: string): Promise<Profile | undefined> {
  if (!existsSync(STRACE)) return undefined;
  freshConfig(m);
  const log = path.join(dir, name);
  await run(log);
  return profileOfFile(log, root);
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((x, y) => x + y, 0);

export async function benchConfigure(runs = 15): Promise<ConfigureFigure> {
  const m = createFakeMachine();
  const work = mkdtempSync(path.join(tmpdir(), 'ccenv-bench-configure-'));
  try {
    const node = await ensureCurrentNode();
    m.addNode(node);
    // npm's prefix is the machine's root: its bin/ is the first folder on PATH.
    const native = await npmLayoutClaude(path.dirname(m.bin));
    // CCENV_BENCH_INSTALLER: another install.sh to measure the same way (e.g. an older build's)
    const installer = readFileSync(process.env['CCENV_BENCH_INSTALLER'] ?? repoPath('dist', 'zhipu', 'install.sh'), 'utf8');
    const baked = bakeProfile(resolveProfile('zhipu'), loadCatalog(), CCENV_VERSION);
    const program = await buildConfigureProgram(baked);
    const floor = floorScript(baked.env);
    const programAlone = `exec node - <<'CCENV_BENCH_JS'\n${program}CCENV_BENCH_JS\n`;
    // What reading and parsing the script costs dash: the installer with its last line (`main "$@"`)
    // made a no-op, against dash reading an empty script.
    const lastLine = 'main ${1+"$@"}\n';
    if (!installer.endsWith(lastLine)) throw new Error('install.sh does not end with its main call');
    const parseOnly = `${installer.slice(0, -lastLine.length)}:\n`;

    // the same merge: the floor writes what the installer writes into settings.json's env
    freshConfig(m);
    await runDash(m, installer);
    const installed = settingsEnv(m);
    freshConfig(m);
    await runFloor(m, node, floor);
    if (JSON.stringify(settingsEnv(m)) !== JSON.stringify(installed)) throw new Error(`the floor's merge differs: ${JSON.stringify(settingsEnv(m))} vs ${JSON.stringify(installed)}`);

    const variants = {
      installer: () => runDash(m, installer),
      floor: () => runFloor(m, node, floor),
      program: () => runDash(m, programAlone),
      parseOnly: () => runDash(m, parseOnly),
      empty: () => runDash(m, ':\n'),
    };
    // warm the page cache (the 200 MB claude binary is never read by the installer) and node's
    await interleaved(2, variants, () => freshConfig(m));
    const t = await interleaved(runs, variants, () => freshConfig(m));
    const installerProfile = await profileRun(m, (log) => runDash(m, installer, log), work, 'installer', 'dash');
    const floorProfile = await profileRun(m, (log) => runFloor(m, node, floor, log), work, 'floor', 'node');
    const installerMedianMs = median(t.installer);
    const floorMedianMs = median(t.floor);
    const fig: ConfigureFigure = {
      runs,
      installerMedianMs,
      floorMedianMs,
      ratio: ratio(installerMedianMs, floorMedianMs),
      goal: 1.5,
      programMedianMs: median(t.program),
      parseMs: Math.max(0, Math.round((median(t.parseOnly) - median(t.empty)) * 10) / 10),
      ...(installerProfile && floorProfile
        ? { installerProcesses: sum(installerProfile.programs), floorProcesses: sum(floorProfile.programs), installerProfile, floorProfile }
        : { profileNote: `${STRACE} is not installed (apt-get install strace): no process counts or per-step profile` }),
    };

    // The same native binary straight on PATH (as a download or another installer leaves it): the
    // installer cannot tell it runs without asking it.
    unlinkSync(path.join(m.bin, 'claude'));
    unlinkSync(path.join(path.dirname(m.bin), 'lib', 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe'));
    symlinkSync(native, path.join(m.bin, 'claude'));
    const claudeVersion = () => execa(native, ['--version'], { stdin: 'ignore', env: { HOME: m.home, PATH: m.path } });
    const other = { installer: () => runDash(m, installer), floor: () => runFloor(m, node, floor), claudeVersion };
    await interleaved(1, other, () => freshConfig(m));
    const r = await interleaved(Math.max(5, Math.ceil(runs / 2)), other, () => freshConfig(m));
    fig.realClaude = {
      version: CLAUDE_CODE_VERSION,
      installerMedianMs: median(r.installer),
      floorMedianMs: median(r.floor),
      ratio: ratio(median(r.installer), median(r.floor)),
      claudeVersionMedianMs: median(r.claudeVersion),
    };
    const p = await profileRun(m, (log) => runDash(m, installer, log), work, 'installer-other-claude', 'dash');
    if (p) fig.realClaude.installerProfile = p;
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
