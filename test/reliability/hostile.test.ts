// Hostile values: API keys and profile values made to break out of every quoting context an
// installer has (POSIX sh, the inlined JavaScript, PowerShell, cmd). Each must arrive exactly — in
// settings.json, in what the installer prints — or be refused cleanly; nothing in them may run.
// install.sh runs on fake machines (dash, and mksh/posh where printf is an external program),
// install.cmd under Wine's cmd with a real Windows node.exe, install.ps1 under pwsh (traced with strace), and parsed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { BakedProfile } from '../../src/configure/baked-profile.js';
import type { FakeMachine, MachineOptions } from '../support/fake-machine.js';
import { runInPty } from '../../src/harness/pty.js';
import { installerEnv, runInstaller, type InstallerRun } from '../support/run-installer.js';
import { checkCmd, formatCmdFinding } from '../../src/lint/cmd.js';
import { checkPowerShell, formatPsFinding } from '../../src/lint/powershell.js';
import { powershellParser, walkTree as walk, type TsNode } from '../../src/lint/powershell-parser.js';
import { loadCatalog, runtimePlaceholders } from '../../src/messages/catalog.js';
import { UserError } from '../../src/errors.js';
import { resolveProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/schema.js';
import { CMD_PAYLOAD_MARKER } from '../../src/render/cmd-bootstrap.js';
import { CCENV_VERSION } from '../../src/version.js';
import { renderForTest } from '../support/render.js';
import { shellByName } from '../../src/harness/shells.js';
import { cachePath, ensureCacheDir } from '../../src/harness/cache.js';
import { ensureWinNodeMirror } from '../../src/harness/wine/node-win-mirror.js';
import { ensureWinePrefix, missingWine, runWine, startWineServer, windowsPath, type WinePrefix, type WineRun } from '../../src/harness/wine/prefix.js';
import { repoPath } from '../../src/paths.js';
import { readyMachine, ZHIPU_SCRIPT } from '../support/installer-machine.js';
import { describeConfig, reliabilityCase, snapshotConfig, type ConfigPaths, type ConfigSnapshot, type FileVerdict } from './case.js';
import { BASE_URL, KEY, said } from './install-run.js';
import { SEED, sample } from '../support/random.js';
import { NO_PWSH, PWSH } from '../support/run-ps1.js';
import { installPs1, PS1, PS1_FILE, runPs1File } from './ps1-run.js';

const AREA = 'hostile values' as const;
const PRIOR_SETTINGS = '{\n  "model": "opus",\n  "env": {\n    "FOO": "bar"\n  }\n}\n';
/** Outside every fake machine: a command smuggled in a value that ran would create it. */
const WORK = mkdtempSync(path.join(tmpdir(), 'ccenv-hostile-'));
const CANARY = path.join(WORK, 'canary');
/** The same for a cmd command (echo.>file) run under Wine. */
const CMD_CANARY = path.join(WORK, 'canary-cmd');
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

// ---- fake machines ----

interface Machine extends FakeMachine {
  files: ConfigPaths;
  claudeDir: string;
}

const made: FakeMachine[] = [];
afterEach(() => {
  while (made.length) made.pop()?.dispose();
});

async function machine(opts: MachineOptions = {}): Promise<Machine> {
  const m = await readyMachine(opts);
  made.push(m);
  const claudeDir = path.join(m.home, '.claude');
  return Object.assign(m, { claudeDir, files: { settings: path.join(claudeDir, 'settings.json'), state: path.join(m.home, '.claude.json') } });
}

function putSettings(m: Machine, text: string): void {
  mkdirSync(m.claudeDir, { recursive: true });
  writeFileSync(m.files.settings, text);
}


const firstSentence = (text: string): string => text.replace(/(\.)\s.*$/s, '$1');

// ---- 1. hostile keys ----

const PRINTABLE_NO_SPACE = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));

/** Printable ASCII without spaces (what a key may hold), each group aimed at one interpreter. */
const KEYS = {
  sh: `-n'"$\\\`;&|<>*?(){}[]~#!%$(id>${CANARY})\`id>${CANARY}\`;id>${CANARY};|id>${CANARY}&&id>${CANARY}\${HOME}$((6*7))\\n\\c`,
  js: `sk-\${process.exit(9)}\\u2028\\u0000</script><!--"+require('fs').writeFileSync('${CANARY}','x')+"'\\\\\\'//*/`,
  powershell: "sk-$env:PATH`n`0@(1)$(calc);#<#'@\"@$null;exit",
  cmd: 'sk-%PATH%!PATH!^&|"<>%%~dp0%1^^&echo>nul"&exit/b9',
  tenKb: `sk-${sample(fc.string({ unit: PRINTABLE_NO_SPACE, minLength: 10237, maxLength: 10237 }), 1)[0]}`,
};

interface KeyRun {
  r: InstallerRun;
  config: FileVerdict;
  /** What the observed file state says, with anything that must never happen added. */
  files: string;
}

async function installWithKey(m: Machine, key: string, shell: string): Promise<KeyRun> {
  rmSync(CANARY, { force: true });
  const before = snapshotConfig(m.files);
  const r = await runInstaller({ shell: shellByName(shell), machine: m, script: ZHIPU_SCRIPT(), env: { CCENV_API_KEY: key, CCENV_YES: '1', CCENV_LANG: 'en' } });
  const config = describeConfig(before, snapshotConfig(m.files), key, BASE_URL);
  const extra: string[] = [];
  if (existsSync(CANARY)) extra.push('a command in the key ran');
  const argv = existsSync(m.argvLog) ? readFileSync(m.argvLog, 'utf8') : '';
  if (`${r.stdout}${r.stderr}`.includes(key)) extra.push('the key was printed');
  if (argv.includes(key)) extra.push('the key was on a command line');
  return { r, config, files: [config.state, ...extra].join('; ') };
}

function acceptedKey(title: string, key: string, shell = 'dash'): void {
  reliabilityCase(
    { area: AREA, title, target: `install.sh under ${shell}`, expected: { exit: 0, files: 'settings.json merged; .claude.json created' } },
    async () => {
      const m = await machine({ logArgv: true });
      putSettings(m, PRIOR_SETTINGS);
      const { r, config, files } = await installWithKey(m, key, shell);
      expect(r.stderr).toBe('');
      const commands = readFileSync(m.argvLog, 'utf8').split('\n').filter(Boolean).length;
      return {
        observed: { exit: r.exitCode, files },
        lostBytes: config.lostBytes,
        detail: `${key.length} characters, equal in settings.json; not printed, on none of ${commands} command lines; the canary command never ran`,
      };
    },
  );
}

function refusedKey(title: string, key: string, position: number, codePoint: string): void {
  reliabilityCase(
    { area: AREA, title, target: 'install.sh under dash', expected: { exit: 2, files: 'settings.json unchanged; .claude.json absent' } },
    async () => {
      const m = await machine();
      putSettings(m, PRIOR_SETTINGS);
      const { r, config, files } = await installWithKey(m, key, 'dash');
      expect(r.stderr).toContain(`position ${position}: ${codePoint}`);
      expect(existsSync(path.join(m.claudeDir, 'ccenv'))).toBe(false);
      return { observed: { exit: r.exitCode, files }, lostBytes: config.lostBytes, detail: firstSentence(said(r.stderr, m)) };
    },
  );
}

