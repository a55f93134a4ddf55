// MCP servers as the real Claude Code sees them (issue 23 item 4): `claude mcp list` connects to
// each server in ~/.claude.json's top-level mcpServers and prints "✔ Connected" only after
// initialize and tools/list succeed. HTTP servers are the harness's MCP stub answering for
// https://open.bigmodel.cn/api/mcp/… inside the sandbox (it records the Authorization each request
// carried); stdio ones are a node script that logs the SHA-256 of each key in its environment and
// the command lines from itself up to Claude Code. First with a hand-written ~/.claude.json, then as
// install.sh writes it (a fixture profile, then the built-in zhipu), and --uninstall undoes it.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MCP_STUB_PATH, mcpCalls } from '../../src/harness/mcp-stub.js';
import { DEFAULT_NODE_VERSION, ensureNodeMirror, nodeDistName, type NodeMirror } from '../../src/harness/node-mirror.js';
import { ensureClaudeCodeSnapshot, type RegistrySnapshot } from '../../src/harness/npm-registry.js';
import { localPackage } from '../../src/harness/local-package.js';
import { hostNodeBinary } from '../../src/harness/node-fixture.js';
import { PROXY_USER_ENV, runScenario, SANDBOX_HOME, type ScenarioStep } from '../../src/harness/sandbox.js';
import { HOSTS, standardSites, type SiteSpec } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';
import { resolveProfile } from '../../src/profile/load.js';
import { buildInstallers } from '../../src/publish/build.js';

const KEY = 'sk-mcp-e2e-7c41d09b';
const BASE = nodeDistName(DEFAULT_NODE_VERSION);
const MCP_URL = `https://${HOSTS.api}${MCP_STUB_PATH}`;
const STUB = `${SANDBOX_HOME}/mcp-stub/stdio-stub.mjs`;
const STUB_SOURCE = readFileSync(repoPath('test', 'fixtures', 'mcp', 'stdio-stub.mjs'), 'utf8');
/** The stdio stub as an npm package, for `npx -y` (the fixture profile's stdio server). */
const STUB_PACKAGE = 'ccenv-mcp-stdio-stub';
const STUB_LOG = 'mcp-stdio-stub.log';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** One line of the stdio stub's log: what it found in its environment and on its command line. */
interface StubStart {
  /** Each *_KEY or *_TOKEN variable it was given: its length and SHA-256. */
  secrets: Record<string, { length: number; sha256: string }>;
  cmdline: string[];
  /** The command lines of the processes that started it, nearest first. */
  ancestors: string[][];
}

function stubStarts(log: string | null | undefined): StubStart[] {
  return (log ?? '').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as StubStart);
}

/** Puts the stdio stub into HOME (the repository need not be visible inside the sandbox). */
const stubStep: ScenarioStep = {
  name: 'stdio-stub',
  command: `mkdir -p "$HOME/mcp-stub" && cat >"${STUB}"`,
  stdin: STUB_SOURCE,
};

let mirror: NodeMirror;
let snapshot: RegistrySnapshot;

beforeAll(async () => {
  [mirror, snapshot] = await Promise.all([ensureNodeMirror(), ensureClaudeCodeSnapshot()]);
}, 1_800_000);

/** The fixture profile's installers in `out`, as `ccenv build --profile <file> --out <dir> --no-versioned` writes them. */
async function buildFixture(file: string, out: string): Promise<string> {
  const errors: string[] = [];
  const code = await buildInstallers({ profile: [file], out, check: false, lint: false, versioned: false }, () => undefined, (line) => errors.push(line));
  if (code !== 0) throw new Error(`build ${file}: exit ${code}\n${errors.join('\n')}`);
  return out;
}

