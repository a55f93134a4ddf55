// Secret hygiene: where the key goes during a real install (and where it never goes), downloads only
// over https and always verified, no privilege escalation, no evaluation of downloaded text.
// The full installs run in the sandbox (real host names on loopback, Node from the mirror fixture,
// npm from the local registry) under `strace -f -e trace=execve`, so every program the installer
// starts is seen with its argv.
import { randomBytes } from 'node:crypto';
import { copyFileSync, linkSync, lstatSync, type Stats, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ensureClaudeStandIn } from '../../src/harness/claude-stand-in.js';
import { ensureNodeMirror, nodeDistName, type NodeMirror } from '../../src/harness/node-mirror.js';
import { hostNodeBinary } from '../../src/harness/node-fixture.js';
import { ensureClaudeCodeSnapshot, type RegistrySnapshot } from '../../src/harness/npm-registry.js';
import { DEFAULT_TOOLS, PROXY_USER_ENV, runScenario, SANDBOX_HOME, SANDBOX_TOOLBOX, type ScenarioResult, type ScenarioStep } from '../../src/harness/sandbox.js';
import { CN_MIRRORS, standardSites, type SiteSpec } from '../../src/harness/sites.js';
import type { StepResult } from '../../src/harness/scenario-types.js';
import { repoPath } from '../../src/paths.js';
import { describeConfig, reliabilityCase, snapshotConfig, type ConfigSnapshot } from './case.js';
import { cmdFindings, ESCALATORS, ps1Findings, shFindings, type Finding, type Rule } from './forbidden-forms.js';
import { BASE_URL } from './install-run.js';

const AREA = 'secret hygiene';
const CDN_SCRIPT = 'https://cdn.ccenv.test/zhipu/install.sh';
const KEY_PROMPT = 'Enter your Zhipu GLM Coding Plan API key';
const STRACE = '/usr/bin/strace';
/** Where the sandbox's run folder keeps what a step leaves for the host (bound to <runDir>/out). */
const SANDBOX_OUT = '/run/ccenv/out';
const CREATED = 'settings.json created; .claude.json created';
const ABSENT = 'settings.json absent; .claude.json absent';
/** npm ≥ 10.9 keeps a V8 code cache of its own modules in $TMPDIR on every run: npm's, not ccenv's. */
const NPM_COMPILE_CACHE = 'node-compile-cache';
const BUSYBOX_WARNING_EN = 'busybox wget, which does not check TLS certificates';
const BUSYBOX_WARNING_ZH = 'busybox wget 下载，它不校验 TLS 证书';

let mirror: NodeMirror;
let realClaude: RegistrySnapshot;
let standIn: RegistrySnapshot;
beforeAll(async () => {
  [mirror, realClaude, standIn] = await Promise.all([ensureNodeMirror(), ensureClaudeCodeSnapshot(), ensureClaudeStandIn()]);
}, 1_800_000);

const scratch: string[] = [];
afterAll(() => {
  while (scratch.length) rmSync(scratch.pop()!, { recursive: true, force: true });
});

// ---- reading what a sandboxed run left behind ----

const NOTHING: ConfigSnapshot = { settings: { kind: 'missing', link: false, bytes: null }, state: { kind: 'missing', link: false, bytes: null } };

/** Claude Code's files under a sandbox HOME (host path), described against a fresh machine. */
function configState(home: string, key: string): { state: string; lostBytes: number } {
  const after = snapshotConfig({ settings: path.join(home, '.claude', 'settings.json'), state: path.join(home, '.claude.json') });
  return describeConfig(NOTHING, after, key, BASE_URL);
}

interface FileEntry {
  rel: string;
  mode: number;
  bytes: Buffer;
}

/** Every path under dir (links not followed), with what lstat says of it. */
function entriesUnder(dir: string, rel = ''): { rel: string; st: Stats }[] {
  let names: string[];
  try {
    names = readdirSync(path.join(dir, rel));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(path.join(dir, r));
    return [{ rel: r, st }, ...(st.isDirectory() ? entriesUnder(dir, r) : [])];
  });
}

/** Every regular file under dir (links not followed), with its mode and content. */
function filesUnder(dir: string): FileEntry[] {
  return entriesUnder(dir)
    .filter((e) => e.st.isFile())
    .map((e) => ({ rel: e.rel, mode: e.st.mode & 0o777, bytes: readFileSync(path.join(dir, e.rel)) }));
}

function allPaths(dir: string): string[] {
  return entriesUnder(dir).map((e) => e.rel);
}

/** One execve of `strace -f -v -e trace=execve`: the program, its argv and environment, whether it ran. */
interface Exec {
  pid: string;
  path: string;
  argv: string[];
  env: string[];
  ok: boolean;
}

/**
 * Parses strace's execve lines, string by string (an argv may hold `]` or `", "`). With -f a call can
 * be split: `execve(… <unfinished ...>` and later `<... execve resumed>) = 0` on the same pid.
 */
