// src/harness/powershell.ts: real pwsh found and run with a test-owned HOME, Pester where make deps
// put it, and pwsh inside the bubblewrap sandbox (toolbox.pwsh) fetching over HTTPS from the
// loopback fixture server with only the test CA to trust.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { findPwsh, NO_PWSH, pesterModulePath, PESTER_VERSION, PWSH_VERSION, runPwsh } from '../../src/harness/powershell.js';
import { runScenario } from '../../src/harness/sandbox.js';
import { standardSites } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';

const pwsh = findPwsh();
const suffix = pwsh ? '' : ` — ${NO_PWSH}`;

describe.skipIf(!pwsh)(`pwsh on the host${suffix}`, () => {
  const homes: string[] = [];
  afterAll(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

  test('runPwsh: the pinned version, HOME and pwsh caches in the test-owned folder, exit codes kept', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'ccenv-pwsh-test-'));
    homes.push(home);
    const r = await runPwsh('$PSVersionTable.PSVersion.ToString(); $HOME; exit 7', { home });
    expect(r.exitCode, r.stderr).toBe(7);
    const [version, seenHome] = r.stdout.trim().split('\n');
    expect(version).toBe(PWSH_VERSION);
    expect(seenHome).toBe(home);
    // pwsh wrote its start-up cache into the test's HOME, not the user's.
    expect(readdirSync(path.join(home, '.cache', 'powershell')).length).toBeGreaterThan(0);
  });

  test.skipIf(!pesterModulePath())(`Pester ${PESTER_VERSION} imports from the harness cache${pesterModulePath() ? '' : ' — not executed: no Pester (make deps)'}`, async () => {
    const r = await runPwsh(`Import-Module '${pesterModulePath()}'; (Get-Module Pester).Version.ToString()`);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(PESTER_VERSION);
  });
});

describe.skipIf(!pwsh)(`pwsh in the sandbox${suffix}`, () => {
  test('irm over HTTPS from the fixture CDN: the test CA is trusted, and only it', async () => {
    const file = repoPath('dist', 'zhipu', 'install.ps1');
    expect(existsSync(file)).toBe(true);
    const bytes = readFileSync(file).length;
    const irm = 'pwsh -NoProfile -NonInteractive -c "(irm https://cdn.ccenv.test/zhipu/install.ps1).Length"';
    const r = await runScenario({
      sites: standardSites({ dist: repoPath('dist') }),
      toolbox: { pwsh },
      steps: [
        { name: 'start', command: `pwsh -NoProfile -NonInteractive -c '$PSVersionTable.PSVersion.ToString()'` },
        { name: 'irm', command: irm },
        // The same request with an empty trust store: refused, so it was the test CA that let it through.
        { name: 'untrusted', command: `: >/tmp/empty.pem && mkdir /tmp/nocerts && SSL_CERT_FILE=/tmp/empty.pem SSL_CERT_DIR=/tmp/nocerts ${irm}` },
      ],
    });
    const [start, fetched, untrusted] = r.steps;
    expect(start!.exitCode, start!.transcript).toBe(0);
    expect(start!.stdout.trim()).toBe(PWSH_VERSION);
    expect(fetched!.exitCode, fetched!.transcript).toBe(0);
    // install.ps1 is pure ASCII (the build gate), so its length in characters is its size in bytes.
    expect(Number(fetched!.stdout.trim())).toBe(bytes);
    expect(untrusted!.exitCode).not.toBe(0);
    expect(untrusted!.transcript).toMatch(/SSL|certificate/i);
    expect(r.requests.filter((q) => q.url.endsWith('/zhipu/install.ps1'))).toHaveLength(1);
    console.log(`pwsh in the sandbox: start ${start!.durationMs} ms, irm ${fetched!.durationMs} ms`);
  }, 180_000);
});
