// The matrix, listed explicitly: which scenario runs in which lanes and how it is launched, and why
// every other (lane, scenario) pair is not executed. expandMatrix refuses a pair with neither.
import { LANES } from './lanes.js';
import { scenarioFor } from './lane-scenarios.js';
import { SCENARIOS, type Launch } from './scenarios.js';

export interface Row {
  scenario: string;
  launch: Launch;
  lanes: string[];
  /** Lanes whose cell runs with the real Claude Code (and calls the API stub with claude -p). */
  golden?: string[];
}

export interface Cell {
  id: string;
  lane: string;
  scenario: string;
  launch: Launch;
  golden: boolean;
}

export interface NotExecuted {
  lane: string;
  scenario: string;
  launch?: Launch;
  reason: string;
}

const DEBIAN = ['dash', 'bash', 'bash-posix', 'zsh', 'ksh93', 'mksh', 'yash', 'posh', 'busybox-ash'];
const EVERY_SHELL = [...DEBIAN, 'busybox-only'];
const GLIBC_IMAGES = ['img-debian-12', 'img-ubuntu-24.04', 'img-fedora-41'];
const IMAGES = [...GLIBC_IMAGES, 'img-alpine-3'];
const IMAGE_SMOKE = ['fresh', 'node-and-claude', 'invalid-settings', 'key-at-pty'];
/** The cmd lane (wine-cells.ts): a few seconds a cell, one at a time, so a small set. */
const CMD = ['fresh', 'node-and-claude', 'user-settings', 'invalid-settings', 'no-terminal-no-key', 'uninstall'];
/** What the cmd lane leaves out, and why. */
const CMD_LEFT_OUT: Record<string, string> = {
  'node-too-old': 'needs a second Windows Node.js build below the minimum; install-cmd.test.ts covers the refusal with a raised minimum',
  'wget-no-curl': 'Windows 10+ ships curl.exe, which install.cmd uses; wget is not a Windows tool',
  'no-xz': 'install.cmd unpacks the .zip with tar.exe; xz is not involved on Windows',
  'key-at-pty': "typing the key at Wine's console needs a pty (install-cmd.test.ts does it); the cmd lane keeps to runs without a terminal",
  rerun: 'left out to keep the cmd lane small; install-cmd.test.ts runs install.cmd twice and checks the second run downloads nothing and leaves the user PATH as it was',
  'tampered-tarball': "curl.exe's shim serves files, not the fixture server's faults; install-cmd.test.ts checks a tampered SHASUMS256.txt (exit 3)",
  'mirror-404': "curl.exe's shim serves files, not the fixture server's faults; download-cmd.test.ts runs install.cmd against them",
  'mirror-html': "curl.exe's shim serves files, not the fixture server's faults; download-cmd.test.ts runs install.cmd against them",
  'truncated-script': 'a cut download is the fixture server\'s fault; install-cmd.test.ts runs a cut install.cmd and checks nothing ran',
  unprivileged: 'install.cmd is per user on Windows and never asks for administrator rights: there is no root to differ from',
  musl: 'musl is a Linux C library; Windows has none',
  'macos-flavoured': "the Darwin lane checks install.sh's platform selection (uname, shasum, bsdtar)",
};
/** What the pwsh lane leaves out, and why. */
const PWSH_LEFT_OUT: Record<string, string> = {
  'wget-no-curl': 'install.ps1 downloads with .NET (HttpClient), never with curl or wget',
  unprivileged: 'install.ps1 writes under the HOME of whoever starts pwsh; ownership under another uid is checked in the shell lanes',
  musl: 'musl needs a musl system: the alpine:3 image lane (the pwsh lane runs over the host root)',
  'macos-flavoured': "the Darwin lane checks install.sh's platform selection (uname, shasum, bsdtar); install.ps1 asks .NET",
};

