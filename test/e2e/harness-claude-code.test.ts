// The harness end to end with the real pieces: Node from the rebuilt mirror (https://nodejs.org/
// dist, SHASUMS256.txt checked), the pinned Claude Code installed by that Node's npm from the
// local registry (https://registry.npmjs.org), and `claude -p` talking to the API stub at
// https://open.bigmodel.cn/api/anthropic — all inside one sandbox with no other network.
// First run fills ~/.cache/ccenv (~235 MB from the npm registry); later runs take ~15 s.
import { beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_REPLY } from '../../src/harness/api-stub.js';
import { DEFAULT_NODE_VERSION, ensureNodeMirror, nodeDistName, type NodeMirror } from '../../src/harness/node-mirror.js';
import { CLAUDE_CODE_VERSION, ensureClaudeCodeSnapshot, type RegistrySnapshot } from '../../src/harness/npm-registry.js';
import { PROXY_USER_ENV, runScenario } from '../../src/harness/sandbox.js';
import { standardSites } from '../../src/harness/sites.js';

const KEY = 'sk-ccenv-e2e-5f2b9c';
const BASE = nodeDistName(DEFAULT_NODE_VERSION);
const NODE_BIN = `$HOME/.ccenv/${BASE}/bin`;

function settings(token: string): string {
  return JSON.stringify({
    env: {
      ANTHROPIC_BASE_URL: 'https://open.bigmodel.cn/api/anthropic',
      ANTHROPIC_AUTH_TOKEN: token,
      API_TIMEOUT_MS: '3000000',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
  });
}

describe('harness end to end: mirror → npm registry → Claude Code → API stub', () => {
  let mirror: NodeMirror;
  let snapshot: RegistrySnapshot;

  beforeAll(async () => {
    [mirror, snapshot] = await Promise.all([ensureNodeMirror(), ensureClaudeCodeSnapshot()]);
  }, 1_800_000);

  test('installs the pinned Claude Code with the mirror\'s Node and npm; claude -p reaches the stub with the key', async () => {
    expect(snapshot.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`,
      `@anthropic-ai/claude-code-linux-x64@${CLAUDE_CODE_VERSION}`,
    ]);
    const r = await runScenario({
      sites: standardSites({ nodeMirror: mirror.root, registry: snapshot, api: { expectKey: KEY } }),
      collect: ['.claude/settings.json'],
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
          // what a user behind a TLS-inspecting proxy has set (the downloaded Node needs it)
          env: { ...PROXY_USER_ENV, PATH: `/home/user/.ccenv/${BASE}/bin:/usr/bin:/bin` },
          command: 'npm install -g @anthropic-ai/claude-code --registry https://registry.npmjs.org/ --prefix "$HOME/.npm-global" --no-fund --no-audit',
          timeoutMs: 300_000,
        },
        { name: 'version', command: '"$HOME/.npm-global/bin/claude" --version' },
        {
          name: 'prompt',
          command: `mkdir -p "$HOME/.claude" && printf '%s' '${settings(KEY)}' >"$HOME/.claude/settings.json" && "$HOME/.npm-global/bin/claude" -p hello`,
          timeoutMs: 120_000,
        },
        {
          name: 'wrong-key',
          // Claude Code retries a 401 with back-off for minutes; one try is enough here
          env: { CLAUDE_CODE_MAX_RETRIES: '0' },
          command: `printf '%s' '${settings('sk-wrong')}' >"$HOME/.claude/settings.json" && "$HOME/.npm-global/bin/claude" -p hello`,
          timeoutMs: 120_000,
        },
      ],
    });
    const step = (name: string) => r.steps.find((s) => s.name === name)!;
    for (const name of ['node', 'npm-install', 'version', 'prompt']) expect(step(name).exitCode, `${name}:\n${step(name).transcript}`).toBe(0);
    expect(step('node').stdout).toContain(`${BASE}.tar.xz: OK`);
    expect(step('version').stdout.trim()).toBe(`${CLAUDE_CODE_VERSION} (Claude Code)`);
    expect(step('prompt').stdout).toContain(DEFAULT_REPLY);

    // npm fetched both tarballs from the local registry and was refused the other platforms
    const reg = step('npm-install').requests.filter((q) => q.host === 'registry.npmjs.org');
    expect(reg.filter((q) => q.url.endsWith('.tgz')).map((q) => [q.url, q.status])).toEqual(
      expect.arrayContaining([
        [`/@anthropic-ai/claude-code/-/claude-code-${CLAUDE_CODE_VERSION}.tgz`, 200],
        [`/@anthropic-ai/claude-code-linux-x64/-/claude-code-linux-x64-${CLAUDE_CODE_VERSION}.tgz`, 200],
      ]),
    );
    expect(reg.some((q) => q.url === '/@anthropic-ai%2fclaude-code-darwin-arm64' && q.status === 404)).toBe(true);

    // what the API stub received from Claude Code
    const calls = step('prompt').requests.filter((q) => q.site === 'api');
    expect(calls.length).toBeGreaterThan(0);
    const main = r.apiCalls.find((c) => c.lastUserText === 'hello' && c.status === 200);
    expect(main).toMatchObject({
      method: 'POST', host: 'open.bigmodel.cn', authorization: `Bearer ${KEY}`, key: KEY, stream: true,
      userAgent: expect.stringContaining(`claude-cli/${CLAUDE_CODE_VERSION}`),
    });
    expect(main!.url).toMatch(/^\/api\/anthropic\/v1\/messages(\?beta=true)?$/);

    // a wrong key: the stub answers 401 and Claude Code fails (exits, not killed by the timeout)
    expect(step('wrong-key').timedOut).toBe(false);
    expect(step('wrong-key').exitCode).toBe(1);
    expect(step('wrong-key').requests.some((q) => q.site === 'api' && q.status === 401)).toBe(true);

    // nothing else was asked for
    expect([...new Set(r.requests.map((q) => q.host))].sort()).toEqual(['nodejs.org', 'open.bigmodel.cn', 'registry.npmjs.org']);
    expect(r.files['.claude/settings.json']).toContain('sk-wrong');
  }, 600_000);
});
