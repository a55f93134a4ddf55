// Network and platform faults in full installs: zhipu's install.sh run as users run it,
// `curl -fsSL https://cdn.ccenv.test/zhipu/install.sh | sh` (dash), in a sandbox whose only network is
// the loopback fixture server answering for the real host names (the CDN, npmmirror.com's Node mirror,
// registry.npmmirror.com, the API). The server injects the faults; each step prints, right after the
// installer and in the same sandbox, what is left in HOME and in /tmp and the two config files.
// Scenarios run two at a time (2 cores); measured: 2.5 min with other test runs loading the machine
// (load average 8-13), most of it the three npm installs of Claude Code (175 MB) and Node unpacking.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Fault } from '../../src/harness/fixture-server.js';
import { ensureCurrentNode, hostNodeBinary } from '../../src/harness/node-fixture.js';
import { ensureNodeMirror, nodeDistName, type NodeMirror } from '../../src/harness/node-mirror.js';
import { CLAUDE_CODE_VERSION, ensureClaudeCodeSnapshot, type RegistrySnapshot } from '../../src/harness/npm-registry.js';
import { PROXY_USER_ENV, runScenario, SANDBOX_TOOLBOX, type ScenarioOptions, type ScenarioResult } from '../../src/harness/sandbox.js';
import type { StepResult } from '../../src/harness/scenario-types.js';
import { CN_MIRRORS, HOSTS, standardSites } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';
import { describeConfig, reliabilityCase, type Captured, type CaseResult } from './case.js';
import { BASE_URL, KEY } from './install-run.js';

const ONE_LINER = `curl -fsSL https://${HOSTS.cdn}/zhipu/install.sh | sh`;
const OLD_NODE = '18.20.4';
/** The key and a non-interactive run (as CI or a scripted setup does it); the proxy user's CA. */
const USER_ENV = { ...PROXY_USER_ENV, CCENV_API_KEY: KEY, CCENV_YES: '1' };
/** npm retries a failed fetch after 10 s and 60 s; a lasting cut need not wait for that. */
const NPM_NO_RETRY = { npm_config_fetch_retries: '0' };
const SANDBOX = 'sandbox: curl | sh (dash)';
const NOTHING = 'settings.json absent; .claude.json absent; HOME empty; /tmp empty';
/** A full install: Node 22 in ~/.ccenv, Claude Code through npm (its cache in ~/.npm, npm's compile cache in /tmp). */
const INSTALLED = 'settings.json created; .claude.json created; HOME .ccenv .claude .claude.json .npm .profile; /tmp node-compile-cache';
/** Node 22 installed and on PATH in ~/.profile, Claude Code not: nothing configured. */
const NODE_ONLY = 'settings.json absent; .claude.json absent; HOME .ccenv .npm .profile; /tmp node-compile-cache';

let mirror: NodeMirror;
let snapshot: RegistrySnapshot;
let tarball: string;
let node18: string;
/** An unpacked Node 22 with npm, as a distribution installs it (read-only for the user). */
let systemNode: string;

beforeAll(async () => {
  [mirror, snapshot, node18] = await Promise.all([ensureNodeMirror(), ensureClaudeCodeSnapshot(), ensureCurrentNode(OLD_NODE)]);
  tarball = `${nodeDistName(mirror.version)}.tar.xz`;
  systemNode = mkdtempSync(path.join(tmpdir(), 'ccenv-net-node-'));
  chmodSync(systemNode, 0o755);
  await execa('tar', ['-xzf', mirror.tarGz, '-C', systemNode, '--strip-components=1']);
}, 1_800_000);
afterAll(() => {
  if (systemNode) rmSync(systemNode, { recursive: true, force: true });
});

const nodeUrl = () => `${CN_MIRRORS.nodeUrl.replace(/\/$/, '')}/latest-v22.x/${tarball}`;

// ---- running and looking ----