export const MATRIX: Row[] = [
  { scenario: 'fresh', launch: 'pipe', lanes: EVERY_SHELL, golden: ['dash'] },
  { scenario: 'fresh', launch: 'file', lanes: EVERY_SHELL },
  { scenario: 'fresh', launch: 'stdin-args', lanes: EVERY_SHELL.filter((l) => l !== 'posh') },
  { scenario: 'node-too-old', launch: 'file', lanes: EVERY_SHELL },
  { scenario: 'node-and-claude', launch: 'pipe', lanes: EVERY_SHELL },
  { scenario: 'wget-no-curl', launch: 'pipe', lanes: DEBIAN },
  { scenario: 'no-xz', launch: 'file', lanes: EVERY_SHELL },
  { scenario: 'user-settings', launch: 'pipe', lanes: EVERY_SHELL },
  { scenario: 'invalid-settings', launch: 'file', lanes: EVERY_SHELL },
  { scenario: 'no-terminal-no-key', launch: 'pipe', lanes: EVERY_SHELL },
  { scenario: 'key-at-pty', launch: 'pipe', lanes: EVERY_SHELL },
  { scenario: 'rerun', launch: 'pipe', lanes: EVERY_SHELL },
  { scenario: 'uninstall', launch: 'file', lanes: EVERY_SHELL },
  { scenario: 'tampered-tarball', launch: 'pipe', lanes: EVERY_SHELL },
  { scenario: 'mirror-404', launch: 'pipe', lanes: EVERY_SHELL },
  { scenario: 'mirror-html', launch: 'file', lanes: EVERY_SHELL },
  { scenario: 'truncated-script', launch: 'pipe', lanes: EVERY_SHELL },
  { scenario: 'unprivileged', launch: 'pipe', lanes: EVERY_SHELL },
  { scenario: 'macos-flavoured', launch: 'pipe', lanes: ['macos'] },
  // install.ps1 under pwsh 7 on Linux: typed into a window (iex, scriptblock with -Yes) or saved (-File).
  { scenario: 'fresh', launch: 'iex', lanes: ['pwsh'], golden: ['pwsh'] },
  { scenario: 'node-too-old', launch: 'scriptblock', lanes: ['pwsh'] },
  { scenario: 'node-and-claude', launch: 'iex', lanes: ['pwsh'] },
  { scenario: 'no-xz', launch: 'file', lanes: ['pwsh'] },
  { scenario: 'user-settings', launch: 'scriptblock', lanes: ['pwsh'] },
  { scenario: 'invalid-settings', launch: 'file', lanes: ['pwsh'] },
  { scenario: 'no-terminal-no-key', launch: 'iex', lanes: ['pwsh'] },
  { scenario: 'key-at-pty', launch: 'iex', lanes: ['pwsh'] },
  { scenario: 'rerun', launch: 'scriptblock', lanes: ['pwsh'] },
  { scenario: 'uninstall', launch: 'file', lanes: ['pwsh'] },
  { scenario: 'tampered-tarball', launch: 'scriptblock', lanes: ['pwsh'] },
  { scenario: 'mirror-404', launch: 'iex', lanes: ['pwsh'] },
  { scenario: 'mirror-html', launch: 'file', lanes: ['pwsh'] },
  { scenario: 'truncated-script', launch: 'iex', lanes: ['pwsh'] },
  // install.cmd under Wine's cmd.exe, saved with curl.exe first as a Windows user does.
  ...CMD.map((scenario) => ({ scenario, launch: 'file' as const, lanes: ['cmd'] })),
  // Public images: a smoke set under each distribution's own /bin/sh.
  { scenario: 'fresh', launch: 'pipe', lanes: GLIBC_IMAGES },
  { scenario: 'node-and-claude', launch: 'pipe', lanes: GLIBC_IMAGES },
  { scenario: 'invalid-settings', launch: 'file', lanes: GLIBC_IMAGES },
  { scenario: 'key-at-pty', launch: 'pipe', lanes: GLIBC_IMAGES },
  { scenario: 'musl', launch: 'pipe', lanes: ['img-alpine-3'] },
];

/** Why the pairs the table leaves out are left out. */
export const NOT_EXECUTED: NotExecuted[] = [
  { lane: 'posh', scenario: 'fresh', launch: 'stdin-args', reason: 'posh has no -s: flags cannot follow a script on stdin (CCENV_YES=1 does the same; docs/installer-contract.md)' },
  { lane: 'busybox-only', scenario: 'wget-no-curl', reason: 'a busybox-only system has no curl in any cell: every busybox-only cell downloads with busybox wget' },
  ...SCENARIOS.filter((s) => s.id !== 'macos-flavoured').map((s) => ({
    lane: 'macos',
    scenario: s.id,
    reason: 'the macOS-flavoured lane checks platform selection (uname, shasum, bsdtar); shells are covered by their own lanes',
  })),
  ...EVERY_SHELL.map((lane) => ({ lane, scenario: 'macos-flavoured', reason: 'runs in the macos lane (bash --posix, as macOS /bin/sh)' })),
  ...[...EVERY_SHELL, 'macos'].map((lane) => ({ lane, scenario: 'musl', reason: 'musl needs a musl system: the alpine:3 image lane' })),
  ...Object.entries(PWSH_LEFT_OUT).map(([scenario, reason]) => ({ lane: 'pwsh', scenario, reason })),
  ...Object.entries(CMD_LEFT_OUT).map(([scenario, reason]) => ({ lane: 'cmd', scenario, reason })),
  ...IMAGES.flatMap((lane) =>
    SCENARIOS.filter((s) => (lane === 'img-alpine-3' ? s.id !== 'musl' : !IMAGE_SMOKE.includes(s.id))).map((s) => ({
      lane,
      scenario: s.id,
      reason:
        lane === 'img-alpine-3'
          ? 'official Node.js builds do not run on musl: the installer stops (the musl cell), so nothing else can run'
          : 'image lanes run a smoke set under the distribution\'s /bin/sh; the full set runs on the rootfs lanes',
    })),
  ),
];

export function cellId(lane: string, scenario: string, launch: Launch): string {
  return `${lane} / ${scenario} / ${launch}`;
}

/** Every cell of the table, after checking that each (lane, scenario) is run or has a reason. */
export function expandMatrix(rows: Row[] = MATRIX, notExecuted: NotExecuted[] = NOT_EXECUTED): { cells: Cell[]; notExecuted: NotExecuted[] } {
  const cells: Cell[] = [];
  for (const row of rows) {
    if (!SCENARIOS.some((s) => s.id === row.scenario)) throw new Error(`matrix: unknown scenario ${row.scenario}`);
    for (const lane of row.lanes) {
      if (!LANES.some((l) => l.id === lane)) throw new Error(`matrix: unknown lane ${lane}`);
      scenarioFor(lane, row.scenario); // the lane's script has this scenario
      const id = cellId(lane, row.scenario, row.launch);
      if (cells.some((c) => c.id === id)) throw new Error(`matrix: ${id} is listed twice`);
      cells.push({ id, lane, scenario: row.scenario, launch: row.launch, golden: row.golden?.includes(lane) ?? false });
    }
  }
  const missing: string[] = [];
  for (const lane of LANES) {
    for (const s of SCENARIOS) {
      const run = cells.some((c) => c.lane === lane.id && c.scenario === s.id);
      const why = notExecuted.some((n) => n.lane === lane.id && n.scenario === s.id);
      if (!run && !why) missing.push(`${lane.id} × ${s.id}`);
    }
  }
  if (missing.length > 0) throw new Error(`matrix: no cell and no reason for ${missing.join(', ')}`);
  return { cells, notExecuted };
}
