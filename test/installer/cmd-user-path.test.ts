// install.cmd's user PATH edits, run by Wine's cmd.exe against Wine's real reg.exe: every value a
// user may have in HKCU\Environment\Path goes in, two folders are added (as Node.js and npm's
// folder are) and taken out again, and the value must come back byte for byte and with its kind.
// The labels run are the rendered install.cmd's own (:user_path_add, :user_path_remove), called
// from a few lines put in front of the file; a value is set and read back with `reg import` and
// `reg export` (UTF-16 files, so no console code page is involved) and also read with `reg query`.
// A prefix of its own: other test files edit the shared prefix's registry at the same time.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cachePath, ensureCacheDir } from '../../src/harness/cache.js';
import { EXIT } from '../../src/contract.js';
import { ensureWinNodeMirror } from '../../src/harness/wine/node-win-mirror.js';
import { ensureWinePrefix, missingWine, runWine, startWineServer, windowsPath, type WinePrefix } from '../../src/harness/wine/prefix.js';
import { repoPath } from '../../src/paths.js';
import { WINE_TEST_OPTIONS } from '../support/wine-test-options.js';

const skip = missingWine();

type Kind = 'REG_SZ' | 'REG_EXPAND_SZ';
interface Stored {
  kind: Kind;
  text: string;
}

