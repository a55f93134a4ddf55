// Runs the configure artifact as the installers do: `node -` with the program on stdin, the key in
// the environment, a throw-away HOME, CLAUDE_CONFIG_DIR set or unset explicitly.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect } from 'vitest';
import { loadConfigureArtifact } from './configure-artifact.js';

export const KEY = 'sk-test.0123456789abcdefABCDEF_xyz';
export const CORPUS = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'claude-config');
export const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

const sandboxes: string[] = [];
afterAll(() => {
  for (const dir of sandboxes) {
    spawnSync('chmod', ['-R', 'u+rwX', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

export interface Sandbox {
  root: string;
  home: string;
  claudeDir: string;
  settings: string;
  state: string;
  receipt: string;
  backups: string;
}

/** A fresh directory with an empty home/ inside (~/.claude not created). */
export function sandbox(): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ccenv-cfg-'));
  sandboxes.push(root);
  const home = path.join(root, 'home');
  fs.mkdirSync(home);
  const claudeDir = path.join(home, '.claude');
  return {
    root,
    home,
    claudeDir,
    settings: path.join(claudeDir, 'settings.json'),
    state: path.join(home, '.claude.json'),
    receipt: path.join(claudeDir, 'ccenv', 'receipt.json'),
    backups: path.join(claudeDir, 'ccenv', 'backups'),
  };
}

export interface RunOptions {
  home: string;
  args?: string[];
  /** CCENV_API_KEY; default KEY; null leaves it unset. */
  key?: string | null;
  /** CLAUDE_CONFIG_DIR; undefined leaves it unset. */
  configDir?: string;
  env?: Record<string, string>;
  /** Modules to preload with `node -r` (fault injection around the real artifact). */
  preload?: string[];
  /** Profile whose artifact to run. */
  profile?: string;
  node?: string;
  uid?: number;
  gid?: number;
  /** Command prefix, e.g. unshare; the node command line is appended. */
  wrap?: string[];
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export async function run(options: RunOptions): Promise<RunResult> {
  const program = await loadConfigureArtifact(options.profile);
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: options.home,
    ...options.env,
  };
  const key = options.key === undefined ? KEY : options.key;
  if (key !== null) env['CCENV_API_KEY'] = key;
  if (options.configDir !== undefined) env['CLAUDE_CONFIG_DIR'] = options.configDir;
  const nodeArgs = [...(options.preload ?? []).flatMap((p) => ['-r', p]), '-', ...(options.args ?? [])];
  // CCENV_TEST_NODE runs the whole suite's artifact under another Node (e.g. an 18.x binary).
  const node = options.node ?? process.env['CCENV_TEST_NODE'] ?? process.execPath;
  const [command, ...args] = options.wrap ? [...options.wrap, node, ...nodeArgs] : [node, ...nodeArgs];
  const result = spawnSync(command as string, args, {
    input: program,
    env,
    encoding: 'utf8',
    cwd: options.home,
    uid: options.uid,
    gid: options.gid,
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  const out: RunResult = { status: result.status, stdout: result.stdout, stderr: result.stderr };
  // Whatever happens, the key is never printed.
  for (const secret of [KEY, key]) {
    if (typeof secret === 'string' && secret.length >= 8) {
      expect(out.stdout).not.toContain(secret);
      expect(out.stderr).not.toContain(secret);
    }
  }
  // Never a stack trace.
  expect(out.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return out;
}

export interface Entry {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  mtimeMs: number;
  content: string;
}

/** Every path under `dir` with its type, mode, mtime and content (base64) or link target. */
export function snapshot(dir: string): Map<string, Entry> {
  const result = new Map<string, Entry>();
  const walk = (p: string): void => {
    const st = fs.lstatSync(p);
    const rel = path.relative(dir, p) || '.';
    if (st.isSymbolicLink()) {
      result.set(rel, { type: 'symlink', mode: st.mode & 0o7777, mtimeMs: st.mtimeMs, content: fs.readlinkSync(p) });
    } else if (st.isDirectory()) {
      result.set(rel, { type: 'dir', mode: st.mode & 0o7777, mtimeMs: 0, content: '' });
      for (const name of fs.readdirSync(p).sort()) walk(path.join(p, name));
    } else {
      result.set(rel, {
        type: 'file',
        mode: st.mode & 0o7777,
        mtimeMs: st.mtimeMs,
        content: fs.readFileSync(p).toString('base64'),
      });
    }
  };
  walk(dir);
  return result;
}

export function mode(p: string): number {
  return fs.statSync(p).mode & 0o777;
}

export function readJson(p: string): Record<string, unknown> {
  let text = fs.readFileSync(p, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return JSON.parse(text) as Record<string, unknown>;
}

export function corpusFile(name: string): Buffer {
  return fs.readFileSync(path.join(CORPUS, name));
}

export function put(p: string, content: string | Buffer, fileMode = 0o644): void {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  fs.chmodSync(p, fileMode);
}

export function listBackups(sb: Sandbox, name: string): string[] {
  if (!fs.existsSync(sb.backups)) return [];
  return fs.readdirSync(sb.backups).filter((f) => f.startsWith(name + '.')).sort();
}

/** Whether a command exists on PATH. */
export function haveCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** Whether `unshare -m` can make a read-only bind mount here (root, or unprivileged user namespaces). */
export function canUnshareMount(): boolean {
  if (!haveCommand('unshare')) return false;
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'ccenv-probe-'));
  sandboxes.push(probe);
  const flags = IS_ROOT ? ['-m'] : ['-r', '-m'];
  const r = spawnSync(
    'unshare',
    [...flags, 'sh', '-c', 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && ! touch "$1/x" 2>/dev/null', 'sh', probe],
    { encoding: 'utf8' },
  );
  return r.status === 0;
}

/** A wrap prefix that runs the command with `dirs` bind-mounted read-only in a private mount namespace. */
export function readOnlyWrap(dirs: string[]): string[] {
  const flags = IS_ROOT ? ['-m'] : ['-r', '-m'];
  const mounts = dirs.map((_, i) => `mount --bind "$${i + 1}" "$${i + 1}" && mount -o remount,ro,bind "$${i + 1}" "$${i + 1}"`).join(' && ');
  return ['unshare', ...flags, 'sh', '-c', `${mounts} && shift ${dirs.length} && exec "$@"`, 'sh', ...dirs];
}
