// Runs a generated install.ps1 under real pwsh (7.6) on a fake machine: `pwsh -File`, or inside a
// pwsh session the way users start it (`iex (irm …)`, `& ([scriptblock]::Create(…)) -Yes`).
// pwsh's own caches go outside HOME, so HOME holds only what the installer wrote.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { FakeMachine } from './fake-machine.js';
import { findPwsh, NO_PWSH, pwshCommand } from '../../src/harness/powershell.js';
import { installerEnv, type InstallerRun } from './run-installer.js';

export const PWSH = findPwsh();
export { NO_PWSH };

/** The machine's environment plus what pwsh needs: a `pwsh` on PATH (last), its caches outside HOME. */
export function pwshEnv(m: FakeMachine, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const base = installerEnv(m, extra);
  const bin = path.join(m.root, 'pwsh-bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    const argv = pwshCommand(PWSH ?? '/nonexistent/pwsh').map((a) => `'${a}'`).join(' ');
    writeFileSync(path.join(bin, 'pwsh'), `#!/bin/sh\nexec ${argv} "$@"\n`, { mode: 0o755 });
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
  if (file && !existsSync(file)) throw new Error(`no such installer: ${file}`);
  const argv = run.session !== undefined
    ? ['-NoProfile', ...(run.pwshArgs ?? []), '-Command', `$Installer = '${file.replace(/'/g, "''")}'\n${run.session}`]
    : ['-NoProfile', ...(run.pwshArgs ?? []), '-File', file, ...(run.args ?? [])];
  const r = await execa('pwsh', argv, {
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
