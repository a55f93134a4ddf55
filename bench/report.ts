// bench/results.md from bench/results.json: every figure with its floor, ratio and goal, the
// machine it was measured on, and where the time goes.
import type { BuildFigure, Stages } from './build.js';
import type { CliFigure, Loads } from './cli.js';
import type { ConfigureFigure } from './configure.js';
import type { FreshFigure } from './fresh.js';
import type { MachineInfo } from './machine.js';
import type { MatrixFigure, SandboxStart } from './matrix.js';
import type { Profile, Step } from './profile.js';
import { ms, round } from './stats.js';

/** When and under what load one figure was measured (figures may come from different runs). */
export interface Measured {
  date: string;
  loadBefore: number;
  loadAfter: number;
  seconds: number;
}

export interface Results {
  ccenvVersion: string;
  machine: MachineInfo;
  /** dist/ matched the templates when measured (else the committed installers were measured). */
  distFresh: boolean;
  configure?: ConfigureFigure & Measured;
  fresh?: FreshFigure & Measured;
  build?: BuildFigure & Measured;
  cli?: CliFigure & Measured;
  matrix?: MatrixFigure & Measured;
  sandboxStart?: { runners: SandboxStart[] } & Measured;
}

const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
const x = (r: number) => `${r.toFixed(2)}×`;
const kb = (b: number) => `${round(b / 1024, 1)} KiB`;

function when(m: Measured): string {
  return `_Measured ${m.date.slice(0, 16).replace('T', ' ')} UTC in ${round(m.seconds, 0)} s; load average ${m.loadBefore.toFixed(1)} before, ${m.loadAfter.toFixed(1)} after._`;
}

/** Steps of under 1 % each (when there are several) become one row naming them. */
function grouped(steps: Step[], total: number): Step[] {
  const small = steps.filter((s) => total > 0 && s.ms / total < 0.01 && !s.step.startsWith('the shell itself'));
  if (small.length < 3) return steps;
  const rest = steps.filter((s) => !small.includes(s));
  const names = small.map((s) => (s.count > 1 ? `${s.step} ×${s.count}` : s.step)).join(', ');
  const ms = small.reduce((a, s) => a + s.ms, 0);
  const at = steps.indexOf(small[0] as Step);
  const out = [...rest];
  out.splice(Math.min(at, out.length), 0, { step: `under 1 % each: ${names}`, count: small.reduce((a, s) => a + s.count, 0), ms });
  return out;
}

function stepsTable(steps: Step[], total: number): string[] {
  const rows = ['| step | runs | time | share |', '|---|---:|---:|---:|'];
  for (const s of grouped(steps, total)) rows.push(`| ${s.step.replace(/\|/g, '\\|')} | ${s.count} | ${ms(s.ms)} | ${total > 0 ? Math.round((s.ms / total) * 100) : 0} % |`);
  rows.push(`| **total** | | **${ms(total)}** | |`);
  return rows;
}

function programs(p: Profile): string {
  return Object.entries(p.programs)
    .map(([k, v]) => `${k}${v > 1 ? ` ×${v}` : ''}`)
    .join(', ');
}

