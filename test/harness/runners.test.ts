// The sandbox runners: each reports whether it can run here; bwrap and podman (smoke-tested: it is
// installed by make deps on this machine) both run a real matrix cell in a loopback-only network.
import { describe, expect, test } from 'vitest';
import { expandMatrix } from '../../src/harness/matrix/cells.js';
import { runMatrix } from '../../src/harness/matrix/run.js';
import { subjectOf } from '../../src/harness/matrix/subject.js';
import { resolveProfile } from '../../src/profile/load.js';
import { ensureRootfs } from '../../src/harness/rootfs.js';
import { bwrapRunner, detectRunners, podmanRunner, selectRunner, type SandboxRunner } from '../../src/harness/runners.js';
import { runScenario } from '../../src/harness/sandbox.js';
import { standardSites } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';

const ZHIPU = subjectOf(resolveProfile('zhipu'));

const statuses = await detectRunners();
const podman = statuses.find((s) => s.name === 'podman')!;

describe('runner selection', () => {
  test('every runner is reported, with a reason when it cannot run', () => {
    expect(statuses.map((s) => s.name)).toEqual(['bwrap', 'podman', 'docker']);
    for (const s of statuses) expect(s.detail.length, s.name).toBeGreaterThan(3);
    expect(statuses.find((s) => s.name === 'bwrap')?.available).toBe(true);
  });

  test('auto picks bwrap here; an unknown name and a missing engine are clear errors', async () => {
    expect((await selectRunner('auto')).name).toBe('bwrap');
    await expect(selectRunner('lxc')).rejects.toThrow(/CCENV_SANDBOX=lxc: choose auto, bwrap, podman, docker/);
    const docker = statuses.find((s) => s.name === 'docker')!;
    if (!docker.available) {
      await expect(selectRunner('docker')).rejects.toThrow(/no sandbox runner available:\n {2}docker/);
    }
  });
});

async function network(runner: SandboxRunner) {
  const rootfs = await ensureRootfs('debian');
  return runScenario({
    rootfs,
    runner,
    sites: standardSites({ dist: repoPath('dist') }),
    command: "sed -n '3,$p' /proc/net/dev | cut -d: -f1 | tr -d ' '; curl -sS --max-time 5 -o /dev/null https://deb.debian.org/ && echo REACHED; curl -fsS https://cdn.ccenv.test/zhipu/install.sh | head -1",
  });
}

describe.each([
  ['bwrap', bwrapRunner, true],
  ['podman', podmanRunner, podman.available],
] as const)('%s', (name, runner, available) => {
  test.skipIf(!available)(`${name}: only loopback, the fixture hosts answer, nothing else does`, async () => {
    const r = await network(runner);
    expect(r.stdout.trim().split('\n')).toEqual(['lo', '#!/bin/sh']);
    expect(r.stdout).not.toContain('REACHED');
    expect(r.stderr).toMatch(/Could not resolve host|Couldn't resolve/);
  }, 300_000);

  test.skipIf(!available)(`${name}: a matrix cell passes`, async () => {
    const cells = expandMatrix().cells.filter((c) => c.id === 'dash / user-settings / pipe' || c.id === 'busybox-only / key-at-pty / pipe');
    const run = await runMatrix({ subject: ZHIPU, runner, cells, dist: repoPath('dist'), concurrency: 1 });
    expect(run.runner).toBe(name);
    expect(run.results.map((r) => [r.id, r.status, r.problems]).sort()).toEqual(cells.map((c) => [c.id, 'pass', []]).sort());
  }, 600_000);
});