function parseExecs(log: string): Exec[] {
  const out: Exec[] = [];
  const open = new Map<string, Exec>();
  for (const line of log.split('\n')) {
    const pid = /^(\d+)\s/.exec(line)?.[1] ?? '';
    const resumed = /<\.\.\. execve resumed>.*\) = (-?\d+)/.exec(line);
    if (resumed) {
      const e = open.get(pid);
      if (e) e.ok = resumed[1] === '0';
      open.delete(pid);
      continue;
    }
    let i = line.indexOf('execve(');
    if (i < 0) continue;
    i += 'execve('.length;
    const str = (): string => {
      if (line[i] !== '"') throw new Error(`strace line not understood at ${i}: ${line.slice(0, 200)}`);
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      const value = line.slice(i + 1, j);
      i = j + 1;
      if (line.startsWith('...', i)) i += 3; // cut by -s
      return value;
    };
    const list = (): string[] => {
      const items: string[] = [];
      i++; // [
      while (i < line.length && line[i] !== ']') {
        if (line.startsWith(', ', i)) i += 2;
        else if (line.startsWith('...', i)) i += 3;
        else items.push(str());
      }
      i++; // ]
      return items;
    };
    const e: Exec = { pid, path: str(), argv: [], env: [], ok: false };
    i += 2; // ", "
    e.argv = list();
    i += 2;
    if (line[i] === '[') e.env = list();
    const rc = /\) = (-?\d+)/.exec(line.slice(i));
    if (rc) e.ok = rc[1] === '0';
    else open.set(pid, e);
    out.push(e);
  }
  return out;
}

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

function countBy(names: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
  return m;
}

// ---- 1. the key during a full install, every exec traced ----

const AUDIT_TOOLS = [...DEFAULT_TOOLS, 'dash', 'mksh', 'posh'];

interface AuditSpec {
  shell: 'dash' | 'mksh' | 'posh';
  typed: boolean;
  /** The real @anthropic-ai/claude-code (~360 MB, its own postinstall) or the tiny stand-in package. */
  claude: 'real' | 'stand-in';
}

interface AuditRun {
  key: string;
  r: ScenarioResult;
  log: string;
  control: string;
  tmpCopy: string;
  home: string;
}

const auditRuns = new Map<string, Promise<AuditRun>>();

/**
 * Runs the one-liner under strace in its own sandbox: a step listing /tmp before, the install, a step
 * copying /tmp out afterwards, and a control: the same trace around an external printf given the
 * key, which must show it (else a clean trace would prove nothing).
 */
function audit(spec: AuditSpec): Promise<AuditRun> {
  let run = auditRuns.get(spec.shell);
  if (!run) {
    run = runAudit(spec, `sk-audit-${spec.shell}-${randomBytes(12).toString('hex')}`);
    auditRuns.set(spec.shell, run);
  }
  return run;
}

async function runAudit(spec: AuditSpec, key: string): Promise<AuditRun> {
  // -v: environments too, to see which programs got the key there (argv must never hold it)
  const traced = (out: string, command: string) => `${STRACE} -f -qq -v --seccomp-bpf -s 65536 -e trace=execve -o ${SANDBOX_OUT}/${out} ${command}`;
  const install: ScenarioStep = {
    name: 'install',
    command: `curl -fsSL ${CDN_SCRIPT} | ${traced('execve.log', spec.shell)}`,
    env: spec.typed ? PROXY_USER_ENV : { ...PROXY_USER_ENV, CCENV_API_KEY: key, CCENV_YES: '1' },
    ...(spec.typed
      ? {
          pty: [
            { when: KEY_PROMPT, send: `${key}\r` },
            { when: '[y/N]', send: '\r' },
            { when: '[y/N]', send: '\r' }, // the MCP servers
          ],
        }
      : {}),
    timeoutMs: 600_000,
  };
  const r = await runScenario({
    sites: standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry: spec.claude === 'real' ? realClaude : standIn }),
    toolbox: { node: hostNodeBinary(), tools: AUDIT_TOOLS },
    keep: true,
    steps: [
      { name: 'tmp-before', command: 'ls -A /tmp' },
      install,
      { name: 'tmp-after', command: `mkdir ${SANDBOX_OUT}/tmp && cp -a /tmp/. ${SANDBOX_OUT}/tmp/ && ls -A /tmp` },
      // posh and mksh run printf as a program: a key handed to it is in the trace
      { name: 'control', command: traced('control.log', `${spec.shell === 'dash' ? 'mksh' : spec.shell} -c 'printf "%s" "$CCENV_API_KEY" >/dev/null'`), env: { CCENV_API_KEY: key } },
    ],
  });
  scratch.push(r.runDir);
  const out = path.join(r.runDir, 'out');
  const read = (f: string) => {
    try {
      return readFileSync(path.join(out, f), 'utf8');
    } catch {
      return '';
    }
  };
  return { key, r, log: read('execve.log'), control: read('control.log'), tmpCopy: path.join(out, 'tmp'), home: r.home };
}