describe('hostile keys through install.sh', () => {
  acceptedKey('key with shell metacharacters and $(…), `…`, ; | && injections', KEYS.sh);
  acceptedKey('key with shell metacharacters, mksh (printf is external)', KEYS.sh, 'mksh');
  acceptedKey('key with shell metacharacters, posh (printf is external)', KEYS.sh, 'posh');
  acceptedKey('key with JavaScript: ${…}, \\u2028 as text, </script>, backslashes', KEYS.js);
  acceptedKey('key with PowerShell: $env:PATH, backticks, @(, ;, #', KEYS.powershell);
  acceptedKey('key with cmd: %PATH%, !PATH!, ^, &, |, "', KEYS.cmd);
  acceptedKey('a 10 kB key of every printable character', KEYS.tenKb);

  refusedKey('key with a newline in the middle', 'sk-abc\ndef123', 7, 'U+000A');
  refusedKey('key with a control character (ESC)', 'sk-abc\x1b[31mdef', 7, 'U+001B');
  refusedKey('key with a full-width character', 'sk-ab\uff43def123', 6, 'U+FF43');
  refusedKey('key with a line separator (U+2028)', 'sk-abc\u2028def', 7, 'U+2028');
});

// ---- install.cmd under Wine ----

/**
 * The shared Wine prefix, a Windows node.exe (Node 22) and a claude.cmd stand-in on WINEPATH. Each
 * run gets a CLAUDE_CONFIG_DIR of its own: other test files using the prefix at the same time and
 * these runs never touch each other's files.
 */
interface Wine {
  prefix: WinePrefix;
  path: string[];
  work: string;
}

let wine: Promise<Wine> | undefined;
function wineSetup(): Promise<Wine> {
  wine ??= (async () => {
    // A prefix of its own: install-cmd.test.ts, running beside it, resets the shared one's user files.
    const [prefix, mirror] = await Promise.all([ensureWinePrefix('reliability'), ensureWinNodeMirror()]);
    await startWineServer(prefix);
    // the same cache folder install-cmd.test.ts fills: node.exe and npm unpacked from the mirror's zip
    const nodeBin = await ensureCacheDir(cachePath('node-win-bin', mirror.version), async (tmp) => {
      execFileSync('bsdtar', ['-xf', mirror.zip, '-C', tmp, '--strip-components=1'], { stdio: 'ignore' });
    });
    const work = path.join(WORK, 'wine');
    const claude = path.join(work, 'claude-bin');
    mkdirSync(claude, { recursive: true });
    writeFileSync(path.join(claude, 'claude.cmd'), '@echo off\r\necho 2.1.330 (Claude Code)\r\n');
    return { prefix, path: [windowsPath(nodeBin), windowsPath(claude)], work };
  })();
  return wine;
}

interface CmdRun {
  run: WineRun;
  files: ConfigPaths;
  before: ConfigSnapshot;
}

let cmdRuns = 0;
/** install.cmd --yes (zhipu's, or `file`) in a config folder of its own, which holds `prior` if given. */
async function installCmd(key: string | undefined, opts: { file?: string; prior?: string; env?: Record<string, string> } = {}): Promise<CmdRun> {
  const w = await wineSetup();
  const dir = path.join(w.work, `run-${++cmdRuns}`);
  const config = path.join(dir, 'claude');
  mkdirSync(config, { recursive: true });
  const files = { settings: path.join(config, 'settings.json'), state: path.join(config, '.claude.json') };
  if (opts.prior !== undefined) writeFileSync(files.settings, opts.prior);
  const file = opts.file ?? path.join(dir, 'install.cmd');
  if (!opts.file) writeFileSync(file, readFileSync(repoPath('dist', 'zhipu', 'install.cmd')));
  const env: Record<string, string> = { CLAUDE_CONFIG_DIR: windowsPath(config), CCENV_LANG: 'en', CCENV_NO_MODIFY_PATH: '1', ...opts.env };
  if (key !== undefined) env['CCENV_API_KEY'] = key;
  const before = snapshotConfig(files);
  const run = await runWine(w.prefix, ['cmd', '/c', windowsPath(file), '--yes'], { env, path: w.path, cwd: dir });
  return { run, files, before };
}

/** Every group at once (a Wine run costs seconds), plus a cmd command that would leave a file behind. */
const CMD_KEY = `${KEYS.powershell}${KEYS.cmd}&echo.>${windowsPath(CMD_CANARY)}&${KEYS.js.replace(CANARY, windowsPath(CMD_CANARY))}|${KEYS.sh.replace(/^-n/, '')}`;

describe.skipIf(missingWine())('hostile keys through install.cmd (Wine)', () => {
  beforeAll(() => wineSetup(), 600_000);

  const accepted = (title: string, key: string) =>
    reliabilityCase(
      { area: AREA, title, target: 'install.cmd under Wine cmd', expected: { exit: 0, files: 'settings.json merged; .claude.json created' }, timeoutMs: 120_000 },
      async () => {
        rmSync(CMD_CANARY, { force: true });
        const { run, files, before } = await installCmd(key, { prior: PRIOR_SETTINGS });
        const config = describeConfig(before, snapshotConfig(files), key, BASE_URL);
        const extra: string[] = [];
        if (existsSync(CMD_CANARY)) extra.push('a command in the key ran');
        if (`${run.stdout}${run.stderr}`.includes(key)) extra.push('the key was printed');
        expect(run.stderr).toBe('');
        return {
          observed: { exit: run.code, files: [config.state, ...extra].join('; ') },
          lostBytes: config.lostBytes,
          detail: `${key.length} characters, equal in settings.json; not printed; the canary command never ran`,
        };
      },
    );

  accepted('install.cmd: a 10 kB key with sh, JS, PowerShell and cmd metacharacters', `${CMD_KEY}${KEYS.tenKb}`);

  reliabilityCase(
    { area: AREA, title: 'install.cmd: key with a newline in the middle', target: 'install.cmd under Wine cmd', expected: { exit: 2, files: 'settings.json unchanged; .claude.json absent' }, timeoutMs: 120_000 },
    async () => {
      const key = 'sk-abc\ndef&echo.>' + windowsPath(CMD_CANARY);
      rmSync(CMD_CANARY, { force: true });
      const { run, files, before } = await installCmd(key, { prior: PRIOR_SETTINGS });
      const config = describeConfig(before, snapshotConfig(files), key, BASE_URL);
      expect(run.stderr).toContain('position 7: U+000A');
      const extra = existsSync(CMD_CANARY) ? ['a command in the key ran'] : [];
      return { observed: { exit: run.code, files: [config.state, ...extra].join('; ') }, lostBytes: config.lostBytes, detail: firstSentence(run.stderr.trim().split(/\r?\n/)[0] ?? '') };
    },
  );
});

// ---- install.ps1: parsed (a static check besides the traced runs below) ----

function ancestors(node: TsNode): string[] {
  const out: string[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p.type);
  return out;
}

