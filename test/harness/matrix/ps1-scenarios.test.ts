// The pwsh lane's pieces that need no sandbox: its rows in the table, how each launch starts
// install.ps1, what pwsh's own files are, and — with real pwsh — that the window wrapper reports
// install.ps1's exit code and notices a window that closed.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expandMatrix, MATRIX, NOT_EXECUTED } from '../../../src/harness/matrix/cells.js';
import { laneById } from '../../../src/harness/matrix/lanes.js';
import { scenarioFor } from '../../../src/harness/matrix/lane-scenarios.js';
import { ps1LaunchCommand, withoutPwshOwn } from '../../../src/harness/matrix/ps1-scenarios.js';
import { KEY, type CellInput, type Fixtures } from '../../../src/harness/matrix/scenarios.js';
import { subjectOf } from '../../../src/harness/matrix/subject.js';
import { findPwsh, pwshEnv } from '../../../src/harness/powershell.js';
import type { ScenarioResult } from '../../../src/harness/sandbox.js';
import { resolveProfile } from '../../../src/profile/load.js';

const SUBJECT = subjectOf(resolveProfile('deepseek'));
const FIXTURES = { mirror: { root: '/m', version: '22.0.0' }, standIn: { packages: [] }, currentNode: '/n22', oldNode: '/n20', pwsh: '/p/pwsh' } as unknown as Fixtures;

function input(scenario: string): CellInput {
  const cell = expandMatrix().cells.find((c) => c.lane === 'pwsh' && c.scenario === scenario)!;
  return { lane: laneById('pwsh'), launch: cell.launch, fixtures: FIXTURES, golden: cell.golden, subject: SUBJECT };
}

describe('the pwsh lane in the table', () => {
  test('a pwsh row for a scenario install.ps1 has no implementation of is refused', () => {
    expect(() => expandMatrix([...MATRIX, { scenario: 'musl', launch: 'iex', lanes: ['pwsh'] }], NOT_EXECUTED)).toThrow(/install\.ps1 has no scenario musl/);
    expect(scenarioFor('dash', 'fresh')).not.toBe(scenarioFor('pwsh', 'fresh'));
  });

  test('every pwsh cell fetches install.ps1 from the profile, under the host pwsh, over the host root', () => {
    for (const cell of expandMatrix().cells.filter((c) => c.lane === 'pwsh')) {
      const o = scenarioFor('pwsh', cell.scenario).build(input(cell.scenario));
      expect(o.system, cell.id).toBe('host');
      expect(o.toolbox?.pwsh, cell.id).toBe('/p/pwsh');
      const runs = o.steps!.filter((s) => s.name !== 'seed' && s.name !== 'use');
      expect(runs.length, cell.id).toBeGreaterThan(0);
      for (const s of runs) expect(s.command, cell.id).toContain(`irm ${SUBJECT.installPs1Url}`);
      for (const s of o.steps!) expect(s.command, cell.id).not.toContain(KEY); // the key only in the environment
    }
    expect(SUBJECT.installPs1Url).toBe('https://cdn.ccenv.test/deepseek/install.ps1');
  });

  test('launches: iex takes no flags; the script block always passes -Yes; a saved file runs under -File', () => {
    const url = SUBJECT.installPs1Url;
    expect(ps1LaunchCommand('iex', url)).toContain(`iex (irm ${url})`);
    expect(() => ps1LaunchCommand('iex', url, ['-Uninstall'])).toThrow(/takes no flags/);
    expect(ps1LaunchCommand('scriptblock', url, ['-Uninstall'])).toContain(`& ([scriptblock]::Create((irm ${url}))) -Yes -Uninstall`);
    expect(ps1LaunchCommand('file', url, ['-Uninstall'])).toMatch(/&& pwsh -NoProfile -File \/tmp\/install\.ps1 -Uninstall$/);
    expect(() => ps1LaunchCommand('pipe', url)).toThrow(/not a way to start install\.ps1/);
  });

  test("pwsh's own caches are not counted as left in HOME; anything else beside them is", () => {
    const inv = (paths: string[]) => ({ inventory: Object.fromEntries(paths.map((p) => [p, { type: /\.(uuid|json)$/.test(p) ? 'file' : 'dir', mode: 0o644, uid: 0, size: 0 }])) }) as unknown as ScenarioResult;
    const pwshOnly = ['.cache', '.cache/powershell', '.cache/powershell/telemetry.uuid', '.local', '.local/share', '.local/share/powershell', '.local/share/powershell/Modules'];
    expect(Object.keys(withoutPwshOwn(inv(pwshOnly)).inventory)).toEqual([]);
    expect(Object.keys(withoutPwshOwn(inv([...pwshOnly, '.cache/other.json'])).inventory)).toEqual(['.cache', '.cache/other.json']);
  });
});

const PWSH = findPwsh();

describe.skipIf(!PWSH)('the pwsh window wrapper, with real pwsh', () => {
  let server: Server;
  let base = '';
  const home = mkdtempSync(path.join(tmpdir(), 'ccenv-ps1-window-'));
  const scripts: Record<string, string> = {
    '/stops.ps1': "& { $global:LASTEXITCODE = 3; throw 'ccenv stopped (exit code 3).' }",
    '/exits.ps1': '& { exit 5 }',
    '/cut.ps1': '& { Write-Output "never"',
    '/ok.ps1': '& { $global:LASTEXITCODE = 0 }',
  };
  beforeAll(async () => {
    server = createServer((req, res) => res.end(scripts[req.url ?? ''] ?? ''));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(home, { recursive: true, force: true });
  });

  const run = (command: string) =>
    execa('/bin/sh', ['-c', command], { env: { ...pwshEnv(home, PWSH), PATH: `${path.dirname(PWSH!)}:/usr/bin:/bin` }, extendEnv: false, reject: false, timeout: 60_000 });

  test('a thrown stop ends the step with its $LASTEXITCODE and the window carries on; an exit closes it; a script that did not parse is exit 1', async () => {
    const [stops, exits, cut, ok] = await Promise.all(['stops', 'exits', 'cut', 'ok'].map((n) => run(ps1LaunchCommand('iex', `${base}/${n}.ps1`))));
    expect([stops!.exitCode, stops!.stdout.trim()]).toEqual([3, 'ccenv-matrix: the pwsh window carried on']);
    expect(stops!.stderr).toContain('ccenv stopped (exit code 3).');
    expect(exits!.exitCode).toBe(5);
    expect(exits!.stdout).not.toContain('carried on');
    expect(cut!.exitCode).toBe(1);
    expect(cut!.stdout).not.toContain('never');
    expect(ok!.exitCode).toBe(0);
  }, 120_000);
});
