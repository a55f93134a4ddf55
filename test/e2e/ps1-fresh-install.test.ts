// install.ps1 end to end under pwsh on Linux, in the sandbox whose only network is the loopback
// fixture server: `iex (irm https://cdn.ccenv.test/zhipu/install.ps1)` inside a pwsh session with
// only Node 20 on PATH and the key typed at the hidden prompt → Node 22 fetched from the China
// mirror and verified, the real Claude Code installed from the local registry, the pwsh profile
// puts them on PATH, `claude -p` calls open.bigmodel.cn with the key; re-run; -Uninstall -Purge.
// The cases (each its own sandbox, server and HOME) run concurrently.
import { beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_REPLY } from '../../src/harness/api-stub.js';
import { DEFAULT_NODE_VERSION, ensureNodeMirror, nodeDistName, type NodeMirror } from '../../src/harness/node-mirror.js';
import { CLAUDE_CODE_VERSION, ensureClaudeCodeSnapshot, type RegistrySnapshot } from '../../src/harness/npm-registry.js';
import { ensureClaudeStandIn } from '../../src/harness/claude-stand-in.js';
import { hostNodeBinary } from '../../src/harness/node-fixture.js';
import { PROXY_USER_ENV, runScenario } from '../../src/harness/sandbox.js';
import { CN_MIRRORS, standardSites } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';
import { findPwsh, NO_PWSH } from '../../src/harness/powershell.js';

const PWSH = findPwsh();

const KEY = `sk-e2e-ps1-'"$;&|<>%\`-typed`;
const URL = 'https://cdn.ccenv.test/zhipu/install.ps1';
const TARBALL = `${nodeDistName(DEFAULT_NODE_VERSION)}.tar.xz`;

let mirror: NodeMirror;
let snapshot: RegistrySnapshot;

