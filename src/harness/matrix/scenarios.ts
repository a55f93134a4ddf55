// The matrix's columns: what the machine looks like, how the installer is started, and what must
// hold afterwards (exit code and the files left in HOME). A scenario turns a lane and a launch mode
// into runScenario options plus a check returning the problems found (none: the cell passes).
import { EXIT } from '../../contract.js';
import { CLAUDE_ON_PATH_SCRIPT } from '../claude-stand-in.js';
import type { Fault } from '../fixture-server.js';
import { nodeDistName, type NodeMirror } from '../node-mirror.js';
import type { RegistrySnapshot } from '../npm-registry.js';
import { CLAUDE_CODE_VERSION } from '../npm-registry.js';
import type { PtyAnswer } from '../pty.js';
import { SANDBOX_USER } from '../rootfs.js';
import type { ScenarioOptions, ScenarioResult, ScenarioStep } from '../sandbox.js';
import { HOSTS } from '../sites.js';
import { SYSTEM_CA_BUNDLE } from '../test-ca.js';
import { BASIC_TOOLS } from '../tools.js';
import type { Lane, LaneSystem } from './lanes.js';
import type { Subject } from './subject.js';

/** How the installer is started: install.sh's three ways, and install.ps1's (ps1-scenarios.ts). */
export type Launch = 'pipe' | 'file' | 'stdin-args' | 'iex' | 'scriptblock';
export const LAUNCHES: Launch[] = ['pipe', 'file', 'stdin-args'];

export interface Fixtures {
  mirror: NodeMirror;
  /** The stand-in @anthropic-ai/claude-code (claude-stand-in.ts). */
  standIn: RegistrySnapshot;
  /** The real one, for golden cells. */
  claudeCode?: RegistrySnapshot;
  /** An official Node 22 bin/node (node-fixture.ts). */
  currentNode: string;
  /** The host's Node 20: below the minimum. */
  oldNode: string;
  /** The host's pwsh (powershell.ts findPwsh()), when there is one. */
  pwsh?: string;
}

export interface CellInput {
  lane: Lane;
  launch: Launch;
  fixtures: Fixtures;
  golden: boolean;
  /** The profile whose installers are under test. */
  subject: Subject;
}

/** runScenario options without the sites (the runner adds CDN, mirror, registry and API). */
export type CellOptions = Omit<ScenarioOptions, 'sites'> & { system: LaneSystem; registry: 'stand-in' | 'real' };

export interface Scenario {
  id: string;
  title: string;
  build(input: CellInput): CellOptions;
  check(r: ScenarioResult, input: CellInput): string[];
}

/** Every character a shell, JSON or a prompt could trip on. */
export const KEY = `sk-mx-'"$;&|<>\`%!\\-end`;
export const SETTINGS = '.claude/settings.json';
export const CLAUDE_JSON = '.claude.json';
export const USER_SETTINGS = `{\n  "model": "opus",\n  "env": { "MY_VAR": "kept", "ANTHROPIC_BASE_URL": "https://old.example" },\n  "permissions": { "allow": ["Bash(ls)"] }\n}\n`;
export const USER_CLAUDE_JSON = '{"numStartups": 7, "theme": "dark"}\n';
export const INVALID_SETTINGS = '{ "model": "opus", "env": { "A": 1 }\n';
/** A user behind a TLS-inspecting proxy (the fixture CA is in the system bundle only). */
export const PROXY_ENV = { NODE_EXTRA_CA_CERTS: SYSTEM_CA_BUNDLE };
/** The yes/no questions (the model mapping's default depends on the profile). */
export const YES_NO = /\[[yY]\/[nN]\]/;

