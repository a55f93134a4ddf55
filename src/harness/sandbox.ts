// Runs a scenario in isolation: bubblewrap over the host's root file system (read-only), a private
// network namespace holding only `lo`, an /etc/hosts mapping the scenario's real host names to
// 127.0.0.1, the system CA bundle plus the test CA bound over /etc/ssl/certs/ca-certificates.crt,
// an empty HOME, /tmp, /run and /home as fresh tmpfs. Inside, scenario-main starts the fixture
// server on 127.0.0.1:443 and runs the steps; nothing outside the sandbox is reachable, so the
// installer runs unmodified against https://nodejs.org, https://registry.npmjs.org, the provider's
// API host and the CDN host, all answered locally.
//
//   const [mirror, registry] = await Promise.all([ensureNodeMirror(), ensureClaudeCodeSnapshot()]);
//   const r = await runScenario({
//     sites: standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry, api: { expectKey: KEY } }),
//     toolbox: { node: hostNodeBinary() },            // PATH: bare tools + the host's Node 20 only
//     command: 'curl -fsSL https://cdn.ccenv.test/zhipu/install.sh | sh',
//     env: PROXY_USER_ENV,                             // NODE_EXTRA_CA_CERTS, as a user behind a proxy
//     pty: [{ when: /API key/, send: `${KEY}\r` }],
//     collect: ['.claude/settings.json'],
//   });
//   r.exitCode; r.transcript; r.apiCalls[0].authorization; r.files['.claude/settings.json'];
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { apiCalls, type ApiCall } from './api-stub.js';
import { cachePath } from './cache.js';
import { repoPath } from '../paths.js';
import type { Fault, RecordedRequest } from './fixture-server.js';
import type { PtyAnswer } from './pty.js';
import type { PtyAnswerSpec, ScenarioConfig, ScenarioOutput, StepResult, StepSpec } from './scenario-types.js';
import { sitePaths, type SiteSpec } from './sites.js';
import { BASIC_TOOLS, DOWNLOAD_TOOLS, findProgram } from './tools.js';
import { bwrapRunner, type Mount, type SandboxRunner } from './runners.js';
import type { ImageRecipe } from './images.js';
import { ensureTestCa, SYSTEM_CA_BUNDLE, type TestCa } from './test-ca.js';
import { pwshInSandbox } from './powershell.js';

/** HOME of the sandbox's user (an empty folder bound from the run directory). */
export const SANDBOX_HOME = '/home/user';
/** Where the run's private files appear inside the sandbox. */
const SANDBOX_RUN = '/run/ccenv';
/** The toolbox folder (see ScenarioOptions.toolbox); the steps' PATH when a toolbox is given. */
export const SANDBOX_TOOLBOX = '/run/ccenv/path';

/**
 * What an installer may call on a bare machine: POSIX utilities plus download, archive and checksum
 * tools. No node, npm or claude.
 */
export const DEFAULT_TOOLS = [...BASIC_TOOLS, ...DOWNLOAD_TOOLS];

/**
 * What a user behind a TLS-inspecting proxy has set: a Node.js they downloaded trusts the system
 * bundle only when told. Not set by the harness on its own — a scenario opts in.
 */
export const PROXY_USER_ENV: Record<string, string> = { NODE_EXTRA_CA_CERTS: SYSTEM_CA_BUNDLE };

export interface ScenarioStep {
  name?: string;
  /** Run with `/bin/sh -c` inside the sandbox. */
  command: string;
  /** Added to the default environment (HOME, PATH=/usr/bin:/bin, LANG, USER); undefined removes. */
  env?: Record<string, string | undefined>;
  /** Default: HOME. */
  cwd?: string;
  /** Run on a pseudo-terminal, answering these prompts (`true`: a terminal, no prompts). */
  pty?: PtyAnswer[] | true;
  /** Text piped to stdin (without a terminal); default /dev/null. */
  stdin?: string;
  /** Default 120 s. */
  timeoutMs?: number;
  /** Faults active during this step only. */
  faults?: Fault[];
}