function summaryRows(r: Results): string[] {
  const rows = ['| # | figure | measured | floor | ratio | goal | met |', '|---|---|---:|---:|---:|---|---|'];
  const c = r.configure;
  if (c) {
    rows.push(`| 1 | configure-only install.sh (Claude Code installed by npm) vs a bare \`node -e\` merge | ${ms(c.installerMedianMs)} | ${ms(c.floorMedianMs)} | ${x(c.ratio)} | ≤ ${x(c.goal)} | ${yes(c.ratio <= c.goal)} |`);
    if (c.realClaude) rows.push(`| 1 | configure-only install.sh (Claude Code ${c.realClaude.version} outside npm's layout: asked its version) | ${ms(c.realClaude.installerMedianMs)} | ${ms(c.realClaude.floorMedianMs)} | ${x(c.realClaude.ratio)} | ≤ ${x(c.goal)} | ${yes(c.realClaude.ratio <= c.goal)} |`);
  }
  const f = r.fresh;
  if (f) rows.push(`| 2 | fresh install (Node + Claude Code) | ${ms(f.installerMedianMs)} | ${ms(f.floorMedianMs)} | ${x(f.ratio)} | ≤ ${x(f.goal)} | ${yes(f.ratio <= f.goal)} |`);
  const b = r.build;
  if (b) {
    rows.push(`| 3 | \`ccenv build --no-lint\`, ${b.profiles} profiles × 3 targets (new process) | ${ms(b.cli.renderOnlyMs)} | – | – | < 1 s | ${yes(b.cli.renderOnlyMs < b.cli.goalRenderMs)} |`);
    rows.push(`| 3 | render alone, in process (templates compiled) | ${ms(b.stages.renderMs)} | – | – | < 1 s | ${yes(b.stages.renderMs < 1000)} |`);
    rows.push(`| 3 | \`ccenv build\` with every gate, shellcheck cache warm | ${ms(b.cli.withLintWarmMs)} | – | – | – | |`);
    if (b.stages.shellcheckColdMs !== undefined) rows.push(`| 3 | shellcheck alone, cache cold / warm | ${ms(b.stages.shellcheckColdMs)} / ${ms(b.stages.shellcheckWarmMs)} | – | – | – | |`);
  }
  const cl = r.cli;
  if (cl) {
    rows.push(`| 6 | \`ccenv --help\` (new process) | ${ms(cl.helpMs)} | ${ms(cl.nodeStartMs)} | ${x(cl.helpRatio)} | ≤ ${x(cl.goalHelpRatio)} | ${yes(cl.helpRatio <= cl.goalHelpRatio)} |`);
    rows.push(`| 6 | \`ccenv build --no-lint\`, ${cl.profiles} profiles × ${cl.targets} targets (new process, bundle cached) | ${ms(cl.buildMs)} | ${ms(cl.nodeStartMs)} | ${x(cl.buildMs / cl.nodeStartMs)} | < 1 s | ${yes(cl.buildMs < cl.goalBuildMs)} |`);
  }
  const m = r.matrix;
  if (m) rows.push(`| 4 | test matrix, ${m.cells - m.notExecuted} cells on ${r.machine.cores} cores (${m.runner}, ${m.concurrency} at a time) | ${ms(m.wallMs)} | – | – | < 5 min | ${yes(m.wallMs < m.goalMs)} |`);
  for (const s of r.sandboxStart?.runners ?? []) {
    if (s.available) rows.push(`| 4 | sandbox start per cell, ${s.runner}: runner alone / empty scenario | ${ms(s.bareMs)} / ${ms(s.scenarioMs)} | – | – | – | |`);
    else rows.push(`| 4 | sandbox start per cell, ${s.runner} | not available: ${s.detail} | | | | |`);
  }
  if (b) {
    const sh = Object.entries(b.sizes).filter(([k]) => k.endsWith('install.sh'));
    const big = sh.sort((p, q) => q[1].bytes - p[1].bytes)[0];
    if (big) rows.push(`| 5 | largest install.sh (${big[0]}): bytes / gzip | ${kb(big[1].bytes)} / ${kb(big[1].gzipBytes)} | – | – | – | |`);
  }
  return rows;
}

