// `ccenv test`: for each profile, its installers (built here, or a built tree given with --dist)
// run through the lane × scenario table in sandboxes; progress while it runs; then the table, the
// failures with their logs' paths, JUnit/JSON files. Exit 0: every executed cell passed; 1: a cell
// failed; 2: nothing could be tested (bad input, no sandbox).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI_EXIT, UserError } from '../../errors.js';
import { resolveProfile } from '../../profile/load.js';
import type { Profile } from '../../profile/schema.js';
import { detectRunners, selectRunner, type SandboxRunner } from '../runners.js';
import { expandMatrix, type Cell, type NotExecuted } from './cells.js';
import { LANES } from './lanes.js';
import { Progress, type ProgressSink } from './progress.js';
import { junitXmlSuites, resultsTable, summary } from './report.js';
import { mirrorNodeVersion, runMatrix, type CellResult, type MatrixRun } from './run.js';
import { DEFAULT_NODE_VERSION } from '../node-mirror.js';
import { SCENARIOS } from './scenarios.js';
import { subjectOf } from './subject.js';

export interface TestRequest {
  /** Built-in ids or profile files. */
  profiles: string[];
  /** A built tree holding <id>/install.sh for each profile; default: build them into `out`. */
  dist?: string | undefined;
  sandbox: string;
  lanes: string[];
  scenarios: string[];
  /** Where logs, the table and (by default) JUnit go. */
  out: string;
  junit?: string | undefined;
  json?: string | undefined;
  concurrency: number;
  nodeVersion?: string | undefined;
  images: string[];
  imageBases: Record<string, string>;
  /** Only fetch and build the fixtures, then stop. */
  prepareOnly?: boolean;
}

export interface TestIo {
  log: (line: string) => void;
  error: (line: string) => void;
  progress: ProgressSink;
}

function unknownNames(given: string[], known: string[], what: string): void {
  const bad = given.filter((g) => !known.includes(g));
  if (bad.length > 0) throw new UserError(`unknown ${what}: ${bad.join(', ')}; choose from ${known.join(', ')}`);
}

function slug(id: string): string {
  return id.replace(/\s*\/\s*/g, '__').replace(/[^A-Za-z0-9._-]+/g, '-');
}

function loadProfiles(refs: string[]): Profile[] {
  if (refs.length === 0) throw new UserError('name the profile(s) to test: --profile acme.yaml (a file) or --profile zhipu (a built-in id)');
  return refs.map(resolveProfile);
}

/** Builds the profiles' installers (latest only) into `<out>/dist`; returns that folder. */
async function buildInto(out: string, refs: string[], io: TestIo): Promise<string> {
  const dist = path.join(out, 'dist');
  const { buildInstallers } = await import('../../publish/build.js');
  const lines: string[] = [];
  const code = await buildInstallers({ profile: refs, out: dist, check: false, lint: false, versioned: false }, (l) => lines.push(l), (l) => lines.push(l));
  if (code !== 0) throw new UserError(`could not build the installers:\n${lines.join('\n')}`);
  io.log(`built the installers into ${dist} (ccenv build lints them; this build does not)`);
  return dist;
}

function checkDist(dist: string, profiles: Profile[]): void {
  for (const p of profiles) {
    if (!existsSync(path.join(dist, p.id, 'install.sh'))) {
      throw new UserError(`${dist} has no ${p.id}/install.sh: build it first (ccenv build --profile <file> --out ${dist}), or leave out --dist`);
    }
  }
}

async function pickRunner(want: string): Promise<SandboxRunner> {
  try {
    return await selectRunner(want);
  } catch (err) {
    const detail = (err as Error).message.split('\n').filter((l) => l.startsWith('  ')).join('\n');
    throw new UserError(
      `no sandbox can run here${detail ? `:\n${detail}` : ''}\n` +
        'ccenv test runs each cell in a sandbox. Install one of: bubblewrap (Debian/Ubuntu: apt install bubblewrap; Fedora: dnf install bubblewrap; ' +
        'needs unprivileged user namespaces), podman, or docker with a running engine (then --sandbox podman|docker).',
    );
  }
}

function logCell(dir: string, profile: string, r: CellResult): string {
  const file = path.join(dir, 'logs', profile, `${slug(r.id)}.log`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, [`cell: ${r.id}`, `profile: ${profile}`, `status: ${r.status} (exit ${r.exitCode ?? '-'}, ${(r.durationMs / 1000).toFixed(1)} s)`, ...r.problems.map((p) => `problem: ${p}`), '', r.transcript ?? ''].join('\n'));
  return file;
}