describe('MCP servers with the real Claude Code', () => {
  test('hand-written ~/.claude.json: claude mcp list connects to the HTTP stub with the key in its header and starts the stdio stub with the key in its environment only', async () => {
    const claudeJson = {
      hasCompletedOnboarding: true,
      mcpServers: {
        'web-search-prime': { type: 'http', url: MCP_URL, headers: { Authorization: `Bearer ${KEY}` } },
        'stub-stdio': { type: 'stdio', command: 'node', args: [STUB], env: { STUB_API_KEY: KEY } },
        'wrong-key': { type: 'http', url: MCP_URL, headers: { Authorization: 'Bearer sk-not-the-key' } },
      },
    };
    const nodeBin = `${SANDBOX_HOME}/.ccenv/${BASE}/bin`;
    const r = await runScenario({
      sites: standardSites({ nodeMirror: mirror.root, registry: snapshot, mcp: { expectKey: KEY } }),
      collect: [STUB_LOG],
      steps: [
        {
          name: 'node',
          command: [
            'set -e', 'cd "$HOME"', 'mkdir -p .ccenv',
            'curl -fsSLO https://nodejs.org/dist/latest-v22.x/SHASUMS256.txt',
            `curl -fsSLO https://nodejs.org/dist/latest-v22.x/${BASE}.tar.xz`,
            `grep " ${BASE}.tar.xz\\$" SHASUMS256.txt | sha256sum -c -`,
            `tar -xJf ${BASE}.tar.xz -C .ccenv`,
          ].join('\n'),
        },
        {
          name: 'npm-install',
          env: { ...PROXY_USER_ENV, PATH: `${nodeBin}:/usr/bin:/bin` },
          command: 'npm install -g @anthropic-ai/claude-code --registry https://registry.npmjs.org/ --prefix "$HOME/.npm-global" --no-fund --no-audit',
          timeoutMs: 300_000,
        },
        stubStep,
        // the key reaches the file through stdin, never a command line
        { name: 'claude.json', command: 'umask 077 && cat >"$HOME/.claude.json"', stdin: JSON.stringify(claudeJson) },
        {
          name: 'mcp list',
          env: { PATH: `${nodeBin}:/usr/bin:/bin`, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
          command: '"$HOME/.npm-global/bin/claude" mcp list',
          timeoutMs: 120_000,
        },
      ],
    });
    const step = (name: string) => r.steps.find((s) => s.name === name)!;
    for (const s of r.steps) expect(s.exitCode, `${s.name}:\n${s.transcript}`).toBe(0);
    const list = step('mcp list');
    console.log(`claude mcp list (hand-written ~/.claude.json):\n${list.stdout.replaceAll(KEY, '<key>')}`);
    expect(list.stdout).toContain(`web-search-prime: ${MCP_URL} (HTTP) - ✔ Connected`);
    expect(list.stdout).toContain(`stub-stdio: node ${STUB} - ✔ Connected`);
    // the check fails for a server that refuses the key (the stub answers 401)
    expect(list.stdout).toContain(`wrong-key: ${MCP_URL} (HTTP) - ✘ Failed to connect — Server rejected the configured Authorization header (HTTP 401)`);
    expect(list.transcript).not.toContain(KEY);

    // the HTTP stub: a full handshake, each request with the key from the header
    const good = mcpCalls(list.requests).filter((c) => c.key === KEY);
    expect(good.find((c) => c.rpc.includes('initialize'))).toMatchObject({ method: 'POST', status: 200, authorization: `Bearer ${KEY}`, host: HOSTS.api });
    expect(good.find((c) => c.rpc.includes('tools/list'))).toMatchObject({ status: 200, sessionId: expect.any(String) });
    const wrong = mcpCalls(list.requests).filter((c) => c.key === 'sk-not-the-key');
    expect(wrong.length).toBeGreaterThan(0);
    expect(wrong.every((c) => c.status === 401 || c.method !== 'POST')).toBe(true);
    // `claude mcp list` calls no model
    expect(r.apiCalls).toEqual([]);

    // the stdio stub: the key in its environment, not on its command line
    const starts = stubStarts(r.files[STUB_LOG]);
    expect(starts.length).toBeGreaterThan(0);
    console.log(`stdio stub log: ${r.files[STUB_LOG]!.trim()}`);
    for (const s of starts) {
      expect(s).toMatchObject({ secrets: { STUB_API_KEY: { length: KEY.length, sha256: sha256(KEY) } }, cmdline: ['node', STUB] });
      // Claude Code started it (the log holds the command lines up the chain: none has the key)
      expect(s.ancestors.flat().join(' ')).toContain('mcp list');
    }
    expect(r.files[STUB_LOG]).not.toContain(KEY);
  }, 600_000);
});

describe('MCP servers from a profile, through install.sh', () => {
  let work: string;
  let dist: string;
  let registry: RegistrySnapshot;
  const zhipu = resolveProfile('zhipu');
  const zhipuServers = Object.entries(zhipu.mcp?.servers ?? {});
  /** The packages zhipu's stdio servers run with `npx -y <package>`. */
  const npxPackages = zhipuServers.flatMap(([, s]) => (s.type === 'stdio' && s.command === 'npx' ? s.args.filter((a) => !a.startsWith('-')).slice(0, 1) : []));

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'ccenv-mcp-e2e-'));
    dist = await buildFixture(repoPath('test', 'fixtures', 'profiles', 'mcp-zhipu.yaml'), path.join(work, 'dist'));
    // the stdio stub under each package name an npx server asks for (a stand-in, as the harness's Claude Code one)
    const stubs = await Promise.all([STUB_PACKAGE, ...npxPackages].map(async (name, i) => {
      const dir = path.join(work, `pkg${i}`);
      mkdirSync(dir);
      const bin = name.replace(/^@[^/]+\//, '');
      return localPackage(dir, {
        manifest: { name, version: '1.0.0', description: 'ccenv test stand-in for an MCP server package', bin: { [bin]: 'stdio-stub.mjs' } },
        files: { 'stdio-stub.mjs': { text: STUB_SOURCE, mode: 0o755 } },
      });
    }));
    registry = { packages: [...snapshot.packages, ...stubs] };
  }, 120_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('install.sh of a profile with MCP servers: claude mcp list connects to both with the key, the user\'s own server kept; --uninstall leaves ~/.claude.json byte-identical', async () => {
    const USER_TOKEN = 'user-own-notes-token';
    // a Claude Code user's state file, as Claude Code 2.1.330 writes it (two-space JSON, no final
    // newline, its own first-start keys present, so listing servers changes nothing of its own)
    const seed = JSON.stringify({
      numStartups: 7,
      firstStartTime: '2026-11-02T08:15:00.000Z',
      firstStartVersion: '2.1.330',
      machineID: 'b2f0c5d1e4a3978601f2e3d4c5b6a7980123456789abcdef0123456789abcdef',
      opusProMigrationComplete: true,
      seenNotifications: {},
      hasResetAutoModeOptInForDefaultOffer: true,
      migrationVersion: 15,
      userID: '5d1c0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d',
      projects: { '/home/user/work': { allowedTools: ['Bash(make test)'], mcpServers: {}, hasTrustDialogAccepted: true } },
      mcpServers: { 'my-notes': { type: 'stdio', command: 'node', args: [STUB], env: { STUB_API_KEY: USER_TOKEN } } },
    }, null, 2);
    const installer = `curl -fsSL https://${HOSTS.cdn}/mcp-zhipu/install.sh | sh`;
    const r = await runScenario({
      sites: standardSites({ dist, nodeMirror: mirror.root, registry, mcp: { expectKey: KEY } }),
      toolbox: { node: hostNodeBinary() },
      collect: ['.claude.json', 'claude-after-install.json', STUB_LOG],
      steps: [
        stubStep,
        { name: 'seed', command: 'umask 077 && cat >"$HOME/.claude.json"', stdin: seed },
        {
          name: 'install',
          command: installer,
          // no CCENV_MCP and no terminal to ask on: the profile's default (on) decides
          env: { ...PROXY_USER_ENV, CCENV_API_KEY: KEY, CCENV_YES: '1' },
          timeoutMs: 600_000,
        },
        // the file as the installer left it (same mode: it holds the key)
        { name: 'snapshot', command: 'cp -p "$HOME/.claude.json" "$HOME/claude-after-install.json"' },
        // a new login shell: ~/.profile puts the installed node and claude on PATH
        // (behind the proxy, the user's Node trusts its CA: npx fetches the stub's package with it)
        { name: 'mcp list', command: '. "$HOME/.profile" && claude mcp list', env: PROXY_USER_ENV, timeoutMs: 120_000 },
        { name: 'uninstall', command: `${installer} -s -- --uninstall`, timeoutMs: 300_000 },
      ],
    });
    const step = (name: string) => r.steps.find((s) => s.name === name)!;
    for (const s of r.steps) {
      expect(s.exitCode, `${s.name}:\n${s.transcript}`).toBe(0);
      expect(s.transcript, s.name).not.toContain(KEY);
    }

    // what the installer wrote: its two servers with the key filled in, the user's own untouched
    const written = JSON.parse(r.files['claude-after-install.json'] ?? 'null') as { mcpServers: Record<string, unknown>; projects: unknown };
    expect(written.mcpServers).toEqual({
      'my-notes': { type: 'stdio', command: 'node', args: [STUB], env: { STUB_API_KEY: USER_TOKEN } },
      'web-search-prime': { type: 'http', url: MCP_URL, headers: { Authorization: `Bearer ${KEY}` } },
      'stub-stdio': { type: 'stdio', command: 'npx', args: ['-y', STUB_PACKAGE], env: { STUB_API_KEY: KEY } },
    });
    expect(written.projects).toEqual(JSON.parse(seed).projects);

    const list = step('mcp list');
    console.log(`claude mcp list (after install.sh):\n${list.stdout.replaceAll(KEY, '<key>')}`);
    expect(list.stdout).toContain(`my-notes: node ${STUB} - ✔ Connected`);
    expect(list.stdout).toContain(`web-search-prime: ${MCP_URL} (HTTP) - ✔ Connected`);
    expect(list.stdout).toContain(`stub-stdio: npx -y ${STUB_PACKAGE} - ✔ Connected`);
    // npx fetched the package from the registry
    expect(list.requests.some((q) => q.site === 'npm-registry' && q.url.endsWith(`/${STUB_PACKAGE}-1.0.0.tgz`) && q.status === 200)).toBe(true);
    const calls = mcpCalls(list.requests);
    const masked = (v: string | undefined) => v?.replaceAll(KEY, `${KEY.slice(0, 4)}...${KEY.slice(-4)}`);
    for (const c of calls) console.log(`HTTP MCP stub: ${c.method} https://${c.host}${c.url} ${c.status} ${c.rpc.join(',') || '-'} Authorization: ${masked(c.authorization) ?? '(none)'}`);
    expect(calls.find((c) => c.rpc.includes('initialize'))).toMatchObject({ status: 200, authorization: `Bearer ${KEY}` });
    expect(calls.find((c) => c.rpc.includes('tools/list'))).toMatchObject({ status: 200, key: KEY });
    expect(calls.every((c) => c.key === KEY)).toBe(true);

    // the stdio servers: each got its own key in its environment, on no command line up the chain.
    // (Claude Code also hands every stdio server its own environment, settings.json's included:
    // ANTHROPIC_AUTH_TOKEN reaches the user's own servers too — its behaviour, not ccenv's.)
    const starts = stubStarts(r.files[STUB_LOG]);
    console.log(`stdio stub log: ${(r.files[STUB_LOG] ?? '').replaceAll(KEY, '<key>').trim()}`);
    const ours = starts.filter((s) => s.secrets.STUB_API_KEY?.sha256 === sha256(KEY));
    expect(ours.length).toBeGreaterThan(0);
    for (const s of ours) {
      // npx ran the package's bin; npm exec and Claude Code above it
      expect(s.cmdline.join(' ')).toMatch(new RegExp(`^node /home/user/\\.npm/_npx/[0-9a-f]+/node_modules/\\.bin/${STUB_PACKAGE}$`));
      expect(s.ancestors.map((a) => a.join(' '))).toEqual(expect.arrayContaining([`npm exec ${STUB_PACKAGE}`, 'claude mcp list']));
    }
    const users = starts.filter((s) => s.secrets.STUB_API_KEY?.sha256 === sha256(USER_TOKEN));
    expect(users.map((s) => s.cmdline)).toEqual(users.map(() => ['node', STUB]));
    expect(users.length).toBeGreaterThan(0);
    expect(r.files[STUB_LOG]).not.toContain(KEY);

    // --uninstall: ~/.claude.json is the user's file again, byte for byte
    const digest = (t: string | null | undefined) => (t == null ? 'missing' : `${Buffer.byteLength(t)} bytes, sha256 ${sha256(t)}`);
    console.log(`~/.claude.json seeded: ${digest(seed)}\n~/.claude.json after install: ${digest(r.files['claude-after-install.json'])}\n~/.claude.json after --uninstall: ${digest(r.files['.claude.json'])}`);
    expect(r.files['.claude.json']).toBe(seed);
  }, 900_000);

  test('the built-in zhipu profile with CCENV_MCP=all: every one of its MCP servers connects with the key, --doctor reaches the HTTP ones; --uninstall takes them out', async () => {
    expect(zhipuServers.length).toBeGreaterThan(0);
    // an MCP stub at every HTTP server's address (all on the API host), the stdio stub for every npx package
    const mcpSites: SiteSpec[] = zhipuServers.flatMap(([, s]) => {
      if (s.type !== 'http') return [];
      const u = new URL(s.url);
      expect(u.hostname).toBe(HOSTS.api);
      return [{ kind: 'mcp-stub', host: u.hostname, prefix: u.pathname, options: { expectKey: KEY } }];
    });
    const installer = `curl -fsSL https://${HOSTS.cdn}/zhipu/install.sh | sh`;
    const r = await runScenario({
      sites: [...standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry }), ...mcpSites],
      toolbox: { node: hostNodeBinary() },
      collect: ['.claude.json', 'claude-after-install.json', STUB_LOG],
      steps: [
        // zhipu's servers are off by default: the variable turns them on
        { name: 'install', command: installer, env: { ...PROXY_USER_ENV, CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_MCP: 'all' }, timeoutMs: 600_000 },
        { name: 'snapshot', command: 'cp -p "$HOME/.claude.json" "$HOME/claude-after-install.json"' },
        { name: 'mcp list', command: '. "$HOME/.profile" && claude mcp list', env: PROXY_USER_ENV, timeoutMs: 180_000 },
        { name: 'doctor', command: `${installer} -s -- --doctor`, env: PROXY_USER_ENV, timeoutMs: 120_000 },
        { name: 'uninstall', command: `${installer} -s -- --uninstall`, timeoutMs: 300_000 },
      ],
    });
    for (const s of r.steps) {
      expect(s.exitCode, `${s.name}:\n${s.transcript}`).toBe(0);
      expect(s.transcript, s.name).not.toContain(KEY);
    }
    const list = r.steps.find((s) => s.name === 'mcp list')!;
    console.log(`claude mcp list (zhipu's install.sh):\n${list.stdout.replaceAll(KEY, '<key>')}`);
    const fill = (v: string) => v.replaceAll('{key}', KEY);
    const written = (JSON.parse(r.files['claude-after-install.json'] ?? 'null') as { mcpServers: Record<string, unknown> }).mcpServers;
    for (const [name, s] of zhipuServers) {
      if (s.type === 'http') {
        expect(written[name]).toEqual({ type: 'http', url: s.url, headers: Object.fromEntries(Object.entries(s.headers).map(([h, v]) => [h, fill(v)])) });
        expect(list.stdout).toContain(`${name}: ${s.url} (HTTP) - ✔ Connected`);
        const init = mcpCalls(list.requests).find((c) => c.url === new URL(s.url).pathname && c.rpc.includes('initialize'));
        expect(init, name).toMatchObject({ status: 200, key: KEY });
      } else {
        expect(written[name]).toEqual({ type: 'stdio', command: s.command, args: s.args, env: Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, fill(v)])) });
        expect(list.stdout).toContain(`${name}: ${[s.command, ...s.args].join(' ')} - ✔ Connected`);
      }
    }
    // --doctor sent each HTTP server an initialize with its header and got the stub's answer
    const doctor = r.steps.find((s) => s.name === 'doctor')!;
    for (const [name, s] of zhipuServers) {
      if (s.type === 'http') expect(doctor.stdout).toMatch(new RegExp(`${name}: ${s.url.replaceAll('.', '\\.')} answers \\(HTTP 200, \\d+ ms, server ccenv-mcp-stub\\)`));
    }
    expect(mcpCalls(doctor.requests).filter((c) => c.rpc.includes('initialize')).map((c) => [c.url, c.key, c.status])).toEqual(
      zhipuServers.filter(([, s]) => s.type === 'http').map(([, s]) => [new URL((s as { url: string }).url).pathname, KEY, 200]),
    );

    // each stdio server got the key in the variable its profile names, and on no command line
    const starts = stubStarts(r.files[STUB_LOG]);
    console.log(`stdio stub log: ${(r.files[STUB_LOG] ?? '').trim()}`);
    for (const [name, s] of zhipuServers) {
      if (s.type !== 'stdio') continue;
      for (const [variable, value] of Object.entries(s.env).filter(([, v]) => v.includes('{key}'))) {
        expect(starts.some((st) => st.secrets[variable]?.sha256 === sha256(fill(value))), `${name} ${variable}`).toBe(true);
      }
    }
    expect(r.files[STUB_LOG]).not.toContain(KEY);

    // --uninstall: the servers and the key are gone; what Claude Code wrote of its own stays
    const after = r.files['.claude.json'] ?? '';
    expect(after).not.toContain(KEY);
    const left = (JSON.parse(after) as { mcpServers?: Record<string, unknown> }).mcpServers ?? {};
    expect(Object.keys(left).filter((n) => zhipuServers.some(([z]) => z === n))).toEqual([]);
  }, 900_000);
});