function configureSection(c: ConfigureFigure & Measured): string[] {
  const out = [
    '## 1. Configure-only run',
    '',
    when(c),
    '',
    'Node.js 22 and Claude Code already on PATH (a fake machine: own HOME, PATH with an official Node 22 build and the',
    `real Claude Code laid out as \`npm install -g\` leaves it: the wrapper package, its bin/claude.exe a hard link to the`,
    "platform package's native binary), the key in `CCENV_API_KEY`, `CCENV_YES=1`; every run starts from no `~/.claude`.",
    '**Installer**: `dash -s < dist/zhipu/install.sh`, as `curl … | sh` runs it. **Floor**: a bare `node -e` doing the same',
    "merge (settings.json's env with the key, ~/.claude.json's onboarding flag), each file written to a temp file, fsynced,",
    'renamed and its folder fsynced, as the installer writes them; checked to leave the same env as the installer.',
    `Median of ${c.runs} runs of each, interleaved, after 2 warm-up runs each.`,
    '',
    `| | median | processes started |`,
    `|---|---:|---|`,
    `| installer | ${ms(c.installerMedianMs)} | ${c.installerProfile ? `${c.installerProcesses}: ${programs(c.installerProfile)}` : '?'} |`,
    `| the configure program alone (\`exec node - <<EOF\` from dash) | ${ms(c.programMedianMs)} | |`,
    `| floor | ${ms(c.floorMedianMs)} | ${c.floorProfile ? `${c.floorProcesses}: ${programs(c.floorProfile)}` : '?'} |`,
    `| ratio | **${x(c.ratio)}** (goal ≤ ${x(c.goal)}) | |`,
    '',
    'The installer starts one node: the configure program checks the Node.js version in its first lines (an older one',
    "exits 90 and the installer downloads Node 22), and npm's Claude Code is recognised by its files, not by running",
    '`claude --version`. What it does beyond the floor: the receipt for --uninstall (written before and after the change,',
    'each durable: 4 more fsyncs), the lock, the checks, reading the program from the script',
    `(dash reads and parses the whole script in ${ms(c.parseMs)}, median, less an empty script).`,
    '',
    '### Where the time goes',
    '',
  ];
  if (c.installerProfile && c.floorProfile) {
    out.push(
      'One more run of each under `strace -f --seccomp-bpf -e trace=process` (only process calls stop the tracee; the',
      'times below are a little longer than untraced ones). Each step is a child of the shell, from fork to exit.',
      '',
      '**Installer**',
      '',
      ...stepsTable(c.installerProfile.steps, c.installerProfile.totalMs),
      '',
    );
  } else if (c.profileNote) out.push(c.profileNote, '');
  const rc = c.realClaude;
  if (rc) {
    out.push(
      `### Claude Code ${rc.version} outside npm's layout`,
      '',
      "The same native binary linked straight onto PATH (as another installer may leave it): the installer cannot tell",
      `it runs without asking it, so \`claude --version\` runs once. Installer ${ms(rc.installerMedianMs)}, floor ${ms(rc.floorMedianMs)}: **${x(rc.ratio)}**;`,
      `\`claude --version\` alone ${ms(rc.claudeVersionMedianMs)} (median).`,
      '',
      ...(rc.installerProfile ? [...stepsTable(rc.installerProfile.steps, rc.installerProfile.totalMs), ''] : []),
    );
  }
  return out;
}

function freshSection(f: FreshFigure & Measured): string[] {
  const out = [
    '## 2. Fresh install',
    '',
    when(f),
    '',
    'A bubblewrap sandbox over the host root, private network with the real host names served on loopback (HTTPS, test',
    "CA); PATH: basic tools, curl, tar, xz, sha256sum and the host's Node 20 (too old), so the installer fetches",
    `\`${f.tarball}\` from the Node mirror, checks it against SHASUMS256.txt, unpacks it, and installs the pinned, real`,
    '`@anthropic-ai/claude-code` from the local registry with npm, then configures. **Floor**: the same tarball and the',
    'same registry without the installer:',
    '',
    '```sh',
    f.floorCommand
      .split('\n')
      .filter((l) => l !== 't' && !l.startsWith('t() '))
      .join('\n'),
    '```',
    '',
    `Each run in a new sandbox (empty HOME), the step's own wall time; ${f.runs} runs of each, interleaved.`,
    '',
    `| | runs | median |`,
    `|---|---|---:|`,
    `| installer | ${f.installerRunsMs.map((v) => ms(v)).join(', ')} | ${ms(f.installerMedianMs)} |`,
    `| floor | ${f.floorRunsMs.map((v) => ms(v)).join(', ')} | ${ms(f.floorMedianMs)} |`,
    `| ratio | ${(f.pairRatios ?? []).map(x).join(', ')} (each pair) | **${x(f.ratio)}** (goal ≤ ${x(f.goal)}) |`,
    '',
    '### Where the time goes',
    '',
    '**Floor** (medians of its timed runs, from timestamps between its lines):',
    '',
    ...stepsTable(f.floorSteps, f.floorSteps.reduce((a, s) => a + s.ms, 0)),
    '',
  ];
  if (f.installerProfile) {
    out.push(
      `**Installer**, one more run under strace (${ms(f.installerProfile.tracedRunMs)} in all; tracing and the machine's load make single`,
      'steps vary by a few seconds from run to run — read the shares, not the last digit):',
      '',
      ...stepsTable(f.installerProfile.steps, f.installerProfile.totalMs),
      '',
    );
  } else if (f.profileNote) out.push(f.profileNote, '');
  return out;
}

function growthRow(s: Stages): string {
  return `| ${s.profiles} | ${ms(s.renderMs)} | ${ms(s.shellcheckColdMs)} | ${ms(s.shellcheckWarmMs)} | ${ms(s.powershellGateMs)} | ${ms(s.cmdGateMs)} |`;
}