/** The fixture step: one line per fixture (fetched or built, with its size; or cached). */
async function prepare(profiles: Profile[], nodeVersion: string | undefined, io: TestIo): Promise<boolean> {
  let versions: string[];
  try {
    versions = profiles.length === 0 ? [nodeVersion ?? DEFAULT_NODE_VERSION] : [...new Set(profiles.map((p) => mirrorNodeVersion(subjectOf(p), nodeVersion)))];
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  const { prepareFixtures } = await import('../prepare.js');
  const started = Date.now();
  const r = await prepareFixtures({ set: 'matrix', nodeVersions: versions, log: (line) => io.log(`prepare: ${line}`) });
  const failed = r.results.filter((x) => x.status === 'failed');
  for (const f of failed) io.error(`prepare: ${f.name} failed${f.required ? '' : ' (its cells will say not executed)'}: ${f.detail ?? ''}`);
  io.log(`prepare: ${r.results.length - failed.length} of ${r.results.length} fixtures ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r.ok;
}

/** Returns the exit code (0 or 1); a request it cannot act on is a UserError (exit 2). */
export async function runTests(req: TestRequest, io: TestIo): Promise<number> {
  if (req.prepareOnly) {
    const profiles = req.profiles.length > 0 ? loadProfiles(req.profiles) : [];
    return (await prepare(profiles, req.nodeVersion, io)) ? CLI_EXIT.ok : CLI_EXIT.failed;
  }
  const profiles = loadProfiles(req.profiles);
  unknownNames(req.lanes, LANES.map((l) => l.id), 'lane');
  unknownNames(req.scenarios, SCENARIOS.map((s) => s.id), 'scenario');
  const out = path.resolve(req.out);
  mkdirSync(out, { recursive: true });
  const runner = await pickRunner(req.sandbox);
  for (const s of await detectRunners()) io.log(`sandbox ${s.name}: ${s.available ? 'available' : 'not available'} (${s.detail})`);
  if (!(await prepare(profiles, req.nodeVersion, io))) throw new UserError('a fixture the cells need could not be prepared (above)');
  let dist: string;
  if (req.dist) {
    dist = path.resolve(req.dist);
    checkDist(dist, profiles);
  } else {
    dist = await buildInto(out, req.profiles, io);
  }
  const all = expandMatrix();
  const pick = <T extends { lane: string; scenario: string }>(xs: T[]) =>
    xs.filter((c) => (req.lanes.length === 0 || req.lanes.includes(c.lane)) && (req.scenarios.length === 0 || req.scenarios.includes(c.scenario)));
  const cells: Cell[] = pick(all.cells);
  const notExecuted: NotExecuted[] = pick(all.notExecuted);
  if (cells.length === 0) throw new UserError('no cell of the table matches these --lanes and --scenarios');

  const runs: { name: string; run: MatrixRun }[] = [];
  for (const profile of profiles) {
    const subject = subjectOf(profile);
    io.log(`\n${profile.id}: ${cells.length} cells with ${runner.name}, ${req.concurrency} at a time (${dist}/${profile.id}/ against ${subject.apiHost})`);
    const progress = new Progress(io.progress, cells.length, profile.id);
    let run: MatrixRun;
    try {
      run = await runMatrix({
        subject,
        runner,
        cells,
        notExecuted,
        dist,
        concurrency: req.concurrency,
        images: req.images,
        imageBases: req.imageBases,
        ...(req.nodeVersion ? { nodeVersion: req.nodeVersion } : {}),
        onStart: (c) => progress.start(c),
        onResult: (r) => progress.finish(r),
      });
    } catch (err) {
      progress.stop();
      throw new UserError(`${profile.id}: ${(err as Error).message}`);
    }
    progress.stop();
    runs.push({ name: profile.id, run });
    io.log(`\n${profile.id}\n${resultsTable(run)}`);
    const failed = run.results.filter((r) => r.status === 'fail');
    if (failed.length > 0) {
      io.log(`\n${profile.id}: ${failed.length} failed cell(s); what each installer printed:`);
      for (const r of failed) io.log(`  ${r.id}: log: ${logCell(out, profile.id, r)}`);
    }
  }
  const junit = path.resolve(req.junit ?? path.join(out, 'junit.xml'));
  mkdirSync(path.dirname(junit), { recursive: true });
  writeFileSync(junit, junitXmlSuites(runs));
  io.log(`\nJUnit XML: ${junit}`);
  if (req.json) {
    writeFileSync(path.resolve(req.json), JSON.stringify(runs.map(({ name, run }) => ({ profile: name, ...run })), null, 2));
    io.log(`JSON: ${path.resolve(req.json)}`);
  }
  const totals = runs.map(({ run }) => summary(run)).reduce((a, b) => ({ cells: a.cells + b.cells, passed: a.passed + b.passed, failed: a.failed + b.failed, notExecuted: a.notExecuted + b.notExecuted }));
  io.log(`${runs.length} profile(s): ${totals.passed} passed, ${totals.failed} failed, ${totals.notExecuted} not executed`);
  return totals.failed === 0 ? CLI_EXIT.ok : CLI_EXIT.failed;
}