/**
 * Where install.ps1 holds the key: $env:CCENV_API_KEY, and every variable assigned from it or from
 * the typed SecureString (PtrToStringBSTR). None of them may be an argument of a command or a method,
 * sit in an expandable string, or feed a pipeline: the key reaches node only through the environment.
 */
function keyUsesInPs1(root: TsNode): { uses: number; bad: string[]; holders: string[] } {
  const tainted = new Set(['$env:ccenv_api_key']);
  const assignments: TsNode[] = [];
  walk(root, (n) => {
    if (n.type === 'assignment_expression') assignments.push(n);
  });
  for (let changed = true; changed; ) {
    changed = false;
    for (const a of assignments) {
      const left = (a.child(0)?.text ?? '').trim().toLowerCase();
      const right = (a.child(2)?.text ?? '').toLowerCase();
      // a variable or one property of one ($State.Key)
      if (!/^\$[\w:]+(\.\w+)?$/.test(left) || tainted.has(left)) continue;
      const vars: string[] = right.match(/\$[\w:]+(\.\w+)?/g) ?? [];
      const source = /ptrtostringbstr|getenvironmentvariable\('ccenv_api_key'\)|read-ccenvhiddenline|read-ccenvpipedkey/.test(right);
      if (source || vars.some((v) => tainted.has(v))) {
        tainted.add(left);
        changed = true;
      }
    }
  }
  let uses = 0;
  const bad: string[] = [];
  walk(root, (n) => {
    const name = n.type === 'member_access' ? n.text.toLowerCase() : n.type === 'variable' && n.parent?.type !== 'member_access' ? n.text.toLowerCase() : '';
    if (!tainted.has(name)) return;
    uses++;
    const up = ancestors(n);
    // the one method taking it: putting the caller's own key back into the environment (the design)
    const lineText = root.text.split('\n')[n.startPosition.row] ?? '';
    if (/^\s*\[Environment\]::SetEnvironmentVariable\('CCENV_API_KEY', \$State\.Key\)\s*$/.test(lineText)) return;
    // a function's own parameter of the same name is another variable (names are per scope)
    let fn = n.parent;
    while (fn && fn.type !== 'function_statement') fn = fn.parent;
    const own = name.replace(/\..*$/, '').slice(1);
    if (fn && new RegExp(`param\\((?:[^()]|\\([^()]*\\))*\\$${own}\\b`, 'i').test(fn.text)) return;
    const where = `line ${n.startPosition.row + 1}: ${n.text}`;
    if (up.includes('command_elements')) bad.push(`${where} is a command argument`);
    else if (up.includes('argument_list')) bad.push(`${where} is a method argument`);
    else if (up.some((t) => t.startsWith('expandable_'))) bad.push(`${where} is inside an expandable string`);
    else if (inPipeWithCommand(n)) bad.push(`${where} is piped into a command`);
  });
  return { uses, bad, holders: [...tainted] };
}

/** True when the node is in a pipeline of more than one element (`$x | node -`). */
function inPipeWithCommand(n: TsNode): boolean {
  for (let p = n.parent; p && p.type !== 'statement_list'; p = p.parent) {
    if (p.type !== 'pipeline_chain' && p.type !== 'pipeline') continue;
    for (let i = 0; i < p.childCount; i++) if (p.child(i)?.type === '|') return true;
  }
  return false;
}

describe('hostile keys and install.ps1', () => {
  reliabilityCase(
    {
      area: AREA,
      title: 'install.ps1: the key only ever in $env:CCENV_API_KEY',
      target: 'install.ps1, parsed (static; the traced runs above execute it)',
      expected: { exit: 0, files: 'not run; the key never an argument, in a string or a pipe' },
    },
    async () => {
      const text = readFileSync(repoPath('dist', 'zhipu', 'install.ps1'), 'utf8');
      const gate = await checkPowerShell([{ name: 'zhipu/install.ps1', text }]);
      const tree = (await powershellParser()).parse(text);
      if (!tree) throw new Error('tree-sitter gave up on install.ps1');
      const { uses, bad, holders } = keyUsesInPs1(tree.rootNode);
      tree.delete();
      expect(bad, "the real script").toEqual([]);
      expect(uses).toBeGreaterThan(5);
      // the check itself: each way of leaking the key, added to the real script, is found
      const leaks = ['& $NodeExe $typed', 'Write-Host "key: $typed"', '[Console]::WriteLine($env:CCENV_API_KEY)', "$env:CCENV_API_KEY | & $NodeExe '-'"];
      for (const leak of leaks) {
        const mutated = (await powershellParser()).parse(text.replace(/^(\s*)\$typed = \$null$/m, (line, indent: string) => `${indent}${leak}\n${line}`));
        expect(mutated && keyUsesInPs1(mutated.rootNode).bad, leak).toHaveLength(1);
        mutated?.delete();
      }
      return {
        observed: { exit: gate.length === 0 ? 0 : 1, files: bad.length === 0 ? 'not run; the key never an argument, in a string or a pipe' : `not run; ${bad.join('; ')}` },
        lostBytes: 0,
        detail: `static, besides the traced runs: the ps1 gate (tree-sitter parse, ASCII, rules) ${gate.length === 0 ? 'passes' : `finds ${gate.length} problems`}; ${uses} uses of ${holders.join(', ')}: conditions and assignments only`,
      };
    },
  );
});

// ---- install.ps1 executed under pwsh, every program it starts traced ----

/** Every group at once, 10 kB long, with PowerShell commands that would leave the canary behind. */
const PS1_KEY = `${KEYS.powershell}$(ni('${CANARY}'))';ni('${CANARY}');'";ni('${CANARY}');"${KEYS.cmd}${KEYS.js}|${KEYS.sh.replace(/^-n/, '')}${KEYS.tenKb}`.slice(0, 10240);

/** One execve of `strace -f -v -xx`: every string in hex, so quotes and brackets in a value stay values. */
interface TracedExec {
  path: string;
  argv: string[];
  env: string[];
}

const unhex = (s: string): string => Buffer.from(s.replace(/\\x([0-9a-f]{2})/g, '$1'), 'hex').toString('utf8');
const strings = (list: string): string[] => [...list.matchAll(/"((?:\\x[0-9a-f]{2})*)"/g)].map((x) => unhex(x[1]!));

function parseHexExecs(log: string): { execs: TracedExec[]; lines: number } {
  const lines = log.split('\n').filter((l) => l.includes('execve('));
  const execs = lines.flatMap((l) => {
    const m = /execve\("((?:\\x[0-9a-f]{2})*)", \[([^\]]*)\], (?:\[([^\]]*)\])?/.exec(l);
    return m ? [{ path: unhex(m[1]!), argv: strings(m[2]!), env: strings(m[3] ?? '') }] : [];
  });
  return { execs, lines: lines.length };
}

const traceArgs = (log: string): string[] => [STRACE_BIN, '-f', '-qq', '-v', '--seccomp-bpf', '-xx', '-s', '100000', '-e', 'trace=execve', '-o', log];
const STRACE_BIN = '/usr/bin/strace';
const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

