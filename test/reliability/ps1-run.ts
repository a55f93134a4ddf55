// Runs zhipu's install.ps1 (from dist/) under real pwsh (`pwsh -NoProfile -File`) on a fake machine,
// with the key in CCENV_API_KEY unless told otherwise, and says what became of the user's files:
// the install.ps1 counterpart of install-run.ts.
import { execa } from 'execa';
import { repoPath } from '../../src/paths.js';
import { PWSH, pwshEnv } from '../support/run-ps1.js';
import { describeConfig, snapshotConfig, type ConfigPaths } from './case.js';
import { BASE_URL, KEY, type InstallOutcome, type Machine } from './install-run.js';

export const PS1_FILE = repoPath('dist', 'zhipu', 'install.ps1');
/** The report's "ran as" for these cases. */
export const PS1 = 'install.ps1 under pwsh -File';

export interface Ps1Options {
  env?: Record<string, string | undefined>;
  args?: string[];
  /** Another installer file (a hostile profile's build). */
  file?: string;
  /** What pwsh reads on stdin (default: nothing, an empty pipe). */
  stdin?: string;
  /** stdin closed (`<&-`), not an empty pipe. */
  closedStdin?: boolean;
  /** A folder made read-only for the run (a private read-only bind mount: EROFS even for root). */
  readOnly?: string;
  /** argv put in front of pwsh (unshare, strace); runs with pwsh's path appended. */
  wrap?: string[];
  /** Where the config lives (CLAUDE_CONFIG_DIR or another HOME); default the machine's. */
  files?: ConfigPaths;
  /** The key the run is meant to write (for the verdict); default KEY. */
  key?: string;
  /** A hang guard (not a timing assertion): the whole process group is killed after this long. */
  limitMs?: number;
}

export interface Ps1FileRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Killed by the hang guard: still running after limitMs. */
  hung: boolean;
}

/** As run-installer.ts does for install.sh: `dir` read-only for this command only. */
const READ_ONLY = ['/usr/bin/unshare', '--mount', '--', '/bin/sh', '-c', '/bin/mount --bind "$1" "$1" && /bin/mount -o remount,bind,ro "$1" || exit 99; shift; exec "$@"', 'sh'];

export async function runPs1File(m: Machine, o: Ps1Options = {}): Promise<Ps1FileRun> {
  if (!PWSH) throw new Error('no pwsh');
  // `pwsh` from the run's PATH: pwshEnv puts a starter there (dotnet + pwsh.dll, no shim)
  const pwshArgv = ['pwsh', '-NoProfile', '-File', o.file ?? PS1_FILE, ...(o.args ?? [])];
  let argv = o.readOnly ? [...READ_ONLY, o.readOnly, ...pwshArgv] : pwshArgv;
  if (o.wrap) argv = [...o.wrap, ...argv];
  if (o.closedStdin) argv = ['/bin/sh', '-c', 'exec "$@" <&-', 'sh', ...argv];
  const child = execa(argv[0] as string, argv.slice(1), {
    input: o.closedStdin ? undefined : (o.stdin ?? ''),
    stdin: o.closedStdin ? 'ignore' : undefined,
    env: pwshEnv(m, { CCENV_API_KEY: KEY, CCENV_YES: '1', ...o.env }),
    extendEnv: false,
    reject: false,
    detached: true,
    cwd: m.home,
  });
  // pwsh (the dotnet tool's shim) starts dotnet as a child: the group goes, not only the shim
  let hung = false;
  const guard = setTimeout(() => {
    hung = true;
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, o.limitMs ?? 110_000);
  const r = await child;
  clearTimeout(guard);
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), hung };
}

/** install.ps1 --yes with KEY (unless `env` says otherwise), and the fate of the user's files. */
export async function installPs1(m: Machine, o: Ps1Options = {}): Promise<InstallOutcome & { hung: boolean }> {
  const files = o.files ?? m.files;
  const before = snapshotConfig(files);
  const r = await runPs1File(m, o);
  return { ...r, before, config: describeConfig(before, snapshotConfig(files), o.key ?? KEY, BASE_URL) };
}
