// `make bench`: how big the installers are and how long building and running them takes.
// Goals live here, never in timed tests. Results go to bench/results.json.
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { builtinProfileIds, resolveProfile } from '../src/profile/load.js';
import { loadCatalog } from '../src/messages/catalog.js';
import { renderDistTree } from '../src/publish/dist-tree.js';
import { shellcheck } from '../src/lint/shellcheck.js';
import { CCENV_VERSION } from '../src/version.js';
import { createFakeMachine } from '../src/harness/fake-machine.js';
import { ensureCurrentNode } from '../src/harness/node-fixture.js';
import { runInstaller } from '../src/harness/run-installer.js';
import { shellByName } from '../src/harness/shells.js';
import { repoPath } from '../src/paths.js';
import { ensureNodeMirror } from '../src/harness/node-mirror.js';
import { ensureClaudeCodeSnapshot } from '../src/harness/npm-registry.js';
import { hostNodeBinary } from '../src/harness/node-fixture.js';
import { PROXY_USER_ENV, runScenario } from '../src/harness/sandbox.js';
import { standardSites } from '../src/harness/sites.js';
import { expandMatrix } from '../src/harness/matrix/cells.js';
import { summary } from '../src/harness/matrix/report.js';
import { runMatrix } from '../src/harness/matrix/run.js';
import { ensureRootfs } from '../src/harness/rootfs.js';
import { bwrapRunner, detectRunners, runnerByName } from '../src/harness/runners.js';
import { benchConfigure, median } from './configure.js';

async function timed<T>(runs: number, fn: () => Promise<T>): Promise<{ medianMs: number; last: T }> {
  const times: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await fn();
    times.push(performance.now() - t0);
  }
  return { medianMs: median(times), last };
}

const profiles = builtinProfileIds().map(resolveProfile);
const catalog = loadCatalog();
const render = await timed(5, () => renderDistTree(profiles, catalog, CCENV_VERSION));
const shFiles = [...render.last].filter(([rel]) => rel.endsWith('.sh')).map(([name, text]) => ({ name, text }));
const lint = await timed(3, () => shellcheck(shFiles));

const sizes: Record<string, { bytes: number; gzipBytes: number }> = {};
for (const id of builtinProfileIds()) {
  const file = repoPath('dist', id, 'install.sh');
  sizes[`${id}/install.sh`] = { bytes: statSync(file).size, gzipBytes: gzipSync(readFileSync(file)).length };
}

const machine = createFakeMachine();
machine.addNode(await ensureCurrentNode());
machine.addClaudeStandIn();
const script = readFileSync(repoPath('dist', 'zhipu', 'install.sh'), 'utf8');
const env = { CCENV_API_KEY: 'sk-bench-0123456789', CCENV_YES: '1' };
const firstRun = await timed(1, () => runInstaller({ shell: shellByName('dash'), machine, script, env }));
const reRun = await timed(5, () => runInstaller({ shell: shellByName('dash'), machine, script, env }));
machine.dispose();

// The whole fresh install in the sandbox: Node 20 only → Node 22 + the real Claude Code → claude -p.
const [mirror, snapshot] = await Promise.all([ensureNodeMirror(), ensureClaudeCodeSnapshot()]);
const fresh = await runScenario({
  sites: standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry: snapshot }),
  toolbox: { node: hostNodeBinary() },
  steps: [
    {
      name: 'install',
      command: 'curl -fsSL https://cdn.ccenv.test/zhipu/install.sh | sh',
      env: { ...PROXY_USER_ENV, CCENV_API_KEY: 'sk-bench-0123456789', CCENV_YES: '1' },
      timeoutMs: 600_000,
    },
    { name: 'claude -p', command: '. "$HOME/.profile" && claude -p hello', timeoutMs: 120_000 },
  ],
});
if (fresh.steps.some((s) => s.exitCode !== 0)) throw new Error(`fresh install failed:\n${fresh.transcript}`);

// The matrix: wall time of every cell on this machine (goal < 5 min on 2 cores), and what starting
// one sandbox costs with each runner (an empty scenario in the Debian rootfs).
const { cells, notExecuted } = expandMatrix();
const matrix = await runMatrix({ runner: bwrapRunner, cells, notExecuted, dist: repoPath('dist'), concurrency: 2 });
const matrixSummary = summary(matrix);
// Where the matrix's time goes: the sum of cell durations by scenario (cells run two at a time).
const matrixCellSecondsByScenario: Record<string, number> = {};
for (const r of matrix.results) matrixCellSecondsByScenario[r.scenario] = Math.round(((matrixCellSecondsByScenario[r.scenario] ?? 0) + r.durationMs / 1000) * 10) / 10;
const debianRoot = await ensureRootfs('debian');
const sandboxStartMs: Record<string, number> = {};
for (const s of await detectRunners()) {
  if (!s.available) continue;
  const runner = runnerByName(s.name);
  await runScenario({ rootfs: debianRoot, runner, sites: standardSites({}), command: 'true' }); // warm (image import)
  sandboxStartMs[s.name] = (await timed(5, () => runScenario({ rootfs: debianRoot, runner, sites: standardSites({}), command: 'true' }))).medianMs;
}

// Figure 1: the configure-only run against its floor (one node running the same merge).
const configureOnly = await benchConfigure();

const results = {
  ccenvVersion: CCENV_VERSION,
  configureOnly,
  profiles: profiles.length,
  renderAllProfilesMs: render.medianMs,
  shellcheckAllDialectsMs: lint.medianMs,
  installerSizes: sizes,
  configurePathFirstRunMs: firstRun.medianMs,
  configurePathReRunMs: reRun.medianMs,
  freshInstallStepMs: fresh.steps[0]?.durationMs,
  claudePromptMs: fresh.steps[1]?.durationMs,
  freshInstallScenarioMs: fresh.timings.totalMs,
  matrix: { ...matrixSummary, wallMs: matrix.wallMs, setupMs: matrix.setupMs, runner: matrix.runner, cellSecondsByScenario: matrixCellSecondsByScenario },
  sandboxStartMs,
};
writeFileSync(repoPath('bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(JSON.stringify(results, null, 2));
