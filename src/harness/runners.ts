// Sandbox runners behind one small interface: a root file system (or the host's, read-only), a list
// of mounts, a private network holding only loopback, and one command run as root inside.
//   bwrap   bubblewrap: ~15 ms a start, no daemon; the default wherever it is installed
//   podman  rootful podman with runc (FEASIBILITY.md: crun fails on this machine's cgroups)
//   docker  whatever engine the docker CLI reaches (a user's CI; no daemon here)
// Selection: CCENV_SANDBOX=auto|bwrap|podman|docker (the matrix CLI's --sandbox sets it).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cachePath, shortHash } from './cache.js';
import { findProgram } from './tools.js';

export type RunnerName = 'bwrap' | 'podman' | 'docker';
export const RUNNER_NAMES: RunnerName[] = ['bwrap', 'podman', 'docker'];

export type Mount =
  | { kind: 'ro-bind' | 'bind'; src: string; dest: string }
  /** An empty writable folder (mode default 0755). */
  | { kind: 'tmpfs'; dest: string; mode?: string };

export interface SandboxSpec {
  /** A root file system (rootfs.ts); undefined: the host's own root, read-only (bwrap only). */
  rootfs?: string;
  /** A container image to run instead of a rootfs (podman and docker only; images.ts). */
  image?: string;
  mounts: Mount[];
  command: string[];
  timeoutMs: number;
  /** Without root on the host, bwrap needs the low ports opened in its own user namespace. */
  lowPorts?: boolean;
}

export interface SandboxExit {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface SandboxRunner {
  name: RunnerName;
  run(spec: SandboxSpec): Promise<SandboxExit>;
}

export interface RunnerStatus {
  name: RunnerName;
  available: boolean;
  /** Why not (or what it is), in words for the results table. */
  detail: string;
}

const HOSTNAME = 'ccenv-sandbox';

/** Runs the sandbox command to its end (killed at the timeout); never throws on its exit code. */
async function exec(argv: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<SandboxExit> {
  const r = await execa(argv[0] as string, argv.slice(1), { reject: false, stdin: 'ignore', timeout: timeoutMs, killSignal: 'SIGKILL', env, maxBuffer: 64 * 1024 * 1024 });
  return { exitCode: r.exitCode ?? null, stdout: String(r.stdout), stderr: String(r.stderr), timedOut: Boolean(r.timedOut) };
}

// ---- bubblewrap ----

function bwrapArgs(spec: SandboxSpec): string[] {
  const args = spec.rootfs ? ['--ro-bind', spec.rootfs, '/'] : ['--ro-bind', '/', '/'];
  args.push('--dev', '/dev', '--proc', '/proc');
  for (const m of spec.mounts) {
    if (m.kind === 'tmpfs') args.push('--perms', m.mode ?? '0755', '--tmpfs', m.dest);
    else args.push(m.kind === 'bind' ? '--bind' : '--ro-bind', m.src, m.dest);
  }
  args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--hostname', HOSTNAME);
  return args;
}

export const bwrapRunner: SandboxRunner = {
  name: 'bwrap',
  async run(spec) {
    if (spec.image) throw new Error('bwrap runs a rootfs, not a container image: use podman or docker');
    const args = bwrapArgs(spec);
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    let argv: string[];
    if (uid === 0) {
      argv = ['bwrap', ...args, '--unshare-net'];
    } else {
      // Without root, port 443 stays privileged in bwrap's own network namespace (--cap-add
      // CAP_NET_BIND_SERVICE does not help: tried). So: a user+network namespace first (unshare), in
      // which we bring lo up and open the low ports, then bwrap in it, back to the caller's ids.
      const ip = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p)) ?? 'busybox ip';
      argv = [
        'unshare', '--user', '--map-root-user', '--net', '--', '/bin/sh', '-c',
        `${ip} link set lo up && echo 0 >/proc/sys/net/ipv4/ip_unprivileged_port_start && exec "$@"`, 'sh',
        'bwrap', ...args, '--unshare-user', '--uid', String(uid), '--gid', String(gid),
      ];
    }
    argv.push('--die-with-parent', '--new-session', '--clearenv', '--setenv', 'PATH', '/usr/bin:/bin', '--chdir', '/', '--', ...spec.command);
    return exec(argv, spec.timeoutMs);
  },
};

// ---- podman and docker ----

/** podman here needs runc and lower ulimits than its defaults (FEASIBILITY.md). */
export function engineEnv(engine: RunnerName): Record<string, string> {
  return engine === 'podman' ? podmanEnv() : {};
}

function podmanEnv(): Record<string, string> {
  if (process.env.CONTAINERS_CONF) return {};
  const conf = cachePath('podman', 'containers.conf');
  if (!existsSync(conf)) {
    mkdirSync(path.dirname(conf), { recursive: true });
    const runtime = findProgram('runc') ? 'runtime = "runc"\n' : '';
    writeFileSync(conf, `[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n[engine]\n${runtime}`);
  }
  return { CONTAINERS_CONF: conf };
}

const imported = new Map<string, Promise<string>>();

