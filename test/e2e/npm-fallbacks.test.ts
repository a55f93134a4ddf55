// Claude Code through npm where npm cannot simply install globally: a system Node whose global
// folder is not writable (→ a user prefix, no sudo), and a TLS-inspecting proxy whose CA Node does
// not trust (→ exit 7 saying what to set). Also: an old glibc gets exit 6 before any download.
// The cases run concurrently, each its own sandbox; the system Node they share is never written
// (a read-only mount, or root's folder with the steps run as uid 1000).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { ensureNodeMirror, type NodeMirror } from '../../src/harness/node-mirror.js';
import { CLAUDE_CODE_VERSION, ensureClaudeCodeSnapshot, type RegistrySnapshot } from '../../src/harness/npm-registry.js';
import { hostNodeBinary } from '../../src/harness/node-fixture.js';
import { PROXY_USER_ENV, runScenario, SANDBOX_TOOLBOX } from '../../src/harness/sandbox.js';
import { CN_MIRRORS, HOSTS, standardSites } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';

const ONE_LINER = 'curl -fsSL https://cdn.ccenv.test/zhipu/install.sh | sh';
let mirror: NodeMirror;
let snapshot: RegistrySnapshot;
let systemNode: string;

beforeAll(async () => {
  [mirror, snapshot] = await Promise.all([ensureNodeMirror(), ensureClaudeCodeSnapshot()]);
  // A "system" Node 22 with npm, mounted read-only: its global prefix cannot be written.
  systemNode = mkdtempSync(path.join(tmpdir(), 'ccenv-system-node-'));
  chmodSync(systemNode, 0o755); // readable by everyone, writable by root only, like /usr/local
  await execa('tar', ['-xzf', mirror.tarGz, '-C', systemNode, '--strip-components=1']);
}, 1_800_000);
afterAll(() => rmSync(systemNode, { recursive: true, force: true }));

const sites = () => standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry: snapshot });

describe.concurrent('npm fallbacks', () => {
  for (const how of ['owned by root (EACCES for the user)', 'on a read-only mount']) {
  test(`a global npm folder ${how}: Claude Code goes to ~/.ccenv/npm-global, on PATH, without sudo`, async () => {
    const asUser = how.startsWith('owned');
    const r = await runScenario({
      sites: sites(),
      toolbox: {},
      binds: [{ src: systemNode, rw: asUser }],
      ...(asUser ? { uid: 1000, gid: 1000 } : {}),
      steps: [
        {
          name: 'install',
          command: ONE_LINER,
          env: { ...PROXY_USER_ENV, PATH: `${systemNode}/bin:${SANDBOX_TOOLBOX}`, CCENV_API_KEY: 'sk-prefix-123456', CCENV_YES: '1' },
          timeoutMs: 300_000,
        },
        { name: 'use', command: '. "$HOME/.profile" && command -v claude && claude --version' },
      ],
    });
    const [install, use] = r.steps;
    expect(install!.exitCode, install!.transcript).toBe(0);
    expect(install!.stdout).toContain(`Node.js v${mirror.version} found: ${systemNode}/bin/node`);
    expect(install!.stdout).toContain("npm's global folder is not writable; installing into /home/user/.ccenv/npm-global");
    expect(install!.transcript).not.toMatch(/sudo /);
    expect(r.requests.some((q) => [HOSTS.node, CN_MIRRORS.nodeHost].includes(q.host as never))).toBe(false);
    expect(use!.stdout).toContain('/home/user/.ccenv/npm-global/bin/claude');
    expect(use!.stdout).toContain(`${CLAUDE_CODE_VERSION} (Claude Code)`);
  }, 600_000);
  }

  test('npm behind a TLS-inspecting proxy without NODE_EXTRA_CA_CERTS: exit 7 naming what to set', async () => {
    const r = await runScenario({
      sites: sites(),
      toolbox: { node: hostNodeBinary() },
      command: ONE_LINER,
      // npm retries certificate failures with back-off (~80 s); the user's own npm config may say otherwise
      env: { CCENV_API_KEY: 'sk-cert-123456', CCENV_YES: '1', npm_config_fetch_retries: '0' },
      timeoutMs: 300_000,
    });
    expect(r.exitCode, r.transcript).toBe(7);
    expect(r.stderr).toContain('NODE_EXTRA_CA_CERTS');
    expect(r.stderr).not.toContain('sk-cert-123456');
  }, 600_000);

  test('glibc older than 2.28: exit 6 saying what to install, nothing downloaded', async () => {
    const fakeBin = mkdtempSync(path.join(tmpdir(), 'ccenv-old-glibc-'));
    try {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path.join(fakeBin, 'getconf'), '#!/bin/sh\necho "glibc 2.17"\n', { mode: 0o755 });
      const r = await runScenario({
        sites: sites(),
        toolbox: { node: hostNodeBinary() },
        binds: [{ src: fakeBin }],
        command: ONE_LINER,
        env: { PATH: `${fakeBin}:${SANDBOX_TOOLBOX}`, CCENV_API_KEY: 'sk-glibc-123456' },
      });
      expect(r.exitCode, r.transcript).toBe(6);
      expect(r.stderr).toContain('glibc 2.17 is older than 2.28');
      expect(r.requests.some((q) => [HOSTS.node, CN_MIRRORS.nodeHost].includes(q.host as never))).toBe(false);
    } finally {
      rmSync(fakeBin, { recursive: true, force: true });
    }
  }, 600_000);
});