/** A .reg file (UTF-16LE, as reg export writes them) that sets Path to exactly `value`, or deletes it. */
function regFile(value: Stored | undefined): Buffer {
  let line = '"Path"=-';
  if (value) {
    const bytes = Buffer.from(`${value.text}\0`, 'utf16le');
    line = `"Path"=hex(${value.kind === 'REG_SZ' ? 1 : 2}):${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join(',')}`;
  }
  const text = `Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Environment]\r\n${line}\r\n\r\n`;
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

/** The Path entry of a `reg export` file, as written (continuation lines joined): its bytes, spelled out. */
function exportedSpec(file: string): string | undefined {
  if (!existsSync(file)) throw new Error(`no export: ${file}`);
  const text = readFileSync(file).toString('utf16le').replace(/^\ufeff/, '').replace(/\\\r\n\s*/g, '');
  const line = text.split('\r\n').find((l) => /^"Path"=/i.test(l));
  return line?.slice(line.indexOf('=') + 1);
}

/** What an exported spec stores: its kind and its text (one terminating NUL taken off). */
function decodeSpec(spec: string): Stored {
  if (spec.startsWith('"')) return { kind: 'REG_SZ', text: spec.slice(1, -1).replace(/\\(.)/g, '$1') };
  const m = /^hex\((1|2)\):(.*)$/.exec(spec);
  if (!m) throw new Error(`unexpected export: ${spec.slice(0, 60)}`);
  const bytes = Buffer.from((m[2] as string).split(',').filter(Boolean).map((h) => parseInt(h, 16)));
  return { kind: m[1] === '1' ? 'REG_SZ' : 'REG_EXPAND_SZ', text: bytes.toString('utf16le').replace(/\0$/, '') };
}

/** `reg query` output: the kind and the value as it prints them (one line), or undefined. */
function queried(file: string): Stored | undefined {
  const m = /^\s+Path\s+(REG_\w+)\s{4}(.*?)\r?$/im.exec(readFileSync(file, 'latin1'));
  return m ? { kind: m[1] as Kind, text: m[2] as string } : undefined;
}

// A Windows 11 developer's user PATH as the installers of these tools leave it (Python's entries
// end in a backslash, IntelliJ adds a variable of its own that only exists once it is installed).
const DEV_PATH = [
  '%USERPROFILE%\\AppData\\Local\\Microsoft\\WindowsApps',
  'C:\\Users\\dev\\AppData\\Local\\Programs\\Python\\Python312\\Scripts\\',
  'C:\\Users\\dev\\AppData\\Local\\Programs\\Python\\Python312\\',
  'C:\\Users\\dev\\AppData\\Local\\Programs\\Microsoft VS Code\\bin',
  'C:\\Users\\dev\\AppData\\Roaming\\npm',
  '%USERPROFILE%\\.dotnet\\tools',
  'C:\\Users\\dev\\AppData\\Local\\JetBrains\\Toolbox\\scripts',
  '%IntelliJ IDEA Community Edition%',
  'C:\\Users\\dev\\.cargo\\bin',
  'C:\\Program Files (x86)\\Nmap',
  '%USERPROFILE%\\go\\bin',
].join(';');

interface Case {
  name: string;
  before: Stored | undefined;
  /** The folder install.cmd adds (default: its Node.js folder); the second is npm's. */
  add?: string;
  /** Expected exit code of the add (default 0); anything else means the value must not change. */
  addCode?: number;
  /** Expected value after the add, when it is not the two folders in front of `before`. */
  added?: Stored;
}

/** A PATH of exactly n characters (folders of 27 characters, the last one cut). */
const long = (n: number) => Array.from({ length: Math.ceil(n / 28) }, (_, i) => `C:\\Tools\\package-${String(i).padStart(6, '0')}\\bin`).join(';').slice(0, n);

let prefix: WinePrefix;
let work: string;
let installer: string;
let nodeExe: string;
let nodeDir: string;
let npmDir: string;

const CASES: Case[] = [
  { name: 'a Windows 11 developer PATH (REG_EXPAND_SZ)', before: { kind: 'REG_EXPAND_SZ', text: DEV_PATH } },
  { name: 'the same as REG_SZ', before: { kind: 'REG_SZ', text: DEV_PATH } },
  { name: '%VARIABLES% defined and not', before: { kind: 'REG_EXPAND_SZ', text: '%USERPROFILE%\\bin;%NOT_DEFINED%\\x;%PATH%;%%;C:\\x' } },
  { name: 'parentheses and quotes', before: { kind: 'REG_EXPAND_SZ', text: 'C:\\Program Files (x86)\\Tool;"C:\\Quoted Dir\\bin";C:\\a")&echo INJECTED&("' } },
  { name: 'cmd metacharacters ^ & ! % | < >', before: { kind: 'REG_EXPAND_SZ', text: 'C:\\a^b;C:\\R&D\\bin;C:\\Go!Go!\\bin;C:\\100%\\x;C:\\p%e;C:\\a|b<c>d;C:\\^&^!' } },
  { name: 'empty entries, a trailing ; and a trailing backslash', before: { kind: 'REG_EXPAND_SZ', text: ';;C:\\a;;C:\\b\\;' } },
  { name: 'non-ASCII entries', before: { kind: 'REG_SZ', text: 'C:\\Users\\张三\\bin;C:\\Tools\\Ünï;C:\\Ωμέγα' } },
  { name: 'non-ASCII entries, and a non-ASCII folder added', before: { kind: 'REG_EXPAND_SZ', text: 'C:\\Users\\张三\\bin;%USERPROFILE%\\bin' }, add: 'C:\\Users\\张三\\AppData\\Local\\ccenv\\node' },
  { name: 'an empty REG_EXPAND_SZ value', before: { kind: 'REG_EXPAND_SZ', text: '' } },
  { name: 'an empty REG_SZ value', before: { kind: 'REG_SZ', text: '' } },
  { name: 'no value at all (deleted again)', before: undefined },
  { name: 'leading and trailing spaces in entries', before: { kind: 'REG_EXPAND_SZ', text: '  C:\\lead;C:\\trail  ;C:\\x' } },
  {
    name: 'ccenv\'s folder already there as %LOCALAPPDATA%\\ccenv\\node: not added twice, not taken out',
    before: { kind: 'REG_EXPAND_SZ', text: '%LOCALAPPDATA%\\ccenv\\node\\;C:\\x' },
    added: { kind: 'REG_EXPAND_SZ', text: 'NPM;%LOCALAPPDATA%\\ccenv\\node\\;C:\\x' },
  },
  { name: '20000 characters (longer than a cmd line)', before: { kind: 'REG_EXPAND_SZ', text: long(20_000) } },
  { name: 'longer than Windows keeps once added: refused with exit 8, unchanged', before: { kind: 'REG_EXPAND_SZ', text: long(32_760) }, addCode: EXIT.cannotWrite },
];

async function ensureWinNodeBin(): Promise<string> {
  const m = await ensureWinNodeMirror();
  return ensureCacheDir(cachePath('node-win-bin', m.version), async (tmp) => {
    execFileSync('bsdtar', ['-xf', m.zip, '-C', tmp, '--strip-components=1'], { stdio: 'ignore' });
  });
}

/** The installer with a few lines in front that run its PATH labels and record what the registry holds. */
function harness(installerText: string): string {
  const lines = [
    '@echo off',
    'setlocal EnableExtensions DisableDelayedExpansion',
    'set "CCENV_SELF=%~f0"',
    'set "CCENV_UI=en"',
    ...Object.entries({ EXIT_USAGE: EXIT.usage, EXIT_CANNOT_WRITE: EXIT.cannotWrite, EXIT_INSTALL_FAILED: EXIT.installFailed }).map(([k, v]) => `set "${k}=${v}"`),
    'reg import "%T_OUT%\\initial.reg" >nul 2>&1',
    'reg export HKCU\\Environment "%T_OUT%\\before.reg" /y >nul 2>&1',
    'reg query HKCU\\Environment /v Path >"%T_OUT%\\before.txt" 2>&1',
    'set "CCENV_ADD=%T_ADD1%"',
    'call :user_path_add',
    '>"%T_OUT%\\add1.rc" echo:%ERRORLEVEL%',
    'set "CCENV_ADD=%T_ADD2%"',
    'call :user_path_add',
    '>"%T_OUT%\\add2.rc" echo:%ERRORLEVEL%',
    'reg export HKCU\\Environment "%T_OUT%\\added.reg" /y >nul 2>&1',
    'reg query HKCU\\Environment /v Path >"%T_OUT%\\added.txt" 2>&1',
    'call :user_path_remove',
    '>"%T_OUT%\\remove.rc" echo:%ERRORLEVEL%',
    'reg export HKCU\\Environment "%T_OUT%\\removed.reg" /y >nul 2>&1',
    'reg query HKCU\\Environment /v Path >"%T_OUT%\\removed.txt" 2>&1',
    'exit /b 0',
    '',
  ];
  return lines.join('\r\n') + installerText;
}

beforeAll(async () => {
  if (skip) return;
  [prefix, nodeDir] = await Promise.all([ensureWinePrefix('user-path'), ensureWinNodeBin()]);
  await startWineServer(prefix);
  work = mkdtempSync(path.join(tmpdir(), 'ccenv-cmd-path-'));
  nodeExe = windowsPath(path.join(nodeDir, 'node.exe'));
  installer = path.join(work, 'harness.cmd');
  writeFileSync(installer, harness(readFileSync(repoPath('dist', 'zhipu', 'install.cmd'), 'utf8')));
  const user = path.basename(prefix.userDir);
  npmDir = `C:\\users\\${user}\\AppData\\Roaming\\npm`;
}, 600_000);

afterAll(async () => {
  if (skip) return;
  // A benign value for whoever uses this prefix next (the last case leaves a long one).
  writeFileSync(path.join(work, 'reset.reg'), regFile({ kind: 'REG_EXPAND_SZ', text: 'C:\\tools' }));
  await runWine(prefix, ['reg', 'import', windowsPath(path.join(work, 'reset.reg'))]);
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(skip)('install.cmd: the user PATH after install and --uninstall, byte for byte (Wine reg.exe)', WINE_TEST_OPTIONS, () => {
  test.each(CASES)('$name', async (c) => {
    const out = path.join(work, 'case');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
    const dir = path.join(work, 'ccenv');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const runWork = path.join(out, 'tmp');
    mkdirSync(runWork);
    writeFileSync(path.join(out, 'initial.reg'), regFile(c.before));
    const add1 = c.add ?? `C:\\users\\${path.basename(prefix.userDir)}\\AppData\\Local\\ccenv\\node`;
    const r = await runWine(prefix, ['cmd', '/c', windowsPath(installer)], {
      env: {
        T_OUT: windowsPath(out),
        T_ADD1: add1,
        T_ADD2: npmDir,
        CCENV_DIR: windowsPath(dir),
        CCENV_WORK: windowsPath(runWork),
        CCENV_NODE: nodeExe,
      },
      cwd: work,
    });
    expect(r.code, r.stderr).toBe(0);
    const rc = (f: string) => Number(readFileSync(path.join(out, f), 'latin1').trim());
    // the value was set as the case says (the test's own check of its fixture)
    const before = exportedSpec(path.join(out, 'before.reg'));
    expect(before === undefined ? 0 : decodeSpec(before).text.length).toBe(c.before?.text.length ?? 0);
    expect(before === undefined ? undefined : decodeSpec(before)).toEqual(c.before);
    expect(queried(path.join(out, 'before.txt'))?.kind).toBe(c.before?.kind);

    const added = exportedSpec(path.join(out, 'added.reg'));
    if ((c.addCode ?? 0) === 0) {
      expect([rc('add1.rc'), rc('add2.rc')], r.stdout + r.stderr).toEqual([0, 0]);
      const expected = c.added ? { ...c.added, text: c.added.text.replace('NPM', npmDir) } : { kind: c.before?.kind ?? 'REG_EXPAND_SZ', text: [npmDir, add1, ...(c.before?.text ? [c.before.text] : [])].join(';') };
      expect(added === undefined ? undefined : decodeSpec(added)).toEqual(expected);
      expect(queried(path.join(out, 'added.txt'))?.kind).toBe(expected.kind);
    } else {
      expect(rc('add1.rc')).toBe(c.addCode);
      expect(r.stderr).toMatch(/user PATH would be \d+ characters long, more than Windows keeps \(32767\)/);
      expect(added).toBe(before);
    }
    expect(rc('remove.rc')).toBe(0);
    // byte for byte: the export spells every byte of a REG_EXPAND_SZ; reg query shows the kind
    expect(exportedSpec(path.join(out, 'removed.reg'))).toBe(before);
    expect(readFileSync(path.join(out, 'removed.txt'))).toEqual(readFileSync(path.join(out, 'before.txt')));
  }, 60_000);
});