describe.skipIf(!PWSH)(`install.ps1 fresh install under pwsh${PWSH ? '' : ` — ${NO_PWSH}`}`, { concurrent: true }, () => {
  beforeAll(async () => {
    [mirror, snapshot] = await Promise.all([ensureNodeMirror(), ensureClaudeCodeSnapshot()]);
  }, 1_800_000);

  test('iex (irm URL), Node 20 only, key typed → Node verified, Claude Code installed, claude -p calls open.bigmodel.cn with the key; -Uninstall -Purge', async () => {
    const r = await runScenario({
      sites: standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry: snapshot, api: { expectKey: KEY } }),
      toolbox: { node: hostNodeBinary(), pwsh: PWSH },
      collect: ['.claude/settings.json', '.config/powershell/profile.ps1'],
      inventory: true,
      steps: [
        {
          name: 'install',
          command: `pwsh -NoProfile -Command "iex (irm ${URL}); 'EXIT=' + \\$LASTEXITCODE; 'CONTINUES'"`,
          env: PROXY_USER_ENV,
          pty: [
            { when: /API key[^\n]*\x1b\[6n/, send: `${KEY}\r` },
            { when: /\[y\/N\][^\n]*\x1b\[6n/, send: '\r' },
            { when: /\[y\/N\][^\n]*\x1b\[6n/, send: '\r' }, // the MCP servers
          ],
          timeoutMs: 600_000,
        },
        // A new pwsh window: its profile puts node and claude on PATH.
        { name: 'use', command: `pwsh -Command "(Get-Command claude).Source; claude -p hello"`, env: PROXY_USER_ENV, timeoutMs: 180_000 },
        {
          name: 'again',
          command: `touch "$HOME/.before-rerun" && sleep 1 && pwsh -NoProfile -Command "& ([scriptblock]::Create((irm ${URL}))) -Yes; 'EXIT=' + \\$LASTEXITCODE" && find "$HOME" -newer "$HOME/.before-rerun" ! -type d ! -path '*/.cache/*' ! -path '*/.local/share/powershell/*' | sed 's/^/CHANGED /'`,
          env: { ...PROXY_USER_ENV, CCENV_API_KEY: KEY },
          timeoutMs: 180_000,
        },
        { name: 'uninstall', command: `pwsh -NoProfile -Command "& ([scriptblock]::Create((irm ${URL}))) -Uninstall -Purge; 'EXIT=' + \\$LASTEXITCODE"; ls -A "$HOME"`, timeoutMs: 180_000 },
      ],
    });
    const [install, use, again, uninstall] = r.steps as [typeof r.steps[0], typeof r.steps[0], typeof r.steps[0], typeof r.steps[0]];
    expect(install.exitCode, install.transcript).toBe(0);
    expect(install.transcript).toContain('EXIT=0');
    expect(install.transcript).toContain('CONTINUES');
    expect(install.transcript).not.toContain(KEY);
    expect(install.transcript).toContain(`Verified ${TARBALL} against SHASUMS256.txt`);
    expect(install.transcript).toContain(`Claude Code ${CLAUDE_CODE_VERSION} installed`);
    const nodeRequests = install.requests.filter((q) => q.host === CN_MIRRORS.nodeHost).map((q) => [q.url, q.status]);
    expect(nodeRequests).toEqual([
      [`${CN_MIRRORS.nodePrefix}/latest-v22.x/SHASUMS256.txt`, 200],
      [`${CN_MIRRORS.nodePrefix}/latest-v22.x/${TARBALL}`, 200],
    ]);
    expect(install.requests.some((q) => q.host === CN_MIRRORS.registryHost && q.url.endsWith(`claude-code-linux-x64-${CLAUDE_CODE_VERSION}.tgz`) && q.status === 200)).toBe(true);

    expect(use.exitCode, use.transcript).toBe(0);
    expect(use.stdout).toContain('/home/user/.ccenv/node/bin/claude');
    expect(use.stdout).toContain(DEFAULT_REPLY);
    const call = r.apiCalls.find((c) => c.lastUserText === 'hello' && c.status === 200);
    expect(call).toMatchObject({ host: 'open.bigmodel.cn', authorization: `Bearer ${KEY}` });

    expect(again.exitCode, again.transcript).toBe(0);
    expect(again.stdout).toContain('EXIT=0');
    expect(again.stdout).toContain(`Claude Code ${CLAUDE_CODE_VERSION} found`);
    expect(again.stdout).not.toContain('CHANGED ');

    expect(uninstall.exitCode, uninstall.transcript).toBe(0);
    expect(uninstall.stdout).toContain('EXIT=0');
    expect(uninstall.stdout).toContain('Removed /home/user/.ccenv');
    expect(uninstall.stdout).not.toMatch(/^\.ccenv$/m);
    // ~/.config/powershell was created for the profile: gone with it
    expect(uninstall.stdout).not.toMatch(/^\.config$/m);
    // the profile did not exist before: ccenv created it, so it is gone again
    expect(r.files['.config/powershell/profile.ps1']).toBeNull();
    expect(r.files['.claude/settings.json'] ?? '').not.toContain(KEY);
  }, 1_200_000);

  for (const c of [
    { name: 'a tampered SHASUMS256.txt', fault: { host: CN_MIRRORS.nodeHost, path: '*/SHASUMS256.txt', kind: 'tamper-shasums' as const }, expect: /Checksum mismatch for https:\/\/npmmirror\.com\/mirrors\/node\/latest-v22\.x\/node-v[\d.]+-linux-x64\.tar\.xz/ },
    { name: 'a 404 (not tried again)', fault: { host: CN_MIRRORS.nodeHost, path: '*/SHASUMS256.txt', kind: 'status' as const, status: 404 }, expect: /Download failed: https:\/\/npmmirror\.com\/mirrors\/node\/latest-v22\.x\/SHASUMS256\.txt/ },
    { name: 'a corrupted tarball', fault: { host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'corrupt' as const }, expect: /Checksum mismatch/ },
  ]) {
    test(`a mirror that cannot be trusted, ${c.name}: exit 3, nothing unpacked, nothing configured`, async () => {
      const r = await runScenario({
        sites: standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root }),
        toolbox: { node: hostNodeBinary(), pwsh: PWSH },
        command: `pwsh -NoProfile -Command "try { & ([scriptblock]::Create((irm ${URL}))) -Yes; 'UNREACHED' } catch { 'CODE=' + \\$LASTEXITCODE }"; find "$HOME" -mindepth 1 -not -path '*/.cache*' -not -path '*/.local*' | sed 's/^/FOUND /'`,
        env: { ...PROXY_USER_ENV, CCENV_API_KEY: 'sk-never-used-123' },
        faults: [c.fault],
        timeoutMs: 300_000,
      });
      expect(r.stderr).toMatch(c.expect);
      expect(r.stdout).not.toContain('UNREACHED');
      expect(r.stdout).toContain('CODE=3');
      expect(r.stdout).not.toContain('FOUND ');
      if (c.name.startsWith('a 404')) expect(r.requests.filter((q) => q.url.endsWith('SHASUMS256.txt'))).toHaveLength(1);
    }, 600_000);
  }

  test('a connection reset on the Node tarball is tried again (and on SHASUMS256.txt): installed, exit 0', async () => {
    const standIn = await ensureClaudeStandIn();
    const r = await runScenario({
      sites: standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry: standIn }),
      toolbox: { node: hostNodeBinary(), pwsh: PWSH },
      command: `pwsh -NoProfile -Command "& ([scriptblock]::Create((irm ${URL}))) -Yes; 'CODE=' + \\$LASTEXITCODE"`,
      env: { ...PROXY_USER_ENV, CCENV_API_KEY: 'sk-retry-0123456789' },
      faults: [
        { host: CN_MIRRORS.nodeHost, path: '*/SHASUMS256.txt', kind: 'reset', times: 1 },
        { host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'reset', times: 1 },
      ],
      collect: ['.claude/settings.json'],
      timeoutMs: 300_000,
    });
    expect(r.stdout, r.transcript).toContain('CODE=0');
    const node = r.requests.filter((q) => q.host === CN_MIRRORS.nodeHost).map((q) => q.url.replace(/.*\//, ''));
    expect(node).toEqual(['SHASUMS256.txt', 'SHASUMS256.txt', TARBALL, TARBALL]);
    expect(r.files['.claude/settings.json']).toContain('sk-retry-0123456789');
  }, 600_000);
});