function auditCase(title: string, spec: AuditSpec): void {
  const target = `sandbox: curl | ${spec.shell} under strace, ${spec.claude === 'real' ? 'the real' : 'a stand-in'} Claude Code package, key ${spec.typed ? 'typed at the prompt' : 'in CCENV_API_KEY'}`;
  reliabilityCase({ area: AREA, title, target, expected: { exit: 0, files: CREATED }, timeoutMs: 900_000 }, async () => {
    const { key, r, log, control, tmpCopy, home } = await audit(spec);
    const step = (name: string): StepResult => r.steps.find((s) => s.name === name)!;
    const install = step('install');
    expect(install.error, install.transcript).toBeUndefined();

    // the trace worked: the programs of an install are all in it, with argv
    const execs = parseExecs(log);
    const ran = countBy(execs.filter((e) => e.ok).map((e) => base(e.path)));
    for (const program of [spec.shell, 'node', 'npm', 'curl', 'tar', 'xz', 'sha256sum', 'mktemp', 'claude']) {
      expect(ran.get(program) ?? 0, `${program} in the trace`).toBeGreaterThan(0);
    }
    const printfs = ran.get('printf') ?? 0;
    if (spec.shell !== 'dash') expect(printfs, 'printf is a program in mksh and posh').toBeGreaterThan(10);
    // …and it would have seen a key handed to a program
    expect(parseExecs(control).some((e) => base(e.path) === 'printf' && e.argv.includes(key)), 'the control trace shows a key given to printf in its argv').toBe(true);

    // every execve line was understood
    expect(execs.length).toBe(log.split('\n').filter((l) => l.includes('execve(')).length);

    // the key: in no argv, no output
    const inArgv = execs.filter((e) => e.argv.some((a) => a.includes(key)) || e.path.includes(key));
    expect(inArgv.map((e) => e.argv.join(' '))).toEqual([]);
    for (const s of r.steps.filter((x) => x.name !== 'control')) expect(s.transcript, `${s.name} output`).not.toContain(key);
    // in environments: the configure step's (`node -`) always; npm's never; typed, nobody else's either
    const withKey = execs.filter((e) => e.env.some((v) => v.includes(key)));
    const isConfigure = (e: Exec) => base(e.path) === 'node' && e.argv[1] === '-';
    const isNpm = (e: Exec) => base(e.path) === 'npm' || e.argv.some((a) => a.endsWith('/bin/npm') || a.endsWith('npm-cli.js'));
    expect(withKey.filter(isConfigure).length, 'the key reaches the configure step').toBeGreaterThan(0);
    expect(withKey.filter(isNpm).map((e) => e.argv.join(' '))).toEqual([]);
    if (spec.typed) expect(withKey.filter((e) => !isConfigure(e)).map((e) => e.argv.join(' '))).toEqual([]);
    expect(execs.filter(isNpm).length).toBeGreaterThan(0);
    // nobody was asked for more rights
    const escalations = execs.filter((e) => ESCALATORS.has(base(e.path)) || ESCALATORS.has(base(e.argv[0] ?? '')));
    expect(escalations.map((e) => e.path)).toEqual([]);

    // the files: the key only where it belongs, owner-only
    const homeFiles = filesUnder(home);
    const holding = homeFiles.filter((f) => f.bytes.includes(key));
    const allowed = /^\.claude\/(settings\.json|ccenv\/backups\/[^/]+)$/;
    expect(holding.filter((f) => !allowed.test(f.rel)).map((f) => f.rel)).toEqual([]);
    expect(holding.map((f) => f.rel)).toContain('.claude/settings.json');
    expect(holding.filter((f) => f.mode !== 0o600).map((f) => `${f.rel} ${f.mode.toString(8)}`)).toEqual([]);
    const leftovers = allPaths(home).filter((p) => /\.ccenv-\d+-[0-9a-f]{8}\.tmp$|\.partial$/.test(p));
    expect(leftovers).toEqual([]);
    // /tmp: nothing new but npm's own code cache, and the key in none of it
    const before = step('tmp-before').stdout.split('\n').filter(Boolean);
    const after = step('tmp-after').stdout.split('\n').filter(Boolean);
    const added = after.filter((n) => !before.includes(n));
    expect(added.filter((n) => n !== NPM_COMPILE_CACHE)).toEqual([]);
    const tmpFiles = filesUnder(tmpCopy);
    expect(tmpFiles.filter((f) => f.bytes.includes(key)).map((f) => f.rel)).toEqual([]);

    const config = configState(home, key);
    return {
      observed: { exit: install.exitCode, files: config.state },
      lostBytes: config.lostBytes,
      detail:
        `${execs.filter((e) => e.ok).length} programs started, all traced (node ${ran.get('node') ?? 0}, npm ${ran.get('npm') ?? 0}, curl ${ran.get('curl') ?? 0}, printf ${printfs}); ` +
        `key in no argv and no output; in the environment of ${spec.typed ? 'the configure step only' : 'the configure step, never npm\'s'} (${withKey.filter(isConfigure).length === 1 ? 'one run' : `${withKey.filter(isConfigure).length} runs`}); in ${holding.map((f) => `~/${f.rel} (0${f.mode.toString(8)})`).join(', ')} only; no sudo/su/doas; ` +
        `/tmp: ${added.length === 0 ? 'nothing new' : `only ${added.join(', ')} (npm's code cache, ${tmpFiles.length} files, no key)`}; ` +
        `control trace caught a key given to printf`,
    };
  });
}

const AUDITS: Record<AuditSpec['shell'], AuditSpec> = {
  dash: { shell: 'dash', typed: false, claude: 'stand-in' },
  mksh: { shell: 'mksh', typed: true, claude: 'real' },
  posh: { shell: 'posh', typed: false, claude: 'stand-in' },
};

describe('the key during a full install, every program it starts traced', () => {
  auditCase('dash, key in CCENV_API_KEY: in no argv, no output, no other file', AUDITS.dash);
  auditCase('mksh, key typed at the prompt: in no argv, no output, no other file', AUDITS.mksh);
  auditCase('posh (no flags from a pipe), key in CCENV_API_KEY: in no argv, no output, no other file', AUDITS.posh);
});

// ---- 2, 3 and 5: mirrors and downloaders, one sandbox, one HOME per step ----

const MIRROR_HOST = 'mirror.ccenv.test';

/** A Node mirror whose SHASUMS256.txt has no line for the Linux x64 tarballs (which it does serve). */
function mirrorWithoutLinuxLines(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-secrets-mirror-'));
  scratch.push(dir);
  const release = path.join(dir, 'latest-v22.x');
  mkdirSync(release);
  const from = path.join(mirror.root, 'latest-v22.x');
  for (const name of readdirSync(from)) {
    if (name === 'SHASUMS256.txt') continue;
    try {
      linkSync(path.join(from, name), path.join(release, name));
    } catch {
      copyFileSync(path.join(from, name), path.join(release, name));
    }
  }
  const sums = readFileSync(path.join(from, 'SHASUMS256.txt'), 'utf8');
  writeFileSync(path.join(release, 'SHASUMS256.txt'), sums.split('\n').filter((l) => !l.includes('-linux-x64.')).join('\n'));
  return dir;
}

/** One folder per downloader, each holding only it: a step picks one by putting it first on PATH. */
function downloaderDirs(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-secrets-dl-'));
  scratch.push(dir);
  for (const [name, links] of Object.entries({ busybox: { wget: '/usr/bin/busybox' }, gnu: { wget: '/usr/bin/wget' }, curl: { curl: '/usr/bin/curl' } })) {
    mkdirSync(path.join(dir, name));
    for (const [link, to] of Object.entries(links)) symlinkSync(to, path.join(dir, name, link));
  }
  return dir;
}

const DL = '/run/ccenv/dl';
const KEY_DL = `sk-dl-${randomBytes(8).toString('hex')}`;

interface MirrorStep {
  name: string;
  downloader: 'curl' | 'gnu' | 'busybox';
  env?: Record<string, string>;
  faults?: ScenarioStep['faults'];
}

const MIRROR_STEPS: MirrorStep[] = [
  { name: 'http-refused', downloader: 'curl', env: { CCENV_NODE_MIRROR: 'http://nodejs.org/dist' } },
  { name: 'http-allowed', downloader: 'curl', env: { CCENV_NODE_MIRROR: 'http://nodejs.org/dist', CCENV_ALLOW_HTTP: '1' } },
  { name: 'sums-without-line', downloader: 'curl', env: { CCENV_NODE_MIRROR: `https://${MIRROR_HOST}/node` } },
  { name: 'busybox', downloader: 'busybox' },
  { name: 'busybox-zh-corrupt', downloader: 'busybox', env: { CCENV_LANG: 'zh' }, faults: [{ host: CN_MIRRORS.nodeHost, path: '*.tar.gz', kind: 'corrupt' }] },
  { name: 'gnu-wget', downloader: 'gnu' },
];

let mirrorRun: Promise<ScenarioResult> | undefined;

/** Every step of MIRROR_STEPS in one sandbox (started once, by the first case that needs it). */
function mirrorScenario(): Promise<ScenarioResult> {
  mirrorRun ??= (async () => {
    const sites: SiteSpec[] = [
      ...standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry: standIn }),
      { kind: 'node-mirror', host: MIRROR_HOST, dir: mirrorWithoutLinuxLines(), prefix: '/node' },
    ];
    const r = await runScenario({
      sites,
      http: true,
      // no downloader in the toolbox: each step brings its own; no xz, so the quicker .tar.gz is unpacked
      toolbox: { node: hostNodeBinary(), tools: DEFAULT_TOOLS.filter((t) => t !== 'curl' && t !== 'wget' && t !== 'xz') },
      binds: [{ src: downloaderDirs(), dest: DL }],
      keep: true,
      steps: MIRROR_STEPS.map((s) => ({
        name: s.name,
        command: `mkdir -p "$HOME" && cd "$HOME" && ${s.downloader === 'curl' ? `curl -fsSL ${CDN_SCRIPT}` : `wget -qO- ${CDN_SCRIPT}`} | sh`,
        env: { ...PROXY_USER_ENV, CCENV_API_KEY: KEY_DL, CCENV_YES: '1', HOME: `${SANDBOX_HOME}/${s.name}`, PATH: `${DL}/${s.downloader}:${SANDBOX_TOOLBOX}`, ...s.env },
        ...(s.faults ? { faults: s.faults } : {}),
        timeoutMs: 300_000,
      })),
    });
    scratch.push(r.runDir);
    return r;
  })();
  return mirrorRun;
}

