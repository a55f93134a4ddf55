// Real Windows PowerShell 7 under Wine: a minimal host (powershell-host/: Program.cs over
// Microsoft.PowerShell.SDK) published self-contained for win-x64, cached under
// ~/.cache/ccenv/wine-pwsh/<recipe-hash>/, and a Wine prefix of its own (the cmd tests' shared
// prefix has its user PATH reset under them; ours must not race with theirs).
// What it takes under Wine 8, found by running it (docs/windows-powershell-under-wine.md):
// mscoree must stay enabled (Wine's loader refuses IL-only DLLs without it) and .NET's W^X double
// mapping must be off (DOTNET_EnableWriteXorExecute=0), else the first GC that frees a dynamic
// method dies with "Internal CLR error".
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { repoPath } from '../../paths.js';
import { cachePath, ensureCacheDir, shortHash } from '../cache.js';
import { findProgram } from '../tools.js';
import { ensureWinePrefix, runWine, type WinePrefix, type WineRun, type WineRunOptions } from './prefix.js';

export const POWERSHELL_HOST_SOURCE_DIR = repoPath('src', 'harness', 'wine', 'powershell-host');
const SOURCES = ['PwshHost.csproj', 'Program.cs'];
const PUBLISH = ['-c', 'Release', '-r', 'win-x64', '--self-contained', 'true'];
/** Bump when the way it is built or laid out changes. */
const RECIPE = 1;

/** The environment Wine needs for the host (see the top of this file). */
export const POWERSHELL_WINE_ENV: Record<string, string> = {
  WINEDLLOVERRIDES: 'mshtml=;winedbg.exe=d', // no Gecko prompt; a crash exits instead of opening winedbg (which exits 0)
  DOTNET_EnableWriteXorExecute: '0',
};

export interface WinePowerShellHost {
  dir: string;
  exe: string;
}

export function missingPowerShellHostTools(): string | undefined {
  for (const p of ['wine', 'wineserver', 'wineboot', 'dotnet']) {
    if (!findProgram(p)) return `${p} is not installed`;
  }
  return undefined;
}

/** Publishes the host once per change of its sources; NuGet serves the SDK and the win-x64 runtime packs. */
export async function ensureWinePowerShellHost(): Promise<WinePowerShellHost> {
  const sources = Object.fromEntries(SOURCES.map((n) => [n, readFileSync(path.join(POWERSHELL_HOST_SOURCE_DIR, n), 'utf8')]));
  const dir = await ensureCacheDir(cachePath('wine-pwsh', shortHash({ RECIPE, sources, PUBLISH })), async (tmp) => {
    if (!findProgram('dotnet')) throw new Error('wine powershell host: dotnet (the .NET SDK) not found');
    // obj/ and bin/ go to the temporary folder: nothing is written beside the sources.
    const work = path.join(tmp, '.work');
    const args = ['publish', path.join(POWERSHELL_HOST_SOURCE_DIR, 'PwshHost.csproj'), ...PUBLISH, '-o', path.join(tmp, 'host'),
      `-p:BaseIntermediateOutputPath=${work}/obj/`, `-p:BaseOutputPath=${work}/bin/`, '-nologo'];
    const r = await execa('dotnet', args, { stdin: 'ignore', reject: false, all: true, env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
    if (r.exitCode !== 0) throw new Error(`wine powershell host: dotnet publish failed:\n${r.all}`);
    await execa('rm', ['-rf', work]);
  });
  return { dir: path.join(dir, 'host'), exe: path.join(dir, 'host', 'pwsh-host.exe') };
}

/** A Wine prefix for the PowerShell tests alone (its user PATH never meets the cmd tests'). */
export function ensurePowerShellPrefix(): Promise<WinePrefix> {
  return ensureWinePrefix('powershell');
}

/**
 * Runs the host under Wine: `args` is a script path (Windows form) and its arguments, or
 * ['-Command', text]. The exit code is the script's `exit N`, 1 on errors, else 0.
 */
export async function runWinePowerShell(prefix: WinePrefix, host: WinePowerShellHost, args: string[], opts: WineRunOptions = {}): Promise<WineRun> {
  const r = await runWine(prefix, [host.exe, ...args], { timeoutMs: 300_000, ...opts, env: { ...POWERSHELL_WINE_ENV, ...(opts.env ?? {}) } });
  // Wine's notice about the Z: drive's missing volume label is not the script's.
  const stderr = r.stderr.replace(/^wine: Read access denied for device .*\r?\n/gm, '');
  return { ...r, stderr };
}