export interface ScenarioOptions {
  /** What the loopback server answers, by host name (the names are mapped to 127.0.0.1). */
  sites: SiteSpec[];
  /** More names mapped to 127.0.0.1 and covered by the certificate, though no site serves them. */
  extraHosts?: string[];
  /** The steps, run in order in the same sandbox (same HOME, same server and request log) … */
  steps?: ScenarioStep[];
  /** … or a single command (with the step fields below). */
  command?: string;
  env?: Record<string, string | undefined>;
  pty?: PtyAnswer[] | true;
  stdin?: string;
  timeoutMs?: number;
  /** Faults for the whole scenario (step faults come after). */
  faults?: Fault[];
  /** Also answer plain HTTP on port 80 (CCENV_ALLOW_HTTP tests). */
  http?: boolean;
  /** Accept busybox wget's TLS (TLS 1.2 at most, every cipher). Default true. */
  legacyTls?: boolean;
  /**
   * Mount the sandbox's /tmp noexec, as hardened machines do (a program put there cannot be run):
   * the runner remounts it before the steps. Needs a root host and bubblewrap (the sandbox keeps
   * root's capabilities only then), and `mount` in the visible root.
   */
  noexecTmp?: boolean;
  /** Run the steps as this user (the host must be root); HOME is chowned to it. */
  uid?: number;
  gid?: number;
  /** Files to read back, relative to HOME (missing → null). */
  collect?: string[];
  /** List everything left in HOME afterwards (ScenarioResult.inventory). */
  inventory?: boolean;
  /** More host paths to make visible (read-only unless rw) at `dest` (default: the same path). */
  binds?: { src: string; dest?: string; rw?: boolean }[];
  /** Keep the run directory (HOME, result.json, requests.jsonl); else it is deleted. */
  keep?: boolean;
  /** Where the run directory (and so HOME) is made; default the system's temporary folder. */
  workDir?: string;
  /** A host folder to use as HOME (kept; e.g. to reuse an installed Claude Code). Default: a new one. */
  homeDir?: string;
  /**
   * A bare machine's PATH: the steps' default PATH becomes SANDBOX_TOOLBOX, a folder holding only
   * these host tools (default DEFAULT_TOOLS; missing ones are left out) and, when given, this node
   * binary as `node` — so no host npm, no other node. Without it, PATH is /usr/bin:/bin.
   */
  toolbox?: Toolbox;
  /** A root file system (rootfs.ts) instead of the host's own root. */
  rootfs?: string;
  /** A provisioned public image (images.ts) instead: podman or docker only. */
  image?: { tag: string; recipe: ImageRecipe };
  /** Default: bubblewrap. Containers need `rootfs`. */
  runner?: SandboxRunner;
}

export interface Toolbox {
  /**
   * Only these programs on PATH (symlinks to them in the visible root; missing ones left out).
   * Without a list: on the host root DEFAULT_TOOLS; in a rootfs, the rootfs's own PATH after the toolbox.
   */
  tools?: string[];
  /** This node binary (a host path) as `node`. */
  node?: string;
  /** More programs by name: the script text (a shim, a stand-in). */
  scripts?: Record<string, string>;
  /** Names for tools of the visible root (`tar` → `bsdtar`). */
  aliases?: Record<string, string>;
  /** This host pwsh (powershell.ts findPwsh()) as `pwsh`, its program folder bound. Host root only. */
  pwsh?: string;
}