interface MirrorOutcome {
  step: StepResult;
  home: string;
  config: { state: string; lostBytes: number };
  /** Requests of this step to the Node mirrors (not the CDN), as "scheme host path". */
  nodeRequests: string[];
  /** Everything left in this step's HOME. */
  left: string[];
}

async function mirrorStep(name: string): Promise<MirrorOutcome> {
  const r = await mirrorScenario();
  const step = r.steps.find((s) => s.name === name)!;
  expect(step.error, step.transcript).toBeUndefined();
  expect(step.transcript).not.toContain(KEY_DL);
  const home = path.join(r.home, name);
  const nodeHosts = new Set(['nodejs.org', CN_MIRRORS.nodeHost, MIRROR_HOST]);
  const nodeRequests = step.requests.filter((q) => nodeHosts.has(q.host)).map((q) => `${q.scheme} ${q.host}${q.url} ${q.status}`);
  return { step, home, config: configState(home, KEY_DL), nodeRequests, left: allPaths(home) };
}

/** The mirror sandbox has no xz: the installer takes the .tar.gz. */
const TARBALL = (ext = 'tar.gz') => `${nodeDistName(mirror.version)}.${ext}`;

describe('downloads: https only unless allowed', () => {
  reliabilityCase(
    { area: AREA, title: 'a plain-http Node mirror: refused before any download', target: 'sandbox: curl | sh, CCENV_NODE_MIRROR=http://…', expected: { exit: 2, files: ABSENT }, timeoutMs: 900_000 },
    async () => {
      const o = await mirrorStep('http-refused');
      expect(o.step.stderr).toContain('Refusing plain http: http://nodejs.org/dist/');
      expect(o.step.requests.filter((q) => q.host !== 'cdn.ccenv.test')).toEqual([]);
      return {
        observed: { exit: o.step.exitCode, files: o.config.state },
        lostBytes: o.config.lostBytes,
        detail: `no request but the script's; HOME ${o.left.length === 0 ? 'left empty' : `holds ${o.left.join(', ')}`}; ${o.step.stderr.trim().split('\n')[0]}`,
      };
    },
  );

  reliabilityCase(
    { area: AREA, title: 'a plain-http Node mirror with CCENV_ALLOW_HTTP=1: used, still verified', target: 'sandbox: curl | sh, CCENV_NODE_MIRROR=http://…', expected: { exit: 0, files: CREATED }, timeoutMs: 900_000 },
    async () => {
      const o = await mirrorStep('http-allowed');
      expect(o.step.stdout).toContain(`Verified ${TARBALL()} against SHASUMS256.txt`);
      expect(o.nodeRequests).toEqual([`http nodejs.org/dist/latest-v22.x/SHASUMS256.txt 200`, `http nodejs.org/dist/latest-v22.x/${TARBALL()} 200`]);
      return { observed: { exit: o.step.exitCode, files: o.config.state }, lostBytes: o.config.lostBytes, detail: `fetched over http: ${o.nodeRequests.map((q) => q.split(' ')[1]).join(', ')}; checksum verified` };
    },
  );
});

