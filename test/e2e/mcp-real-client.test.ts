// MCP servers as the real Claude Code sees them (issue 23 item 4): `claude mcp list` connects to
// each server in ~/.claude.json's top-level mcpServers — an HTTP one, the MCP stub answering for
// https://open.bigmodel.cn/api/mcp/web_search_prime/mcp inside the sandbox, and a stdio one, a node
// script that logs the SHA-256 of the key in its environment and its own command line — and
// prints "✔ Connected" only after initialize and tools/list succeed. The stub records the
// Authorization header each request carried.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { MCP_STUB_PATH, mcpCalls } from '../../src/harness/mcp-stub.js';
import { DEFAULT_NODE_VERSION, ensureNodeMirror, nodeDistName, type NodeMirror } from '../../src/harness/node-mirror.js';
import { ensureClaudeCodeSnapshot, type RegistrySnapshot } from '../../src/harness/npm-registry.js';
import { PROXY_USER_ENV, runScenario, SANDBOX_HOME, type ScenarioStep } from '../../src/harness/sandbox.js';
import { HOSTS, standardSites } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';

const KEY = 'sk-mcp-e2e-7c41d09b';
const BASE = nodeDistName(DEFAULT_NODE_VERSION);
const MCP_URL = `https://${HOSTS.api}${MCP_STUB_PATH}`;
const STUB = `${SANDBOX_HOME}/mcp-stub/stdio-stub.mjs`;
const STUB_SOURCE = readFileSync(repoPath('test', 'fixtures', 'mcp', 'stdio-stub.mjs'), 'utf8');
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

