// Runs a generated install.ps1 under real pwsh (7.6) on a fake machine: `pwsh -File`, or inside a
// pwsh session the way users start it (`iex (irm …)`, `& ([scriptblock]::Create(…)) -Yes`).
// pwsh's own caches go outside HOME, so HOME holds only what the installer wrote.
import { existsSync, mkdirSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { findProgram } from '../../src/harness/tools.js';
import path from 'node:path';
import { execa } from 'execa';
import type { FakeMachine } from '../../src/harness/fake-machine.js';
import { installerEnv, type InstallerRun } from '../../src/harness/run-installer.js';

// TODO(lead): use src/harness/powershell.ts's finder once it lands.
function findPwsh(): string | undefined {
  for (const dir of [...(process.env['PATH'] ?? '').split(':'), path.join(process.env['HOME'] ?? '/root', '.dotnet', 'tools')]) {
    const p = path.join(dir, 'pwsh');
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

export const PWSH = findPwsh();
/** vitest's skip reason for machines without pwsh: never reported as passed. */
export const NO_PWSH = 'not executed: no pwsh (make deps installs it where dotnet exists)';

/** The environment pwsh needs besides the machine's own; the pwsh folder goes last on PATH. */
export function pwshEnv(m: FakeMachine, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const base = installerEnv(m, extra);
  // The dotnet-tool pwsh is a shim that starts `dotnet`: both, and nothing else, join the PATH.
  const bin = path.join(m.root, 'pwsh-bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync(PWSH ?? '/nonexistent/pwsh', path.join(bin, 'pwsh'));
    symlinkSync(realpathSync(findProgram('dotnet') ?? '/usr/bin/dotnet'), path.join(bin, 'dotnet'));
  }
  return {
    ...base,
    PATH: `${base['PATH']}:${bin}`,
    XDG_DATA_HOME: path.join(m.root, 'pwsh-data'),
    XDG_CACHE_HOME: path.join(m.root, 'pwsh-cache'),
    POWERSHELL_TELEMETRY_OPTOUT: '1',
    POWERSHELL_UPDATECHECK: 'Off',
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
  };
}

export interface Ps1Run {
  /** The script's file (pwsh -File) … */
  file?: string;
  args?: string[];
  /** … or commands run inside one pwsh session (-Command), with $Installer holding the file's path. */
  session?: string;
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** More pwsh switches, e.g. -NonInteractive. */
  pwshArgs?: string[];
}

export async function runPs1(m: FakeMachine, run: Ps1Run): Promise<InstallerRun> {
  if (!PWSH) throw new Error(NO_PWSH);
  const file = run.file ?? '';
  const argv = run.session !== undefined
    ? ['-NoProfile', ...(run.pwshArgs ?? []), '-Command', `$Installer = '${file.replace(/'/g, "''")}'\n${run.session}`]
    : ['-NoProfile', ...(run.pwshArgs ?? []), '-File', file, ...(run.args ?? [])];
  if (file && !existsSync(file)) throw new Error(`no such installer: ${file}`);
  const r = await execa(PWSH, argv, {
    input: run.stdin ?? '',
    env: pwshEnv(m, run.env),
    extendEnv: false,
    reject: false,
    detached: true,
    cwd: m.home,
    timeout: 120_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/**
 * `pwsh` inside a sandbox (runScenario): the dotnet-tool's program folder bound read-only (the
 * sandbox hides the real HOME) and a `pwsh` toolbox script starting it with the host's dotnet.
 */
export function pwshInSandbox(): { binds: { src: string; dest: string }[]; scripts: Record<string, string> } {
  const dotnet = realpathSync(findProgram('dotnet') ?? '/usr/bin/dotnet');
  const store = path.join(path.dirname(PWSH ?? '/nonexistent/pwsh'), '.store', 'powershell');
  const version = existsSync(store) ? readdirSync(store)[0] ?? '' : '';
  const tools = path.join(store, version, 'powershell', version, 'tools', 'net10.0', 'any', 'unix');
  const dest = '/run/ccenv/pwsh';
  return {
    binds: [{ src: tools, dest }],
    scripts: { pwsh: `#!/bin/sh\nexec '${dotnet}' '${dest}/pwsh.dll' "$@"\n` },
  };
}