/** Two sandboxes at a time. */
let running = 0;
const waiting: (() => void)[] = [];
async function scenario(o: Omit<ScenarioOptions, 'sites'>): Promise<ScenarioResult> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await runScenario({
      sites: standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry: snapshot, api: { expectKey: KEY } }),
      toolbox: { node: hostNodeBinary() },
      ...o,
    });
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/** A scenario run once, its steps read by several cases. */
function once<T>(run: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= run());
}

/**
 * Appended to a step's command: keeps the installer's exit code and prints, after a marker, what is
 * in /tmp and in HOME (two levels) and the two config files in base64.
 */
const LOOK = [
  'rc=$?',
  'echo @@look',
  'for f in /tmp/* /tmp/.[!.]*; do [ -e "$f" ] && echo "tmp: ${f#/tmp/}"; done',
  'cd "$HOME" && for f in * .[!.]* */* */.[!.]* .[!.]*/* .[!.]*/.[!.]*; do { [ -e "$f" ] || [ -L "$f" ]; } && echo "home: $f"; done',
  'for f in .claude/settings.json .claude.json; do [ -f "$f" ] && echo "file: $f $(/usr/bin/base64 -w0 "$f")"; done',
  'exit $rc',
].join('\n');

const MISSING: Captured = { kind: 'missing', link: false, bytes: null };

interface Look {
  step: StepResult;
  /** The installer's own output (before the marker). */
  stdout: string;
  tmp: string[];
  home: string[];
  /** The HOME, /tmp and config words for the report. */
  files: string;
  lostBytes: number;
}

function look(step: StepResult): Look {
  const at = step.stdout.lastIndexOf('@@look\n');
  expect(at, step.transcript).toBeGreaterThanOrEqual(0);
  // the key is never shown, whatever happened
  expect(step.transcript).not.toContain(KEY);
  const lines = step.stdout.slice(at + '@@look\n'.length).split('\n');
  const pick = (tag: string) => lines.filter((l) => l.startsWith(`${tag}: `)).map((l) => l.slice(tag.length + 2));
  const file = (name: string): Captured => {
    const b64 = pick('file').find((l) => l.startsWith(`${name} `));
    return b64 === undefined ? MISSING : { kind: 'file', link: false, bytes: Buffer.from(b64.slice(name.length + 1), 'base64') };
  };
  // a fresh HOME: neither file existed before
  const config = describeConfig({ settings: MISSING, state: MISSING }, { settings: file('.claude/settings.json'), state: file('.claude.json') }, KEY, BASE_URL);
  const tmp = pick('tmp');
  const home = pick('home');
  const top = [...new Set(home.map((f) => f.split('/')[0]))].sort();
  const files = `${config.state}; HOME ${top.length ? top.join(' ') : 'empty'}; /tmp ${tmp.length ? tmp.join(' ') : 'empty'}`;
  return { step, stdout: step.stdout.slice(0, at), tmp, home, files, lostBytes: config.lostBytes };
}

const outcome = (l: Look, detail: string): CaseResult => ({ observed: { exit: l.step.exitCode, files: l.files }, lostBytes: l.lostBytes, detail });
const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
const tries = (step: StepResult, suffix: string) => step.requests.filter((q) => q.url.endsWith(suffix)).length;

/** One install through the one-liner, on a machine with Node 20 (too old) and no Claude Code. */
async function installWith(faults: Fault[], o: { env?: Record<string, string>; standInClaude?: boolean } = {}): Promise<Look> {
  const r = await scenario({
    toolbox: { node: hostNodeBinary(), ...(o.standInClaude ? { scripts: { claude: `#!/bin/sh\necho "${CLAUDE_CODE_VERSION} (Claude Code)"\n` } } : {}) },
    steps: [{ name: 'install', command: `${ONE_LINER}\n${LOOK}`, env: { ...USER_ENV, ...o.env }, faults, timeoutMs: 300_000 }],
  });
  return look(r.steps[0]!);
}

