// Fresh machine, Node 20 only, key typed at the prompt → the installer fetches and verifies Node,
// installs the real Claude Code from the local registry, and `claude -p` calls the provider's
// endpoint (https://open.bigmodel.cn) with the key. Everything runs in a sandbox whose only
// network is the loopback fixture server answering for the real host names.
import { beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_REPLY } from '../../src/harness/api-stub.js';
import { DEFAULT_NODE_VERSION, ensureNodeMirror, nodeDistName, type NodeMirror } from '../../src/harness/node-mirror.js';
import { CLAUDE_CODE_VERSION, ensureClaudeCodeSnapshot, type RegistrySnapshot } from '../../src/harness/npm-registry.js';
import { hostNodeBinary } from '../../src/harness/node-fixture.js';
import { PROXY_USER_ENV, runScenario } from '../../src/harness/sandbox.js';
import { CN_MIRRORS, standardSites } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';

const KEY = `sk-e2e-'"$;&|<>%-typed`;
const ONE_LINER = 'curl -fsSL https://cdn.ccenv.test/zhipu/install.sh | sh';
const TARBALL = `${nodeDistName(DEFAULT_NODE_VERSION)}.tar.xz`;

let mirror: NodeMirror;
let snapshot: RegistrySnapshot;

beforeAll(async () => {
  [mirror, snapshot] = await Promise.all([ensureNodeMirror(), ensureClaudeCodeSnapshot()]);
}, 1_800_000);

function sites(api: { expectKey?: string } = {}) {
  return standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry: snapshot, api });
}

describe('fresh install through curl | sh', () => {
  test('Node 20 only, key typed → Node verified, Claude Code installed, claude -p calls open.bigmodel.cn with the key', async () => {
    const started = Date.now();
    const r = await runScenario({
      sites: sites({ expectKey: KEY }),
      toolbox: { node: hostNodeBinary() },
      collect: ['.claude/settings.json'],
      steps: [
        {
          name: 'install',
          command: ONE_LINER,
          env: PROXY_USER_ENV,
          pty: [
            { when: 'Enter your Zhipu GLM Coding Plan API key', send: `${KEY}\r` },
            { when: '[y/N]', send: '\r' },
            { when: '[y/N]', send: '\r' }, // the MCP servers
          ],
          timeoutMs: 600_000,
        },
        // A new login shell: ~/.profile now puts the installed node and claude on PATH.
        { name: 'use', command: 'cat "$HOME/.profile" && . "$HOME/.profile" && command -v claude && claude -p hello', timeoutMs: 120_000 },
        // Running it again changes nothing and downloads nothing.
        {
          name: 'again',
          command: `touch "$HOME/.before-rerun" && sleep 1 && ${ONE_LINER} && find "$HOME" -newer "$HOME/.before-rerun" ! -type d | sed 's/^/CHANGED /'`,
          env: { ...PROXY_USER_ENV, CCENV_API_KEY: KEY, CCENV_YES: '1' },
        },
        { name: 'uninstall', command: `curl -fsSL https://cdn.ccenv.test/zhipu/install.sh | sh -s -- --uninstall --purge; ls -A "$HOME"; if [ -e "$HOME/.profile" ]; then cat "$HOME/.profile"; fi` },
      ],
    });
    const seconds = (Date.now() - started) / 1000;
    const install = r.steps[0]!;
    const use = r.steps[1]!;
    expect(install.exitCode, install.transcript).toBe(0);
    expect(install.transcript).not.toContain(KEY);
    expect(install.transcript).toContain(`Verified ${TARBALL} against SHASUMS256.txt`);
    expect(install.transcript).toContain(`Claude Code ${CLAUDE_CODE_VERSION} installed`);

    // the mirror's log: the checksums and the tarball were fetched, from the latest-v22.x folder
    const nodeRequests = install.requests.filter((q) => q.host === CN_MIRRORS.nodeHost).map((q) => [q.url, q.status]);
    expect(nodeRequests).toEqual([
      [`${CN_MIRRORS.nodePrefix}/latest-v22.x/SHASUMS256.txt`, 200],
      [`${CN_MIRRORS.nodePrefix}/latest-v22.x/${TARBALL}`, 200],
    ]);
    // the real Claude Code came from the local registry
    expect(install.requests.some((q) => q.host === CN_MIRRORS.registryHost && q.url.endsWith(`claude-code-linux-x64-${CLAUDE_CODE_VERSION}.tgz`) && q.status === 200)).toBe(true);

    // the installed client called the provider's endpoint with the key
    expect(use.exitCode, use.transcript).toBe(0);
    expect(use.stdout).toContain(". '/home/user/.ccenv/env' # added by ccenv");
    expect(use.stdout).toContain('/home/user/.ccenv/node/bin/claude');
    expect(use.stdout).toContain(DEFAULT_REPLY);
    const call = r.apiCalls.find((c) => c.lastUserText === 'hello' && c.status === 200);
    expect(call).toMatchObject({ host: 'open.bigmodel.cn', authorization: `Bearer ${KEY}` });
    expect(call!.url).toMatch(/^\/api\/anthropic\/v1\/messages/);
    // after --uninstall: ccenv created settings.json, so only what Claude Code added since remains
    expect(r.files['.claude/settings.json'] ?? '').not.toContain(KEY);
    console.log(`fresh install + claude -p: ${seconds.toFixed(1)} s (install step ${install.durationMs} ms, claude -p ${use.durationMs} ms)`);

    const again = r.steps[2]!;
    expect(again.exitCode, again.transcript).toBe(0);
    expect(again.stdout).toContain('Claude Code 2.1.330 found');
    expect(again.stdout).not.toContain('CHANGED ');
    expect(again.requests.filter((q) => q.host !== 'cdn.ccenv.test')).toEqual([]);

    const uninstall = r.steps[3]!;
    expect(uninstall.exitCode, uninstall.transcript).toBe(0);
    expect(uninstall.stdout).toContain('Removed /home/user/.ccenv');
    expect(uninstall.stdout).not.toContain('.ccenv\n');
    // the .profile (and any .bashrc) the installer created are gone with their line: `ls -A` lists neither
    expect(uninstall.stdout).not.toMatch(/^\.(profile|bashrc|zshrc)$/m);
    expect(uninstall.stdout).not.toContain('added by ccenv');
    expect(uninstall.stdout).toContain('Removed /home/user/.claude/settings.json, which ccenv had created');
    // Claude Code has written its own state into .claude.json since: only ccenv's key is taken out
    expect(uninstall.stdout).toContain('Restored /home/user/.claude.json');
    expect(uninstall.stdout).toContain('Uninstalled, and removed what ccenv installed');
  }, 900_000);
});