export interface ScenarioResult {
  /** The last step's exit code, transcript, stdout and stderr. */
  exitCode: number | null;
  transcript: string;
  stdout: string;
  stderr: string;
  steps: StepResult[];
  /** Every request the fixture server answered, in order. */
  requests: RecordedRequest[];
  /** The Messages API calls among them (site 'api'). */
  apiCalls: ApiCall[];
  /** The `collect` files' contents. */
  files: Record<string, string | null>;
  /** With `inventory`: every path under HOME (relative), what it is and its owner and mode. */
  inventory: Record<string, InventoryEntry>;
  /** The run directory (only left on disk with keep: true); HOME is `<runDir>/home` unless homeDir. */
  runDir: string;
  home: string;
  timings: { setupMs: number; sandboxMs: number; serverStartMs: number; totalMs: number };
}

export interface InventoryEntry {
  type: 'file' | 'dir' | 'link' | 'other';
  /** Permission bits, e.g. 0o600. */
  mode: number;
  uid: number;
  size: number;
}

function takeInventory(dir: string, rel = '', into: Record<string, InventoryEntry> = {}): Record<string, InventoryEntry> {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(p);
    const type = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    into[r] = { type, mode: st.mode & 0o7777, uid: st.uid, size: st.size };
    if (type === 'dir') takeInventory(p, r, into);
  }
  return into;
}


/** PATH of a machine without a toolbox. */
const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

function hostTool(name: string): string {
  const p = findProgram(name);
  if (!p) throw new Error(`sandbox: ${name} is missing on the host (make deps installs it)`);
  return realpathSync(p);
}

/** The toolbox folder; returns the mounts it needs (binaries bound over empty files). */
function buildToolbox(dir: string, box: Toolbox, root: string | undefined): Mount[] {
  mkdirSync(dir, { mode: 0o755 });
  const mounts: Mount[] = [{ kind: 'ro-bind', src: dir, dest: SANDBOX_TOOLBOX }];
  const link = (name: string, tool: string) => {
    const p = findProgram(tool, root);
    if (p) symlinkSync(p, path.join(dir, name));
  };
  for (const t of new Set(box.tools ?? (root ? [] : DEFAULT_TOOLS))) link(t, t);
  for (const [name, tool] of Object.entries(box.aliases ?? {})) {
    rmSync(path.join(dir, name), { force: true });
    link(name, tool);
  }
  for (const [name, text] of Object.entries(box.scripts ?? {})) {
    rmSync(path.join(dir, name), { force: true });
    writeFileSync(path.join(dir, name), text, { mode: 0o755 });
  }
  if (box.node) {
    rmSync(path.join(dir, 'node'), { force: true });
    writeFileSync(path.join(dir, 'node'), '', { mode: 0o755 }); // the mount point of the binary
    mounts.push({ kind: 'ro-bind', src: realpathSync(box.node), dest: `${SANDBOX_TOOLBOX}/node` });
  }
  if (box.pwsh) {
    const p = pwshInSandbox(box.pwsh);
    writeFileSync(path.join(dir, 'pwsh'), p.script, { mode: 0o755 });
    mounts.push(...p.binds.map((b): Mount => ({ kind: 'ro-bind', ...b })));
  }
  return mounts;
}

/** The site as the sandbox sees it: its files bound under `at`. */
function remapSite(spec: SiteSpec, at: string, mounts: Mount[]): SiteSpec {
  switch (spec.kind) {
    case 'static':
    case 'node-mirror':
      mounts.push({ kind: 'ro-bind', src: spec.dir, dest: at });
      return { ...spec, dir: at };
    case 'npm-registry':
      return {
        ...spec,
        snapshot: {
          packages: spec.snapshot.packages.map((p, j) => {
            const dest = `${at}/${j}-${path.basename(p.tarball)}`;
            mounts.push({ kind: 'ro-bind', src: p.tarball, dest });
            return { ...p, tarball: dest };
          }),
        },
      };
    case 'api-stub':
    case 'mcp-stub':
      return spec;
  }
}

let bundled: Promise<string> | undefined;