describe('downloads: checksums always verified', () => {
  reliabilityCase(
    { area: AREA, title: 'a mirror whose SHASUMS256.txt lacks the tarball: nothing fetched or installed', target: 'sandbox: curl | sh, CCENV_NODE_MIRROR=https://…', expected: { exit: 3, files: ABSENT }, timeoutMs: 900_000 },
    async () => {
      const o = await mirrorStep('sums-without-line');
      expect(o.step.stderr).toContain(`https://${MIRROR_HOST}/node/latest-v22.x/SHASUMS256.txt is not a Node.js SHASUMS256.txt with a linux-x64.tar.gz build`);
      // the tarball is there to be taken, and is not
      expect(o.nodeRequests).toEqual([`https ${MIRROR_HOST}/node/latest-v22.x/SHASUMS256.txt 200`]);
      expect(o.left.filter((p) => p.startsWith('.ccenv/'))).toEqual([]);
      return {
        observed: { exit: o.step.exitCode, files: o.config.state },
        lostBytes: o.config.lostBytes,
        detail: `only SHASUMS256.txt fetched (the tarball was served, never asked for); HOME ${o.left.length === 0 ? 'left empty' : `holds ${o.left.join(', ')}`}`,
      };
    },
  );

  reliabilityCase(
    { area: AREA, title: 'busybox wget (no TLS check) and a corrupted tarball: refused by the checksum, warned in Chinese', target: 'sandbox: busybox wget | sh, CCENV_LANG=zh', expected: { exit: 3, files: ABSENT }, timeoutMs: 900_000 },
    async () => {
      const o = await mirrorStep('busybox-zh-corrupt');
      expect(o.step.stderr).toContain(BUSYBOX_WARNING_ZH);
      expect(o.step.stderr).toMatch(/校验/);
      expect(o.step.stderr).toContain(`${CN_MIRRORS.nodeUrl}/latest-v22.x/${TARBALL()}`);
      expect(o.nodeRequests.map((q) => q.split(' ')[1])).toEqual([`${CN_MIRRORS.nodeHost}${CN_MIRRORS.nodePrefix}/latest-v22.x/SHASUMS256.txt`, `${CN_MIRRORS.nodeHost}${CN_MIRRORS.nodePrefix}/latest-v22.x/${TARBALL()}`]);
      expect(o.left.filter((p) => p.startsWith('.ccenv/'))).toEqual([]);
      return { observed: { exit: o.step.exitCode, files: o.config.state }, lostBytes: o.config.lostBytes, detail: o.step.stderr.trim().split('\n').slice(-1)[0] ?? '' };
    },
  );
});

