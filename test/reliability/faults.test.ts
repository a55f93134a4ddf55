// Deterministic faults while the configure step writes the user's files: the process killed at every
// write, fsync and rename it makes (strace fault injection), a disk too small for the new file, two
// installers at once on one HOME, and Claude Code saving its own files in the middle of the run.
// install.ps1 under pwsh meets the kills, the full disk and an install.sh running alongside it.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect } from 'vitest';
import { installerEnv } from '../support/run-installer.js';
import { ZHIPU_SCRIPT } from '../support/installer-machine.js';
import { corpusFile, put, run, sandbox, type Sandbox } from '../support/run-configure.js';
import { capture, configuredWith, describeConfig, onboarded, reliabilityCase, snapshotConfig, verdict, type Captured, type ConfigSnapshot } from './case.js';
import { BASE_URL, install, KEY, machines, said, type Machine } from './install-run.js';
import { NO_PWSH, PWSH } from '../support/run-ps1.js';
import { ensureCurrentNode } from '../../src/harness/node-fixture.js';
import { installPs1, PS1, runPs1File } from './ps1-run.js';

const machine = machines();
const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLAUDE_CODE_WRITER = path.join(HERE, '..', 'fixtures', 'preloads', 'claude-code-writer.cjs');
const IS_ROOT = process.getuid?.() === 0;
const STRACE = '/usr/bin/strace';
const HAVE_STRACE = existsSync(STRACE) && spawnSync(STRACE, ['-f', '-o', '/dev/null', 'true']).status === 0;
const DASH = 'install.sh under dash';
const CONFIGURE = 'configure step (node -, program on stdin)';

// A realistic pair of user files: hooks in settings.json, a long-used ~/.claude.json.
const OLD_SETTINGS = corpusFile('settings-hooks.json');
// (its "hasCompletedOnboarding": false line taken out: ccenv turning it true is its job, not a loss)
const OLD_STATE = Buffer.from(corpusFile('state-claude-json-big.json').toString('utf8').replace(/\n {2}"hasCompletedOnboarding": false,/, ''));
if (OLD_STATE.includes('hasCompletedOnboarding')) throw new Error('the corpus state file changed: update OLD_STATE');
/** The configure step's key in the test/configure harness (the run() default). */
const CFG_KEY = 'sk-test.0123456789abcdefABCDEF_xyz';

