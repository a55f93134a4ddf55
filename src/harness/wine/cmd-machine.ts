// A Windows machine for install.cmd under Wine: a prefix, the curl/tar/certutil shims, a Windows
// node.exe, a claude.cmd stand-in and the sites curl.exe serves (<sites>/<host>/<path>) — what the
// cmd tests and the matrix's cmd lane start from. Wine has no sandbox: one run at a time per prefix,
// and resetCmdMachine puts the user's files and registry PATH back between runs.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lock } from '../cache.js';
import { CLAUDE_CODE_VERSION } from '../npm-registry.js';
import { ensureWinNodeBin } from './node-win-bin.js';
import { ensureWinNodeMirror, type WinNodeMirror } from './node-win-mirror.js';
import { resetUserFiles, runWine, setUserPath, startWineServer, windowsPath, type UserPath, type WinePrefix, type WineRun, type WineRunOptions } from './prefix.js';
import { ensureWineShims } from './shims.js';

export interface CmdMachine {
  prefix: WinePrefix;
  /** The Windows Node.js mirror (zip and SHASUMS256.txt) of the release node.exe comes from. */
  mirror: WinNodeMirror;
  /** A scratch folder of this machine (disposeCmdMachine removes it). */
  work: string;
  /** What curl.exe serves: <sites>/<host>/<path> (serveSite adds one). */
  sites: string;
  /** curl.exe's log: "<url> <status>" a line. */
  requestLog: string;
  /** Unix paths: the shims' folder, and the folder holding node.exe and npm. */
  shimsDir: string;
  nodeBin: string;
  /** WINEPATH folders (Windows paths): the shims, node.exe, a claude.cmd stand-in. */
  dirs: { shims: string; node: string; claude: string };
}

/** Claude Code as npm installs it on Windows answers --version like this (npm itself cannot reach a registry under Wine). */
export const CLAUDE_CMD_STAND_IN = `@echo off\r\necho ${CLAUDE_CODE_VERSION} (Claude Code)\r\n`;

/** Builds (or takes from the cache) what the machine needs, in a fresh scratch folder; starts a wineserver for `prefix`. */
export async function ensureCmdMachine(prefix: WinePrefix, nodeVersion?: string): Promise<CmdMachine> {
  const [mirror, shimsDir] = await Promise.all([ensureWinNodeMirror(nodeVersion), ensureWineShims()]);
  await startWineServer(prefix);
  const nodeBin = await ensureWinNodeBin(mirror);
  const work = mkdtempSync(path.join(tmpdir(), 'ccenv-cmd-'));
  const claude = path.join(work, 'claude-bin');
  mkdirSync(claude);
  writeFileSync(path.join(claude, 'claude.cmd'), CLAUDE_CMD_STAND_IN);
  const sites = path.join(work, 'sites');
  mkdirSync(sites);
  return {
    prefix,
    mirror,
    work,
    sites,
    requestLog: path.join(work, 'requests.log'),
    shimsDir,
    nodeBin,
    dirs: { shims: windowsPath(shimsDir), node: windowsPath(nodeBin), claude: windowsPath(claude) },
  };
}

/** curl.exe answers https://<host><urlPrefix>/… from `dir` (a link: nothing is copied). */
export function serveSite(m: CmdMachine, host: string, urlPrefix: string, dir: string): void {
  const at = path.join(m.sites, host, ...urlPrefix.split('/').filter(Boolean));
  mkdirSync(path.dirname(at), { recursive: true });
  rmSync(at, { force: true });
  symlinkSync(path.resolve(dir), at);
}

export interface CmdRunOptions extends Pick<WineRunOptions, 'env' | 'input' | 'cwd'> {
  /** WINEPATH folders (default: the shims, node.exe, the claude stand-in). */
  path?: string[];
}

/** `cmd /c ARGS` under Wine, with curl.exe serving the machine's sites and logging each request. */
export function runCmd(m: CmdMachine, args: string[], opts: CmdRunOptions = {}): Promise<WineRun> {
  return runWine(m.prefix, ['cmd', '/c', ...args], {
    env: { CCENV_SHIM_SITES: windowsPath(m.sites), CCENV_SHIM_LOG: windowsPath(m.requestLog), ...(opts.env ?? {}) },
    path: opts.path ?? [m.dirs.shims, m.dirs.node, m.dirs.claude],
    cwd: opts.cwd ?? m.work,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
}

/** What curl.exe logged since the last reset, as written ("" when nothing was requested). */
export function shimRequestLog(m: CmdMachine): string {
  return existsSync(m.requestLog) ? readFileSync(m.requestLog, 'utf8') : '';
}

/** Before each run: no Claude Code or ccenv files for the user, the user PATH as given, curl's log empty. */
export async function resetCmdMachine(m: CmdMachine, userPath: UserPath | undefined): Promise<void> {
  resetUserFiles(m.prefix);
  await setUserPath(m.prefix, userPath);
  rmSync(m.requestLog, { force: true });
}

/**
 * Runs `fn` while no other process runs one on this prefix (another `ccenv test`, or make test's
 * matrix): Wine cannot keep two runs' user files and registry apart.
 */
export async function whileHolding<T>(m: CmdMachine, fn: () => Promise<T>): Promise<T> {
  const release = await lock(`${m.prefix.dir}.run`);
  try {
    return await fn();
  } finally {
    release();
  }
}

export function disposeCmdMachine(m: CmdMachine): void {
  rmSync(m.work, { recursive: true, force: true });
}