function buildSection(b: BuildFigure & Measured): string[] {
  return [
    '## 3. Build',
    '',
    when(b),
    '',
    `\`ccenv build --out <tmp> --no-versioned\` of the ${b.profiles} built-in profiles × 3 targets, as a new process (median of ${b.cli.runs}):`,
    '',
    '| | median |',
    '|---|---:|',
    `| \`node -e 0\` (node alone) | ${ms(b.cli.nodeStartMs)} |`,
    `| \`ccenv --version\` (node start, yargs and the command definitions) | ${ms(b.cli.startupMs)} |`,
    `| \`ccenv build --no-lint\` (render and write) | ${ms(b.cli.renderOnlyMs)} (goal < 1 s: ${yes(b.cli.renderOnlyMs < b.cli.goalRenderMs)}) |`,
    `| \`ccenv build\` (render, every gate, write), shellcheck cache warm | ${ms(b.cli.withLintWarmMs)} |`,
    '',
    'Section 6 measures the start of each command against node alone, interleaved.',
    '',
    'The stages in one process (the library calls `ccenv build` makes). The first render of a process also compiles the',
    `templates and reads the configure bundle (esbuild runs only when its sources changed): ${ms(b.firstRenderMs)}. shellcheck runs once per dialect (sh, dash,`,
    'bash, ksh) over all files not linted before, 4 processes at once; its results are cached by content hash',
    '(`~/.cache/ccenv/shellcheck`; cold here = an empty temporary cache).',
    '',
    '| profiles | render | shellcheck cold | shellcheck warm | PowerShell gate | cmd gate |',
    '|---:|---:|---:|---:|---:|---:|',
    `${growthRow(b.stages).replace(/^\| (\d+)/, '| $1 (built-in)')}`,
    ...b.growth.map(growthRow),
    '',
    'Rows 1, 10 and 50: copies of the zhipu profile under other ids (the growth).' +
      (b.coldLintSkipped.length
        ? ` Cold shellcheck left out for ${b.coldLintSkipped.join(', ')} profiles (it grows by about one file's lint per profile; \`node out/bench/run.js --only build --full\` measures it); warm needs a cold run first, so it is left out too.`
        : ''),
    '',
  ];
}

function loadsRow(what: string, l: Loads): string {
  return `| ${what} | ${l.modules} | ${l.packages.join(', ') || '–'} | ${l.folders.join(', ') || '–'} |`;
}

function cliSection(c: CliFigure & Measured): string[] {
  return [
    '## 6. ccenv start',
    '',
    when(c),
    '',
    `Each a new process, median of ${c.runs}, interleaved with the floor (\`node -e ''\`) so both see the same load.`,
    'Commands load their modules only when they run; the configure bundle is kept in `~/.cache/ccenv/configure-bundle`',
    'and reused while its sources are byte for byte the same (esbuild loads only when they changed).',
    '',
    '| | median | × floor |',
    '|---|---:|---:|',
    `| \`node -e ''\` (floor) | ${ms(c.nodeStartMs)} | 1.00× |`,
    `| \`ccenv --help\` | ${ms(c.helpMs)} | ${x(c.helpRatio)} (goal ≤ ${x(c.goalHelpRatio)}: ${yes(c.helpRatio <= c.goalHelpRatio)}) |`,
    `| \`ccenv --version\` | ${ms(c.versionMs)} | ${x(c.versionMs / c.nodeStartMs)} |`,
    `| \`ccenv build --no-lint\`, ${c.profiles} profiles × ${c.targets} targets, bundle cached | ${ms(c.buildMs)} (goal < 1 s: ${yes(c.buildMs < c.goalBuildMs)}) | ${x(c.buildMs / c.nodeStartMs)} |`,
    `| the same, empty cache (esbuild bundles first) | ${ms(c.buildColdBundleMs)} | ${x(c.buildColdBundleMs / c.nodeStartMs)} |`,
    '',
    'What each loads (a module-load hook, in an untimed run; Node built-ins not counted):',
    '',
    '| command | modules | npm packages | ccenv folders (out/src) |',
    '|---|---:|---|---|',
    loadsRow('`ccenv --help`', c.loads.help),
    loadsRow('`ccenv build --no-lint`', c.loads.build),
    '',
  ];
}

