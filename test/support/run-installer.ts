// Runs a generated install.sh the way users do (`curl … | sh`: the script arrives on stdin) on a
// fake machine, in its own session so no controlling terminal is inherited.
import { execa } from 'execa';
import type { FakeMachine } from './fake-machine.js';
import type { Shell } from '../../src/harness/shells.js';

export interface InstallerRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  shell: Shell;
  machine: FakeMachine;
  script: string;
  args?: string[];
  /** Extra environment; values of undefined are left out. */
  env?: Record<string, string | undefined>;
  /** A folder made read-only (a private read-only bind mount: EROFS even for root). */
  readOnly?: string;
  /** Run as this user and group (the caller must be root; the machine must be theirs). */
  uid?: number;
  gid?: number;
}

/** Wraps argv so that `dir` is a read-only mount for the command only (needs root or userns). */
function withReadOnly(dir: string, argv: string[]): string[] {
  const setup = '/bin/mount --bind "$1" "$1" && /bin/mount -o remount,bind,ro "$1" || exit 99; shift; exec "$@"';
  return ['/usr/bin/unshare', '--mount', '--', '/bin/sh', '-c', setup, 'sh', dir, ...argv];
}

export function installerEnv(machine: FakeMachine, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { HOME: machine.home, PATH: machine.path, LANG: 'C.UTF-8', ...extra };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export async function runInstaller(opts: RunOptions): Promise<InstallerRun> {
  const [bin, ...pre] = opts.shell.argv as [string, ...string[]];
  const args = opts.args ?? [];
  // `sh -s -- ARGS` reads the script from stdin, like `curl … | sh -s -- ARGS`.
  if (args.length > 0 && !opts.shell.takesArgsFromStdin) throw new Error(`${opts.shell.name} cannot take flags with the script on stdin`);
  const argv = args.length > 0 ? [...pre, '-s', '--', ...args] : pre;
  const full = opts.readOnly ? withReadOnly(opts.readOnly, [bin, ...argv]) : [bin, ...argv];
  const r = await execa(full[0] as string, full.slice(1), {
    input: opts.script,
    env: installerEnv(opts.machine, opts.env),
    extendEnv: false,
    reject: false,
    detached: true,
    cwd: opts.machine.home,
    timeout: 60_000,
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.gid ?? opts.uid }),
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