/** ccenv's temp files (`.<name>.ccenv-<pid>-<hex>.tmp`) anywhere under `dir`. */
function tempsUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (lstatSync(p).isDirectory()) walk(p);
      else if (/\.ccenv-\d+-[0-9a-f]+\.tmp$/.test(name)) found.push(path.relative(dir, p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

function seeded(): Sandbox {
  const sb = sandbox();
  put(sb.settings, OLD_SETTINGS);
  put(sb.state, OLD_STATE);
  return sb;
}

function drop(sb: Sandbox): void {
  rmSync(sb.root, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// 1. killed at every write / fsync / rename

const FAMILIES = [
  { family: 'write', syscalls: 'write,pwrite64,writev' },
  { family: 'fsync', syscalls: 'fsync,fdatasync' },
  { family: 'rename', syscalls: 'rename,renameat,renameat2' },
] as const;

/** Enough for every kill point of one run (about a dozen writes); reaching it fails the case. */
const MAX_KILL_POINTS = 80;

function oldOrNew(bytes: Buffer | null, old: Buffer, neu: Buffer): 'old' | 'new' | 'neither' {
  if (bytes === null) return 'neither';
  if (bytes.equals(old)) return 'old';
  if (bytes.equals(neu)) return 'new';
  return 'neither';
}

describe.runIf(HAVE_STRACE)('killed (SIGKILL via strace inject) at each write, fsync and rename, then run again', () => {
  for (const { family, syscalls } of FAMILIES) {
    reliabilityCase(
      {
        area: 'faults',
        title: `killed at every ${family}`,
        target: `${CONFIGURE}, strace -f -e inject=${syscalls}:signal=KILL:when=N`,
        expected: { exit: 0, files: 'every kill: old or new; re-run: merged, no temp left; uninstall: original bytes back' },
        timeoutMs: 180_000,
      },
      async () => {
        // The new versions, from an unkilled run in an identical sandbox with the same inputs.
        const ref = seeded();
        expect((await run({ home: ref.home })).status).toBe(0);
        const newSettings = readFileSync(ref.settings);
        const newState = readFileSync(ref.state);
        drop(ref);
        expect(newSettings.equals(OLD_SETTINGS)).toBe(false);
        expect(newState.equals(OLD_STATE)).toBe(false);

        let kills = 0;
        let completedAt = 0;
        let lostBytes = 0;
        const seen = new Map<string, number>();
        let tempsAfterKill = 0;
        const killProblems: string[] = [];
        const rerunProblems: string[] = [];
        const uninstallProblems: string[] = [];
        let rerunExit = 0;
        for (let n = 1; n <= MAX_KILL_POINTS && completedAt === 0; n++) {
          const sb = seeded();
          const before: ConfigSnapshot = snapshotConfig(sb);
          const r = await run({ home: sb.home, wrap: [STRACE, '-f', '-o', '/dev/null', '-e', `inject=${syscalls}:signal=KILL:when=${n}`] });
          if (r.status === 0) {
            // the N-th call never came: the run went through untouched
            completedAt = n;
            if (!readFileSync(sb.settings).equals(newSettings) || !readFileSync(sb.state).equals(newState)) {
              killProblems.push(`unkilled run ${n}: not the reference result`);
            }
            drop(sb);
            break;
          }
          if (r.status !== null) {
            killProblems.push(`when=${n}: exit ${r.status} instead of being killed (${r.stderr.trim().split('\n')[0]})`);
            drop(sb);
            continue;
          }
          kills++;
          const s = oldOrNew(capture(sb.settings).bytes, OLD_SETTINGS, newSettings);
          const c = oldOrNew(capture(sb.state).bytes, OLD_STATE, newState);
          seen.set(`settings ${s}, state ${c}`, (seen.get(`settings ${s}, state ${c}`) ?? 0) + 1);
          lostBytes = Math.max(lostBytes, describeConfig(before, snapshotConfig(sb), CFG_KEY, BASE_URL).lostBytes);
          if (s === 'neither' || c === 'neither') killProblems.push(`kill ${n}: settings.json ${s}, .claude.json ${c}`);
          if (tempsUnder(sb.root).length > 0) tempsAfterKill++;

          // recovery: a normal run finishes the job and tidies up after the killed one
          const again = await run({ home: sb.home });
          if (again.status !== 0 && rerunExit === 0) rerunExit = again.status ?? -1;
          const after = snapshotConfig(sb);
          lostBytes = Math.max(lostBytes, describeConfig(before, after, CFG_KEY, BASE_URL).lostBytes);
          if (!after.settings.bytes?.equals(newSettings) || !after.state.bytes?.equals(newState)) {
            rerunProblems.push(`kill ${n}: ${describeConfig(before, after, CFG_KEY, BASE_URL).state}, not the new versions`);
          }
          const left = tempsUnder(sb.root);
          if (left.length > 0) rerunProblems.push(`kill ${n}: temp left: ${left.join(' ')}`);
          // a backup is a whole copy of what was replaced, never a short one from a killed write
          const backups = path.join(sb.home, '.claude', 'ccenv', 'backups');
          for (const name of existsSync(backups) ? readdirSync(backups) : []) {
            const bytes = readFileSync(path.join(backups, name));
            if (!bytes.equals(OLD_SETTINGS) && !bytes.equals(OLD_STATE)) rerunProblems.push(`kill ${n}: backup ${name} is not a whole copy (${bytes.length} bytes)`);
          }

          // and the receipt still knows what ccenv wrote: uninstall gives back the original bytes
          const undo = await run({ home: sb.home, args: ['--uninstall'] });
          if (undo.status !== 0 || !capture(sb.settings).bytes?.equals(OLD_SETTINGS) || !capture(sb.state).bytes?.equals(OLD_STATE)) {
            uninstallProblems.push(`kill ${n}: uninstall exit ${undo.status}${undo.stderr ? `, ${undo.stderr.trim().split('\n')[0]?.split(sb.home).join('~')}` : ''}`);
          }
          drop(sb);
        }

        expect(kills, 'the injection never killed the run').toBeGreaterThan(0);
        expect(completedAt, `still killed after ${MAX_KILL_POINTS} kill points`).toBeGreaterThan(0);
        const files = [
          killProblems.length === 0 ? 'every kill: old or new' : `kills: ${killProblems[0]}`,
          rerunProblems.length === 0 ? 're-run: merged, no temp left' : `re-run: ${rerunProblems[0]}`,
          uninstallProblems.length === 0 ? 'uninstall: original bytes back' : `uninstall: ${uninstallProblems[0]}`,
        ].join('; ');
        const states = [...seen.entries()].map(([k, v]) => `${v}× ${k}`).join(', ');
        return {
          observed: { exit: rerunExit, files },
          lostBytes,
          detail:
            `${kills} kill points (when=1..${completedAt - 1}; when=${completedAt} ran to the end): ${states}; ` +
            `${tempsAfterKill} kills left a temp file${tempsAfterKill > 0 && rerunProblems.length === 0 ? ', each removed by the re-run' : ''}` +
            (killProblems.length + rerunProblems.length + uninstallProblems.length > 1
              ? `; ${killProblems.length + rerunProblems.length + uninstallProblems.length} problems in all`
              : ''),
        };
      },
    );
  }
});

// ---------------------------------------------------------------------------------------------
// 2. disk full

/** Runs install.sh with a tmpfs of `bytes` mounted on ~/.claude holding `seed` as settings.json. */
async function installOnTinyDisk(m: Machine, seed: string, bytes: number, out: string) {
  const setup = [
    '/bin/mount -t tmpfs -o size="$4",mode=0700 ccenv-full "$1" && /bin/cp "$2" "$1/settings.json" || exit 99',
    'dir=$1; out=$3; shift 4',
    '"$@"; rc=$?',
    // the tmpfs goes with the namespace: keep what is in it for the test
    '/bin/ls -A "$dir" > "$out/listing"; /bin/cp "$dir/settings.json" "$out/settings.json" 2>/dev/null',
    'exit $rc',
  ].join('\n');
  const r = await execa('/usr/bin/unshare', ['--mount', '--', '/bin/sh', '-c', setup, 'sh', m.claudeDir, seed, out, String(bytes), '/bin/dash'], {
    input: ZHIPU_SCRIPT(),
    env: installerEnv(m, { CCENV_API_KEY: KEY, CCENV_YES: '1' }),
    extendEnv: false,
    reject: false,
    detached: true,
    cwd: m.home,
    timeout: 60_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe.runIf(IS_ROOT)('disk full', () => {
  reliabilityCase(
    {
      area: 'faults',
      title: 'disk full: ~/.claude cannot hold the new settings.json',
      target: `${DASH}, unshare -m, a tmpfs on ~/.claude the size of settings.json`,
      expected: { exit: 8, files: 'settings.json unchanged; .claude.json unchanged; no temp left' },
    },
    async () => {
      const m = await machine();
      mkdirSync(m.claudeDir);
      writeFileSync(m.files.state, OLD_STATE);
      const seed = path.join(m.root, 'seed-settings.json');
      writeFileSync(seed, OLD_SETTINGS);
      const out = path.join(m.root, 'tmpfs-after');
      mkdirSync(out);
      const pages = Math.ceil(OLD_SETTINGS.length / 4096) * 4096;
      const before = { settings: capture(seed), state: capture(m.files.state) };
      const r = await installOnTinyDisk(m, seed, pages, out);
      expect(r.exitCode, r.stderr).not.toBe(99);
      const afterSettings: Captured = capture(path.join(out, 'settings.json'));
      const s = verdict(before.settings, afterSettings, configuredWith(KEY, BASE_URL));
      const c = verdict(before.state, capture(m.files.state), onboarded);
      const inTmpfs = readFileSync(path.join(out, 'listing'), 'utf8').trim().split('\n').filter((n) => n !== 'settings.json');
      const temps = [...inTmpfs.filter((n) => n.endsWith('.tmp')), ...tempsUnder(m.home)];
      expect(r.stderr).toContain('ENOSPC');
      return {
        observed: { exit: r.exitCode, files: `settings.json ${s.state}; .claude.json ${c.state}; ${temps.length === 0 ? 'no temp left' : `temp left: ${temps.join(' ')}`}` },
        lostBytes: s.lostBytes + c.lostBytes,
        detail: `tmpfs of ${pages} bytes (settings.json is ${OLD_SETTINGS.length}); also in it afterwards: ${inTmpfs.length ? inTmpfs.join(' ') : 'nothing'}; ${said(r.stderr, m)}`,
      };
    },
  );
});

// ---------------------------------------------------------------------------------------------
// 3. two installers at once

const KEY_A = 'sk-installer-a.0123456789abcdef';
const KEY_B = 'sk-installer-b.fedcba9876543210';
const ROUNDS = 5;

/** Wraps the machine's node so each configure run (`node -`) logs when it starts and ends. */
function timeConfigureRuns(m: Machine, log: string): void {
  const node = path.join(m.bin, 'node');
  const real = realpathSync(node);
  unlinkSync(node);
  writeFileSync(
    node,
    `#!/bin/sh\nif [ "$1" = - ]; then\n  echo "start $$ $(/bin/date +%s%N)" >>'${log}'\n  '${real}' "$@"; rc=$?\n  echo "end $$ $(/bin/date +%s%N)" >>'${log}'\n  exit $rc\nfi\nexec '${real}' "$@"\n`,
  );
  chmodSync(node, 0o755);
}

/** Whether the two configure runs in `log` ran at the same time. */
function overlapped(log: string): boolean {
  const spans = new Map<string, { start?: bigint; end?: bigint }>();
  for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
    const [what, pid, ns] = line.split(' ');
    if (!pid || !ns) continue;
    const span = spans.get(pid) ?? {};
    if (what === 'start') span.start = BigInt(ns);
    else span.end = BigInt(ns);
    spans.set(pid, span);
  }
  const [a, b] = [...spans.values()];
  if (!a?.start || !a.end || !b?.start || !b.end) return false;
  return a.start < b.end && b.start < a.end;
}

const heldKey = (json: Record<string, unknown>): string | undefined => {
  const env = json['env'];
  return typeof env === 'object' && env !== null ? ((env as Record<string, unknown>)['ANTHROPIC_AUTH_TOKEN'] as string | undefined) : undefined;
};

describe('two installers at once', () => {
  reliabilityCase(
    {
      area: 'faults',
      title: 'two installers at once on one HOME (different keys)',
      target: `${DASH} ×2, started together, ${ROUNDS} rounds`,
      expected: { exit: 0, files: 'settings.json merged (one of the two keys); .claude.json merged; no temp left' },
      timeoutMs: 180_000,
    },
    async () => {
      let exit = 0;
      let lostBytes = 0;
      const problems: string[] = [];
      const notes: string[] = [];
      let overlaps = 0;
      const winners = { a: 0, b: 0 };
      for (let round = 1; round <= ROUNDS; round++) {
        const m = await machine();
        mkdirSync(m.claudeDir);
        writeFileSync(m.files.settings, OLD_SETTINGS);
        writeFileSync(m.files.state, OLD_STATE);
        const log = path.join(m.root, 'configure-times.log');
        timeConfigureRuns(m, log);
        const before = snapshotConfig(m.files);
        const [a, b] = await Promise.all([install(m, { env: { CCENV_API_KEY: KEY_A } }), install(m, { env: { CCENV_API_KEY: KEY_B } })]);
        if (overlapped(log)) overlaps++;
        for (const [who, r] of [['A', a], ['B', b]] as const) {
          if (r.exitCode !== 0) {
            notes.push(`round ${round}: ${who} exit ${r.exitCode}: ${said(r.stderr, m)}`);
            if (exit === 0) exit = r.exitCode;
          }
        }
        const after = snapshotConfig(m.files);
        const json = after.settings.bytes ? (JSON.parse(after.settings.bytes.toString('utf8')) as Record<string, unknown>) : {};
        const key = heldKey(json);
        if (key === KEY_A) winners.a++;
        else if (key === KEY_B) winners.b++;
        const s = verdict(before.settings, after.settings, (j) => configuredWith(KEY_A, BASE_URL)(j) || configuredWith(KEY_B, BASE_URL)(j));
        const c = verdict(before.state, after.state, onboarded);
        lostBytes = Math.max(lostBytes, s.lostBytes + c.lostBytes);
        const temps = tempsUnder(m.home);
        const words = `settings.json ${s.state}${s.state === 'merged' ? ' (one of the two keys)' : ''}; .claude.json ${c.state}; ${temps.length ? `temp left: ${temps.join(' ')}` : 'no temp left'}`;
        if (words !== 'settings.json merged (one of the two keys); .claude.json merged; no temp left') problems.push(`round ${round}: ${words}`);
        // the receipt is still right: uninstall gives back the user's own bytes
        const undo = await install(m, { args: ['--uninstall'], env: { CCENV_API_KEY: undefined } });
        const undone = snapshotConfig(m.files);
        if (undo.exitCode !== 0 || !undone.settings.bytes?.equals(OLD_SETTINGS) || !undone.state.bytes?.equals(OLD_STATE)) {
          problems.push(`round ${round}: uninstall afterwards: exit ${undo.exitCode}, settings.json ${verdict(before.settings, undone.settings, () => false).state}${undo.stderr ? ` (${said(undo.stderr, m)})` : ''}`);
        }
      }
      return {
        observed: { exit, files: problems[0] ?? 'settings.json merged (one of the two keys); .claude.json merged; no temp left' },
        lostBytes,
        detail:
          `${overlaps} of ${ROUNDS} rounds had the two configure steps running at the same time; key A kept ${winners.a}×, key B ${winners.b}×; ` +
          `${problems.length ? `${problems.length} problems` : 'uninstall afterwards restored the original bytes every round'}` +
          (notes.length ? `; ${notes.join('; ')}` : ''),
      };
    },
  );
});

// ---------------------------------------------------------------------------------------------
// 4. Claude Code saves its files while ccenv writes them

function claudeCodeCase(title: string, which: 'state' | 'settings', when: 'read' | 'temp', times: number): void {
  const otherKey = which === 'state' ? 'lastReleaseNotesSeen' : 'model';
  const expectedFiles = `settings.json merged; .claude.json merged; Claude Code's ${times > 1 ? `${times} saves` : 'save'} kept`;
  reliabilityCase(
    {
      area: 'faults',
      title,
      target: `${DASH}, NODE_OPTIONS=--require claude-code-writer.cjs`,
      expected: { exit: 0, files: expectedFiles },
    },
    async () => {
      const m = await machine();
      mkdirSync(m.claudeDir);
      writeFileSync(m.files.settings, OLD_SETTINGS);
      writeFileSync(m.files.state, OLD_STATE);
      const log = path.join(m.root, 'claude-code-writes.log');
      const target = which === 'state' ? m.files.state : m.files.settings;
      const r = await install(m, {
        env: {
          NODE_OPTIONS: `--require ${CLAUDE_CODE_WRITER}`,
          CCENV_TEST_CC_TARGET: target,
          CCENV_TEST_CC_WHEN: when,
          CCENV_TEST_CC_TIMES: String(times),
          CCENV_TEST_CC_KEY: otherKey,
          CCENV_TEST_CC_LOG: log,
        },
      });
      const rewrites = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0;
      expect(rewrites, 'Claude Code never wrote during the run').toBe(times);
      const after = capture(target);
      const json = after.bytes ? (JSON.parse(after.bytes.toString('utf8')) as Record<string, unknown>) : {};
      const kept = Array.from({ length: times }, (_, i) => json[`${otherKey}${i + 1}`] === `other-writer-${i + 1}`).filter(Boolean).length;
      const savesWord = times > 1 ? `${times} saves` : 'save';
      const keptWords = kept === times ? `Claude Code's ${savesWord} kept` : `Claude Code's ${savesWord}: ${times - kept} lost`;
      return {
        observed: { exit: r.exitCode, files: `${r.config.state}; ${keptWords}` },
        lostBytes: r.config.lostBytes,
        detail: `Claude Code rewrote ${which === 'state' ? '~/.claude.json' : 'settings.json'} ${rewrites}× (${when === 'read' ? 'right after ccenv read it' : 'while ccenv wrote its temp file'}); ${kept === times ? 'kept, so ccenv saw it before its rename and started over' : 'overwritten by ccenv'}${r.stderr ? `; ${said(r.stderr, m)}` : ''}`,
      };
    },
  );
}

describe('Claude Code writes its files during the run', () => {
  claudeCodeCase('Claude Code rewrites ~/.claude.json right after ccenv read it', 'state', 'read', 1);
  claudeCodeCase('Claude Code rewrites ~/.claude.json while ccenv writes its temp', 'state', 'temp', 1);
  claudeCodeCase('Claude Code rewrites settings.json right after ccenv read it', 'settings', 'read', 1);
  claudeCodeCase('Claude Code saves ~/.claude.json 3 times during the run', 'state', 'read', 3);
});

// ---------------------------------------------------------------------------------------------
// 5. install.ps1 under pwsh: the same faults through the real installer

/** The machine's node, wrapped: the configure run (`node -`) goes under `strace <args>`; the rest as is. */
function traceConfigureRuns(m: Machine, straceArgs: string[]): void {
  const node = path.join(m.bin, 'node');
  const real = realpathSync(node);
  unlinkSync(node);
  const args = straceArgs.map((a) => `'${a}'`).join(' ');
  writeFileSync(node, `#!/bin/sh\nif [ "$1" = - ]; then exec '${STRACE}' ${args} '${real}' "$@"; fi\nexec '${real}' "$@"\n`);
  chmodSync(node, 0o755);
}

function seedMachine(m: Machine): void {
  mkdirSync(m.claudeDir, { recursive: true });
  writeFileSync(m.files.settings, OLD_SETTINGS);
  writeFileSync(m.files.state, OLD_STATE);
}

describe.skipIf(!PWSH || !HAVE_STRACE)(`install.ps1: faults${PWSH ? '' : ` — ${NO_PWSH}`}`, () => {
  for (const { family, syscalls } of FAMILIES.filter((f) => f.family !== 'write')) {
    reliabilityCase(
      {
        area: 'faults',
        title: `install.ps1: its configure program killed at every ${family}`,
        target: `${PS1}, node - under strace -f -e inject=${syscalls}:signal=KILL:when=N`,
        expected: { exit: 0, files: 'every kill: old or new, the installer fails; re-run: merged, no temp left' },
        timeoutMs: 300_000,
      },
      async () => {
        // the new versions: an unkilled run on an identical machine
        const ref = await machine();
        seedMachine(ref);
        const refRun = await installPs1(ref);
        expect(refRun.exitCode, refRun.stderr).toBe(0);
        const newSettings = readFileSync(ref.files.settings);
        const newState = readFileSync(ref.files.state);
        ref.dispose();

        let kills = 0;
        let completedAt = 0;
        let lostBytes = 0;
        let rerunExit = 0;
        const killedExits = new Set<number>();
        const seen = new Map<string, number>();
        const problems: string[] = [];
        for (let n = 1; n <= MAX_KILL_POINTS && completedAt === 0; n++) {
          const m = await machine();
          seedMachine(m);
          traceConfigureRuns(m, ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${syscalls}`, '-e', `inject=${syscalls}:signal=KILL:when=${n}`]);
          const r = await installPs1(m);
          if (r.exitCode === 0) {
            completedAt = n;
            if (!readFileSync(m.files.settings).equals(newSettings) || !readFileSync(m.files.state).equals(newState)) problems.push(`unkilled run ${n}: not the reference result`);
            break;
          }
          kills++;
          killedExits.add(r.exitCode);
          const s = oldOrNew(capture(m.files.settings).bytes, OLD_SETTINGS, newSettings);
          const c = oldOrNew(capture(m.files.state).bytes, OLD_STATE, newState);
          seen.set(`settings ${s}, state ${c}`, (seen.get(`settings ${s}, state ${c}`) ?? 0) + 1);
          lostBytes = Math.max(lostBytes, r.config.lostBytes);
          if (s === 'neither' || c === 'neither') problems.push(`kill ${n}: settings.json ${s}, .claude.json ${c}`);
          // recovery: the same installer, unwrapped node, finishes the job and tidies up
          unlinkSync(path.join(m.bin, 'node'));
          m.addNode(await ensureCurrentNode());
          const again = await installPs1(m);
          if (again.exitCode !== 0 && rerunExit === 0) rerunExit = again.exitCode;
          lostBytes = Math.max(lostBytes, again.config.lostBytes);
          if (!capture(m.files.settings).bytes?.equals(newSettings) || !capture(m.files.state).bytes?.equals(newState)) problems.push(`kill ${n}: re-run gave ${again.config.state}, not the new versions`);
          const left = tempsUnder(m.root);
          if (left.length > 0) problems.push(`kill ${n}: temp left: ${left.join(' ')}`);
        }
        expect(kills, 'the injection never killed the configure program').toBeGreaterThan(0);
        expect(completedAt, `still killed after ${MAX_KILL_POINTS} kill points`).toBeGreaterThan(0);
        const states = [...seen.entries()].map(([k, v]) => `${v}× ${k}`).join(', ');
        return {
          observed: { exit: rerunExit, files: problems[0] ?? 'every kill: old or new, the installer fails; re-run: merged, no temp left' },
          lostBytes,
          detail: `${kills} kill points (when=1..${completedAt - 1}; when=${completedAt} ran to the end): ${states}; the killed runs ended with exit ${[...killedExits].join(', ')}`,
        };
      },
    );
  }

  reliabilityCase(
    {
      area: 'faults',
      title: 'install.ps1: disk full, ~/.claude cannot hold the new settings.json',
      target: `${PS1}, unshare -m, a tmpfs on ~/.claude the size of settings.json`,
      expected: { exit: 8, files: 'settings.json unchanged; .claude.json unchanged; no temp left' },
    },
    async () => {
      const m = await machine();
      mkdirSync(m.claudeDir);
      writeFileSync(m.files.state, OLD_STATE);
      const seed = path.join(m.root, 'seed-settings.json');
      writeFileSync(seed, OLD_SETTINGS);
      const out = path.join(m.root, 'tmpfs-after');
      mkdirSync(out);
      const pages = Math.ceil(OLD_SETTINGS.length / 4096) * 4096;
      const before = { settings: capture(seed), state: capture(m.files.state) };
      const setup = [
        '/bin/mount -t tmpfs -o size="$4",mode=0700 ccenv-full "$1" && /bin/cp "$2" "$1/settings.json" || exit 99',
        'dir=$1; out=$3; shift 4',
        '"$@"; rc=$?',
        '/bin/ls -A "$dir" > "$out/listing"; /bin/cp "$dir/settings.json" "$out/settings.json" 2>/dev/null',
        'exit $rc',
      ].join('\n');
      const r = await runPs1File(m, { wrap: ['/usr/bin/unshare', '--mount', '--', '/bin/sh', '-c', setup, 'sh', m.claudeDir, seed, out, String(pages)] });
      expect(r.exitCode, r.stderr).not.toBe(99);
      const s = verdict(before.settings, capture(path.join(out, 'settings.json')), configuredWith(KEY, BASE_URL));
      const c = verdict(before.state, capture(m.files.state), onboarded);
      const inTmpfs = readFileSync(path.join(out, 'listing'), 'utf8').trim().split('\n').filter((n) => n !== 'settings.json');
      const temps = [...inTmpfs.filter((n) => n.endsWith('.tmp')), ...tempsUnder(m.home)];
      expect(r.stderr).toContain('ENOSPC');
      return {
        observed: { exit: r.exitCode, files: `settings.json ${s.state}; .claude.json ${c.state}; ${temps.length === 0 ? 'no temp left' : `temp left: ${temps.join(' ')}`}` },
        lostBytes: s.lostBytes + c.lostBytes,
        detail: `tmpfs of ${pages} bytes; also in it afterwards: ${inTmpfs.length ? inTmpfs.join(' ') : 'nothing'}; ${said(r.stderr, m)}`,
      };
    },
  );

  reliabilityCase(
    {
      area: 'faults',
      title: 'install.sh and install.ps1 at once on one HOME (different keys)',
      target: `${DASH} and ${PS1}, their configure programs held until both started, 3 rounds`,
      expected: { exit: 0, files: 'settings.json merged (one of the two keys); .claude.json merged; no temp left' },
      timeoutMs: 180_000,
    },
    async () => {
      const rounds = 3;
      let exit = 0;
      let lostBytes = 0;
      const problems: string[] = [];
      const winners = { sh: 0, ps1: 0 };
      for (let round = 1; round <= rounds; round++) {
        const m = await machine();
        seedMachine(m);
        // each configure run waits (a bounded while) until the other has started: they overlap for sure
        const gate = path.join(m.root, 'gate');
        mkdirSync(gate);
        const node = path.join(m.bin, 'node');
        const real = realpathSync(node);
        unlinkSync(node);
        writeFileSync(node, `#!/bin/sh\nif [ "$1" = - ]; then\n  : >'${gate}'/$$; i=0\n  while [ "$(/bin/ls '${gate}' | /usr/bin/wc -l)" -lt 2 ] && [ $i -lt 600 ]; do /bin/sleep 0.05; i=$((i+1)); done\nfi\nexec '${real}' "$@"\n`);
        chmodSync(node, 0o755);
        const before = snapshotConfig(m.files);
        const [a, b] = await Promise.all([install(m, { env: { CCENV_API_KEY: KEY_A } }), installPs1(m, { env: { CCENV_API_KEY: KEY_B } })]);
        for (const [who, r] of [['install.sh', a], ['install.ps1', b]] as const) {
          if (r.exitCode !== 0) {
            problems.push(`round ${round}: ${who} exit ${r.exitCode}: ${said(r.stderr, m)}`);
            if (exit === 0) exit = r.exitCode;
          }
        }
        const after = snapshotConfig(m.files);
        const key = after.settings.bytes ? heldKey(JSON.parse(after.settings.bytes.toString('utf8')) as Record<string, unknown>) : undefined;
        if (key === KEY_A) winners.sh++;
        else if (key === KEY_B) winners.ps1++;
        const s = verdict(before.settings, after.settings, (j) => configuredWith(KEY_A, BASE_URL)(j) || configuredWith(KEY_B, BASE_URL)(j));
        const c = verdict(before.state, after.state, onboarded);
        lostBytes = Math.max(lostBytes, s.lostBytes + c.lostBytes);
        const temps = tempsUnder(m.home);
        const words = `settings.json ${s.state}${s.state === 'merged' ? ' (one of the two keys)' : ''}; .claude.json ${c.state}; ${temps.length ? `temp left: ${temps.join(' ')}` : 'no temp left'}`;
        if (words !== 'settings.json merged (one of the two keys); .claude.json merged; no temp left') problems.push(`round ${round}: ${words}`);
        expect(readdirSync(gate).length, 'both configure programs started').toBe(2);
      }
      return {
        observed: { exit, files: problems.find((p) => !p.includes(' exit ')) ?? 'settings.json merged (one of the two keys); .claude.json merged; no temp left' },
        lostBytes,
        detail: `both configure programs running at once every round; install.sh's key kept ${winners.sh}×, install.ps1's ${winners.ps1}×${problems.length ? `; ${problems.join('; ')}` : ''}`,
      };
    },
  );
});
