// Real PowerShell for the tests: where pwsh is (PATH, else the dotnet tool `make deps` installs),
// where the Pester module is (the harness cache), and how to run pwsh so that nothing of the user's
// is read or written (-NoProfile -NonInteractive, a HOME and XDG folders owned by the test).
//
//   const pwsh = findPwsh();                      // undefined: report "not executed: no pwsh"
//   const r = await runPwsh('$PSVersionTable.PSVersion.ToString()', { pwsh });
//   r.exitCode; r.stdout;                         // "7.6.10"
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { cachePath } from './cache.js';

/** The versions scripts/powershell-deps.sh installs. */
export const PWSH_VERSION = '7.6.10';
export const PESTER_VERSION = '5.7.1';

/** vitest's skip reason where pwsh is missing: never reported as passed. */
export const NO_PWSH = 'not executed: no pwsh (make deps installs it where dotnet exists)';

/** Where `make deps` puts the dotnet tool's pwsh. */
export function dotnetToolsPwsh(): string {
  return path.join(homedir(), '.dotnet', 'tools', 'pwsh');
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** pwsh on PATH, else ~/.dotnet/tools/pwsh; undefined when neither exists. */
export function findPwsh(): string | undefined {
  const exe = process.platform === 'win32' ? 'pwsh.exe' : 'pwsh';
  const found = onPath(exe);
  if (found) return found;
  return existsSync(dotnetToolsPwsh()) ? dotnetToolsPwsh() : undefined;
}

/** Pester's module manifest (Import-Module it); undefined until `make deps` fetched it. */
export function pesterModulePath(): string | undefined {
  const p = cachePath('powershell', `pester-${PESTER_VERSION}`, 'Pester.psd1');
  return existsSync(p) ? p : undefined;
}

/**
 * The real program behind a dotnet-tool pwsh. ~/.dotnet/tools/pwsh is a shim (its own .NET start)
 * that starts `dotnet` from PATH with the app's pwsh.dll; starting pwsh.dll with the host's dotnet
 * ourselves saves that start and the PATH lookup. undefined for any other pwsh (a real one).
 */
export function dotnetToolApp(pwsh: string): { dotnet: string; appDir: string } | undefined {
  const store = path.join(path.dirname(pwsh), '.store', 'powershell');
  if (!existsSync(store)) return undefined;
  for (const version of readdirSync(store)) {
    const tfms = path.join(store, version, 'powershell', version, 'tools');
    if (!existsSync(tfms)) continue;
    for (const tfm of readdirSync(tfms)) {
      const appDir = path.join(tfms, tfm, 'any', 'unix');
      const dotnet = onPath('dotnet') ?? '/usr/share/dotnet/dotnet';
      if (existsSync(path.join(appDir, 'pwsh.dll')) && existsSync(dotnet)) return { dotnet: realpathSync(dotnet), appDir };
    }
  }
  return undefined;
}

/** argv[0] and the arguments before pwsh's own. */
export function pwshCommand(pwsh: string): [string, ...string[]] {
  const app = dotnetToolApp(pwsh);
  return app ? [app.dotnet, path.join(app.appDir, 'pwsh.dll')] : [pwsh];
}

/**
 * The environment for a pwsh owned by a test: HOME and pwsh's caches and module folders under
 * `home`, no telemetry, no update check. DOTNET_ROOT names the runtime of a dotnet-tool pwsh, which
 * its apphost would otherwise look for only in the default install location.
 */
export function pwshEnv(home: string, pwsh?: string): Record<string, string> {
  const app = pwsh ? dotnetToolApp(pwsh) : undefined;
  return {
    HOME: home,
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    POWERSHELL_TELEMETRY_OPTOUT: '1',
    POWERSHELL_UPDATECHECK: 'Off',
    POWERSHELL_CLI_TELEMETRY_OPTOUT: '1',
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    DOTNET_NOLOGO: '1',
    ...(app ? { DOTNET_ROOT: path.dirname(app.dotnet) } : {}),
  };
}

export interface RunPwshOptions {
  /** Default findPwsh(); throws NO_PWSH when there is none. */
  pwsh?: string;
  /** HOME for pwsh (kept); default a new temporary folder, removed afterwards. */
  home?: string;
  /** Added to pwshEnv; undefined removes. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** stdin; default empty. */
  input?: string;
  /** Default 120 s. */
  timeoutMs?: number;
}

export interface PwshResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `script` with `pwsh -NoProfile -NonInteractive -Command`; never throws on a non-zero exit. */
export async function runPwsh(script: string, opts: RunPwshOptions = {}): Promise<PwshResult> {
  const pwsh = opts.pwsh ?? findPwsh();
  if (!pwsh) throw new Error(NO_PWSH);
  const home = opts.home ?? mkdtempSync(path.join(tmpdir(), 'ccenv-pwsh-home-'));
  const env: Record<string, string> = pwshEnv(home, pwsh);
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const [file, ...pre] = pwshCommand(pwsh);
  const t0 = Date.now();
  try {
    const r = await execa(file, [...pre, '-NoProfile', '-NonInteractive', '-Command', script], {
      env,
      extendEnv: false,
      reject: false,
      input: opts.input ?? '',
      cwd: opts.cwd ?? home,
      timeout: opts.timeoutMs ?? 120_000,
      stripFinalNewline: false,
    });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), ms: Date.now() - t0 };
  } finally {
    if (!opts.home) rmSync(home, { recursive: true, force: true });
  }
}

/** Where the sandbox's pwsh program folder is bound (see pwshInSandbox). */
export const SANDBOX_PWSH_DIR = '/run/ccenv/pwsh';

/**
 * What a sandbox over the host root needs to offer `pwsh`: a toolbox script starting it, and the
 * host folders to bind (a dotnet tool lives under the real HOME, which the sandbox hides). The
 * runtime is the host's dotnet (world-executable, unlike the tool's owner-only apphost), so steps
 * run as another uid can start it too.
 */
export function pwshInSandbox(pwsh: string): { script: string; binds: { src: string; dest: string }[] } {
  const app = dotnetToolApp(pwsh);
  if (app) {
    return {
      script: `#!/bin/sh\nexec '${app.dotnet}' '${SANDBOX_PWSH_DIR}/pwsh.dll' "$@"\n`,
      binds: [{ src: app.appDir, dest: SANDBOX_PWSH_DIR }],
    };
  }
  // An installed pwsh (e.g. /opt/microsoft/powershell/7/pwsh): its folder bound, its program started.
  const real = realpathSync(pwsh);
  return {
    script: `#!/bin/sh\nexec '${SANDBOX_PWSH_DIR}/${path.basename(real)}' "$@"\n`,
    binds: [{ src: path.dirname(real), dest: SANDBOX_PWSH_DIR }],
  };
}