/** scenario-main bundled into one .mjs (cached by content), runnable by the host's node. */
export function scenarioMainBundle(): Promise<string> {
  bundled ??= (async () => {
    const here = fileURLToPath(import.meta.url);
    // Beside this module (src/ under vitest, out/ when compiled); else (this module bundled into
    // something else) the repository's source.
    const entry = [path.join(path.dirname(here), `scenario-main${path.extname(here)}`), repoPath('src', 'harness', 'scenario-main.ts')].find((p) =>
      existsSync(p),
    );
    if (!entry) throw new Error('sandbox: scenario-main not found');
    const esbuild = await import('esbuild');
    const out = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'error',
    });
    const code = out.outputFiles[0]!.contents;
    const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
    const file = cachePath('harness', `scenario-main-${hash}.mjs`);
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, file); // atomic; a concurrent writer produces the same bytes
    }
    return file;
  })();
  return bundled;
}

function toSpec(a: PtyAnswer): PtyAnswerSpec {
  return { when: typeof a.when === 'string' ? a.when : { regex: a.when.source, flags: a.when.flags }, send: a.send };
}

function defaultEnv(pathVar: string): Record<string, string> {
  return { HOME: SANDBOX_HOME, PATH: pathVar, LANG: 'C.UTF-8', USER: 'user', LOGNAME: 'user', SHELL: '/bin/sh' };
}