describe.skipIf(!PWSH || !existsSync(STRACE_BIN))(`hostile keys through install.ps1 under pwsh, traced${PWSH ? '' : ` — ${NO_PWSH}`}`, () => {
  for (const how of ['env', 'piped'] as const) {
    reliabilityCase(
      {
        area: AREA,
        title: `install.ps1: a 10 kB key with sh, JS, PowerShell and cmd metacharacters, ${how === 'env' ? 'in CCENV_API_KEY' : 'piped on stdin'}`,
        target: `${PS1} under strace -f -v -e trace=execve`,
        expected: { exit: 0, files: 'settings.json merged; .claude.json created; key in no argv, only in the configure program\'s environment' },
        timeoutMs: 120_000,
      },
      async () => {
        const m = await machine();
        putSettings(m, PRIOR_SETTINGS);
        rmSync(CANARY, { force: true });
        const log = path.join(WORK, `ps1-${how}.strace`);
        const r = await installPs1(m, {
          wrap: traceArgs(log),
          key: PS1_KEY,
          ...(how === 'env' ? { env: { CCENV_API_KEY: PS1_KEY, CCENV_LANG: 'en' } } : { env: { CCENV_API_KEY: undefined, CCENV_YES: undefined, CCENV_LANG: 'en' }, stdin: `${PS1_KEY}\n` }),
        });
        expect(r.stderr).toBe('');
        const { execs, lines } = parseHexExecs(readFileSync(log, 'utf8'));
        expect(execs.length, 'every execve line understood').toBe(lines);
        // the control: the same trace sees a key handed to a program, in its argv and its environment
        const control = path.join(WORK, `ps1-${how}.control`);
        execFileSync(traceArgs(control)[0]!, [...traceArgs(control).slice(1), '/bin/sh', '-c', ':', PS1_KEY], { env: { CCENV_API_KEY: PS1_KEY } });
        const seen = parseHexExecs(readFileSync(control, 'utf8')).execs.find((e) => baseName(e.path) === 'sh');
        expect(seen?.argv.includes(PS1_KEY) && seen.env.includes(`CCENV_API_KEY=${PS1_KEY}`), 'the control trace shows the key').toBe(true);

        // pwsh as the test started it (its starter script, then dotnet pwsh.dll) had the key in the env case
        const launch = (e: TracedExec) => e.argv.includes(PS1_FILE) && (baseName(e.path) === 'pwsh' || e.argv.some((a) => a.endsWith('pwsh.dll')));
        const configure = (e: TracedExec) => baseName(e.path) === 'node' && e.argv[1] === '-';
        const holds = (e: TracedExec) => e.env.some((v) => v.includes(PS1_KEY));
        const started = execs.filter((e) => !launch(e));
        const inArgv = execs.filter((e) => e.argv.some((a) => a.includes(PS1_KEY)) || e.path.includes(PS1_KEY));
        const inEnv = started.filter((e) => holds(e) && !configure(e));
        const configureRuns = started.filter(configure);
        const launchHeld = execs.filter((e) => launch(e) && holds(e)).length;
        const problems = [
          ...inArgv.map((e) => `key in the argv of ${baseName(e.path)}`),
          ...inEnv.map((e) => `key in the environment of ${e.argv.slice(0, 2).join(' ')}`),
          ...(configureRuns.length > 0 && configureRuns.every(holds) ? [] : ['the configure program did not get the key']),
          ...(how === 'piped' && launchHeld > 0 ? ['pwsh itself had a piped key in its environment'] : []),
          ...(existsSync(CANARY) ? ['a command in the key ran'] : []),
          ...(`${r.stdout}${r.stderr}`.includes(PS1_KEY) ? ['the key was printed'] : []),
        ];
        const holding = snapshotFiles(m.root).filter(([, bytes]) => bytes.includes(PS1_KEY) || bytes.includes(JSON.stringify(PS1_KEY).slice(1, -1))).map(([rel]) => rel);
        for (const rel of holding) if (!/^home\/\.claude\/(settings\.json|ccenv\/backups\/[^/]+)$/.test(rel)) problems.push(`key in ${rel}`);
        const programs = started.map((e) => `${baseName(e.path)} ${e.argv[1] ?? ''}`.trim());
        return {
          observed: { exit: r.exitCode, files: [r.config.state, problems.length === 0 ? "key in no argv, only in the configure program's environment" : problems.join('; ')].join('; ') },
          lostBytes: r.config.lostBytes,
          detail: `${PS1_KEY.length} characters, equal in settings.json; the installer started ${started.length} programs (${[...new Set(programs)].join(', ')}), the key in the environment of the configure program only; ${how === 'env' ? `pwsh itself started with it (${launchHeld} execs: the test's own launch)` : 'never in pwsh\'s own environment'}; not printed; no canary; files holding it: ${holding.map((f) => f.replace(/^home\//, '~/')).join(', ')}; the control trace caught a key in an argv and an environment`,
        };
      },
    );
  }

  reliabilityCase(
    { area: AREA, title: 'install.ps1: key with a newline in the middle', target: PS1, expected: { exit: 2, files: 'settings.json unchanged; .claude.json absent' } },
    async () => {
      const m = await machine();
      putSettings(m, PRIOR_SETTINGS);
      rmSync(CANARY, { force: true });
      const key = `sk-abc\ndef;ni('${CANARY}')`;
      const r = await installPs1(m, { env: { CCENV_API_KEY: key, CCENV_LANG: 'en' }, key });
      expect(r.stderr).toContain('7');
      const extra = existsSync(CANARY) ? ['a command in the key ran'] : [];
      return { observed: { exit: r.exitCode, files: [r.config.state, ...extra].join('; ') }, lostBytes: r.config.lostBytes, detail: firstSentence(said(r.stderr, m)) };
    },
  );
});

/** Every file under dir (links not followed) with its bytes, as [relative path, bytes]. */
function snapshotFiles(dir: string, rel = ''): [string, Buffer][] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((d): [string, Buffer][] => {
    const r = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) return snapshotFiles(dir, r);
    return d.isFile() ? [[r, readFileSync(path.join(dir, r))]] : [];
  });
}

// ---- a NUL typed at the prompt ----

const KEY_PROMPT = 'Enter your Zhipu GLM Coding Plan API key';

/**
 * A NUL cannot be in an environment variable; at the terminal it is Ctrl-@ (Ctrl-Space without an
 * input method). It never belongs to a key: the shell drops it and the rest of the line, as typed,
 * is the key (the same in every shell, not cut short at the NUL).
 */
function nulAtPrompt(shell: string, argv: string): void {
  reliabilityCase(
    { area: AREA, title: `key typed with a NUL (Ctrl-@) in the middle, ${shell}`, target: `install.sh on a terminal (cat | ${shell})`, expected: { exit: 0, files: 'settings.json created; .claude.json created' } },
    async () => {
      const m = await machine();
      const before = snapshotConfig(m.files);
      const r = await runInPty(`cat "$SCRIPT" | ${argv}`, {
        env: { ...installerEnv(m), SCRIPT: repoPath('dist', 'zhipu', 'install.sh') },
        answers: [
          { when: KEY_PROMPT, send: 'sk-nul\x00key-123456\r' },
          { when: /\[y\/N\] /, send: '\r' },
          { when: /\[y\/N\] /, send: '\r' }, // the MCP servers
        ],
      }).catch((e: Error) => {
        // the model or MCP question never came: the installer ended first, with this code
        const ended = /^pty: exited \((\d+)\) before prompt[^\n]*\n([\s\S]*)$/.exec(e.message);
        if (!ended) throw e;
        return { exitCode: Number(ended[1]), transcript: ended[2] as string };
      });
      const config = describeConfig(before, snapshotConfig(m.files), 'sk-nulkey-123456', BASE_URL);
      const extra = r.transcript.includes('key-123456') ? ['the key was shown'] : [];
      let landed = '(none)';
      try {
        landed = String((JSON.parse(readFileSync(m.files.settings, 'utf8')) as { env: Record<string, unknown> }).env['ANTHROPIC_AUTH_TOKEN']);
      } catch {
        // no settings.json: the state words say so
      }
      return {
        observed: { exit: r.exitCode, files: [config.state, ...extra].join('; ') },
        lostBytes: config.lostBytes,
        detail: `typed sk-nul^@key-123456; settings.json holds ${JSON.stringify(landed)}${r.exitCode === 0 ? '' : `; ${r.transcript.trim().split(/\r?\n/).at(-1)}`}`,
      };
    },
  );
}

describe('a NUL at the prompt', () => {
  nulAtPrompt('dash', '/usr/bin/dash');
  nulAtPrompt('zsh', '/usr/bin/zsh --emulate sh');
  nulAtPrompt('yash', '/usr/bin/yash');
});

// ---- 2. hostile profile values: one property, three targets ----

/** Fragments each language gives a meaning to; most are values a profile may hold. */
const FRAGMENTS = [
  // POSIX sh and printf
  "'", '"', '$', '`', '\\', ';', '&', '|', '<', '>', '*', '?', '(', ')', '[', ']', '~', '#', '!', '=', '-n', '--',
  `$(id>${CANARY})`, `\`id>${CANARY}\``, '${HOME}', '$((6*7))', '%s', '%%', '%b', '\\n', '\\c', "'\\''", '\\055',
  // JavaScript
  '${x}', '</script>', '\\u2028', '*/', '"+x+"', '\\\\',
  // PowerShell
  '$env:PATH', '`n', '`0', '@(', "@'", "'@", '"@', '$(calc)', '<#', '#>', '$null', "''",
  // cmd
  '%PATH%', '%1', '!x!', 'Go!Go!', '^', '^^', '&&', '||', '2>&1', '&rem', ':label', '%%x', `&echo.>${windowsPath(CMD_CANARY)}&`,
  // Unicode
  '\u2018', '\u2019', '\u201c', '\u201d', '\u201e', '\u667a\u8c31', '\u4e2d\u6587', '\uff41', '\ud83d\ude00', '\u00a0', '\u3000', 'e\u0301', '\u202e', '\u2028', '\u2029',
  ' ', 'x', 'A', '0',
];
/** Fragments the schema should refuse somewhere (line breaks, braces, NUL) or install.cmd cannot print next to a run-time value. */
const RARE = ['\n', '\r', '{', '}', '{provider}', '{choices}', '\0', '\t', '%A', '%~dp0', '%%B', '%CCENV_API_KEY%'];
/** A URL path can hold these (quotes, spaces, braces and backslashes make it invalid). */
const URL_FRAGMENTS = ['$(id)', ';', '&', '|', '<', '>', '%20', '%E4%B8%AD', '%PATH%', '%CCENV_API_KEY%', '^', '!', '*', '~', '$env:PATH', '@', '=', '?a=1&b=2', '#x', '\u4e2d\u6587', 'x'];
const URL_RARE = ["'", '"', ' ', '\\', '{', '`'];

function text(common: readonly string[], rare: readonly string[], max: number): fc.Arbitrary<string> {
  const fragment = fc.oneof({ weight: 60, arbitrary: fc.constantFrom(...common) }, { weight: 1, arbitrary: fc.constantFrom(...rare) });
  return fc.array(fragment, { minLength: 1, maxLength: max }).map((parts) => parts.join(''));
}

/** Display names and model names may not hold braces (message placeholders); env values may. */
const NAME_FRAGMENTS = FRAGMENTS.filter((f) => !/[{}]/.test(f));
const ASCII_FRAGMENTS = NAME_FRAGMENTS.filter((f) => /^[\x21-\x7e]+$/.test(f));
const ENV_NAMES = ['CCENV_TEST_A', 'CCENV_TEST_B', 'HTTPS_PROXY', 'NO_PROXY'];

interface Sample {
  data: Record<string, unknown>;
  /** The language of the full install run. */
  lang: 'en' | 'zh';
}

const sampleArb: fc.Arbitrary<Sample> = fc
  .record({
    en: text(NAME_FRAGMENTS, RARE, 8),
    zh: text(NAME_FRAGMENTS, RARE, 8),
    keyPath: text(URL_FRAGMENTS, URL_RARE, 5),
    basePath: text(URL_FRAGMENTS, URL_RARE, 3),
    env: fc.array(fc.tuple(fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...ENV_NAMES) }, { weight: 1, arbitrary: fc.constantFrom('lower_case', 'A-B', 'ANTHROPIC_API_KEY') }), text(FRAGMENTS, RARE, 8)), { maxLength: 3 }),
    models: fc.option(fc.record({ enabledByDefault: fc.boolean(), opus: text(ASCII_FRAGMENTS, [...RARE, ' ', '\u00e9'], 5), sonnet: text(ASCII_FRAGMENTS, RARE, 3), haiku: text(ASCII_FRAGMENTS, RARE, 3) }, { noNullPrototype: true }), { freq: 4 }),
    source: text(NAME_FRAGMENTS, RARE, 6),
    lang: fc.constantFrom('en' as const, 'zh' as const),
  }, { noNullPrototype: true })
  .map((r) => ({
    lang: r.lang,
    data: {
      id: 'hostile',
      name: { en: r.en, zh: r.zh },
      baseUrl: `https://api.example.com/${r.basePath}/anthropic`,
      keyUrl: `https://keys.example.com/${r.keyPath}`,
      env: Object.fromEntries(r.env),
      ...(r.models ? { models: r.models } : {}),
      node: { minimum: 22 },
      provenance: { baseUrl: { source: r.source } },
    },
  }));