/** The rootfs as a local image (imported once; the tag names the folder and the engine). */
export function rootfsImage(engine: RunnerName, rootfs: string): Promise<string> {
  const tag = `localhost/ccenv-${path.basename(rootfs).replace(/[^a-z0-9.-]/g, '-')}:${shortHash([rootfs, engine]).slice(0, 8)}`;
  let p = imported.get(tag);
  if (!p) {
    p = (async () => {
      const env = engineEnv(engine);
      const has = await execa(engine, ['image', 'inspect', tag], { reject: false, stdin: 'ignore', env });
      if (has.exitCode === 0) return tag;
      const r = await execa('sh', ['-c', 'tar -C "$1" -c . | "$2" import - "$3"', 'sh', rootfs, engine, tag], { reject: false, stdin: 'ignore', env, all: true });
      if (r.exitCode !== 0) throw new Error(`${engine} import of ${rootfs} failed:\n${String(r.all)}`);
      return tag;
    })();
    imported.set(tag, p);
  }
  return p;
}

function containerRunner(engine: 'podman' | 'docker'): SandboxRunner {
  return {
    name: engine,
    async run(spec) {
      if (!spec.rootfs && !spec.image) throw new Error(`${engine}: a scenario needs a root file system (rootfs) or an image to run in a container`);
      const image = spec.image ?? (await rootfsImage(engine, spec.rootfs as string));
      // --network none: a namespace with loopback only (never the default bridge, which routes out).
      const argv = [engine, 'run', '--rm', '--network', 'none', '--read-only', '--hostname', HOSTNAME, '--user', '0:0', '--workdir', '/'];
      for (const m of spec.mounts) {
        if (m.kind === 'tmpfs') argv.push('--tmpfs', `${m.dest}:rw,exec,mode=${m.mode ?? '0755'}`);
        else argv.push('--mount', `type=bind,source=${m.src},target=${m.dest}${m.kind === 'ro-bind' ? ',readonly' : ''}`);
      }
      argv.push('--env', 'PATH=/usr/bin:/bin', image, ...spec.command);
      return exec(argv, spec.timeoutMs, engineEnv(engine));
    },
  };
}

export const podmanRunner = containerRunner('podman');
export const dockerRunner = containerRunner('docker');

const RUNNERS: Record<RunnerName, SandboxRunner> = { bwrap: bwrapRunner, podman: podmanRunner, docker: dockerRunner };

async function probe(name: RunnerName): Promise<RunnerStatus> {
  if (name === 'bwrap') {
    const bin = findProgram('bwrap');
    if (!bin) return { name, available: false, detail: 'bwrap is not installed (apt-get install bubblewrap)' };
    // Installed is not enough: user namespaces may be off (a container without them, a hardened kernel).
    const r = await execa(bin, ['--ro-bind', '/', '/', '--dev', '/dev', '--unshare-all', '--', 'true'], { reject: false, stdin: 'ignore', timeout: 20_000 });
    return r.exitCode === 0 ? { name, available: true, detail: bin } : { name, available: false, detail: `bwrap cannot create a sandbox here: ${String(r.stderr).trim().slice(0, 160)}` };
  }
  if (!findProgram(name)) return { name, available: false, detail: `${name} is not installed` };
  if (name === 'podman' && process.getuid?.() !== 0) return { name, available: false, detail: 'podman: only rootful podman is supported (run as root)' };
  const r = await execa(name, ['info', '--format', '{{.Host.OS}}'], { reject: false, stdin: 'ignore', timeout: 20_000, env: engineEnv(name) });
  if (r.exitCode !== 0) {
    const why = String(r.stderr).split('\n').find((l) => l.trim()) ?? `exit ${r.exitCode}`;
    return { name, available: false, detail: `${name}: no engine answers (${why.trim().slice(0, 160)})` };
  }
  return { name, available: true, detail: `${name} engine answers` };
}

/** Every runner and whether it can run here (the matrix prints this). */
export function detectRunners(): Promise<RunnerStatus[]> {
  return Promise.all(RUNNER_NAMES.map(probe));
}

/** The runner CCENV_SANDBOX (or `want`) names; `auto`: the first available of bwrap, podman, docker. */
export async function selectRunner(want: string = process.env.CCENV_SANDBOX || 'auto'): Promise<SandboxRunner> {
  if (want !== 'auto' && !(RUNNER_NAMES as string[]).includes(want)) {
    throw new Error(`CCENV_SANDBOX=${want}: choose auto, ${RUNNER_NAMES.join(', ')}`);
  }
  const names = want === 'auto' ? RUNNER_NAMES : [want as RunnerName];
  const statuses: RunnerStatus[] = [];
  for (const n of names) {
    const s = await probe(n);
    if (s.available) return RUNNERS[n];
    statuses.push(s);
  }
  throw new Error(`no sandbox runner available:\n${statuses.map((s) => `  ${s.detail}`).join('\n')}\nInstall bubblewrap (make deps does), or start podman/docker.`);
}

export function runnerByName(name: RunnerName): SandboxRunner {
  return RUNNERS[name];
}
