// One Wine prefix for the cmd tests, created once (wineboot, then Windows 10 mode: Node refuses to
// start in Wine's default Windows 7 mode) and cached under ~/.cache/ccenv/wine-prefix/. Tests share
// it one at a time; resetUser() puts the user's files and registry environment back in between.
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { execa } from 'execa';
import { cachePath, ensureCacheDir, shortHash } from '../cache.js';
import { findProgram } from '../tools.js';

const RECIPE = { version: 1, windows: 'win10' };

export interface WinePrefix {
  dir: string;
  /** The Unix path of C:\users\<user> (USERPROFILE inside Wine). */
  userDir: string;
  /** The Unix path of %LOCALAPPDATA%. */
  localAppData: string;
}

export function missingWine(): string | undefined {
  if (!findProgram('wine')) return 'wine is not installed (Debian: apt-get install wine wine64)';
  return undefined;
}

/** Z:\… as Wine's Windows programs see a Unix path. */
export function windowsPath(unixPath: string): string {
  return 'Z:' + path.resolve(unixPath).replace(/\//g, '\\');
}

function baseEnv(dir: string): Record<string, string> {
  return { WINEPREFIX: dir, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
}

/** `name` gives a test file a prefix of its own, so its registry edits never meet another file's. */
export async function ensureWinePrefix(name = ''): Promise<WinePrefix> {
  const missing = missingWine();
  if (missing) throw new Error(`wine prefix: ${missing}`);
  const dir = await ensureCacheDir(cachePath('wine-prefix', shortHash(name ? { ...RECIPE, name } : RECIPE)), async (tmp) => {
    const env = { ...process.env, ...baseEnv(tmp) };
    // stdio 'ignore' throughout: Wine's background processes keep inherited pipes open for as long
    // as they live, and execa would wait for them.
    await execa('wineboot', ['-i'], { env, stdio: 'ignore' });
    await execa('wine', ['winecfg', '-v', RECIPE.windows], { env, stdio: 'ignore' });
    await execa('wineserver', ['-w'], { env, stdio: 'ignore' });
  });
  const userDir = path.join(dir, 'drive_c', 'users', userInfo().username);
  return { dir, userDir, localAppData: path.join(userDir, 'AppData', 'Local') };
}

function hostEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TMPDIR'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k] as string]));
}

export interface WineRun {
  code: number;
  stdout: string;
  /** stdout as written (binary output). */
  stdoutBytes: Buffer;
  stderr: string;
}

export interface WineRunOptions {
  /** Added to the environment Wine's programs see (the Unix environment is passed through). */
  env?: Record<string, string>;
  /** Windows folders put in front of PATH (WINEPATH). */
  path?: string[];
  /** Text for stdin; undefined: stdin is /dev/null (no terminal, nothing to read). */
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** The environment `wine` needs for this prefix (for runs this module does not start itself, e.g. on a pty). */
export function wineEnv(prefix: WinePrefix, opts: Pick<WineRunOptions, 'env' | 'path'> = {}): Record<string, string> {
  const env: Record<string, string> = { ...hostEnv(), ...baseEnv(prefix.dir), ...(opts.env ?? {}) };
  if (opts.path?.length) env.WINEPATH = opts.path.join(';');
  return env;
}

/**
 * Runs a Windows command line under Wine. stdout and stderr go to files, not pipes: Windows' Node
 * under Wine fails writing to a pipe (EBADF), which a real console or file does not do.
 */
export async function runWine(prefix: WinePrefix, args: string[], opts: WineRunOptions = {}): Promise<WineRun> {
  mkdirSync(cachePath('wine-runs'), { recursive: true });
  const work = mkdtempSync(path.join(cachePath('wine-runs'), `${process.pid}-`));
  const out = path.join(work, 'stdout');
  const err = path.join(work, 'stderr');
  // Windows programs see the Unix environment: pass only what Wine needs, so nothing of the test
  // runner's (NODE_OPTIONS above all, which Windows' node would obey) leaks in.
  const outFd = openSync(out, 'w');
  const errFd = openSync(err, 'w');
  const env: Record<string, string> = { ...hostEnv(), ...baseEnv(prefix.dir), ...(opts.env ?? {}) };
  if (opts.path?.length) env.WINEPATH = opts.path.join(';');
  // File descriptors handed to wine as they are (execa's {file} would put a pipe in between).
  // Not spawnSync: the matrix runs sandboxes beside the cmd cells, and this process must keep
  // answering them. Callers still run one Wine program at a time per prefix.
  let r: { code: number | null; signal: NodeJS.Signals | null; error?: Error };
  try {
    const child = spawn('wine', args, { env, cwd: opts.cwd, stdio: [opts.input === undefined ? 'ignore' : 'pipe', outFd, errFd] });
    if (opts.input !== undefined) {
      child.stdin?.on('error', () => undefined); // a program that exits without reading
      child.stdin?.end(opts.input);
    }
    r = await new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs ?? 120_000);
      child.once('error', (error) => {
        clearTimeout(timer);
        resolve({ code: null, signal: null, error });
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
  } finally {
    closeSync(outFd);
    closeSync(errFd);
  }
  const stdoutBytes = readFileSync(out);
  const result = { code: r.code ?? -1, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr: readFileSync(err, 'utf8') };
  rmSync(work, { recursive: true, force: true });
  if (r.error || r.signal) throw new Error(`wine ${args.join(' ')}: ${r.error?.message ?? r.signal}\n${result.stdout}\n${result.stderr}`);
  return result;
}

/**
 * Keeps a wineserver up while tests run: Debian's wineserver quits when the last program ends, so
 * each wine call would pay ~3 s to start one. It lingers 60 s after the last program and then quits
 * by itself — never killed, since test files running at the same time share the prefix.
 */
export async function startWineServer(prefix: WinePrefix): Promise<void> {
  const env = { ...process.env, ...baseEnv(prefix.dir) };
  // exit 2: one is running already, which is just as good
  await execa('wineserver', ['-p60'], { env, stdio: 'ignore', reject: false });
  await execa('wine', ['cmd', '/c', 'exit'], { env, stdio: 'ignore' }); // starts Wine's services, detached from any pipe
}

export interface UserPath {
  type: string;
  value: string;
}

/** The user PATH as stored in HKCU\Environment (read with Wine's real reg.exe), or undefined. */
export async function readUserPath(prefix: WinePrefix): Promise<UserPath | undefined> {
  const r = await runWine(prefix, ['reg', 'query', 'HKCU\\Environment', '/v', 'Path']);
  if (r.code !== 0) return undefined;
  const m = /^\s+Path\s+(REG_\w+)\s+(.*?)\r?$/im.exec(r.stdout);
  return m ? { type: m[1] as string, value: m[2] as string } : undefined;
}

/** Puts the user PATH in HKCU\Environment back to `value` (undefined: no user PATH at all). */
export async function setUserPath(prefix: WinePrefix, value: UserPath | undefined): Promise<void> {
  await runWine(prefix, ['reg', 'delete', 'HKCU\\Environment', '/v', 'Path', '/f']);
  if (value) {
    const r = await runWine(prefix, ['reg', 'add', 'HKCU\\Environment', '/v', 'Path', '/t', value.type, '/d', value.value, '/f']);
    if (r.code !== 0) throw new Error(`reg add failed: ${r.stderr}`);
  }
}

/** Removes what an installer run may have left for the user: Claude Code's files and ccenv's folder. */
export function resetUserFiles(prefix: WinePrefix): void {
  for (const p of [path.join(prefix.userDir, '.claude'), path.join(prefix.userDir, '.claude.json'), path.join(prefix.localAppData, 'ccenv')]) {
    rmSync(p, { recursive: true, force: true });
  }
  if (!existsSync(prefix.userDir)) mkdirSync(prefix.userDir, { recursive: true });
}

export function writeUserFile(prefix: WinePrefix, rel: string, content: string | Buffer): string {
  const file = path.join(prefix.userDir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}