const PROFILES = 40;
const CATALOG = loadCatalog();

/** A catalog text with the profile's values put in (run-time placeholders stay as {name}). */
function expectedText(p: Profile, id: string, lang: 'en' | 'zh'): string {
  const raw = CATALOG[id]?.[lang];
  if (raw === undefined) throw new Error(`no message ${id}`);
  const values: Record<string, string> = {
    provider: p.name[lang],
    key_url: p.keyUrl,
    base_url: p.baseUrl,
    profile: p.id,
    version: CCENV_VERSION,
    node_min: String(p.node.minimum),
    model_opus: p.models?.opus ?? '',
    model_sonnet: p.models?.sonnet ?? '',
    model_haiku: p.models?.haiku ?? '',
  };
  return raw.replace(/\{([a-z_]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The messages every installer carries that hold the profile's values. */
function valueMessages(p: Profile): string[] {
  return ['banner', 'summary_done', 'no_key_yes', 'key_prompt', ...(p.models ? ['models_prompt'] : [])];
}

/** settings.json's env after an install with KEY and --yes. */
function expectedEnv(p: Profile): Record<string, string> {
  const m = p.models;
  return {
    ANTHROPIC_AUTH_TOKEN: KEY,
    ANTHROPIC_BASE_URL: p.baseUrl,
    ...p.env,
    ...(m?.enabledByDefault ? { ANTHROPIC_DEFAULT_OPUS_MODEL: m.opus, ANTHROPIC_DEFAULT_SONNET_MODEL: m.sonnet, ANTHROPIC_DEFAULT_HAIKU_MODEL: m.haiku } : {}),
  };
}

/** The plan an installer hands its configure program must carry the profile's values exactly. */
function checkPlan(p: Profile, plan: BakedProfile, where: string): void {
  const models = p.models ? { opus: p.models.opus, sonnet: p.models.sonnet, haiku: p.models.haiku } : {};
  expectSame(plan.providerName, p.name, `${where}: providerName`);
  expectSame(plan.env, { ANTHROPIC_BASE_URL: p.baseUrl, ...p.env }, `${where}: env`);
  expectSame(plan.models, models, `${where}: models`);
  for (const id of Object.keys(CATALOG).filter((i) => i.startsWith('cfg_'))) {
    for (const lang of ['en', 'zh'] as const) expectSame(plan.messages[lang][id], expectedText(p, id, lang), `${where}: message ${lang}.${id}`);
  }
}

/** A property failure: what differed, and the exit code seen (if anything ran). */
class Mismatch extends Error {
  constructor(
    message: string,
    readonly exit: number | null = null,
  ) {
    super(message);
  }
}

function expectSame(actual: unknown, expected: unknown, what: string, exit: number | null = null): void {
  if (isDeepStrictEqual(actual, expected)) return;
  const [a, e] = [JSON.stringify(actual) ?? 'undefined', JSON.stringify(expected) ?? 'undefined'];
  // from a little before the first difference
  let i = 0;
  while (i < a.length && a[i] === e[i]) i++;
  const from = Math.max(0, i - 40);
  throw new Mismatch(`${what}: …${a.slice(from, i + 80)} instead of …${e.slice(from, i + 80)}`, exit);
}

interface Classified {
  profile?: Profile;
  refusal?: string;
}

/** As `ccenv validate` does: the YAML file, loaded and checked against the schema. */
function classify(sample: Sample): Classified {
  const dir = mkdtempSync(path.join(WORK, 'profile-'));
  const file = path.join(dir, 'hostile.yaml');
  const yaml = stringifyYaml(sample.data);
  expectSame(parseYaml(yaml), sample.data, 'the YAML written for the profile');
  writeFileSync(file, yaml);
  try {
    return { profile: resolveProfile(file) };
  } catch (e) {
    if (e instanceof UserError) return { refusal: (e.message.split('\n')[0] ?? '').replace(`${file}: `, '') };
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function build(p: Profile, target: 'sh' | 'ps1' | 'cmd'): Promise<string> {
  try {
    return await renderForTest(p, target);
  } catch (e) {
    throw new Mismatch(`the schema accepts it but the ${target} build fails: ${(e as Error).message.split('\n')[0]}`);
  }
}

interface Tally {
  refused: number;
  built: number;
  reasons: Map<string, number>;
}

function newTally(): Tally {
  return { refused: 0, built: 0, reasons: new Map() };
}

function refusedAs(t: Tally, why: string): void {
  t.refused++;
  const field = why.split(':')[0] ?? why;
  t.reasons.set(field, (t.reasons.get(field) ?? 0) + 1);
}

/** Runs the property over the seeded profiles; the outcome for the report. */
async function runProperty(
  body: (p: Profile, sample: Sample) => Promise<void>,
  exactWords: string,
): Promise<{ observed: { exit: number | null; files: string }; detail: string; tally: Tally }> {
  const tally = newTally();
  const details = await fc.check(
    fc.asyncProperty(sampleArb, async (sample) => {
      const c = classify(sample);
      if (!c.profile) {
        refusedAs(tally, c.refusal ?? '?');
        return;
      }
      tally.built++;
      await body(c.profile, sample);
    }),
    { seed: SEED, numRuns: PROFILES, interruptAfterTimeLimit: 120_000 },
  );
  const reasons = [...tally.reasons].map(([f, n]) => `${f} ${n}`).join(', ');
  const base = `${PROFILES} profiles (fast-check, seed ${SEED}): ${tally.built} built, ${tally.refused} refused by the schema${reasons ? ` (${reasons})` : ''}`;
  if (details.failed) {
    const err = details.errorInstance;
    const exit = err instanceof Mismatch ? err.exit : null;
    const what = err instanceof Error ? err.message : String(err);
    return {
      observed: { exit: exit ?? 1, files: `a value not carried exactly: ${what.split('\n')[0]?.slice(0, 240)}` },
      detail: `${base}; smallest failing profile: ${JSON.stringify(details.counterexample?.[0]?.data)}`,
      tally,
    };
  }
  if (details.interrupted || details.numRuns < PROFILES) {
    return { observed: { exit: null, files: `only ${details.numRuns} of ${PROFILES} profiles in the time allowed` }, detail: base, tally };
  }
  return { observed: { exit: 0, files: exactWords }, detail: base, tally };
}

// sh: the installer as users run it, and the script's own msg function for every message holding a value

const MAIN_LINE = 'main ${1+"$@"}';

/** What the script's msg function prints for these messages, both languages (everything but main). */
function shMessagesRun(script: string, shell: string, ids: string[]): string {
  const lines = script.replace(/\n+$/, '').split('\n');
  if (lines.at(-1) !== MAIN_LINE) throw new Mismatch(`install.sh does not end with ${MAIN_LINE}`);
  const calls = ids.map((id) => (id === 'models_prompt' ? `say models_prompt '[y/N]'` : `say ${id}`)).join('; ');
  const probe = [...lines.slice(0, -1), `for l in en zh; do CCENV_LANG=$l; detect_lang; ${calls}; echo --sep--; done`, ''].join('\n');
  const s = shellByName(shell);
  return execFileSync(s.argv[0] as string, s.argv.slice(1), { input: probe, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' } });
}

function expectedShMessages(p: Profile, ids: string[]): string {
  return (['en', 'zh'] as const).map((lang) => `${ids.map((id) => `${expectedText(p, id, lang).replace('{choices}', '[y/N]')}\n`).join('')}--sep--\n`).join('');
}

// ps1: messages and the configure program as the parse tree holds them

/** [regex]::Unescape for what psString writes (\\ and \uXXXX); anything else is not what the helper writes. */
function regexUnescape(s: string): string {
  return s.replace(/\\(\\|u([0-9a-fA-F]{4})|[\s\S])/g, (_m, c: string, hex?: string) => {
    if (c === '\\') return '\\';
    if (hex) return String.fromCharCode(parseInt(hex, 16));
    throw new Mismatch(`unexpected escape \\${c}`);
  });
}

/** A single-quoted PowerShell literal's value: '' is '; a lone ' would have ended it. */
function verbatim(token: string): string {
  if (!/^'[\s\S]*'$/.test(token)) throw new Mismatch(`not a single-quoted literal: ${token.slice(0, 60)}`);
  const body = token.slice(1, -1);
  if (body.replace(/''/g, '').includes("'")) throw new Mismatch(`a lone quote inside ${token.slice(0, 60)}`);
  return body.replace(/''/g, "'");
}

/** The value of a message's right-hand side: 'text' or (ConvertFrom-CcenvEscaped 'text'), nothing else. */
function psValue(rhs: TsNode): string {
  const leaves: TsNode[] = [];
  walk(rhs, (n) => {
    if (n.childCount === 0 && n.text.trim() !== '') leaves.push(n);
  });
  const shape = leaves.map((l) => l.type).join(' ');
  if (shape === 'verbatim_string_characters') return verbatim(leaves[0]!.text);
  if (shape === '( command_name verbatim_string_characters )' && leaves[1]!.text === 'ConvertFrom-CcenvEscaped') return regexUnescape(verbatim(leaves[2]!.text));
  throw new Mismatch(`a message is not one string literal: ${shape} ${rhs.text.slice(0, 80)}`);
}

/** .NET String.Format back to catalog form: {i} is the i-th run-time name, {{ and }} are braces. */
function dotnetFormat(format: string, names: string[]): string {
  return format.replace(/\{\{|\}\}|\{(\d+)\}|[{}]/g, (m, i?: string) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (i !== undefined && names[Number(i)] !== undefined) return `{${names[Number(i)]}}`;
    throw new Mismatch(`String.Format would fail on ${m} in ${format.slice(0, 80)}`);
  });
}

/** Every $Messages['<lang>.' + '<id>'] = … of install.ps1, decoded. */
function psMessages(root: TsNode): Map<string, string> {
  const out = new Map<string, string>();
  walk(root, (n) => {
    if (n.type !== 'assignment_expression') return;
    const left = /^\$Messages\['(en|zh)\.' \+ '([a-z0-9_]+)'\]$/.exec((n.child(0)?.text ?? '').trim());
    if (!left || !n.child(2)) return;
    const names = runtimePlaceholders(CATALOG[left[2] as string]?.en ?? '');
    out.set(`${left[1]}.${left[2]}`, dotnetFormat(psValue(n.child(2) as TsNode), names));
  });
  return out;
}

/** The plan literal at the end of a configure program. */
function planOf(program: string, where: string): BakedProfile {
  const m = /ccenvConfigure\.main\((\{.*\})\);\s*$/.exec(program);
  if (!m) throw new Mismatch(`${where}: no ccenvConfigure.main(<plan>) at the end`);
  // eslint-disable-next-line no-new-func
  return new Function(`return (${m[1]});`)() as BakedProfile;
}

/** The configure program: the body of $ConfigureProgram = @'…'@. */
function psConfigureProgram(root: TsNode): string {
  let program: string | undefined;
  walk(root, (n) => {
    if (n.type === 'assignment_expression' && (n.child(0)?.text ?? '').trim() === '$ConfigureProgram') {
      const leaves: TsNode[] = [];
      walk(n.child(2) as TsNode, (x) => {
        if (x.childCount === 0) leaves.push(x);
      });
      if (leaves.length === 1 && leaves[0]!.type === 'verbatim_here_string_characters') program = leaves[0]!.text.replace(/^@'\r?\n/, '').replace(/\r?\n'@$/, '');
    }
  });
  if (program === undefined) throw new Mismatch('no $ConfigureProgram here-string');
  return program;
}

// cmd: the configure program node reads, and what echo: prints

function cmdPlan(text: string): BakedProfile {
  const lines = text.split('\r\n');
  const begin = lines.indexOf(`rem ${CMD_PAYLOAD_MARKER}begin`);
  const end = lines.indexOf(`rem ${CMD_PAYLOAD_MARKER}end`);
  if (begin < 0 || end < begin) throw new Mismatch('install.cmd: no configure program between its markers');
  return planOf(lines.slice(begin + 1, end).join('\n'), 'install.cmd');
}

/** What cmd prints for message `id` (delayed expansion off): %% is %, ^c is c, %%B … the run-time values. */
function cmdEcho(text: string, lang: 'en' | 'zh', id: string): string {
  const lines = text.split('\r\n');
  const at = lines.indexOf(`:m_${lang}_${id}`);
  if (at < 0) throw new Mismatch(`install.cmd has no message ${lang}.${id}`);
  const names = runtimePlaceholders(CATALOG[id]?.en ?? '');
  const out: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (line === 'exit /b 0') break;
    if (/^for \/f /.test(line) || line === ')') continue;
    if (!line.startsWith('echo:')) throw new Mismatch(`install.cmd: ${lang}.${id} has a line that is not echo: ${line.slice(0, 80)}`);
    out.push(
      line.slice(5).replace(/%%([BDFH])|%%|\^([\s\S])|%/g, (m, v?: string, c?: string) => {
        if (v !== undefined && names.length > 0) return `{${names['BDFH'.indexOf(v)]}}`;
        if (v !== undefined) return `%${v}`;
        if (m === '%%') return '%';
        if (c !== undefined) return c;
        throw new Mismatch(`install.cmd: a lone % in ${lang}.${id} would be expanded: ${line.slice(0, 80)}`);
      }),
    );
  }
  return out.join('\n');
}

const WINE_PROFILES = 2;

describe('hostile profile values, one property across sh, ps1 and cmd', () => {
  reliabilityCase(
    { area: AREA, title: `sh: ${PROFILES} profiles`, target: 'install.sh under dash (every 4th mksh or posh)', expected: { exit: 0, files: 'settings.json created; every value exact there and on screen' }, timeoutMs: 300_000 },
    async () => {
      const ran = { dash: 0, mksh: 0, posh: 0 };
      const { observed, detail } = await runProperty(
        async (p, sample) => {
          const script = await build(p, 'sh');
          const n = ran.dash + ran.mksh + ran.posh;
          const shell = n % 8 === 3 ? 'mksh' : n % 8 === 7 ? 'posh' : 'dash';
          ran[shell]++;
          const m = await readyMachine();
          try {
            rmSync(CANARY, { force: true });
            const r = await runInstaller({ shell: shellByName(shell), machine: m, script, env: { CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_LANG: sample.lang } });
            if (r.exitCode !== 0 || r.stderr !== '') throw new Mismatch(`install.sh under ${shell}: exit ${r.exitCode}, ${r.stderr.trim().split('\n')[0]}`, r.exitCode);
            const settings = JSON.parse(readFileSync(path.join(m.home, '.claude', 'settings.json'), 'utf8')) as { env: unknown };
            expectSame(settings.env, expectedEnv(p), `settings.json env (${shell})`, r.exitCode);
            for (const id of ['banner', 'summary_done']) {
              const line = `${expectedText(p, id, sample.lang)}\n`;
              // (execa drops the last newline of what was printed)
              if (!`${r.stdout}\n`.includes(line)) throw new Mismatch(`${shell} did not print ${JSON.stringify(line)}: ${JSON.stringify(r.stdout.slice(0, 300))}`, r.exitCode);
            }
            if (existsSync(CANARY)) throw new Mismatch('a command in a profile value ran', r.exitCode);
            const ids = valueMessages(p);
            expectSame(shMessagesRun(script, shell, ids), expectedShMessages(p, ids), `messages printed by ${shell}`, r.exitCode);
          } finally {
            m.dispose();
          }
        },
        'settings.json created; every value exact there and on screen',
      );
      return { observed, lostBytes: 0, detail: `${detail}; installers run: dash ${ran.dash}, mksh ${ran.mksh}, posh ${ran.posh}; each also printed its value-holding messages in en and zh` };
    },
  );

  reliabilityCase(
    {
      area: AREA,
      title: `ps1: ${PROFILES} profiles`,
      target: `${PS1} (every 3rd built profile); every one parsed`,
      expected: { exit: 0, files: 'settings.json created; every value exact there and on screen; every string literal decodes to the exact value' },
      timeoutMs: 300_000,
    },
    async () => {
      const parser = await powershellParser();
      let built = 0;
      let ran = 0;
      const { observed, detail } = await runProperty(
        async (p, sample) => {
          const text = await build(p, 'ps1');
          const gate = await checkPowerShell([{ name: 'hostile/install.ps1', text }]);
          if (gate.length > 0) throw new Mismatch(`the ps1 gate: ${formatPsFinding(gate[0]!)}`, 1);
          const tree = parser.parse(text);
          if (!tree) throw new Mismatch('tree-sitter gave up', 1);
          try {
            const messages = psMessages(tree.rootNode);
            for (const id of valueMessages(p)) for (const lang of ['en', 'zh'] as const) expectSame(messages.get(`${lang}.${id}`), expectedText(p, id, lang), `ps1 message ${lang}.${id}`, 0);
            checkPlan(p, planOf(psConfigureProgram(tree.rootNode), 'install.ps1'), 'ps1 configure program');
          } finally {
            tree.delete();
          }
          if (!PWSH || built++ % 3 !== 0) return;
          // executed: the values on screen and in settings.json, and nothing run from them
          ran++;
          const m = await machine();
          const file = path.join(m.root, 'install.ps1');
          writeFileSync(file, text);
          rmSync(CANARY, { force: true });
          const r = await runPs1File(m, { file, env: { CCENV_LANG: sample.lang } });
          if (r.exitCode !== 0 || r.stderr !== '') throw new Mismatch(`install.ps1 under pwsh: exit ${r.exitCode}, ${r.stderr.trim().split('\n')[0]}`, r.exitCode);
          const settings = JSON.parse(readFileSync(m.files.settings, 'utf8')) as { env: unknown };
          expectSame(settings.env, expectedEnv(p), 'settings.json env (pwsh)', r.exitCode);
          for (const id of ['banner', 'summary_done']) {
            const line = `${expectedText(p, id, sample.lang)}\n`;
            if (!`${r.stdout}\n`.includes(line)) throw new Mismatch(`pwsh did not print ${JSON.stringify(line)}: ${JSON.stringify(r.stdout.slice(0, 300))}`, r.exitCode);
          }
          // no key and --yes: the message naming the provider and where to get a key
          const noKey = await runPs1File(m, { file, env: { CCENV_LANG: sample.lang, CCENV_API_KEY: undefined } });
          if (noKey.exitCode !== 5) throw new Mismatch(`install.ps1 without a key: exit ${noKey.exitCode}`, noKey.exitCode);
          if (!noKey.stderr.includes(expectedText(p, 'no_key_yes', sample.lang))) throw new Mismatch(`pwsh did not print no_key_yes exactly: ${JSON.stringify(noKey.stderr.slice(0, 300))}`, noKey.exitCode);
          if (existsSync(CANARY)) throw new Mismatch('a command in a profile value ran', r.exitCode);
        },
        'settings.json created; every value exact there and on screen; every string literal decodes to the exact value',
      );
      const runs = PWSH ? `${ran} run under pwsh (banner, summary and the no-key message exact; settings.json env exact; no canary)` : `none run: ${NO_PWSH}`;
      return { observed, lostBytes: 0, detail: `${detail}; ${runs}; each passes the ps1 gate (tree-sitter, ASCII, rules); messages and the configure program's plan decoded from the parse tree` };
    },
  );

  reliabilityCase(
    {
      area: AREA,
      title: `cmd: ${PROFILES} profiles (${WINE_PROFILES} under Wine)`,
      target: 'install.cmd: the cmd gate; under Wine cmd',
      expected: { exit: 0, files: 'settings.json created; every value exact there and on screen' },
      timeoutMs: 300_000,
    },
    async () => {
      const wineSkipped = missingWine();
      let wineRuns = 0;
      const wineNames: string[] = [];
      const { observed, detail } = await runProperty(
        async (p) => {
          const text = await build(p, 'cmd');
          const gate = checkCmd([{ name: 'hostile/install.cmd', text }]);
          if (gate.length > 0) throw new Mismatch(`the cmd gate: ${formatCmdFinding(gate[0]!)}`, 1);
          checkPlan(p, cmdPlan(text), 'cmd configure program');
          for (const id of valueMessages(p).filter((i) => i !== 'key_prompt')) for (const lang of ['en', 'zh'] as const) expectSame(cmdEcho(text, lang, id), expectedText(p, id, lang), `cmd message ${lang}.${id}`, 0);
          // Wine's cmd cannot print UTF-8 without a console: the ones run there have an ASCII English
          // name, holding at least three of the characters cmd gives a meaning to.
          const special = new Set(p.name.en.match(/[%^&|<>!"()]/g) ?? []).size;
          if (wineSkipped || wineRuns >= WINE_PROFILES || !/^[\x20-\x7e]*$/.test(p.name.en) || special < 3) return;
          wineRuns++;
          wineNames.push(JSON.stringify(p.name.en));
          const file = path.join(WORK, `hostile-${wineRuns}.cmd`);
          writeFileSync(file, text);
          rmSync(CMD_CANARY, { force: true });
          const { run, files } = await installCmd(KEY, { file });
          if (run.code !== 0 || run.stderr !== '') throw new Mismatch(`install.cmd under Wine: exit ${run.code}, ${run.stderr.trim().split(/\r?\n/)[0]}`, run.code);
          expectSame((JSON.parse(readFileSync(files.settings, 'utf8')) as { env: unknown }).env, expectedEnv(p), 'settings.json env (Wine)', run.code);
          for (const id of ['banner', 'summary_done']) {
            const line = `${expectedText(p, id, 'en')}\r\n`;
            if (!run.stdout.includes(line)) throw new Mismatch(`Wine's cmd did not print ${JSON.stringify(line)}: ${JSON.stringify(run.stdout.slice(0, 300))}`, run.code);
          }
          if (existsSync(CMD_CANARY)) throw new Mismatch('a command in a profile value ran', run.code);
        },
        'settings.json created; every value exact there and on screen',
      );
      const wine = wineSkipped ? `Wine not run: ${wineSkipped}` : `${wineRuns} run under Wine (ASCII English names, as Wine's cmd has no UTF-8 console): ${wineNames.join(', ')}`;
      return { observed: wineRuns < WINE_PROFILES && !wineSkipped && observed.exit === 0 ? { exit: 0, files: `only ${wineRuns} ran under Wine` } : observed, lostBytes: 0, detail: `${detail}; each passes the cmd gate; the plan node reads and the echo: lines decoded; ${wine}` };
    },
  );
});
