// The three installers as interchangeable targets: each gives a clean account (a home folder with
// Node ≥ 22 and a stand-in claude on PATH) and runs dist/<profile>/install.<ext> in it, key from
// CCENV_API_KEY, non-interactive. install.sh under dash, install.ps1 under pwsh 7, install.cmd under
// Wine's cmd with Windows' node.exe.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { cachePath, ensureCacheDir } from '../../src/harness/cache.js';
import type { FakeMachine } from '../support/fake-machine.js';
import { runInstaller } from '../support/run-installer.js';
import { shellByName } from '../../src/harness/shells.js';
import { ensureWinNodeMirror } from '../../src/harness/wine/node-win-mirror.js';
import { ensureWinePrefix, missingWine, resetUserFiles, runWine, startWineServer, windowsPath, type WinePrefix } from '../../src/harness/wine/prefix.js';
import { repoPath } from '../../src/paths.js';
import { NO_PWSH, PWSH, runPs1 } from '../support/run-ps1.js';
import { readyMachine } from '../support/installer-machine.js';

export type TargetId = 'sh' | 'ps1' | 'cmd';
export const TARGET_IDS: readonly TargetId[] = ['sh', 'ps1', 'cmd'];
export const TARGET_LABEL: Record<TargetId, string> = { sh: 'install.sh (dash)', ps1: 'install.ps1 (pwsh 7)', cmd: 'install.cmd (Wine cmd)' };

/** One run's request: which profile's installer, install or uninstall, and extra environment. */
export interface Step {
  profile: string;
  uninstall?: boolean;
  env?: Record<string, string>;
}

export interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A clean account on one target: its home (Unix path) and a way to run an installer in it. */
export interface Account {
  home: string;
  /** How the target spells the home folder (what the configure program sees as os.homedir()). */
  nativeHome: string;
  run(step: Step): Promise<StepRun>;
  dispose(): Promise<void>;
}

export interface Target {
  id: TargetId;
  /** Why this target cannot run here (a skip, never a pass), or undefined. */
  missing: string | undefined;
  setup(): Promise<void>;
  account(): Promise<Account>;
  teardown(): Promise<void>;
}

const installerFile = (profile: string, ext: string) => repoPath('dist', profile, `install.${ext}`);

/**
 * A machine with Node ≥ 22 and claude, and an npx on PATH as every Node.js install has one beside
 * node (the fake machine's node is the bare binary; Windows' zip has npx.cmd): a profile's npx MCP
 * server is then set up on every target alike. It is never started.
 */
async function accountMachine(): Promise<FakeMachine> {
  const m = await readyMachine();
  m.addExecutable('npx', '#!/bin/sh\necho "npx is not run in these scenarios" >&2\nexit 1\n');
  return m;
}

function shTarget(): Target {
  const dash = shellByName('dash');
  return {
    id: 'sh',
    missing: undefined,
    setup: async () => {},
    teardown: async () => {},
    account: async () => {
      const m = await accountMachine();
      return {
        home: m.home,
        nativeHome: m.home,
        run: async (step) => {
          const script = readFileSync(installerFile(step.profile, 'sh'), 'utf8');
          const r = await runInstaller({ shell: dash, machine: m, script, args: [step.uninstall ? '--uninstall' : '--yes'], env: step.env });
          return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
        },
        dispose: async () => m.dispose(),
      };
    },
  };
}

function ps1Target(): Target {
  return {
    id: 'ps1',
    missing: PWSH ? undefined : NO_PWSH,
    setup: async () => {},
    teardown: async () => {},
    account: async () => {
      const m = await accountMachine();
      return {
        home: m.home,
        nativeHome: m.home,
        run: async (step) => {
          const r = await runPs1(m, { file: installerFile(step.profile, 'ps1'), args: [step.uninstall ? '-Uninstall' : '-Yes'], env: step.env });
          return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
        },
        dispose: async () => m.dispose(),
      };
    },
  };
}

/** Windows' node.exe from the cached win-x64 zip (the same cache entry the cmd tests fill). */
async function winNodeBin(): Promise<string> {
  const m = await ensureWinNodeMirror();
  return ensureCacheDir(cachePath('node-win-bin', m.version), async (tmp) => {
    execFileSync('bsdtar', ['-xf', m.zip, '-C', tmp, '--strip-components=1'], { stdio: 'ignore' });
  });
}

