// Proof the matrix can fail: a copy of dist/ whose install.sh carries one bash-only construct (an
// array assignment) must fail in exactly the shells whose parser rejects it, and pass in the rest.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { expandMatrix } from '../../src/harness/matrix/cells.js';
import { laneById, rootfsKind } from '../../src/harness/matrix/lanes.js';
import { runMatrix } from '../../src/harness/matrix/run.js';
import { subjectOf } from '../../src/harness/matrix/subject.js';
import { resolveProfile } from '../../src/profile/load.js';
import { bwrapRunner } from '../../src/harness/runners.js';
import { repoPath } from '../../src/paths.js';

const ZHIPU = subjectOf(resolveProfile('zhipu'));

const dist = mkdtempSync(path.join(tmpdir(), 'ccenv-bashism-'));
afterAll(() => rmSync(dist, { recursive: true, force: true }));

/** dash, posh and busybox ash have no arrays; bash (even --posix), zsh, ksh93, mksh and yash do. */
const REJECTING = ['busybox-ash', 'busybox-only', 'dash', 'posh'];

describe('the matrix catches a bash-only construct', () => {
  test('an array assignment before main: fails in dash, posh and busybox ash only', async () => {
    cpSync(repoPath('dist'), dist, { recursive: true });
    const file = path.join(dist, 'zhipu', 'install.sh');
    const script = readFileSync(file, 'utf8');
    const last = 'main ${1+"$@"}\n';
    expect(script.endsWith(last)).toBe(true);
    writeFileSync(file, `${script.slice(0, -last.length)}ccenv_probe=(bash only)\n${last}`);

    // the shells on a rootfs (not the images, nor the pwsh and cmd lanes, which run install.ps1 and install.cmd)
    const cells = expandMatrix().cells.filter((c) => c.scenario === 'node-and-claude' && rootfsKind(laneById(c.lane).system) !== undefined);
    expect(cells.length).toBe(10);
    const run = await runMatrix({ subject: ZHIPU, runner: bwrapRunner, cells, dist, concurrency: 2 });
    const failed = run.results.filter((r) => r.status === 'fail').map((r) => r.lane).sort();
    const passed = run.results.filter((r) => r.status === 'pass').map((r) => r.lane).sort();
    expect(failed).toEqual(REJECTING);
    expect(passed).toEqual(['bash', 'bash-posix', 'ksh93', 'mksh', 'yash', 'zsh']);
    // they fail for the right reason: a syntax error before anything ran, nothing written
    for (const r of run.results.filter((x) => x.status === 'fail')) {
      expect(r.problems.join('\n'), r.id).toMatch(/exit [12], expected 0/); // 2, or 1 in posh
      expect(r.transcript, r.id).toMatch(/syntax error|unexpected/i);
      expect(r.transcript, r.id).not.toContain('Setting up Claude Code');
    }
  }, 600_000);
});