describe('busybox wget: the user is told it checks no certificate', () => {
  reliabilityCase(
    { area: AREA, title: 'busybox wget as the only downloader: warned, checksums still verified', target: 'sandbox: busybox wget | sh', expected: { exit: 0, files: CREATED }, timeoutMs: 900_000 },
    async () => {
      const o = await mirrorStep('busybox');
      expect(o.step.stderr).toContain(BUSYBOX_WARNING_EN);
      expect(o.step.stderr).toContain('curl or GNU wget');
      expect(o.step.stdout).toContain(`Verified ${TARBALL()} against SHASUMS256.txt`);
      // busybox wget fetched the Node tarball (its user agent)
      const tarball = o.step.requests.find((q) => q.url.endsWith(TARBALL()));
      expect(String(tarball?.headers['user-agent'])).toMatch(/wget/i);
      return { observed: { exit: o.step.exitCode, files: o.config.state }, lostBytes: o.config.lostBytes, detail: o.step.stderr.trim().split('\n')[0] ?? '' };
    },
  );

  reliabilityCase(
    { area: AREA, title: 'GNU wget as the downloader: no such warning', target: 'sandbox: wget | sh (GNU wget only)', expected: { exit: 0, files: CREATED }, timeoutMs: 900_000 },
    async () => {
      const o = await mirrorStep('gnu-wget');
      expect(o.step.stderr).not.toContain('busybox');
      expect(o.step.stdout).toContain(`Verified ${TARBALL()} against SHASUMS256.txt`);
      const tarball = o.step.requests.find((q) => q.url.endsWith(TARBALL()));
      expect(String(tarball?.headers['user-agent'])).toMatch(/^Wget\//);
      return { observed: { exit: o.step.exitCode, files: o.config.state }, lostBytes: o.config.lostBytes, detail: `stderr ${o.step.stderr.trim() === '' ? 'empty' : JSON.stringify(o.step.stderr.trim())}; tarball fetched by ${String(tarball?.headers['user-agent'])}` };
    },
  );

  // the dash audit above is a full install with curl: its run is looked at again (not run twice)
  reliabilityCase(
    { area: AREA, title: 'curl as the downloader: no such warning', target: 'sandbox: curl | dash (the traced install above)', expected: { exit: 0, files: CREATED }, timeoutMs: 900_000 },
    async () => {
      const { key, r, home } = await audit(AUDITS.dash);
      const install = r.steps.find((s) => s.name === 'install')!;
      expect(install.stderr).not.toContain('busybox');
      const tarball = install.requests.find((q) => q.url.endsWith(TARBALL('tar.xz')));
      expect(String(tarball?.headers['user-agent'])).toMatch(/^curl\//);
      expect(install.stdout).toContain(`Verified ${TARBALL('tar.xz')} against SHASUMS256.txt`);
      const config = configState(home, key);
      return { observed: { exit: install.exitCode, files: config.state }, lostBytes: config.lostBytes, detail: `stderr ${install.stderr.trim() === '' ? 'empty' : JSON.stringify(install.stderr.trim())}; tarball fetched by ${String(tarball?.headers['user-agent'])}` };
    },
  );
});

// ---- 4. static: no escalation, no eval, no downloaded code run, in every built installer ----

// ---- the built installers, and doctored copies that must be caught ----

type Target = 'sh' | 'ps1' | 'cmd';

const findingsOf = (target: Target, text: string, seen?: Set<string>): Promise<Finding[]> =>
  target === 'sh' ? Promise.resolve(shFindings(text, seen)) : target === 'ps1' ? ps1Findings(text, seen) : cmdFindings(text, seen);

function builtInstallers(target: Target): { file: string; text: string }[] {
  const dist = repoPath('dist');
  return readdirSync(dist)
    .filter((d) => lstatSync(path.join(dist, d)).isDirectory())
    .map((d) => path.join(dist, d, `install.${target}`))
    .filter((f) => {
      try {
        return lstatSync(f).isFile();
      } catch {
        return false;
      }
    })
    .map((file) => ({ file: path.relative(repoPath(), file), text: readFileSync(file, 'utf8') }));
}

const RULES_BY_TARGET: Record<Target, string> = {
  sh: 'sudo/doas/su, eval, a download piped into a shell or run',
  ps1: 'sudo/RunAs, Invoke-Expression/iex, ScriptBlock::Create, a download invoked or piped into a shell',
  cmd: 'sudo/runas, running a file from the download folder, piping into a shell, iex in PowerShell it starts',
};

/** Commands every built installer runs: the check must see them, or it read nothing. */
const MUST_SEE: Record<Target, string[]> = {
  // curl and wget are started as "$@" (their argument lists are built with set --): not seen as names.
  sh: ['tar', 'wc', 'kill', 'sha256sum', 'mktemp', 'uname', 'stty', 'printf', 'grep', 'ln', 'run_configure', 'die'],
  ps1: ['new-object', 'get-filehash', 'move-item', 'remove-item', 'invoke-ccenvconfigure', 'stop-ccenv'],
  cmd: ['%ccenv_curl%', '%ccenv_tar%', '%ccenv_certutil%', '%ccenv_node%', '%ccenv_npm%', '%ccenv_ps%', 'reg', 'move'],
};

const encoded = (ps: string) => Buffer.from(ps, 'utf16le').toString('base64');

/** Each forbidden form as a line of code, with the rule that must catch it. */
const FORBIDDEN: Record<Target, [string, Rule][]> = {
  sh: [
    ['    sudo mkdir -p /usr/local/lib/nodejs', 'escalation'],
    ['    doas tar -xJf "$work_dir/$_file" -C /usr/local', 'escalation'],
    ["    su -c 'npm install -g @anthropic-ai/claude-code' root", 'escalation'],
    ['    _uid=$(sudo id -u)', 'escalation'],
    ['    (cd "$install_dir" && sudo chown -R "$USER" .)', 'escalation'],
    ['    case $platform_os in linux) sudo true ;; esac', 'escalation'],
    ['    eval "$_line"', 'eval'],
    ['    [ -n "$_x" ] && eval "$_x"', 'eval'],
    ['    curl -fsSL https://example.com/setup.sh | sh', 'pipe to a shell'],
    ['    wget -qO- https://example.com/setup.sh | bash -s -- --yes', 'pipe to a shell'],
    ['    sh -c "$(curl -fsSL https://example.com/setup.sh)"', 'pipe to a shell'],
    ['    . "$work_dir/SHASUMS256.txt"', 'runs a download'],
    ['    sh "$work_dir/setup.sh"', 'runs a download'],
    ['    "$work_dir/node-setup"', 'runs a download'],
  ],
  ps1: [
    ['    Invoke-Expression $text', 'eval'],
    ['    iex (irm https://example.com/setup.ps1)', 'eval'],
    ['    irm https://example.com/setup.ps1 | iex', 'eval'],
    ['    $x = (New-Object Net.WebClient).DownloadString("https://example.com/x.ps1") | Invoke-Expression', 'eval'],
    ['    & ([scriptblock]::Create((irm https://example.com/setup.ps1)))', 'eval'],
    ['    $ExecutionContext.InvokeCommand.InvokeScript($text)', 'eval'],
    ['    & (irm https://example.com/setup.ps1)', 'runs a download'],
    ['    irm https://example.com/setup.cmd | cmd', 'pipe to a shell'],
    ['    Start-Process powershell -Verb RunAs -ArgumentList "-File x.ps1"', 'escalation'],
    ['    sudo npm install -g @anthropic-ai/claude-code', 'escalation'],
  ],
  cmd: [
    ['sudo npm install -g @anthropic-ai/claude-code', 'escalation'],
    ['runas /user:Administrator "cmd /c npm install -g x"', 'escalation'],
    ['call "%CCENV_OUT%"', 'runs a download'],
    ['"%CCENV_WORK%\\setup.cmd" /quiet', 'runs a download'],
    ['if exist "%CCENV_WORK%\\x.bat" start "" /b "%CCENV_WORK%\\x.bat"', 'runs a download'],
    ['cmd /c "%CCENV_OUT%"', 'runs a download'],
    ['"%CCENV_PS%" -NoProfile -File "%CCENV_WORK%\\setup.ps1"', 'runs a download'],
    ['"%CCENV_CURL%" -fsSL https://example.com/setup.cmd | cmd', 'pipe to a shell'],
    ['"%CCENV_PS%" -NoProfile -Command "iex (irm https://example.com/setup.ps1)"', 'eval'],
    [`"%CCENV_PS%" -NoProfile -EncodedCommand ${encoded('irm https://example.com/setup.ps1 | iex')}`, 'eval'],
    ['for /f "usebackq delims=" %%k in (`powershell -Command "Start-Process cmd -Verb RunAs"`) do set "X=%%k"', 'escalation'],
  ],
};

/** The same words where they are not code: comments, message text, data. None may be reported. */
const DECOYS: Record<Target, string[]> = {
  sh: [
    '    # never: sudo eval "$(curl -fsSL https://example.com/x.sh)" | sh',
    "    _msg_fmt='Run: curl -fsSL <url> | sh; do not use sudo, su or doas; eval is not used'",
    '    say refuse_sudo "$SUDO_USER"',
    "    cat >/dev/null <<'DECOY'\nsudo eval \"$(curl -fsSL https://example.com | sh)\"\n. \"$work_dir/x\"\nDECOY",
    '    grep -q "curl | sh" "$work_dir/SHASUMS256.txt" </dev/null || :',
    '    case ${SHELL:-} in\n        */sudo | */bash) : ;;\n    esac',
  ],
  ps1: [
    '    # irm https://example.com/x.ps1 | iex; sudo',
    '    <# & ([scriptblock]::Create((irm https://x))) -Verb RunAs #>',
    "    $decoy = 'Usage: irm <url> | iex   (or: sudo, Invoke-Expression)'",
    '    $decoy2 = "Start-Process -Verb RunAs is never used; neither is iex"',
  ],
  cmd: [
    'rem sudo curl -fsSL https://example.com/x.cmd ^| cmd',
    ':: iex (irm https://example.com/x.ps1)',
    'echo:Run: curl -fsSL ^<url^> ^| cmd, then sudo %CCENV_OUT%',
    'set "CCENV_T=sudo iex %CCENV_WORK%\\x.cmd"',
  ],
};

/** Inserts lines into the installer where they would run: inside main / the script block / after setlocal. */
function doctor(target: Target, text: string, insert: string): { text: string; line: number } {
  const eol = target === 'cmd' ? '\r\n' : '\n';
  const lines = text.split(eol);
  const anchor =
    target === 'sh' ? lines.findIndex((l) => l === 'main() {') : target === 'ps1' ? lines.findIndex((l) => /^\s*\$ProgressPreference\s*=/.test(l)) : lines.findIndex((l) => l.startsWith('set "CCENV_SELF='));
  if (anchor < 0) throw new Error(`no place to insert into install.${target}`);
  lines.splice(anchor + 1, 0, ...insert.split('\n'));
  return { text: lines.join(eol), line: anchor + 2 };
}

describe('static: no escalation and no evaluation of downloaded text in any built installer', () => {
  for (const target of ['sh', 'ps1', 'cmd'] as const) {
    const count = builtInstallers(target).length;
    reliabilityCase(
      { area: AREA, title: `every install.${target}: no ${RULES_BY_TARGET[target]}`, target: `static: dist/*/install.${target}`, expected: { exit: 0, files: `${count} installers read, no forbidden form` } },
      async () => {
        const installers = builtInstallers(target);
        const found: string[] = [];
        const seen = new Set<string>();
        for (const f of installers) for (const x of await findingsOf(target, f.text, seen)) found.push(`${f.file}:${x.line} ${x.rule}: ${x.text}`);
        // the reading saw the installer's real commands (a lexer that blanked the code would find nothing)
        const unseen = MUST_SEE[target].filter((c) => !seen.has(c));
        return {
          observed: {
            exit: found.length === 0 && unseen.length === 0 ? 0 : 1,
            files:
              unseen.length > 0
                ? `the check did not see ${unseen.join(', ')}`
                : found.length === 0
                  ? `${installers.length} installers read, no forbidden form`
                  : `${found.length} forbidden forms: ${found.slice(0, 3).join(' · ')}`,
          },
          lostBytes: 0,
          detail: `${installers.length} files, ${seen.size} distinct commands seen (${MUST_SEE[target].join(', ')} among them); code only: comments, message text${target === 'cmd' ? ', echo lines and the embedded configure program' : target === 'sh' ? ' and quoted here-documents' : ' and strings'} are not code${target === 'cmd' ? '; PowerShell it starts (-Command, -EncodedCommand) checked too' : ''}`,
        };
      },
    );

    reliabilityCase(
      {
        area: AREA,
        title: `the install.${target} check catches each forbidden form in a doctored copy, and no decoy`,
        target: `static: doctored dist/zhipu/install.${target}`,
        expected: { exit: 1, files: `${FORBIDDEN[target].length} of ${FORBIDDEN[target].length} forms caught by their rule; 0 findings in ${DECOYS[target].length} decoys` },
        timeoutMs: 120_000,
      },
      async () => {
        const original = readFileSync(repoPath('dist', 'zhipu', `install.${target}`), 'utf8');
        const missed: string[] = [];
        for (const [form, rule] of FORBIDDEN[target]) {
          const d = doctor(target, original, form);
          const hits = (await findingsOf(target, d.text)).filter((f) => f.line === d.line);
          if (!hits.some((h) => h.rule === rule)) missed.push(`${form.trim()} (${hits.map((h) => h.rule).join(', ') || 'nothing'})`);
        }
        const decoyed = doctor(target, original, DECOYS[target].join('\n'));
        const falseAlarms = await findingsOf(target, decoyed.text);
        const caught = FORBIDDEN[target].length - missed.length;
        return {
          observed: {
            exit: caught > 0 ? 1 : 0,
            files: `${caught} of ${FORBIDDEN[target].length} forms caught by their rule; ${falseAlarms.length} findings in ${DECOYS[target].length} decoys`,
          },
          lostBytes: 0,
          detail: missed.length ? `missed: ${missed.join(' · ')}` : falseAlarms.length ? `false alarms: ${falseAlarms.map((f) => f.text).join(' · ')}` : `e.g. ${FORBIDDEN[target][0]![0].trim()} → ${FORBIDDEN[target][0]![1]}`,
        };
      },
    );
  }
});
