// A profile that pins a Node.js release embeds its SHA-256s in the installer: the mirror's own
// SHASUMS256.txt is never consulted, so a tampered mirror cannot pass.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureNodeMirror, nodeDistName, type NodeMirror } from '../../src/harness/node-mirror.js';
import { hostNodeBinary } from '../../src/harness/node-fixture.js';
import { PROXY_USER_ENV, runScenario } from '../../src/harness/sandbox.js';
import { standardSites } from '../../src/harness/sites.js';
import { parseProfile } from '../../src/profile/load.js';
import { loadCatalog } from '../../src/messages/catalog.js';
import { renderDistTree } from '../../src/publish/dist-tree.js';
import { CCENV_VERSION } from '../../src/version.js';
import { findPwsh } from '../../src/harness/powershell.js';

const PWSH = findPwsh();

let mirror: NodeMirror;
let dist: string;

beforeAll(async () => {
  mirror = await ensureNodeMirror();
  const base = nodeDistName(mirror.version);
  const profile = parseProfile(
    [
      'id: pinned',
      'name: { en: Pinned, zh: 固定 }',
      'baseUrl: https://open.bigmodel.cn/api/anthropic',
      'keyUrl: https://open.bigmodel.cn/usercenter/proj-mgmt/apikeys',
      'node:',
      '  minimum: 22',
      '  pin:',
      `    version: "${mirror.version}"`,
      '    sha256:',
      `      ${base}.tar.xz: ${mirror.sha256[`${base}.tar.xz`]}`,
      `      ${base}.tar.gz: ${mirror.sha256[`${base}.tar.gz`]}`,
      // pin-node records the Windows zip too; Linux never reads it.
      `      node-v${mirror.version}-win-x64.zip: "${'0'.repeat(64)}"`,
    ].join('\n'),
    'pinned.yaml',
  );
  dist = mkdtempSync(path.join(tmpdir(), 'ccenv-pinned-dist-'));
  for (const [rel, text] of await renderDistTree([profile], loadCatalog(), CCENV_VERSION)) {
    mkdirSync(path.dirname(path.join(dist, rel)), { recursive: true });
    writeFileSync(path.join(dist, rel), text);
  }
}, 1_800_000);
afterAll(() => rmSync(dist, { recursive: true, force: true }));

async function install(faults: Parameters<typeof runScenario>[0]['faults'], env: Record<string, string> = {}) {
  return runScenario({
    sites: standardSites({ dist, nodeMirror: mirror.root }),
    toolbox: { node: hostNodeBinary() },
    binds: [{ src: dist }],
    // Claude Code itself is not the point here: stop once Node is in place (no npm registry).
    command: 'curl -fsSL https://cdn.ccenv.test/pinned/install.sh | sh; echo "RC=$?"; ls "$HOME/.ccenv" 2>&1; ls -A "$HOME"',
    env: { ...PROXY_USER_ENV, CCENV_API_KEY: 'sk-pinned-123456', npm_config_fetch_retries: '0', ...env },
    faults,
    timeoutMs: 300_000,
  });
}

describe('a pinned Node.js release', () => {
  test('installs from v<version>/ with the embedded checksum, even when SHASUMS256.txt is tampered', async () => {
    const r = await install([{ host: 'nodejs.org', path: '*/SHASUMS256.txt', kind: 'tamper-shasums' }], { CCENV_NO_MODIFY_PATH: '1' });
    expect(r.stdout).toContain(`Downloading Node.js ${mirror.version} (pinned`);
    expect(r.stdout).toContain(`Verified ${nodeDistName(mirror.version)}.tar.xz against the checksum this installer carries`);
    expect(r.stdout).toContain(`Node.js v${mirror.version} installed`);
    // CCENV_NO_MODIFY_PATH=1: ~/.ccenv/env is written, no start-up file is touched
    expect(r.stdout).toContain('env\n');
    expect(r.stdout).not.toMatch(/^\.profile$/m);
    expect(r.stdout).not.toContain('Added Node.js to PATH');
    expect(r.requests.filter((q) => q.host === 'nodejs.org').map((q) => q.url)).toEqual([
      `/dist/v${mirror.version}/${nodeDistName(mirror.version)}.tar.xz`,
    ]);
  }, 600_000);

  test('a tarball that does not match the embedded checksum exits 3 and installs nothing', async () => {
    const r = await install([{ host: 'nodejs.org', path: '*.tar.xz', kind: 'corrupt' }]);
    expect(r.stdout).toContain('RC=3');
    expect(r.stderr).toContain(`Checksum mismatch for https://nodejs.org/dist/v${mirror.version}/`);
    expect(r.stdout).toMatch(/\.ccenv.*No such file/);
  }, 600_000);

  test.skipIf(!PWSH)('install.ps1 under pwsh on a fresh machine: the tarball verified against the pin (SHASUMS256.txt tampered); a corrupt one exits 3', async () => {
    const run = (faults: Parameters<typeof runScenario>[0]['faults']) =>
      runScenario({
        sites: standardSites({ dist, nodeMirror: mirror.root }),
        toolbox: { node: hostNodeBinary(), pwsh: PWSH },
        binds: [{ src: dist }],
        // Claude Code is not the point: Node.js in place is (no npm registry here).
        // From a file: its exit code is the contract's (inside a session a stop is a thrown error).
        command: 'curl -fsSL https://cdn.ccenv.test/pinned/install.ps1 -o "$HOME/install.ps1" && pwsh -NoProfile -File "$HOME/install.ps1" -Yes; echo "RC=$?"; ls "$HOME/.ccenv" 2>&1',
        env: { ...PROXY_USER_ENV, CCENV_API_KEY: 'sk-pinned-123456', CCENV_NO_MODIFY_PATH: '1' },
        faults,
        timeoutMs: 300_000,
      });
    const ok = await run([{ host: 'nodejs.org', path: '*/SHASUMS256.txt', kind: 'tamper-shasums' }]);
    expect(ok.stdout, ok.stderr).toContain(`Downloading Node.js ${mirror.version} (pinned`);
    expect(ok.stdout).toContain(`Verified ${nodeDistName(mirror.version)}.tar.xz`);
    expect(ok.stdout).toContain(`Node.js v${mirror.version} installed`);
    expect(ok.requests.filter((q) => q.host === 'nodejs.org').map((q) => q.url)).toEqual([
      `/dist/v${mirror.version}/${nodeDistName(mirror.version)}.tar.xz`,
    ]);
    const bad = await run([{ host: 'nodejs.org', path: '*.tar.xz', kind: 'corrupt' }]);
    expect(bad.stdout, bad.stderr).toContain('RC=3');
    expect(bad.stderr).toContain(`Checksum mismatch for https://nodejs.org/dist/v${mirror.version}/`);
    expect(bad.stdout).toMatch(/\.ccenv.*No such file/);
  }, 900_000);
});
