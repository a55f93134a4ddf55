// The configure-only path meeting a Node.js too old for it: Node 18 first on PATH and Claude Code
// already installed by npm (its native binary in place), so the installer starts no `node --version`
// and leaves the version to the configure program. That program refuses Node 18 in its first lines
// (exit 90, never shown); the installer says node_too_old, downloads Node 22 from the loopback
// mirror, verifies it and configures with it: install.sh under dash, install.ps1 under pwsh.
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureCurrentNode } from '../../src/harness/node-fixture.js';
import { ensureNodeMirror, nodeDistName, type NodeMirror } from '../../src/harness/node-mirror.js';
import { CLAUDE_CODE_VERSION } from '../../src/harness/npm-registry.js';
import { findPwsh } from '../../src/harness/powershell.js';
import { PROXY_USER_ENV, runScenario, SANDBOX_TOOLBOX, type ScenarioResult, type Toolbox } from '../../src/harness/sandbox.js';
import { standardSites } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';

const OLD_NODE = '18.20.4';
const KEY = 'sk-old-node-0123456789';
const PWSH = findPwsh();
const PATH = `/run/old-node/bin:/run/claude-npm/bin:${SANDBOX_TOOLBOX}`;

let mirror: NodeMirror;
let node18: string;
/** An npm prefix holding Claude Code as `npm install -g` leaves it (bound at /run/claude-npm). */
let prefix: string;

beforeAll(async () => {
  [mirror, node18] = await Promise.all([ensureNodeMirror(), ensureCurrentNode(OLD_NODE)]);
  prefix = mkdtempSync(path.join(tmpdir(), 'ccenv-old-node-'));
  chmodSync(prefix, 0o755);
  const scope = path.join(prefix, 'lib', 'node_modules', '@anthropic-ai');
  mkdirSync(path.join(scope, 'claude-code', 'bin'), { recursive: true });
  mkdirSync(path.join(scope, 'claude-code-linux-x64'), { recursive: true });
  mkdirSync(path.join(prefix, 'bin'));
  writeFileSync(path.join(scope, 'claude-code', 'package.json'), JSON.stringify({ name: '@anthropic-ai/claude-code', version: CLAUDE_CODE_VERSION, bin: { claude: 'bin/claude.exe' } }, null, 2) + '\n');
  // the "native binary": a script over 4 KB answering --version
  const native = `#!/bin/sh\necho '${CLAUDE_CODE_VERSION} (Claude Code)'\nexit 0\n# ${'x'.repeat(5000)}\n`;
  writeFileSync(path.join(scope, 'claude-code-linux-x64', 'claude'), native, { mode: 0o755 });
  linkSync(path.join(scope, 'claude-code-linux-x64', 'claude'), path.join(scope, 'claude-code', 'bin', 'claude.exe'));
  symlinkSync('../lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe', path.join(prefix, 'bin', 'claude'));
}, 1_800_000);
afterAll(() => {
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

async function install(command: string, toolbox: Toolbox): Promise<ScenarioResult> {
  return runScenario({
    sites: standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root }),
    toolbox,
    binds: [{ src: path.dirname(node18), dest: '/run/old-node/bin' }, { src: prefix, dest: '/run/claude-npm' }],
    command: `${command}\necho "CODE=$?"\ncat "$HOME/.claude/settings.json"`,
    env: { ...PROXY_USER_ENV, CCENV_API_KEY: KEY, CCENV_YES: '1', PATH },
    timeoutMs: 300_000,
  });
}

function expectReplaced(r: ScenarioResult, tooOld: string): void {
  expect(r.stdout, r.transcript).toContain('CODE=0');
  expect(r.stdout).toContain(`Claude Code ${CLAUDE_CODE_VERSION} found: /run/claude-npm/bin/claude`);
  expect(r.stdout).toContain(`${tooOld} (/run/old-node/bin/node) is older than the required 22; installing Node.js 22.`);
  expect(r.stdout).toContain(`Verified ${nodeDistName(mirror.version)}.tar.xz against SHASUMS256.txt`);
  expect(r.stdout).toContain(`Node.js v${mirror.version} installed`);
  // the refusal was the installer's message only, and the settings were written once, by Node 22
  expect(r.stdout + r.stderr).not.toContain('run the installer');
  expect(r.stdout).not.toContain(`Node.js v${OLD_NODE} found`);
  expect(r.stdout.match(/Created \S+settings\.json/g)).toHaveLength(1);
  expect(r.stdout).toContain(`"ANTHROPIC_AUTH_TOKEN": "${KEY}"`);
}

describe('Node 18 first on PATH, Claude Code installed by npm: refused by the configure program, Node 22 downloaded, configured', () => {
  test('install.sh (curl | sh, dash)', async () => {
    const r = await install('curl -fsSL https://cdn.ccenv.test/zhipu/install.sh | sh', {});
    expectReplaced(r, `Node.js v${OLD_NODE}`);
  }, 600_000);

  test.skipIf(!PWSH)('install.ps1 (pwsh -File)', async () => {
    const r = await install('pwsh -NoProfile -Command "irm https://cdn.ccenv.test/zhipu/install.ps1 -OutFile install.ps1" && pwsh -NoProfile -File install.ps1 -Yes', { pwsh: PWSH as string });
    expectReplaced(r, 'Node.js v18');
  }, 600_000);
});