describe('a mirror that cannot be trusted: exit 3, nothing changed', () => {
  const cases = [
    { name: 'a tampered SHASUMS256.txt', fault: { host: CN_MIRRORS.nodeHost, path: '*/SHASUMS256.txt', kind: 'tamper-shasums' as const }, expect: /Checksum mismatch for https:\/\/npmmirror\.com\/mirrors\/node\/latest-v22\.x\/node-v[\d.]+-linux-x64\.tar\.xz/ },
    { name: 'a 404', fault: { host: CN_MIRRORS.nodeHost, path: '*/SHASUMS256.txt', kind: 'status' as const, status: 404 }, expect: /Download failed: https:\/\/npmmirror\.com\/mirrors\/node\/latest-v22\.x\/SHASUMS256\.txt/ },
    { name: 'an HTML page', fault: { host: CN_MIRRORS.nodeHost, path: '*/SHASUMS256.txt', kind: 'html' as const }, expect: /https:\/\/npmmirror\.com\/mirrors\/node\/latest-v22\.x\/SHASUMS256\.txt is not a Node\.js SHASUMS256\.txt/ },
    { name: 'a corrupted tarball', fault: { host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'corrupt' as const }, expect: /Checksum mismatch/ },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await runScenario({
        sites: sites(),
        toolbox: { node: hostNodeBinary() },
        command: `${ONE_LINER} && echo INSTALLED; find "$HOME" -mindepth 1 | sed 's/^/FOUND /'`,
        env: { ...PROXY_USER_ENV, CCENV_API_KEY: 'sk-never-used-123' },
        faults: [c.fault],
        timeoutMs: 300_000,
      });
      expect(r.stderr).toMatch(c.expect);
      expect(r.stdout).not.toContain('INSTALLED');
      expect(r.stdout).not.toContain('FOUND ');
    }, 600_000);
  }
});