/** The folders (only) of a tree; what vanishes while it is walked is skipped. */
function copyFolders(from: string, to: string, skip: (rel: string) => boolean, rel = ''): void {
  mkdirSync(path.join(to, rel), { recursive: true });
  let names: string[];
  try {
    names = readdirSync(path.join(from, rel), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return; // removed by another test meanwhile
  }
  for (const name of names) if (!skip(path.join(rel, name))) copyFolders(from, to, skip, path.join(rel, name));
}

/**
 * A private copy of the shared Wine prefix: its own registry, and its own C:\users and
 * C:\ProgramData as empty folder skeletons (other test files write and reset the shared ones while
 * they run: a user's .claude, %LOCALAPPDATA%\ccenv, managed settings); the large C:\windows and
 * Program Files are linked read-through.
 */
function clonePrefix(shared: WinePrefix, into: string): WinePrefix {
  const dir = path.join(into, 'prefix');
  mkdirSync(path.join(dir, 'drive_c'), { recursive: true });
  for (const f of ['.update-timestamp', 'system.reg', 'user.reg', 'userdef.reg']) copyFileSync(path.join(shared.dir, f), path.join(dir, f));
  cpSync(path.join(shared.dir, 'dosdevices'), path.join(dir, 'dosdevices'), { recursive: true, verbatimSymlinks: true });
  const userRel = path.relative(path.join(shared.dir, 'drive_c'), shared.userDir);
  const skip = (rel: string) => rel === path.join(userRel, 'AppData', 'Local', 'ccenv') || rel === path.join(userRel, '.claude') || rel === path.join('ProgramData', 'ClaudeCode');
  for (const name of readdirSync(path.join(shared.dir, 'drive_c'))) {
    if (name === 'users' || name === 'ProgramData') copyFolders(path.join(shared.dir, 'drive_c'), path.join(dir, 'drive_c'), skip, name);
    else symlinkSync(path.join(shared.dir, 'drive_c', name), path.join(dir, 'drive_c', name));
  }
  const userDir = path.join(dir, 'drive_c', userRel);
  return { dir, userDir, localAppData: path.join(userDir, 'AppData', 'Local') };
}

/**
 * The copied registry holds whatever other test files had set in HKCU\Environment at that moment
 * (a user PATH, an ANTHROPIC_API_KEY): every value but Wine's own TEMP and TMP goes.
 */
async function resetUserEnvironment(prefix: WinePrefix): Promise<void> {
  const q = await runWine(prefix, ['reg', 'query', 'HKCU\\Environment']);
  const names = [...q.stdout.matchAll(/^\s{4}(\S+)\s+REG_\w+/gm)].map((m) => m[1] as string).filter((n) => !/^(TEMP|TMP)$/i.test(n));
  for (const name of names) await runWine(prefix, ['reg', 'delete', 'HKCU\\Environment', '/v', name, '/f']);
}

function cmdTarget(): Target {
  let work = '';
  let prefix: WinePrefix | undefined;
  let winPath: string[] = [];
  const installers = new Map<string, string>();
  return {
    id: 'cmd',
    missing: missingWine() === undefined ? undefined : `not executed: ${missingWine()}`,
    setup: async () => {
      const [shared, nodeBin] = await Promise.all([ensureWinePrefix(), winNodeBin()]);
      work = mkdtempSync(path.join(tmpdir(), 'ccenv-diff-cmd-'));
      prefix = clonePrefix(shared, work);
      await startWineServer(prefix);
      await resetUserEnvironment(prefix);
      const claude = path.join(work, 'claude-bin');
      mkdirSync(claude);
      // what npm's claude.cmd answers to --version
      writeFileSync(path.join(claude, 'claude.cmd'), '@echo off\r\necho 2.1.330 (Claude Code)\r\n');
      winPath = [windowsPath(nodeBin), windowsPath(claude)];
    },
    teardown: async () => {
      if (!work) return;
      // this file's own wineserver (its prefix only), so the folder can go
      if (prefix) await execa('wineserver', ['-k'], { env: { ...process.env, WINEPREFIX: prefix.dir }, reject: false, stdio: 'ignore' });
      rmSync(work, { recursive: true, force: true });
    },
    account: async () => {
      if (!prefix) throw new Error('the Wine prefix was not set up');
      const p = prefix;
      resetUserFiles(p);
      return {
        home: p.userDir,
        nativeHome: `C:\\users\\${path.basename(p.userDir)}`,
        run: async (step) => {
          // a snapshot of the installer per profile: a rebuild of dist/ mid-run cannot mix versions
          let file = installers.get(step.profile);
          if (!file) {
            file = path.join(work, `install-${step.profile}.cmd`);
            copyFileSync(installerFile(step.profile, 'cmd'), file);
            installers.set(step.profile, file);
          }
          const r = await runWine(p, ['cmd', '/c', windowsPath(file), step.uninstall ? '--uninstall' : '--yes'], { env: step.env, path: winPath, cwd: work });
          return { code: r.code, stdout: r.stdout, stderr: r.stderr };
        },
        dispose: async () => resetUserFiles(p),
      };
    },
  };
}

export function targets(): Target[] {
  return [shTarget(), ps1Target(), cmdTarget()];
}