function matrixSection(m: (MatrixFigure & Measured) | undefined, s: ({ runners: SandboxStart[] } & Measured) | undefined, cores: number): string[] {
  const out = ['## 4. Test matrix', ''];
  if (m) {
    out.push(
      when(m),
      '',
      `\`make matrix\`: ${m.cells} cells, ${m.passed} passed, ${m.failed} failed, ${m.notExecuted} not executed (each with its reason in the matrix`,
      `report), ${m.runner}, ${m.concurrency} cells at a time on ${cores} cores: **${ms(m.wallMs)}** wall (goal < 5 min: ${yes(m.wallMs < m.goalMs)}), after`,
      `${ms(m.setupMs)} of fixture and rootfs preparation (cached after the first run).`,
      '',
      'Cell time by scenario (two cells at a time, so the sum is about twice the wall time):',
      '',
      '| scenario | cell seconds |',
      '|---|---:|',
      ...Object.entries(m.cellSecondsByScenario).map(([k, v]) => `| ${k} | ${v} |`),
      '',
    );
    if (m.failedCells.length) out.push('Failed cells:', '', ...m.failedCells.map((c) => `- ${c.id}: ${c.problems.join('; ')}`), '');
  }
  if (s) {
    out.push(
      '### Sandbox start per cell',
      '',
      when(s),
      '',
      '| runner | runner alone (`true` in the Debian rootfs) | empty scenario (runner + fixture server + one step) |',
      '|---|---:|---:|',
      ...s.runners.map((r) => (r.available ? `| ${r.runner} | ${ms(r.bareMs)} | ${ms(r.scenarioMs)} |` : `| ${r.runner} | not available: ${r.detail} | |`)),
      '',
    );
  }
  return out;
}

function sizesSection(b: BuildFigure): string[] {
  const ids = [...new Set(Object.keys(b.sizes).map((k) => k.split('/')[0] as string))];
  const cell = (id: string, f: string) => {
    const s = b.sizes[`${id}/${f}`];
    return s ? `${s.bytes.toLocaleString('en')} / ${s.gzipBytes.toLocaleString('en')}` : '–';
  };
  return [
    '## 5. Installer sizes',
    '',
    'Bytes / gzip -9 bytes of dist/ as measured (what a CDN that compresses sends).',
    '',
    '| profile | install.sh | install.ps1 | install.cmd |',
    '|---|---:|---:|---:|',
    ...ids.map((id) => `| ${id} | ${cell(id, 'install.sh')} | ${cell(id, 'install.ps1')} | ${cell(id, 'install.cmd')} |`),
    '',
  ];
}

export function resultsMarkdown(r: Results): string {
  const mc = r.machine;
  const lines = [
    '# Benchmarks',
    '',
    `Generated by \`make bench\` (bench/run.ts) — do not edit; run it again. Raw figures: bench/results.json.`,
    `ccenv ${r.ccenvVersion}; dist/ ${r.distFresh ? 'matched the templates' : '**was stale** (the committed installers were measured)'}.`,
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${mc.cpu}, ${mc.cores} cores |`,
    `| memory | ${mc.memoryGiB} GiB |`,
    `| system | ${mc.os}; ${mc.kernel} |`,
    `| Node.js (harness) | ${mc.node} |`,
    `| tools | ${Object.entries(mc.tools).map(([k, v]) => `${k} ${v}`).join('; ')} |`,
    `| date | ${mc.date} |`,
    `| load average (1 min) | ${mc.loadAtStart.toFixed(1)} at the start, ${mc.loadAtEnd?.toFixed(1) ?? '?'} at the end |`,
    '',
    'Other work on the machine slows processes down unevenly; every ratio below compares runs interleaved with their',
    "floor's, so both see the same load, and medians drop the outliers.",
    '',
    '## Summary',
    '',
    ...summaryRows(r),
    '',
  ];
  if (r.configure) lines.push(...configureSection(r.configure));
  if (r.fresh) lines.push(...freshSection(r.fresh));
  if (r.build) lines.push(...buildSection(r.build));
  if (r.cli) lines.push(...cliSection(r.cli));
  if (r.matrix || r.sandboxStart) lines.push(...matrixSection(r.matrix, r.sandboxStart, mc.cores));
  if (r.build) lines.push(...sizesSection(r.build));
  return lines.join('\n');
}