function mergeEnv(base: Record<string, string>, extra: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Host names of the sites, de-duplicated. */
export function scenarioHosts(sites: SiteSpec[], extra: string[] = []): string[] {
  return [...new Set([...sites.map((s) => s.host.toLowerCase()).filter((h) => h !== '*'), ...extra.map((h) => h.toLowerCase())])];
}

export function hostsFile(names: string[]): string {
  return ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', ...names.map((n) => `127.0.0.1\t${n}`), ''].join('\n');
}

function chownTree(p: string, uid: number, gid: number): void {
  chownSync(p, uid, gid);
  if (statSync(p).isDirectory()) for (const e of readdirSync(p)) chownTree(path.join(p, e), uid, gid);
}

export async function runScenario(opts: ScenarioOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  if (!opts.runner && !findProgram('bwrap')) throw new Error('runScenario needs bubblewrap (bwrap): run `make deps` (apt-get install bubblewrap)');
  if (opts.rootfs && !existsSync(path.join(opts.rootfs, 'etc/hosts'))) throw new Error(`runScenario: ${opts.rootfs} is not a rootfs built by rootfs.ts`);
  const stepsIn: ScenarioStep[] =
    opts.steps ?? (opts.command !== undefined ? [{ command: opts.command, env: opts.env, pty: opts.pty, stdin: opts.stdin, timeoutMs: opts.timeoutMs }] : []);
  if (stepsIn.length === 0) throw new Error('runScenario: give steps or command');
  if (!existsSync(SYSTEM_CA_BUNDLE)) throw new Error(`runScenario: ${SYSTEM_CA_BUNDLE} is missing: install ca-certificates`);
  if (opts.uid !== undefined && process.getuid?.() !== 0) throw new Error('runScenario: uid needs a root host');
  if (opts.noexecTmp && (process.getuid?.() !== 0 || opts.image || (opts.runner && opts.runner.name !== 'bwrap'))) {
    throw new Error('runScenario: noexecTmp needs a root host and the bubblewrap runner');
  }
  const sitePathList = [...new Set(opts.sites.flatMap(sitePaths))];
  for (const p of sitePathList) if (!existsSync(p)) throw new Error(`runScenario: site path missing: ${p}`);
  const names = scenarioHosts(opts.sites, opts.extraHosts);
  const [ca, main] = await Promise.all([ensureTestCa(names), scenarioMainBundle()]);

  const runDir = mkdtempSync(path.join(opts.workDir ?? tmpdir(), 'ccenv-scenario-'));
  try {
    return await runIn(runDir, opts, stepsIn, names, ca, main, t0);
  } finally {
    if (!opts.keep) rmSync(runDir, { recursive: true, force: true });
  }
}

async function runIn(
  runDir: string, opts: ScenarioOptions, stepsIn: ScenarioStep[], names: string[], ca: TestCa, main: string, t0: number,
): Promise<ScenarioResult> {
  chmodSync(runDir, 0o755);
  const home = opts.homeDir ?? path.join(runDir, 'home');
  const out = path.join(runDir, 'out');
  mkdirSync(home, { mode: 0o755, recursive: true });
  mkdirSync(out, { mode: 0o777 });
  chmodSync(out, 0o777);
  if (opts.uid !== undefined) chownTree(home, opts.uid, opts.gid ?? opts.uid);
  writeFileSync(path.join(runDir, 'hosts'), hostsFile(names));

  const root = opts.rootfs;
  const image = opts.image;
  const mounts: Mount[] = [];
  const toolbox = opts.toolbox;
  if (image && toolbox?.tools) throw new Error('runScenario: a toolbox tool list needs a rootfs to look in, not an image');
  if ((root || image) && toolbox?.pwsh) throw new Error('runScenario: toolbox.pwsh runs the host\'s dotnet: host root only');
  if (toolbox) mounts.push(...buildToolbox(path.join(runDir, 'path'), toolbox, root));
  const pathVar = !toolbox ? SYSTEM_PATH : toolbox.tools || (!root && !image) ? SANDBOX_TOOLBOX : `${SANDBOX_TOOLBOX}:${SYSTEM_PATH}`;
  const steps: StepSpec[] = stepsIn.map((s, i) => ({
    name: s.name ?? `step${i + 1}`,
    command: s.command,
    env: mergeEnv(s.pty !== undefined ? { ...defaultEnv(pathVar), TERM: 'xterm-256color' } : defaultEnv(pathVar), s.env),
    cwd: s.cwd ?? SANDBOX_HOME,
    ...(s.pty !== undefined ? { pty: s.pty === true ? [] : s.pty.map(toSpec) } : {}),
    ...(s.stdin !== undefined ? { stdin: s.stdin } : {}),
    timeoutMs: s.timeoutMs ?? 120_000,
    ...(s.faults ? { faults: s.faults } : {}),
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}),
  }));
  const sites = opts.sites.map((spec, i) => remapSite(spec, `${SANDBOX_RUN}/site/${i}`, mounts));
  const config: ScenarioConfig = {
    sites,
    tls: { cert: `${SANDBOX_RUN}/tls/cert.pem`, key: `${SANDBOX_RUN}/tls/key.pem`, legacy: opts.legacyTls ?? true },
    httpsPort: 443,
    ...(opts.http ? { httpPort: 80 } : {}),
    faults: opts.faults ?? [],
    steps,
    outDir: `${SANDBOX_RUN}/out`,
    helpers: image && image.recipe.helpers !== 'host' ? image.recipe.helpers : { script: `${SANDBOX_RUN}/bin/script`, setpriv: `${SANDBOX_RUN}/bin/setpriv` },
  };
  writeFileSync(path.join(runDir, 'config.json'), JSON.stringify(config));

  const hidden = ['/tmp', '/run', '/home'];
  const realHome = homedir();
  if (!root && !image && realHome !== '/' && !hidden.some((h) => realHome === h || realHome.startsWith(h + '/'))) hidden.push(realHome);
  // /tmp is world-writable and sticky, as on a real machine (steps may run as another user).
  const base: Mount[] = hidden.filter((h) => root || image || existsSync(h)).map((h) => ({ kind: 'tmpfs', dest: h, mode: h === '/tmp' ? '1777' : '0755' }));
  // The runner's folder: readable by the steps' user (bwrap would make a created parent 0700).
  base.push({ kind: 'tmpfs', dest: SANDBOX_RUN, mode: '0755' });
  base.push(
    { kind: 'ro-bind', src: path.join(runDir, 'hosts'), dest: '/etc/hosts' },
    { kind: 'ro-bind', src: ca.bundle, dest: image?.recipe.caBundle ?? SYSTEM_CA_BUNDLE },
    { kind: 'bind', src: home, dest: SANDBOX_HOME },
    { kind: 'bind', src: out, dest: `${SANDBOX_RUN}/out` },
    { kind: 'ro-bind', src: path.join(runDir, 'config.json'), dest: `${SANDBOX_RUN}/config.json` },
    { kind: 'ro-bind', src: main, dest: `${SANDBOX_RUN}/scenario-main.mjs` },
    { kind: 'ro-bind', src: ca.chain, dest: `${SANDBOX_RUN}/tls/cert.pem` },
    { kind: 'ro-bind', src: ca.key, dest: `${SANDBOX_RUN}/tls/key.pem` },
  );
  // The harness's own node and helpers: the host's (glibc), unless the image brings its own (musl).
  if (!image || image.recipe.runnerNode === 'host') base.push({ kind: 'ro-bind', src: realpathSync(process.execPath), dest: `${SANDBOX_RUN}/bin/node` });
  if (!image || image.recipe.helpers === 'host') {
    base.push({ kind: 'ro-bind', src: hostTool('script'), dest: `${SANDBOX_RUN}/bin/script` });
    base.push({ kind: 'ro-bind', src: hostTool('setpriv'), dest: `${SANDBOX_RUN}/bin/setpriv` });
  }
  for (const b of opts.binds ?? []) mounts.push({ kind: b.rw ? 'bind' : 'ro-bind', src: b.src, dest: b.dest ?? b.src });

  const t1 = Date.now();
  const total = steps.reduce((n, s) => n + s.timeoutMs, 0) + 60_000;
  const runner = opts.runner ?? bwrapRunner;
  const r = await runner.run({
    ...(root ? { rootfs: root } : {}),
    ...(image ? { image: image.tag } : {}),
    mounts: [...base, ...mounts],
    command: [
      // bwrap's /tmp is a tmpfs without noexec (0.8 has no option for it); root inside may remount it
      ...(opts.noexecTmp ? ['/bin/sh', '-c', 'mount -o remount,noexec /tmp && exec "$@"', 'sh'] : []),
      image && image.recipe.runnerNode !== 'host' ? image.recipe.runnerNode : `${SANDBOX_RUN}/bin/node`,
      `${SANDBOX_RUN}/scenario-main.mjs`,
      `${SANDBOX_RUN}/config.json`,
    ],
    timeoutMs: total,
  });
  const t2 = Date.now();
  const resultFile = path.join(out, 'result.json');
  if (!existsSync(resultFile)) {
    throw new Error(`sandbox: no result (${runner.name} exit ${r.exitCode}${r.timedOut ? ', timed out' : ''}):\n${r.stderr}\n${r.stdout}`);
  }
  const output = JSON.parse(readFileSync(resultFile, 'utf8')) as ScenarioOutput;
  if (output.error) {
    throw new Error(`sandbox: scenario runner failed: ${output.error}\n${r.stderr}`);
  }
  const files: Record<string, string | null> = {};
  for (const f of opts.collect ?? []) {
    const p = path.join(home, f);
    files[f] = existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'utf8') : null;
  }
  const last = output.steps[output.steps.length - 1];
  return {
    exitCode: last?.exitCode ?? null,
    transcript: last?.transcript ?? '',
    stdout: last?.stdout ?? '',
    stderr: last?.stderr ?? '',
    steps: output.steps,
    requests: output.requests,
    apiCalls: apiCalls(output.requests),
    files,
    inventory: opts.inventory ? takeInventory(home) : {},
    runDir,
    home,
    timings: { setupMs: t1 - t0, sandboxMs: t2 - t1, serverStartMs: output.serverStartMs, totalMs: Date.now() - t0 },
  };
}
