// Figure 4: the shell × scenario matrix on this machine (goal < 5 min on 2 cores, 2 cells at a
// time, bubblewrap), where its time goes (cell time by scenario), and what starting one sandbox
// costs with each runner: the runner alone (`true` in the Debian rootfs) and an empty scenario
// (the runner plus the fixture server and scenario runner every cell starts).
import { ensureRootfs } from '../src/harness/rootfs.js';
import { runScenario } from '../src/harness/sandbox.js';
import { standardSites } from '../src/harness/sites.js';
import { expandMatrix } from '../src/harness/matrix/cells.js';
import { summary } from '../src/harness/matrix/report.js';
import { runMatrix } from '../src/harness/matrix/run.js';
import { subjectOf } from '../src/harness/matrix/subject.js';
import { resolveProfile } from '../src/profile/load.js';
import { bwrapRunner, detectRunners, runnerByName, type RunnerName } from '../src/harness/runners.js';
import { repoPath } from '../src/paths.js';
import { median, round, time } from './stats.js';

export interface MatrixFigure {
  runner: string;
  concurrency: number;
  cells: number;
  passed: number;
  failed: number;
  notExecuted: number;
  wallMs: number;
  /** Fixtures and root file systems made ready before the clock starts (cached after the first run). */
  setupMs: number;
  goalMs: number;
  /** Cell seconds by scenario (two cells run at a time, so these add up to about twice the wall time). */
  cellSecondsByScenario: Record<string, number>;
  failedCells: { id: string; problems: string[] }[];
}

export interface SandboxStart {
  runner: RunnerName;
  available: boolean;
  detail: string;
  /** The runner starting `true` in the Debian rootfs: median. */
  bareMs?: number;
  /** An empty scenario (fixture server up, one `true` step): median. */
  scenarioMs?: number;
}

export async function benchMatrix(concurrency = 2): Promise<MatrixFigure> {
  const { cells, notExecuted } = expandMatrix();
  const run = await runMatrix({ subject: subjectOf(resolveProfile('zhipu')), runner: bwrapRunner, cells, notExecuted, dist: repoPath('dist'), concurrency });
  const byScenario: Record<string, number> = {};
  for (const r of run.results) byScenario[r.scenario] = round((byScenario[r.scenario] ?? 0) + r.durationMs / 1000);
  return {
    runner: run.runner,
    concurrency,
    ...summary(run),
    wallMs: run.wallMs,
    setupMs: run.setupMs,
    goalMs: 5 * 60_000,
    cellSecondsByScenario: Object.fromEntries(Object.entries(byScenario).sort((a, b) => b[1] - a[1])),
    failedCells: run.results.filter((r) => r.status === 'fail').map((r) => ({ id: r.id, problems: r.problems })),
  };
}

export async function benchSandboxStart(runs = 5): Promise<SandboxStart[]> {
  const debian = await ensureRootfs('debian');
  const out: SandboxStart[] = [];
  for (const s of await detectRunners()) {
    if (!s.available) {
      out.push({ runner: s.name, available: false, detail: s.detail });
      continue;
    }
    const runner = runnerByName(s.name);
    const bare = () => runner.run({ rootfs: debian, mounts: [], command: ['/bin/true'], timeoutMs: 120_000 });
    const scenario = () => runScenario({ rootfs: debian, runner, sites: standardSites({}), command: 'true' });
    await bare(); // a container engine imports the rootfs as an image once
    await scenario();
    const b: number[] = [];
    const sc: number[] = [];
    for (let i = 0; i < runs; i++) {
      b.push(await time(bare));
      sc.push(await time(scenario));
    }
    out.push({ runner: s.name, available: true, detail: s.detail, bareMs: median(b), scenarioMs: median(sc) });
  }
  return out;
}