/** Enter at each yes/no question the installer asks after the key: the model mapping, the MCP servers. */
export function questionAnswers(profile: { models?: unknown; mcp?: unknown }, wrap: (q: RegExp) => RegExp): PtyAnswer[] {
  const count = (profile.models ? 1 : 0) + (profile.mcp ? 1 : 0);
  return Array.from({ length: count }, () => ({ when: wrap(YES_NO), send: '\r' }));
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function downloader(system: LaneSystem): 'curl' | 'wget' {
  return system === 'debian-wget' || system === 'busybox' ? 'wget' : 'curl';
}

function fetchToStdout(system: LaneSystem, url: string): string {
  return downloader(system) === 'curl' ? `curl -fsSL ${url}` : `wget -qO- ${url}`;
}

/** The command that starts the installer at `url` the way a user would, with these flags. */
export function launchCommand(lane: Lane, launch: Launch, system: LaneSystem, url: string, flags: string[] = []): string {
  const sh = lane.shell.join(' ');
  const args = flags.map(quote).join(' ');
  switch (launch) {
    case 'pipe':
      if (flags.length > 0) return launchCommand(lane, 'file', system, url, flags);
      return `${fetchToStdout(system, url)} | ${sh}`;
    case 'file': {
      const save = downloader(system) === 'curl' ? `curl -fsSL -o /tmp/install.sh ${url}` : `wget -qO /tmp/install.sh ${url}`;
      return `${save} && ${sh} /tmp/install.sh${args ? ` ${args}` : ''}`;
    }
    case 'stdin-args':
      return `${fetchToStdout(system, url)} | ${sh} -s -- --yes${args ? ` ${args}` : ''}`;
    default:
      throw new Error(`matrix: ${launch} is not a way to start install.sh`);
  }
}

// ---- the machine before the run ----

export type Machine = 'bare' | 'node-old' | 'node-and-claude';

export function toolbox(machine: Machine, f: Fixtures): ScenarioOptions['toolbox'] {
  switch (machine) {
    case 'bare':
      return undefined;
    case 'node-old':
      return { node: f.oldNode };
    case 'node-and-claude':
      return { node: f.currentNode, scripts: { claude: CLAUDE_ON_PATH_SCRIPT } };
  }
}

/** A first step writing files into HOME (as the sandbox user when the cell runs as one). */
export function seed(files: Record<string, string>): ScenarioStep {
  const lines = Object.entries(files).map(([rel, text]) => `mkdir -p "$(dirname "$HOME/${rel}")" && printf '%s' ${quote(text)} >"$HOME/${rel}"`);
  return { name: 'seed', command: lines.join(' && ') };
}

// ---- checks ----

export type Check = (r: ScenarioResult, input: CellInput) => string | undefined;

export function exitIs(code: number, step?: string): Check {
  return (r) => {
    const s = step ? r.steps.find((x) => x.name === step) : r.steps[r.steps.length - 1];
    if (!s) return `no step ${step}`;
    if (s.error) return `step ${s.name}: ${s.error}`;
    return s.exitCode === code ? undefined : `step ${s.name}: exit ${s.exitCode}, expected ${code}`;
  };
}

function json(r: ScenarioResult, rel: string): Record<string, unknown> | undefined {
  const text = r.files[rel];
  if (text == null) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const configured: Check = (r, input) => {
  const s = json(r, SETTINGS);
  if (!s) return `${SETTINGS} missing or not JSON`;
  const env = (s.env ?? {}) as Record<string, unknown>;
  if (env.ANTHROPIC_AUTH_TOKEN !== KEY) return `${SETTINGS}: ANTHROPIC_AUTH_TOKEN is not the exact key`;
  const want = input.subject.baseUrl;
  if (env.ANTHROPIC_BASE_URL !== want) return `${SETTINGS}: ANTHROPIC_BASE_URL is ${String(env.ANTHROPIC_BASE_URL)}, expected ${want}`;
  for (const [name, value] of Object.entries(input.subject.extraEnv)) {
    if (env[name] !== value) return `${SETTINGS}: ${name} is ${JSON.stringify(env[name])}, expected ${JSON.stringify(value)} (the profile's)`;
  }
  const mode = r.inventory[SETTINGS]?.mode;
  if (mode !== 0o600) return `${SETTINGS}: mode ${mode?.toString(8)}, expected 600`;
  const c = json(r, CLAUDE_JSON);
  if (c?.hasCompletedOnboarding !== true) return `${CLAUDE_JSON}: hasCompletedOnboarding not set`;
  return undefined;
};

const keyNotShown: Check = (r) => (r.steps.some((s) => s.transcript.includes(KEY)) ? 'the key appears in the output' : undefined);

const claudeInstalled: Check = (r) => {
  const dir = Object.keys(r.inventory).find((p) => /^\.ccenv\/node-v[\d.]+-(linux|darwin)-x64\/bin\/claude$/.test(p));
  return dir ? undefined : 'no claude in ~/.ccenv/node-*/bin';
};

function nodeFetched(platform: string, ext: 'tar.xz' | 'tar.gz'): Check {
  return (r, input) => {
    const { nodeHost, nodePrefix, nodeMajor } = input.subject;
    const file = `${nodeDistName(input.fixtures.mirror.version, platform)}.${ext}`;
    const urls = r.requests.filter((q) => q.host === nodeHost).map((q) => `${q.url} ${q.status}`);
    const want = [`${nodePrefix}/latest-v${nodeMajor}.x/SHASUMS256.txt 200`, `${nodePrefix}/latest-v${nodeMajor}.x/${file} 200`];
    if (urls.join(',') !== want.join(',')) return `${nodeHost} requests ${JSON.stringify(urls)}, expected ${JSON.stringify(want)}`;
    return transcriptHas(`Verified ${file} against SHASUMS256.txt`)(r, input);
  };
}

const nothingFetchedButScript: Check = (r, input) => {
  const other = r.requests.filter((q) => !(q.host === HOSTS.cdn && q.url === input.subject.installPath));
  return other.length === 0 ? undefined : `unexpected requests: ${other.map((q) => q.host + q.url).join(', ')}`;
};

export function homeHolds(allowed: RegExp): Check {
  return (r) => {
    const extra = Object.keys(r.inventory).filter((p) => !allowed.test(p));
    return extra.length === 0 ? undefined : `left in HOME: ${extra.slice(0, 5).join(', ')}`;
  };
}
const homeEmpty = homeHolds(/^$/);

function fileIs(rel: string, text: string): Check {
  return (r) => (r.files[rel] === text ? undefined : `${rel} is not byte-identical to what the user had`);
}

export function transcriptHas(text: string | RegExp): Check {
  return (r) => {
    const t = r.steps.map((s) => s.transcript).join('\n');
    return (typeof text === 'string' ? t.includes(text) : text.test(t)) ? undefined : `output lacks ${String(text)}`;
  };
}

export function run(checks: Check[]): Scenario['check'] {
  return (r, input) => checks.map((c) => c(r, input)).filter((x): x is string => x !== undefined);
}

// ---- the scenarios ----

const COLLECT = [SETTINGS, CLAUDE_JSON, '.profile'];

function installStep(input: CellInput, system: LaneSystem, opts: { env?: Record<string, string>; pty?: PtyAnswer[]; flags?: string[] } = {}): ScenarioStep {
  return {
    name: 'install',
    command: launchCommand(input.lane, input.launch, system, input.subject.installUrl, opts.flags),
    env: { ...PROXY_ENV, ...(opts.env ?? { CCENV_API_KEY: KEY }) },
    ...(opts.pty ? { pty: opts.pty } : {}),
    timeoutMs: input.golden ? 600_000 : 180_000,
  };
}

function base(input: CellInput, machine: Machine, system: LaneSystem = input.lane.system): Omit<CellOptions, 'steps'> {
  return { system, registry: input.golden ? 'real' : 'stand-in', toolbox: toolbox(machine, input.fixtures), collect: COLLECT, inventory: true };
}

function faultScenario(id: string, title: string, fault: (s: Subject) => Fault, message: (s: Subject) => RegExp): Scenario {
  return {
    id,
    title,
    build: (input) => ({ ...base(input, 'bare'), faults: [fault(input.subject)], steps: [installStep(input, input.lane.system)] }),
    check: (r, input) => run([exitIs(EXIT.download), transcriptHas(message(input.subject)), homeEmpty])(r, input),
  };
}

/** Darwin as `uname` reports it on an Intel Mac. */
const UNAME_DARWIN = `#!/bin/sh
case "$1" in -s|'') echo Darwin ;; -m) echo x86_64 ;; -sm) echo Darwin x86_64 ;; -r) echo 23.6.0 ;; *) echo Darwin ;; esac
`;

export const SCENARIOS: Scenario[] = [
  {
    id: 'fresh',
    title: 'fresh system without Node',
    build: (input) => {
      const steps = [installStep(input, input.lane.system)];
      if (input.golden) steps.push({ name: 'use', command: `. "$HOME/.profile" && claude -p hello`, env: PROXY_ENV, timeoutMs: 120_000 });
      return { ...base(input, 'bare'), steps };
    },
    check: (r, input) => {
      const checks = [exitIs(EXIT.ok, 'install'), configured, keyNotShown, claudeInstalled, nodeFetched('linux-x64', 'tar.xz'), transcriptHas(`Claude Code ${CLAUDE_CODE_VERSION} installed`)];
      if (input.golden) {
        checks.push(exitIs(EXIT.ok, 'use'), (res) => {
          const call = res.apiCalls.find((c) => c.lastUserText === 'hello' && c.status === 200);
          const { apiHost, expectedModel } = input.subject;
          if (!call) return `claude -p made no successful call to ${apiHost} (calls: ${res.apiCalls.map((c) => `${c.host} ${c.status}`).join(', ') || 'none'})`;
          if (call.host !== apiHost || call.authorization !== `Bearer ${KEY}`) return `claude -p did not call ${apiHost} with the key (called ${call.host})`;
          if (expectedModel && call.model !== expectedModel) return `claude -p asked for model ${String(call.model)}, expected the profile's ${expectedModel}`;
          return undefined;
        });
      }
      return run(checks)(r, input);
    },
  },
  {
    id: 'node-too-old',
    title: 'Node 20 on PATH (below 22)',
    build: (input) => ({ ...base(input, 'node-old'), steps: [installStep(input, input.lane.system)] }),
    check: run([exitIs(EXIT.ok), configured, claudeInstalled, nodeFetched('linux-x64', 'tar.xz')]),
  },
  {
    id: 'node-and-claude',
    title: 'Node 22 and Claude Code present',
    build: (input) => ({ ...base(input, 'node-and-claude'), steps: [installStep(input, input.lane.system)] }),
    check: run([exitIs(EXIT.ok), configured, keyNotShown, nothingFetchedButScript, transcriptHas(`Claude Code ${CLAUDE_CODE_VERSION} found`), homeHolds(/^(\.claude(\/.*)?|\.claude\.json)$/)]),
  },
  {
    id: 'wget-no-curl',
    title: 'wget, no curl, no xz',
    build: (input) => ({ ...base(input, 'bare', 'debian-wget'), steps: [installStep(input, 'debian-wget')] }),
    check: run([
      exitIs(EXIT.ok), configured, claudeInstalled, nodeFetched('linux-x64', 'tar.gz'),
      (r, input) => (r.requests.filter((q) => q.host === input.subject.nodeHost).every((q) => /wget/i.test(String(q.headers['user-agent']))) ? undefined : 'Node was not fetched with wget'),
    ]),
  },
  {
    id: 'no-xz',
    title: 'curl but no xz',
    build: (input) => ({
      ...base(input, 'bare'),
      toolbox: { tools: [...BASIC_TOOLS, 'curl', 'wget', 'tar', 'gzip', 'sha256sum', input.lane.shell[0]!.split('/').pop() as string] },
      steps: [installStep(input, input.lane.system)],
    }),
    check: run([exitIs(EXIT.ok), configured, claudeInstalled, nodeFetched('linux-x64', 'tar.gz')]),
  },
  {
    id: 'user-settings',
    title: 'existing settings with user keys',
    build: (input) => ({ ...base(input, 'node-and-claude'), steps: [seed({ [SETTINGS]: USER_SETTINGS, [CLAUDE_JSON]: USER_CLAUDE_JSON }), installStep(input, input.lane.system)] }),
    check: run([
      exitIs(EXIT.ok), configured,
      (r) => {
        const s = json(r, SETTINGS) as { model?: string; env?: Record<string, string>; permissions?: { allow?: string[] } } | undefined;
        if (s?.model !== 'opus' || s.env?.MY_VAR !== 'kept' || s.permissions?.allow?.[0] !== 'Bash(ls)') return "the user's own settings were not kept";
        const c = json(r, CLAUDE_JSON);
        return c?.numStartups === 7 && c.theme === 'dark' ? undefined : `the user's ${CLAUDE_JSON} entries were not kept`;
      },
      (r) => (Object.keys(r.inventory).some((p) => p.startsWith('.claude/ccenv/backups/')) ? undefined : 'no backup of the replaced settings.json'),
    ]),
  },
  {
    id: 'invalid-settings',
    title: 'invalid settings.json',
    build: (input) => ({ ...base(input, 'node-and-claude'), steps: [seed({ [SETTINGS]: INVALID_SETTINGS }), installStep(input, input.lane.system)] }),
    check: run([exitIs(EXIT.invalidConfig), fileIs(SETTINGS, INVALID_SETTINGS), transcriptHas('settings.json'), homeHolds(/^(\.claude|\.claude\/settings\.json)$/)]),
  },
  {
    id: 'no-terminal-no-key',
    title: 'no terminal and no key',
    build: (input) => ({ ...base(input, 'node-and-claude'), steps: [installStep(input, input.lane.system, { env: {} })] }),
    check: run([exitIs(EXIT.noKey), transcriptHas('CCENV_API_KEY'), homeEmpty]),
  },
  {
    id: 'key-at-pty',
    title: 'key typed at a terminal',
    build: (input) => ({
      ...base(input, 'node-and-claude'),
      steps: [installStep(input, input.lane.system, { env: {}, pty: [{ when: input.subject.prompt, send: `${KEY}\r` }, ...questionAnswers(input.subject.profile, (q) => q)] })],
    }),
    check: run([exitIs(EXIT.ok), configured, keyNotShown]),
  },
  {
    id: 'rerun',
    title: 're-run changes nothing',
    build: (input) => ({
      ...base(input, 'node-and-claude'),
      steps: [
        installStep(input, input.lane.system),
        {
          name: 'again',
          command: `touch /tmp/before && sleep 1 && ${launchCommand(input.lane, input.launch, input.lane.system, input.subject.installUrl)} && find "$HOME" -newer /tmp/before ! -type d | sed 's/^/CHANGED /'`,
          env: { ...PROXY_ENV, CCENV_API_KEY: KEY },
        },
      ],
    }),
    check: run([
      exitIs(EXIT.ok, 'install'), exitIs(EXIT.ok, 'again'), configured,
      (r) => (r.steps[1]?.stdout.includes('CHANGED ') ? `the second run changed files: ${r.steps[1].stdout.split('\n').filter((l) => l.startsWith('CHANGED')).slice(0, 3).join('; ')}` : undefined),
      (r) => {
        const fetched = (r.steps[1]?.requests ?? []).filter((q) => q.host !== 'cdn.ccenv.test');
        return fetched.length === 0 ? undefined : `the second run downloaded ${fetched.map((q) => q.host + q.url).join(', ')}`;
      },
    ]),
  },
  {
    id: 'uninstall',
    title: '--uninstall restores',
    build: (input) => ({
      ...base(input, 'node-and-claude'),
      steps: [
        seed({ [SETTINGS]: USER_SETTINGS, [CLAUDE_JSON]: USER_CLAUDE_JSON }),
        installStep(input, input.lane.system),
        { name: 'uninstall', command: launchCommand(input.lane, input.launch, input.lane.system, input.subject.installUrl, ['--uninstall']), env: PROXY_ENV },
      ],
    }),
    check: run([exitIs(EXIT.ok, 'install'), exitIs(EXIT.ok, 'uninstall'), fileIs(SETTINGS, USER_SETTINGS), fileIs(CLAUDE_JSON, USER_CLAUDE_JSON)]),
  },
  faultScenario('tampered-tarball', 'tampered Node tarball', (s) => ({ host: s.nodeHost, path: '*.tar.*', kind: 'corrupt' }), () => /Checksum mismatch/),
  faultScenario('mirror-404', 'mirror answers 404', (s) => ({ host: s.nodeHost, path: '*/SHASUMS256.txt', kind: 'status', status: 404 }), (s) => new RegExp(`Download failed: ${escapeRegExp(s.nodeMirrorUrl)}/`)),
  faultScenario('mirror-html', 'mirror answers an HTML page', (s) => ({ host: s.nodeHost, path: '*/SHASUMS256.txt', kind: 'html' }), () => /is not a Node\.js SHASUMS256\.txt/),
  {
    id: 'truncated-script',
    title: 'connection cut mid-script',
    build: (input) => ({ ...base(input, 'node-and-claude'), faults: [{ host: HOSTS.cdn, path: input.subject.installPath, kind: 'truncate' }], steps: [installStep(input, input.lane.system)] }),
    check: run([(r) => (r.exitCode !== 0 ? undefined : 'exit 0 after a truncated script'), homeEmpty, nothingFetchedButScript, (r) => (r.transcript.includes('Setting up Claude Code') ? 'part of the script ran' : undefined)]),
  },
  {
    id: 'unprivileged',
    title: 'run as an unprivileged user',
    build: (input) => ({ ...base(input, 'bare'), uid: SANDBOX_USER.uid, gid: SANDBOX_USER.gid, steps: [installStep(input, input.lane.system)] }),
    check: run([
      exitIs(EXIT.ok), configured, claudeInstalled,
      (r) => {
        const foreign = Object.entries(r.inventory).filter(([, e]) => e.uid !== SANDBOX_USER.uid).map(([p]) => p);
        return foreign.length === 0 ? undefined : `not owned by the user: ${foreign.slice(0, 3).join(', ')}`;
      },
    ]),
  },
  {
    id: 'musl',
    title: 'musl (Alpine): exit 6, what to do',
    build: (input) => ({ ...base(input, 'bare'), steps: [installStep(input, input.lane.system)] }),
    check: run([exitIs(EXIT.unsupported), transcriptHas('musl'), transcriptHas('apk add nodejs'), homeEmpty, nothingFetchedButScript]),
  },
  {
    id: 'macos-flavoured',
    title: 'Darwin: shasum, bsdtar',
    build: (input) => ({
      ...base(input, 'bare', 'host'),
      toolbox: {
        // macOS: no sha256sum, no xz, no getconf GNU_LIBC_VERSION; shasum (perl) and bsdtar.
        tools: [...BASIC_TOOLS.filter((t) => t !== 'uname'), 'curl', 'gzip', 'shasum', 'perl', 'bash'],
        aliases: { tar: 'bsdtar' },
        scripts: { uname: UNAME_DARWIN },
      },
      steps: [installStep(input, 'host')],
    }),
    check: run([exitIs(EXIT.ok), configured, nodeFetched('darwin-x64', 'tar.gz'), (r) => (Object.keys(r.inventory).some((p) => /^\.ccenv\/node-v[\d.]+-darwin-x64\/bin\/claude$/.test(p)) ? undefined : 'the darwin build is not what was installed')]),
  },
];

export function scenarioById(id: string): Scenario {
  const s = SCENARIOS.find((x) => x.id === id);
  if (!s) throw new Error(`matrix: unknown scenario ${id}`);
  return s;
}