describe.concurrent('network and platform faults', () => {
  // ---- 1, 2: the Node.js tarball ----
  describe('the Node.js download', () => {
    for (const [title, kind, what] of [
      ['network cut mid-download of the Node tarball', 'truncate', 'half the tarball, then the connection closes'],
      ['the Node mirror resets every connection for the tarball', 'reset', 'no answer at all'],
    ] as const) {
      reliabilityCase({ area: 'faults', title, target: SANDBOX, expected: { exit: 3, files: NOTHING }, timeoutMs: 300_000 }, async () => {
        const l = await installWith([{ host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind }]);
        expect(l.step.stderr).toContain(`Download failed: ${nodeUrl()}`);
        expect(l.stdout).not.toContain('Verified');
        return outcome(l, `${what}; ${tries(l.step, '.tar.xz')} attempts, then "Download failed: <the tarball's URL>"; no work folder left in /tmp`);
      });
    }

    reliabilityCase(
      { area: 'faults', title: 'the connection drops once mid-download of the Node tarball', target: `${SANDBOX}, Claude Code present`, expected: { exit: 0, files: 'settings.json created; .claude.json created; HOME .ccenv .claude .claude.json .profile; /tmp empty' }, timeoutMs: 300_000 },
      async () => {
        const l = await installWith([{ host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'truncate', times: 1 }], { standInClaude: true });
        expect(l.stdout).toContain(`Verified ${tarball} against SHASUMS256.txt`);
        return outcome(l, `${tries(l.step, '.tar.xz')} requests for the tarball: the cut one (curl 18) tried again, verified, installed`);
      },
    );

    reliabilityCase(
      { area: 'faults', title: 'a cut Node tarball served as if complete (matching Content-Length)', target: SANDBOX, expected: { exit: 3, files: NOTHING }, timeoutMs: 300_000 },
      async () => {
        const l = await installWith([{ host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'short' }]);
        expect(l.step.stderr).toContain(`Checksum mismatch for ${nodeUrl()}`);
        return outcome(l, `curl succeeds (${tries(l.step, '.tar.xz')} request); the SHA-256 does not match: nothing unpacked`);
      },
    );
  });

  // ---- 3: npm fetching Claude Code, one sandbox: a reset, a cut, then the one-liner again ----
  describe('npm fetching Claude Code', () => {
    const npmRun = once(() =>
      scenario({
        steps: [
          {
            name: 'reset',
            command: `${ONE_LINER}\n${LOOK}`,
            env: { ...USER_ENV, ...NPM_NO_RETRY },
            faults: [{ host: CN_MIRRORS.registryHost, path: `*/claude-code-${CLAUDE_CODE_VERSION}.tgz`, kind: 'reset' }],
            timeoutMs: 300_000,
          },
          {
            // the native binary (175 MB, most of the download) is an optional dependency of the package;
            // the first attempt got it into npm's cache (only the small package was reset): empty that
            name: 'cut',
            command: `rm -rf "$HOME/.npm/_cacache"\n${ONE_LINER}\n${LOOK}`,
            env: { ...USER_ENV, ...NPM_NO_RETRY },
            faults: [{ host: CN_MIRRORS.registryHost, path: '*/claude-code-linux-x64-*.tgz', kind: 'truncate' }],
            timeoutMs: 300_000,
          },
          { name: 'again', command: `${ONE_LINER}\n${LOOK}`, env: USER_ENV, timeoutMs: 300_000 },
        ],
      }),
    );

    reliabilityCase(
      { area: 'faults', title: 'connection reset while npm fetches the Claude Code package', target: `${SANDBOX}, npm fetch-retries=0`, expected: { exit: 7, files: NODE_ONLY }, timeoutMs: 600_000 },
      async () => {
        const l = look((await npmRun()).steps[0]!);
        // one message: the registry, npm's own line (the reset) and what to try
        expect(l.step.stderr).toContain('npm could not install Claude Code from https://registry.npmmirror.com: ');
        expect(l.step.stderr).toMatch(/ECONNRESET|socket hang up/);
        return outcome(l, `one message: "${lastLine(l.step.stderr)}"; Node 22 stays installed for the next run`);
      },
    );

    reliabilityCase(
      { area: 'faults', title: "network cut while npm fetches Claude Code's native binary", target: `${SANDBOX}, npm fetch-retries=0`, expected: { exit: 7, files: NODE_ONLY }, timeoutMs: 600_000 },
      async () => {
        const l = look((await npmRun()).steps[1]!);
        // npm skips a failed optional dependency without a word; Claude Code's stub names the cause
        expect(l.step.stderr).toContain('claude native binary not installed');
        expect(l.step.stderr).toContain('If a download was cut off, run this installer again');
        return outcome(l, 'npm exits 0 without the optional native package; claude --version fails, its own message is shown, then ours: run again');
      },
    );

    reliabilityCase(
      { area: 'faults', title: 'the one-liner again after npm was cut off', target: SANDBOX, expected: { exit: 0, files: INSTALLED }, timeoutMs: 600_000 },
      async () => {
        const l = look((await npmRun()).steps[2]!);
        expect(l.stdout).toContain(`Node.js v${mirror.version} found: /home/user/.ccenv/node/bin/node`);
        expect(l.stdout).toContain(`Claude Code ${CLAUDE_CODE_VERSION} installed`);
        expect(l.step.requests.some((q) => q.host === CN_MIRRORS.nodeHost)).toBe(false);
        return outcome(l, 'Node from the first run reused (no download), Claude Code installed, configured');
      },
    );
  });

  // ---- 4: install.sh itself arrives cut ----
  describe('install.sh from the CDN', () => {
    const lastLineBytes = Buffer.byteLength('main ${1+"$@"}\n');
    const size = () => readFileSync(repoPath('dist', 'zhipu', 'install.sh')).length;
    for (const [title, fault, exit, why] of [
      ['install.sh cut mid-download (curl fails)', (): Fault => ({ kind: 'truncate' }), 2, 'curl exits 18; sh gets half the script, ends inside a function: a syntax error, nothing runs'],
      ['install.sh served half, as if complete', (): Fault => ({ kind: 'short' }), 2, 'curl exits 0; sh gets half the script: a syntax error, nothing runs'],
      ['install.sh served without its last line', (): Fault => ({ kind: 'short', bytes: size() - lastLineBytes }), 0, 'every function defined, `main "$@"` missing: nothing runs, nothing printed'],
      ['the CDN resets the connection for install.sh', (): Fault => ({ kind: 'reset' }), 0, 'curl exits 52 before any byte; sh reads an empty script and exits 0 (a pipeline reports its last command)'],
    ] as const) {
      reliabilityCase({ area: 'faults', title, target: SANDBOX, expected: { exit, files: NOTHING } }, async () => {
        const r = await scenario({ steps: [{ name: 'install', command: `${ONE_LINER}\n${LOOK}`, env: USER_ENV, faults: [{ host: HOSTS.cdn, path: '/zhipu/install.sh', ...fault() }] }] });
        const l = look(r.steps[0]!);
        expect(l.stdout).not.toContain('Setting up Claude Code');
        expect(r.requests.every((q) => q.host === HOSTS.cdn)).toBe(true);
        const said = l.step.stderr.trim().split('\n').filter(Boolean).join(' / ');
        return outcome(l, `${why}${said ? `: "${said}"` : ''}`);
      });
    }
  });

  // ---- 5: an older Node.js on PATH ----
  describe('an older Node.js on PATH', () => {
    const USE = '. "$HOME/.profile" && command -v node && node --version && command -v claude && claude --version';
    const used = (use: StepResult) => use.stdout.trim().split('\n').join(' ');

    reliabilityCase(
      { area: 'environment', title: `Node ${OLD_NODE} the only node on PATH`, target: SANDBOX, expected: { exit: 0, files: INSTALLED }, timeoutMs: 600_000 },
      async () => {
        const r = await scenario({
          toolbox: { node: node18 },
          steps: [
            { name: 'install', command: `${ONE_LINER}\n${LOOK}`, env: USER_ENV, timeoutMs: 300_000 },
            { name: 'use', command: USE },
          ],
        });
        const [install, use] = r.steps as [StepResult, StepResult];
        const l = look(install);
        expect(l.stdout).toContain(`Node.js v${OLD_NODE} (${SANDBOX_TOOLBOX}/node) is older than the required 22`);
        expect(l.stdout).toContain(`Verified ${tarball} against SHASUMS256.txt`);
        expect(use.exitCode, use.transcript).toBe(0);
        expect(use.stdout).toContain(`v${mirror.version}\n/home/user/.ccenv/node/bin/claude\n${CLAUDE_CODE_VERSION} (Claude Code)`);
        return outcome(l, `Node 22 downloaded and verified; a new login shell runs: ${used(use)}`);
      },
    );

    reliabilityCase(
      { area: 'environment', title: `Node ${OLD_NODE} first on PATH, a Node 22 with npm later`, target: SANDBOX, expected: { exit: 0, files: INSTALLED }, timeoutMs: 600_000 },
      async () => {
        const PATH = `/run/old-node/bin:/run/system-node/bin:${SANDBOX_TOOLBOX}`;
        const r = await scenario({
          toolbox: {},
          binds: [{ src: path.dirname(node18), dest: '/run/old-node/bin' }, { src: systemNode, dest: '/run/system-node' }],
          steps: [
            { name: 'install', command: `${ONE_LINER}\n${LOOK}`, env: { ...USER_ENV, PATH }, timeoutMs: 300_000 },
            { name: 'use', command: USE, env: { PATH } },
          ],
        });
        const [install, use] = r.steps as [StepResult, StepResult];
        const l = look(install);
        // the first node on PATH is the one `claude` (#!/usr/bin/env node) and the user's shell get:
        // too old, so Node 22 goes into ~/.ccenv, first on PATH; the later Node 22 is not used
        expect(l.stdout).toContain(`Node.js v${OLD_NODE} (/run/old-node/bin/node) is older than the required 22`);
        expect(l.stdout).not.toContain('/run/system-node');
        expect(use.exitCode, use.transcript).toBe(0);
        expect(use.stdout).toContain('/home/user/.ccenv/node/bin/node\n');
        return outcome(l, `the first node decides: ${OLD_NODE} is too old, so Node 22 is downloaded into ~/.ccenv and put first on PATH; the later Node 22 is left alone (a new shell: ${used(use)})`);
      },
    );
  });

  // ---- 6: /tmp mounted noexec ----
  reliabilityCase(
    { area: 'environment', title: '/tmp mounted noexec', target: `${SANDBOX}, /tmp noexec`, expected: { exit: 0, files: INSTALLED }, timeoutMs: 600_000 },
    async () => {
      const r = await scenario({
        noexecTmp: true,
        steps: [
          { name: 'install', command: `cp /bin/true /tmp/t && /tmp/t 2>/dev/null; echo "exec from /tmp: $?"; rm -f /tmp/t\n${ONE_LINER}\n${LOOK}`, env: USER_ENV, timeoutMs: 300_000 },
          { name: 'use', command: '. "$HOME/.profile" && claude --version' },
        ],
      });
      const [install, use] = r.steps as [StepResult, StepResult];
      const l = look(install);
      // the machine really refuses to run a program from /tmp
      expect(l.stdout).toContain('exec from /tmp: 126');
      expect(l.stdout).toContain(`Verified ${tarball} against SHASUMS256.txt`);
      expect(use.stdout).toContain(`${CLAUDE_CODE_VERSION} (Claude Code)`);
      return outcome(l, 'a program copied to /tmp cannot run (126); Node downloaded and verified there, unpacked into ~/.ccenv, Claude Code installed and runs');
    },
  );
});
