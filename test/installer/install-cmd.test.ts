// install.cmd run for real by Wine's cmd.exe, with a real Windows node.exe (Node 22: Node 24 does not
// start under Wine 8). Wine's own where, setx, certutil and powershell are stubs that print nothing
// and exit 0, so the fixtures bring curl.exe, tar.exe and certutil.exe built as Windows programs
// (src/harness/wine/shims) that really serve files, unpack and hash; one test runs without the
// certutil shim to show a stub cannot make a download pass. One prefix, tests one at a time, the
// user's files and registry PATH reset before each.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { lock } from '../../src/harness/cache.js';
import { CN_MIRRORS } from '../../src/harness/sites.js';
import { disposeCmdMachine, ensureCmdMachine, resetCmdMachine, runCmd, serveSite, shimRequestLog, type CmdMachine } from '../../src/harness/wine/cmd-machine.js';
import { ensureWinNodeBin } from '../../src/harness/wine/node-win-bin.js';
import type { WinNodeMirror } from '../../src/harness/wine/node-win-mirror.js';
import {
  ensureWinePrefix,
  missingWine,
  readUserPath,
  resetUserFiles,
  runWine,
  windowsPath,
  writeUserFile,
  wineEnv,
  type WinePrefix,
} from '../../src/harness/wine/prefix.js';
import { runInPty } from '../../src/harness/pty.js';
import { repoPath } from '../../src/paths.js';
import { cmdMessageLines, cmdSetValue } from '../../src/render/escape.js';
import { builtinProfileIds, loadProfileFile, resolveProfile } from '../../src/profile/load.js';
import { parseShasums, writeNodePin } from '../../src/profile/pin-node.js';
import { CCENV_VERSION } from '../../src/version.js';
import { renderForTest } from '../support/render.js';
import { listTree } from '../support/home-listing.js';
import { WINE_TEST_OPTIONS } from '../support/wine-test-options.js';

const skip = missingWine();
const PROFILE_ENV = {
  ANTHROPIC_BASE_URL: 'https://open.bigmodel.cn/api/anthropic',
  API_TIMEOUT_MS: '3000000',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
};
const USER_SETTINGS = '{\n  "model": "opus",\n  "permissions": { "allow": ["Bash(ls:*)"] },\n  "env": {\n    "FOO": "bar",\n    "ANTHROPIC_API_KEY": "sk-stale"\n  }\n}\n';
// No %VARIABLE% in it: Wine's cmd expands %…% text inside an expanded value again (Windows' cmd
// does not; the last test shows the difference), so under Wine such an entry would come back
// expanded. The kind (REG_EXPAND_SZ) is what this checks is kept.
const ORIGINAL_PATH = { type: 'REG_EXPAND_SZ', value: 'C:\\tools;C:\\Program Files\\Git\\cmd' };

let machine: CmdMachine;
let prefix: WinePrefix;
let mirror: WinNodeMirror;
let work: string;
/** Folders for WINEPATH (Windows paths): the shims, a folder with node.exe, one with a claude.cmd stand-in. */
let dirs: { shims: string; node: string; claude: string; shimsNoCertutil: string };
let sites: string;
let installer: string;

beforeAll(async () => {
  if (skip) return;
  // The shims, node.exe, a claude.cmd stand-in (npm itself runs in its own test) and curl.exe's sites.
  machine = await ensureCmdMachine(await ensureWinePrefix());
  ({ prefix, mirror, work, sites } = machine);
  const noCertutil = path.join(work, 'shims-no-certutil');
  mkdirSync(noCertutil);
  for (const exe of ['curl.exe', 'tar.exe']) copyFileSync(path.join(machine.shimsDir, exe), path.join(noCertutil, exe));
  dirs = { ...machine.dirs, shimsNoCertutil: windowsPath(noCertutil) };
  // What curl.exe serves: <sites>\<host>\<path>. nodejs.org and the China mirror zhipu's installer
  // uses by default (region cn) are the mirror as built; a third host carries the same files with
  // a SHASUMS256.txt whose checksum was changed.
  serveSite(machine, 'nodejs.org', '/dist', mirror.root);
  serveSite(machine, CN_MIRRORS.nodeHost, CN_MIRRORS.nodePrefix, mirror.root);
  const tampered = path.join(sites, 'tampered.example', 'dist', 'latest-v22.x');
  mkdirSync(tampered, { recursive: true });
  const zipName = path.basename(mirror.zip);
  symlinkSync(mirror.zip, path.join(tampered, zipName));
  const sum = mirror.sha256[zipName] as string;
  writeFileSync(path.join(tampered, 'SHASUMS256.txt'), `${sum.slice(0, 10)}${sum[10] === '0' ? '1' : '0'}${sum.slice(11)}  ${zipName}\n`);
  installer = path.join(work, 'install.cmd');
  copyFileSync(repoPath('dist', 'zhipu', 'install.cmd'), installer);
}, 600_000);

afterAll(async () => {
  if (skip) return;
  disposeCmdMachine(machine);
});

// Another process on this prefix (a second test run, ccenv test's cmd lane on 'matrix' aside) waits:
// Wine cannot keep two runs' user files and registry apart.
let release: (() => void) | undefined;
beforeEach(async () => {
  if (skip) return;
  release = await lock(`${machine.prefix.dir}.run`);
  await resetCmdMachine(machine, ORIGINAL_PATH);
});
afterEach(() => {
  release?.();
  release = undefined;
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** install.cmd under Wine's cmd; `path` lists the WINEPATH folders (default: shims, node, claude). */
async function install(args: string[], opts: { env?: Record<string, string>; path?: string[]; input?: string; file?: string } = {}): Promise<Run> {
  return runCmd(machine, [windowsPath(opts.file ?? installer), ...args], { env: opts.env ?? {}, path: opts.path ?? [dirs.shims, dirs.node, dirs.claude], ...(opts.input !== undefined ? { input: opts.input } : {}) });
}

const settingsFile = () => path.join(prefix.userDir, '.claude', 'settings.json');
const readSettings = () => JSON.parse(readFileSync(settingsFile(), 'utf8')) as { env: Record<string, string>; [k: string]: unknown };
const requests = () => shimRequestLog(machine);

describe.skipIf(skip)('install.cmd under Wine', WINE_TEST_OPTIONS, () => {
  test('--version and --help answer without a key; an unknown option is exit 2', async () => {
    const version = await install(['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(/^ccenv \d+\.\d+\.\d+, profile zhipu \(Zhipu GLM Coding Plan\)\r\n$/);
    const help = await install(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage (in cmd.exe):  curl.exe -fsSL <url> -o install.cmd && install.cmd [options]');
    expect(help.stdout).toContain('CCENV_NODE_MIRROR, CCENV_NPM_REGISTRY, CCENV_ALLOW_HTTP=1');
    const bad = await install(['--frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown option: --frobnicate.');
  });

  test('a key with & | < > ^ % ! " reaches settings.json exactly; the user entries stay', async () => {
    writeUserFile(prefix, '.claude/settings.json', USER_SETTINGS);
    const key = 'sk-a&b|c<d>e^f%PATH%g!h"i';
    const r = await install(['--yes'], { env: { CCENV_API_KEY: key } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = readSettings();
    expect(s.env).toEqual({ FOO: 'bar', ANTHROPIC_AUTH_TOKEN: key, ...PROFILE_ENV });
    expect(s.model).toBe('opus');
    expect(s.permissions).toEqual({ allow: ['Bash(ls:*)'] });
    expect(JSON.parse(readFileSync(path.join(prefix.userDir, '.claude.json'), 'utf8'))).toEqual({ hasCompletedOnboarding: true });
    expect(r.stdout).not.toContain('sk-a&b');
    expect(r.stdout).toContain('Done. Claude Code now uses Zhipu GLM Coding Plan');
  });

  test('a key starting with ; (cmd\'s default end-of-line character) is kept', async () => {
    const key = ';sk-semicolon;x';
    const r = await install(['--yes'], { env: { CCENV_API_KEY: key } });
    expect(r.code).toBe(0);
    expect(readSettings().env.ANTHROPIC_AUTH_TOKEN).toBe(key);
  });

  test('a non-ASCII key is exit 2 and changes nothing', async () => {
    writeUserFile(prefix, '.claude/settings.json', USER_SETTINGS);
    const r = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-abc\uff41def' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/position 7/);
    expect(readFileSync(settingsFile(), 'utf8')).toBe(USER_SETTINGS);
    expect(existsSync(path.join(prefix.userDir, '.claude.json'))).toBe(false);
  });

  test('an invalid settings.json is exit 4 and stays byte-identical', async () => {
    const broken = '{\r\n  "env": { "FOO": "bar", },\r\n}\r\n';
    writeUserFile(prefix, '.claude/settings.json', broken);
    const r = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key' } });
    expect(r.code).toBe(4);
    expect(readFileSync(settingsFile(), 'utf8')).toBe(broken);
    expect(existsSync(path.join(prefix.userDir, '.claude', 'ccenv'))).toBe(false);
  });

  test('--uninstall restores what the install changed', async () => {
    writeUserFile(prefix, '.claude/settings.json', USER_SETTINGS);
    const before = JSON.parse(USER_SETTINGS);
    expect((await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key' } })).code).toBe(0);
    expect(readSettings()).not.toEqual(before);
    const r = await install(['--uninstall']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Uninstalled');
    expect(readSettings()).toEqual(before);
  });

  test('Node absent: the zip comes through curl.exe, is verified, unpacked and used; --uninstall takes its PATH entry out again', async () => {
    writeUserFile(prefix, '.claude/settings.json', USER_SETTINGS);
    const r = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key' }, path: [dirs.shims, dirs.claude] });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const zip = path.basename(mirror.zip);
    expect(requests().split(/\r?\n/).filter(Boolean)).toEqual([
      `${CN_MIRRORS.nodeUrl}/latest-v22.x/SHASUMS256.txt 200`,
      `${CN_MIRRORS.nodeUrl}/latest-v22.x/${zip} 200`,
    ]);
    expect(r.stdout).toContain(`Verified ${zip} against SHASUMS256.txt`);
    const nodeDir = path.join(prefix.localAppData, 'ccenv', 'node');
    expect(readFileSync(path.join(nodeDir, 'node.exe')).equals(readFileSync(path.join(await ensureWinNodeBin(mirror), 'node.exe')))).toBe(true);
    expect(existsSync(path.join(nodeDir, 'npm.cmd'))).toBe(true);
    // the node it unpacked ran the configure program
    expect(r.stdout).toContain(`Node.js v${mirror.version} installed in C:\\users\\`);
    expect(readSettings().env.ANTHROPIC_AUTH_TOKEN).toBe('sk-valid-key');
    const winNodeDir = `C:\\users\\${path.basename(prefix.userDir)}\\AppData\\Local\\ccenv\\node`;
    expect(await readUserPath(prefix)).toEqual({ type: 'REG_EXPAND_SZ', value: `${winNodeDir};${ORIGINAL_PATH.value}` });

    // A second run finds its own node and changes nothing.
    const again = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key' }, path: [dirs.shims, dirs.claude] });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Node.js v${mirror.version} found: ${winNodeDir}\\node.exe`);
    expect(requests().split(/\r?\n/).filter(Boolean)).toHaveLength(2);
    expect(await readUserPath(prefix)).toEqual({ type: 'REG_EXPAND_SZ', value: `${winNodeDir};${ORIGINAL_PATH.value}` });

    const un = await install(['--uninstall'], { path: [dirs.shims, dirs.claude] });
    expect(un.code).toBe(0);
    expect(un.stdout).toContain(`Removed ${winNodeDir} from your user PATH`);
    expect(await readUserPath(prefix)).toEqual(ORIGINAL_PATH);
    expect(readSettings()).toEqual(JSON.parse(USER_SETTINGS));
  });

  test('--uninstall --purge after a Node download: the user folder and the user PATH are as before, first line the uninstall banner; a second --uninstall has nothing to undo', async () => {
    // The temporary files Wine's cmd leaves for each `for /f … in ('command')` (%TEMP% is <user>\Temp)
    // come and go; everything else in the user folder is compared.
    const home = () => Object.fromEntries(Object.entries(listTree(prefix.userDir)).filter(([p]) => !/^Temp([\\/]|$)/.test(p)));
    const before = home();
    const r = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key' }, path: [dirs.shims, dirs.claude] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(existsSync(path.join(prefix.userDir, '.claude', 'ccenv', 'receipt.json'))).toBe(true);
    const banner = "Removing ccenv's Claude Code setup for Zhipu GLM Coding Plan";
    // --dry-run first: says each step, changes nothing.
    const installed = home();
    const winCcenv = `C:\\users\\${path.basename(prefix.userDir)}\\AppData\\Local\\ccenv`;
    const dry = await install(['--uninstall', '--purge', '--dry-run'], { path: [dirs.shims, dirs.claude] });
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout.split(/\r?\n/).slice(0, 2)).toEqual([banner, 'Dry run: nothing will be changed.']);
    expect(dry.stdout).toContain(`Would remove ${winCcenv}\\node from your user PATH`);
    expect(dry.stdout).toContain(`Would remove ${winCcenv} (the Node.js and Claude Code ccenv installed there).`);
    expect(dry.stdout).toContain('Dry run finished; nothing was changed.');
    expect(home()).toEqual(installed);
    expect((await readUserPath(prefix))?.value).toContain(`${winCcenv}\\node;`);
    const un = await install(['--uninstall', '--purge'], { path: [dirs.shims, dirs.claude] });
    expect(un.code, un.stdout + un.stderr).toBe(0);
    expect(un.stdout.split(/\r?\n/)[0]).toBe(banner);
    expect(un.stdout).toContain('Uninstalled, and removed what ccenv installed');
    expect(await readUserPath(prefix)).toEqual(ORIGINAL_PATH);
    expect(home()).toEqual(before);
    const again = await install(['--uninstall']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.split(/\r?\n/)[0]).toBe(banner);
    expect(again.stdout).toContain('Nothing was undone: ccenv had not changed the Claude Code settings or the PATH here.');
    expect(again.stdout).not.toContain('Uninstalled');
    expect(await readUserPath(prefix)).toEqual(ORIGINAL_PATH);
  });

  test('a network that blocks certificate revocation lists (curl.exe exit 35): tried again best-effort with a warning, verified, installed', async () => {
    const r = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key', CCENV_SHIM_REVOCATION_OFFLINE: '1' }, path: [dirs.shims, dirs.claude] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const zip = path.basename(mirror.zip);
    expect(requests().split(/\r?\n/).filter(Boolean)).toEqual([
      `${CN_MIRRORS.nodeUrl}/latest-v22.x/SHASUMS256.txt 35`,
      `${CN_MIRRORS.nodeUrl}/latest-v22.x/SHASUMS256.txt 200`,
      `${CN_MIRRORS.nodeUrl}/latest-v22.x/${zip} 35`,
      `${CN_MIRRORS.nodeUrl}/latest-v22.x/${zip} 200`,
    ]);
    expect(r.stderr).toContain('could not check the certificate\'s revocation');
    expect(r.stdout).toContain(`Verified ${zip} against SHASUMS256.txt`);
    expect(readSettings().env.ANTHROPIC_AUTH_TOKEN).toBe('sk-valid-key');
  });

  test('this window\'s PATH holding a quoted entry and one with ")&…&(": nothing in it runs; installed; the window\'s PATH left as it was, with a note', async () => {
    const canary = path.join(work, 'pwned-by-path.txt');
    rmSync(canary, { force: true });
    const hostile = `C:\\a")&echo INJECTED>${windowsPath(canary)}&("`;
    const r = await install(['--yes', '&', 'set', 'PATH'], { env: { CCENV_API_KEY: 'sk-valid-key' }, path: [dirs.shims, dirs.claude, '"C:\\Program Files\\Quoted Tool"', hostile] });
    expect(existsSync(canary)).toBe(false);
    expect(r.stdout).not.toContain('INJECTED\r\n');
    expect(r.stdout).toContain('Verified ');
    expect(r.stdout).toContain("This window's PATH holds a quoted entry");
    expect(readSettings().env.ANTHROPIC_AUTH_TOKEN).toBe('sk-valid-key');
    // the calling window's PATH: as it was (no ccenv folder), the hostile entry still text
    const line = r.stdout.split(/\r?\n/).find((l) => /^path=/i.test(l)) ?? '';
    expect(line).toContain(hostile);
    expect(line).not.toMatch(/AppData\\Local\\ccenv\\node/i);
  });

  test('this window\'s PATH without quotes gets the new node folder handed back (install.cmd --yes & set PATH)', async () => {
    const r = await install(['--yes', '&', 'set', 'PATH'], { env: { CCENV_API_KEY: 'sk-valid-key' }, path: [dirs.shims, dirs.claude, 'C:\\Tools (x86)\\a&b'] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const line = r.stdout.split(/\r?\n/).find((l) => /^path=/i.test(l)) ?? '';
    expect(line).toMatch(/^path=C:\\users\\[^;]+\\AppData\\Local\\ccenv\\node;/i);
    expect(line).toContain('C:\\Tools (x86)\\a&b');
  });

  test('a tampered SHASUMS256.txt is exit 3: nothing unpacked, nothing configured', async () => {
    writeUserFile(prefix, '.claude/settings.json', USER_SETTINGS);
    const r = await install(['--yes'], {
      env: { CCENV_API_KEY: 'sk-valid-key', CCENV_NODE_MIRROR: 'https://tampered.example/dist' },
      path: [dirs.shims, dirs.claude],
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Checksum mismatch');
    expect(existsSync(path.join(prefix.localAppData, 'ccenv', 'node'))).toBe(false);
    expect(readFileSync(settingsFile(), 'utf8')).toBe(USER_SETTINGS);
    expect(await readUserPath(prefix)).toEqual(ORIGINAL_PATH);
  });

  test("with Wine's certutil stub (prints nothing, exit 0) instead of the shim, the download never passes", async () => {
    const r = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key' }, path: [dirs.shimsNoCertutil, dirs.claude] });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Checksum mismatch .* got none\./);
    expect(existsSync(path.join(prefix.localAppData, 'ccenv', 'node'))).toBe(false);
  });

  test('no key and --yes is exit 5; no key and nothing to read is exit 5', async () => {
    const yes = await install(['--yes']);
    expect(yes.code, yes.stdout + yes.stderr).toBe(5);
    expect(yes.stderr).toContain('No API key and --yes forbids asking');
    const eof = await install([]);
    expect(eof.code).toBe(5);
    // Wine's powershell.exe is a stub: the prompt falls back to a visible one and says so.
    expect(eof.stderr).toContain('the key you type will be visible');
    expect(existsSync(settingsFile())).toBe(false);
  });

  // cmd's set /p takes one line from a pipe and drops the rest of what it read (Windows and Wine
  // alike), so one typed line per run is what a pipe can test: the key, checked, then used.
  test('the prompt: the typed key is checked and used', async () => {
    const r = await install([], { input: 'sk-typed&key\r\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Enter your Zhipu GLM Coding Plan API key');
    expect(readSettings().env.ANTHROPIC_AUTH_TOKEN).toBe('sk-typed&key');
    expect(r.stdout + r.stderr).not.toContain('sk-typed');
  });

  test('--dry-run changes nothing', async () => {
    writeUserFile(prefix, '.claude/settings.json', USER_SETTINGS);
    const r = await install(['--dry-run'], { env: { CCENV_API_KEY: 'sk-valid-key' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Would update');
    expect(readFileSync(settingsFile(), 'utf8')).toBe(USER_SETTINGS);
    expect(existsSync(path.join(prefix.userDir, '.claude.json'))).toBe(false);
  });

  test('a download cut short runs nothing', async () => {
    const text = readFileSync(installer, 'utf8');
    const cut = path.join(work, 'cut.cmd');
    writeFileSync(cut, text.slice(0, Math.floor(text.length * 0.6)));
    const r = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key' }, file: cut });
    expect(r.stdout).not.toContain('Setting up');
    expect(existsSync(path.join(prefix.userDir, '.claude'))).toBe(false);
  });

  test('the hostile profile: --version and --help print its name exactly', async () => {
    const hostile = loadProfileFile(repoPath('test', 'fixtures', 'profiles', 'hostile.yaml'));
    const file = path.join(work, 'hostile.cmd');
    writeFileSync(file, await renderForTest(hostile, 'cmd'));
    const r = await install(['--version'], { file });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`ccenv ${CCENV_VERSION}, profile hostile (${hostile.name.en})\r\n`);
    const help = await install(['--help'], { file });
    expect(help.stdout).toContain(`Points Claude Code at ${hostile.name.en} (https://api.example.com/anthropic).`);
    expect(help.stdout).toContain('Get a key at https://example.com/keys?a=1&b=%20');
  });

  test("Wine's cmd expands %…% inside an expanded value (Windows does not): why ORIGINAL_PATH holds none", async () => {
    const file = path.join(work, 'rescan.cmd');
    writeFileSync(file, '@echo off\r\nset "A=%%USERPROFILE%%"\r\nset "B=[%A%]"\r\necho %B%\r\n');
    const r = await install([], { file });
    expect(r.stdout).toBe(`[C:\\users\\${path.basename(prefix.userDir)}]\r\n`);
  });

  test('escaping property: hostile message texts and run-time values print exactly', async () => {
    // ASCII only: without a console Wine's cmd cannot switch to code page 65001, so zh text cannot be
    // compared here (the generated file holds it as UTF-8; real cmd prints it after chcp 65001). Run-time
    // values hold no % (Wine expands %…% inside expanded values again, Windows does not) and no double
    // quote (cmdSetValue refuses one), nor a leading |.
    const chars = ["'", '"', '$', '`', '\\', ';', '&', '|', '<', '>', '%', '^', '!', '(', ')', '{', '}', '*', '?', '[', ']', '~', '#', ' ', '=', ',', ':', '/', '-', 'a', 'B', '%%', '%1', '%~', '^^', '!x!', '%PATH%', '/?'];
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pick = (pool: string[], max: number) => Array.from({ length: 1 + Math.floor(next() * max) }, () => pool[Math.floor(next() * pool.length)]).join('');
    const cases: { text: string; values: string[] }[] = [];
    while (cases.length < 200) {
      const withValues = cases.length % 2 === 0;
      const text = withValues ? `${pick(chars, 8)}{a}${pick(chars, 6)}{b}${pick(chars, 4)}` : `${pick(chars, 10)}\n${pick(chars, 10)}`;
      const valueChars = chars.filter((c) => !c.includes('%') && c !== '"');
      // a leading | is the one thing a value loses (the separator after the dummy token)
      const value = () => pick(valueChars, 8).replace(/^\|+/, '');
      const values = withValues ? [value(), value()] : [];
      try {
        cmdMessageLines(text, withValues ? ['a', 'b'] : []);
        cases.push({ text, values });
      } catch (e) {
        expect(String(e)).toMatch(/a literal % followed by A-H or ~/);
      }
    }
    const main = ['@echo off', 'setlocal EnableExtensions DisableDelayedExpansion'];
    const labels: string[] = [];
    cases.forEach((c, i) => {
      c.values.forEach((v, j) => main.push(`set "CCENV_V${j + 1}=${cmdSetValue(v)}"`));
      main.push(`call :case${i}`, 'echo:--sep--');
      labels.push(`:case${i}`, cmdMessageLines(c.text, c.values.length ? ['a', 'b'] : []), 'exit /b 0');
    });
    const file = path.join(work, 'escape.cmd');
    writeFileSync(file, [...main, 'exit /b 0', ...labels, ''].join('\n').replace(/\n/g, '\r\n'));
    const r = await install([], { file });
    expect(r.stderr).toBe('');
    const expected = cases.map((c) => c.text.replace('{a}', () => c.values[0] ?? '').replace('{b}', () => c.values[1] ?? '').replace(/\n/g, '\r\n') + '\r\n');
    expect(r.stdout.split('--sep--\r\n').slice(0, -1)).toEqual(expected);
  });

  // Not run here: a successful npm install. Windows' node under Wine cannot open a TCP connection
  // (npm: "connect UNKNOWN 127.0.0.1:<port>"), so npm.cmd never reaches a registry; what runs is the
  // failure path, which is also what tells a certificate problem from any other.
  test('Claude Code absent and npm failing: exit 7 with npm\'s own error line and what to try, settings untouched', async () => {
    writeUserFile(prefix, '.claude/settings.json', USER_SETTINGS);
    const r = await install(['--yes'], {
      env: { CCENV_API_KEY: 'sk-valid-key', CCENV_NPM_REGISTRY: 'https://localhost:9/', npm_config_fetch_retries: '0' },
      path: [dirs.shims, dirs.node],
    });
    expect(r.code).toBe(7);
    expect(r.stdout).toContain('Installing Claude Code with npm (registry: https://localhost:9/)');
    // a network failure: npm's telling line inside one message, not npm's log (download-cmd.test.ts has more)
    expect(r.stderr).toContain('npm could not install Claude Code from the registry https://localhost:9/: request to https://localhost:9/');
    expect(r.stderr).toContain('set CCENV_NPM_REGISTRY=https://registry.npmjs.org');
    expect(r.stderr).not.toContain('npm error');
    expect(r.stderr + r.stdout).not.toContain('sk-valid-key');
    expect(readFileSync(settingsFile(), 'utf8')).toBe(USER_SETTINGS);
  });

  test('bad inputs: an empty key from the parent process (a CI secret that is missing) is exit 2, a quoted or relative CCENV_INSTALL_DIR and an http mirror are exit 2', async () => {
    const empty = await install(['--yes'], { env: { CCENV_API_KEY: '' } });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/empty/i);
    const quoted = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key', CCENV_INSTALL_DIR: 'C:\\a"b' } });
    expect(quoted.code).toBe(2);
    expect(quoted.stderr).toContain('CCENV_INSTALL_DIR contains a character install.cmd cannot pass on safely');
    const relative = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key', CCENV_INSTALL_DIR: 'ccenv' } });
    expect(relative.code).toBe(2);
    expect(relative.stderr).toContain('CCENV_INSTALL_DIR must be an absolute path');
    const http = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key', CCENV_NODE_MIRROR: 'http://nodejs.org/dist' }, path: [dirs.shims, dirs.claude] });
    expect(http.code).toBe(2);
    expect(http.stderr).toContain('Refusing plain http: http://nodejs.org/dist/');
    expect(requests()).toBe('');
    expect(existsSync(settingsFile())).toBe(false);
  });

  test('CCENV_ALLOW_HTTP=1 and CCENV_NO_MODIFY_PATH=1: Node from an http mirror, the registry left alone; --uninstall --purge removes the folder', async () => {
    const env = { CCENV_API_KEY: 'sk-valid-key', CCENV_NODE_MIRROR: 'http://nodejs.org/dist', CCENV_ALLOW_HTTP: '1', CCENV_NO_MODIFY_PATH: '1' };
    const r = await install(['--yes'], { env, path: [dirs.shims, dirs.claude] });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(requests()).toContain(`http://nodejs.org/dist/latest-v22.x/${path.basename(mirror.zip)} 200`);
    expect(await readUserPath(prefix)).toEqual(ORIGINAL_PATH);
    expect(existsSync(path.join(prefix.localAppData, 'ccenv', 'node', 'node.exe'))).toBe(true);
    const un = await install(['--uninstall', '--purge'], { path: [dirs.shims, dirs.claude] });
    expect(un.code).toBe(0);
    expect(un.stdout).toContain('Uninstalled, and removed what ccenv installed');
    expect(existsSync(path.join(prefix.localAppData, 'ccenv'))).toBe(false);
    expect(existsSync(path.join(prefix.userDir, '.claude.json'))).toBe(false);
  });

  test('a profile pinned by pin-node: the win-x64 zip is checked against the SHA-256 built into the script (no SHASUMS256.txt); a wrong pin is exit 3; a pin without the zip is exit 6', async () => {
    const zip = path.basename(mirror.zip);
    const sha = mirror.sha256[zip] as string;
    // The pin as `ccenv pin-node` writes it: read from the release's SHASUMS256.txt (the official one
    // lists the Linux builds beside the zips), written into a copy of the profile, checked by the schema.
    const shasums = `${readFileSync(mirror.shasums, 'utf8')}\n${'0'.repeat(64)}  node-v${mirror.version}-linux-x64.tar.xz\n`;
    const sums = parseShasums(shasums, mirror.version, mirror.shasums);
    expect(sums[zip]).toBe(sha);
    const file = path.join(work, 'pinned.cmd');
    const renderPinned = async (pin: Record<string, string>) => {
      const yaml = path.join(mkdtempSync(path.join(work, 'pin-')), 'zhipu.yaml');
      copyFileSync(repoPath('profiles', 'zhipu.yaml'), yaml);
      writeNodePin(yaml, mirror.version, pin);
      writeFileSync(file, await renderForTest(loadProfileFile(yaml), 'cmd'));
    };
    const run = () => install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key', CCENV_NO_MODIFY_PATH: '1' }, path: [dirs.shims, dirs.claude], file });
    await renderPinned(sums);
    const r = await run();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(requests().split(/\r?\n/).filter(Boolean)).toEqual([`${CN_MIRRORS.nodeUrl}/v${mirror.version}/${zip} 200`]);
    expect(r.stdout).toContain(`Downloading Node.js ${mirror.version} (pinned by this installer`);
    expect(r.stdout).toContain(`Verified ${zip} against the checksum this installer carries`);
    resetUserFiles(prefix);
    rmSync(path.join(work, 'requests.log'), { force: true });
    await renderPinned({ ...sums, [zip]: sha.replace(/^./, (c) => (c === '0' ? '1' : '0')) });
    const bad = await run();
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('Checksum mismatch');
    expect(existsSync(path.join(prefix.localAppData, 'ccenv', 'node'))).toBe(false);
    // What pin-node wrote before it read the zips: Linux/macOS tarballs only.
    resetUserFiles(prefix);
    await renderPinned(Object.fromEntries(Object.entries(sums).filter(([name]) => !name.endsWith('.zip'))));
    const old = await run();
    expect(old.code).toBe(6);
    expect(old.stderr).toContain(`pins Node.js ${mirror.version} but carries no checksum for a win-x64 build`);
    expect(existsSync(path.join(prefix.localAppData, 'ccenv', 'node'))).toBe(false);
  });
  test('every built-in profile\'s install.cmd writes its own endpoint, env and default mapping; CCENV_MODEL_OPUS overrides one entry', async () => {
    for (const id of builtinProfileIds()) {
      resetUserFiles(prefix);
      const p = resolveProfile(id);
      const file = path.join(work, `install-${id}.cmd`);
      copyFileSync(repoPath('dist', id, 'install.cmd'), file);
      const key = `sk-${id}-cmd-123`;
      const r = await install(['--yes'], { env: { CCENV_API_KEY: key }, file });
      // one assertion: the exit code and what was said on stderr show together when it fails
      expect({ code: r.code, stderr: r.stderr }, id).toEqual({ code: 0, stderr: '' });
      const mapped = p.models?.enabledByDefault
        ? { ANTHROPIC_DEFAULT_OPUS_MODEL: p.models.opus, ANTHROPIC_DEFAULT_SONNET_MODEL: p.models.sonnet, ANTHROPIC_DEFAULT_HAIKU_MODEL: p.models.haiku }
        : {};
      expect(readSettings().env, id).toEqual({ ANTHROPIC_AUTH_TOKEN: key, ANTHROPIC_BASE_URL: p.baseUrl, ...p.env, ...mapped });
    }
    resetUserFiles(prefix);
    const minimax = resolveProfile('minimax');
    const r = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-override-123', CCENV_MODEL_OPUS: 'MiniMax-M9' }, file: path.join(work, 'install-minimax.cmd') });
    expect(r.code).toBe(0);
    expect(readSettings().env).toMatchObject({ ANTHROPIC_DEFAULT_OPUS_MODEL: 'MiniMax-M9', ANTHROPIC_DEFAULT_SONNET_MODEL: minimax.models!.sonnet, ANTHROPIC_DEFAULT_HAIKU_MODEL: minimax.models!.haiku });
  }, 300_000);
  test('--doctor: the project file and a user variable in HKCU\\Environment are named, the key masked; --check cannot reach the endpoint under Wine (exit 3)', async () => {
    const key = 'sk-doctor-cmd-4242abcd';
    const configured = await install(['--yes'], { env: { CCENV_API_KEY: key } });
    expect(configured.code).toBe(0);
    mkdirSync(path.join(work, '.claude'), { recursive: true });
    writeFileSync(path.join(work, '.claude', 'settings.json'), '{"env":{"ANTHROPIC_BASE_URL":"https://proxy.corp.example/anthropic"}}');
    await runWine(prefix, ['reg', 'add', 'HKCU\\Environment', '/v', 'ANTHROPIC_API_KEY', '/t', 'REG_SZ', '/d', 'sk-stale-registry-9876', '/f'], { cwd: work });
    try {
      const r = await install(['--doctor']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = r.stdout.replace(/\r\n/g, '\n');
      const project = `${windowsPath(work)}\\.claude\\settings.json`;
      expect(out).toContain('ccenv doctor: Claude Code with Zhipu GLM Coding Plan (profile zhipu). Nothing is changed.');
      expect(out).toContain('managed settings: C:\\ProgramData\\ClaudeCode\\managed-settings.json (not present)');
      expect(out).toContain(`ANTHROPIC_BASE_URL = https://proxy.corp.example/anthropic  (from project ${project})`);
      expect(out).toContain('ANTHROPIC_AUTH_TOKEN = sk-d...abcd  (from user ');
      expect(out).toContain('HKCU\\Environment: ANTHROPIC_API_KEY=sk-s...9876 (in effect in new shells: no settings file sets it)');
      // a new process gets the user's variables from the registry (Wine does this as Windows does)
      expect(out).toContain('! ANTHROPIC_API_KEY is set (HKCU\\Environment; the environment of this shell)');
      expect(out).toContain(`! ANTHROPIC_BASE_URL is https://proxy.corp.example/anthropic (from project ${project})`);
      expect(out).not.toContain(key);
      expect(out).not.toContain('sk-stale-registry-9876');
      const check = await install(['--check', '--doctor']);
      expect(check.code).toBe(3);
      // a network reason (the name does not resolve here), not a failure of the program itself
      expect(check.stderr).toMatch(/Check: https:\/\/proxy\.corp\.example\/anthropic cannot be reached: (ENOTFOUND|EAI_AGAIN|UNKNOWN)\b/);
      expect(`${check.stdout}${check.stderr}`).not.toContain(key);
    } finally {
      await runWine(prefix, ['reg', 'delete', 'HKCU\\Environment', '/v', 'ANTHROPIC_API_KEY', '/f'], { cwd: work });
      rmSync(path.join(work, '.claude'), { recursive: true, force: true });
    }
  }, 120_000);
  test('three empty answers at a console are exit 2 (key_gave_up), as install.sh (nothing to read at all stays exit 5: the test above)', async () => {
    // A pseudo-terminal gives Wine's cmd a console: set /p reads each typed line from it.
    const env = wineEnv(prefix, { env: { CCENV_SHIM_SITES: windowsPath(sites) }, path: [dirs.shims, dirs.node, dirs.claude] });
    const prompt = /Enter your Zhipu GLM Coding Plan API key/;
    // -icrnl: an Enter typed before Wine's console takes the terminal stays a carriage return.
    const r = await runInPty(`stty -icrnl; wine cmd /c '${windowsPath(installer)}'`, {
      env,
      cwd: work,
      answers: [
        { when: prompt, send: '\r' },
        { when: prompt, send: '\r' },
        { when: prompt, send: '\r' },
      ],
      timeoutMs: 90_000,
    });
    // the console wraps at 80 columns and draws with escape sequences: compare the text alone
    const shown = r.transcript.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r?\n/g, '');
    expect(shown.split('Enter your Zhipu GLM Coding Plan API key').length - 1, shown).toBe(3);
    // Wine's set /p leaves an empty line as an empty variable, which the configure program calls
    // empty; Windows' leaves it undefined ("No key entered"). Either way an empty answer is asked again.
    expect(shown.split(/No key entered\. Paste your key|The API key in CCENV_API_KEY is empty/).length - 1, shown).toBe(3);
    expect(shown).toContain('No usable key after 3 attempts.');
    expect(r.exitCode).toBe(2);
    expect(existsSync(settingsFile())).toBe(false);
  }, 120_000);

  test('the key is in no child\'s environment but the configure program\'s: npm install, npm prefix -g, claude --version, node -e (logged by the children themselves)', async () => {
    // A folder like the Node.js zip's: the real node.exe, and an npm.cmd that records whether it saw
    // the key and does what npm would (a claude.cmd in the global folder, the folder for prefix -g).
    const bin = path.join(work, 'spy-node');
    const npmGlobal = path.join(work, 'spy-npm-global');
    const log = path.join(work, 'spy.log');
    rmSync(bin, { recursive: true, force: true });
    rmSync(npmGlobal, { recursive: true, force: true });
    rmSync(log, { force: true });
    mkdirSync(bin);
    mkdirSync(npmGlobal);
    symlinkSync(path.join(await ensureWinNodeBin(mirror), 'node.exe'), path.join(bin, 'node.exe'));
    const winLog = windowsPath(log);
    const record = (who: string) => `if defined CCENV_API_KEY (echo ${who} saw the key>>"${winLog}") else (echo ${who} clean>>"${winLog}")`;
    writeFileSync(
      path.join(bin, 'npm.cmd'),
      ['@echo off', record('npm %1'), `if "%1"=="prefix" echo ${windowsPath(npmGlobal)}`, 'exit /b 0', ''].join('\r\n'),
    );
    // What npm install -g leaves: found once prefix -g's folder is on PATH (it is not before).
    writeFileSync(path.join(npmGlobal, 'claude.cmd'), ['@echo off', record('claude'), 'echo 2.1.330 (Claude Code)', ''].join('\r\n'));
    // Every node process reports its own environment (node --version loads nothing, so it cannot).
    const spy = path.join(work, 'spy.js');
    writeFileSync(spy, `require('fs').appendFileSync(${JSON.stringify(winLog)}, 'node ' + (process.argv[1] ? require('path').basename(process.argv[1]) : '-e') + (process.env.CCENV_API_KEY ? ' saw the key' : ' clean') + '\\r\\n');\n`);
    const key = 'sk-spy-cmd-123456';
    const r = await install(['--yes'], { env: { CCENV_API_KEY: key, NODE_OPTIONS: `--require ${windowsPath(spy)}`, CCENV_NO_MODIFY_PATH: '1' }, path: [dirs.shims, windowsPath(bin)] });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readSettings().env.ANTHROPIC_AUTH_TOKEN).toBe(key);
    const lines = readFileSync(log, 'utf8').split(/\r?\n/).filter(Boolean).map((l) => l.trim());
    expect(lines).toContain('npm install clean');
    expect(lines).toContain('npm prefix clean');
    expect(lines).toContain('claude clean');
    // the configure program (its loader is node -e) is the one process that gets the key
    expect(lines.filter((l) => l.includes('saw the key'))).toEqual(['node -e saw the key']);
    expect(lines.filter((l) => l === 'node -e saw the key')).toHaveLength(1);
    expect(r.stdout).toContain(`Claude Code 2.1.330 installed`);
  }, 120_000);

  test('Windows notes: the execution policy a new PowerShell window gets, from the registry by scope; Git for Windows is optional', async () => {
    const gpo = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell';
    const userGpo = 'HKCU\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell';
    const current = 'HKCU\\SOFTWARE\\Microsoft\\PowerShell\\1\\ShellIds\\Microsoft.PowerShell';
    const machine = 'HKLM\\SOFTWARE\\Microsoft\\PowerShell\\1\\ShellIds\\Microsoft.PowerShell';
    const keys = [gpo, userGpo, current, machine];
    const reset = async () => {
      for (const k of keys) await runWine(prefix, ['reg', 'delete', k, '/f']);
    };
    const set = async (k: string, name: string, type: string, value: string) => {
      const r = await runWine(prefix, ['reg', 'add', k, '/v', name, '/t', type, '/d', value, '/f']);
      expect(r.code).toBe(0);
    };
    const gitDir = path.join(work, 'git-cmd');
    mkdirSync(gitDir, { recursive: true });
    writeFileSync(path.join(gitDir, 'git.exe'), '');
    const cases: { name: string; setup: () => Promise<void>; policy: string | null }[] = [
      { name: 'nothing set (a client edition): Restricted', setup: async () => {}, policy: 'Restricted' },
      { name: 'CurrentUser RemoteSigned', setup: () => set(current, 'ExecutionPolicy', 'REG_SZ', 'RemoteSigned'), policy: null },
      { name: 'CurrentUser Undefined, LocalMachine AllSigned', setup: async () => { await set(current, 'ExecutionPolicy', 'REG_SZ', 'Undefined'); await set(machine, 'ExecutionPolicy', 'REG_SZ', 'AllSigned'); }, policy: 'AllSigned' },
      { name: 'user Group Policy AllSigned over CurrentUser Bypass', setup: async () => { await set(current, 'ExecutionPolicy', 'REG_SZ', 'Bypass'); await set(userGpo, 'EnableScripts', 'REG_DWORD', '1'); await set(userGpo, 'ExecutionPolicy', 'REG_SZ', 'AllSigned'); }, policy: 'AllSigned' },
      { name: 'machine Group Policy scripts disabled over CurrentUser Unrestricted', setup: async () => { await set(current, 'ExecutionPolicy', 'REG_SZ', 'Unrestricted'); await set(gpo, 'EnableScripts', 'REG_DWORD', '0'); }, policy: 'Restricted' },
      { name: 'machine Group Policy RemoteSigned over user Group Policy AllSigned', setup: async () => { await set(gpo, 'EnableScripts', 'REG_DWORD', '1'); await set(gpo, 'ExecutionPolicy', 'REG_SZ', 'RemoteSigned'); await set(userGpo, 'EnableScripts', 'REG_DWORD', '1'); await set(userGpo, 'ExecutionPolicy', 'REG_SZ', 'AllSigned'); }, policy: null },
    ];
    try {
      for (const c of cases) {
        await reset();
        await c.setup();
        const r = await install(['--dry-run'], { env: { CCENV_API_KEY: 'sk-valid-key' } });
        expect(r.code, c.name).toBe(0);
        if (c.policy) {
          expect(r.stdout, c.name).toContain(`PowerShell's execution policy (${c.policy}) blocks npm's .ps1 commands`);
          expect(r.stdout, c.name).toContain('Set-ExecutionPolicy -Scope CurrentUser RemoteSigned');
        } else {
          expect(r.stdout, c.name).not.toContain('execution policy');
        }
        // no git.exe in this prefix: information, never a requirement
        expect(r.stdout, c.name).toContain('Git for Windows was not found: Claude Code (2.1.120 and later) then runs its shell commands in PowerShell.');
        expect(`${r.stdout}${r.stderr}`, c.name).not.toMatch(/Git[^\\n]* (is )?required/i);
      }
      const withGit = await install(['--dry-run'], { env: { CCENV_API_KEY: 'sk-valid-key' }, path: [dirs.shims, dirs.node, dirs.claude, windowsPath(gitDir)] });
      expect(withGit.code).toBe(0);
      expect(withGit.stdout).not.toContain('Git for Windows');
    } finally {
      await reset();
    }
  }, 180_000);
});

describe.skipIf(skip)('install.cmd under Wine: Node.js and Claude Code present — the configure-only path', WINE_TEST_OPTIONS, () => {
  /** Claude Code as npm leaves it on Windows: claude.cmd beside node_modules, bin\claude.exe the native binary (here: 5000 bytes never run). */
  function npmClaude(): { dir: string; ran: string } {
    const dir = mkdtempSync(path.join(work, 'claude-npm-'));
    const pkg = path.join(dir, 'node_modules', '@anthropic-ai', 'claude-code');
    mkdirSync(path.join(pkg, 'bin'), { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), '{\n  "name": "@anthropic-ai/claude-code",\n  "version": "2.1.330",\n  "bin": {\n    "claude": "bin/claude.exe"\n  }\n}\n');
    writeFileSync(path.join(pkg, 'bin', 'claude.exe'), Buffer.alloc(5000, 0x90));
    writeFileSync(path.join(dir, 'claude.cmd'), '@echo off\r\necho ran>"%~dp0ran.txt"\r\necho 2.1.330 (Claude Code)\r\n');
    return { dir, ran: path.join(dir, 'ran.txt') };
  }

  test('npm\'s claude is recognised without starting it; the configure program names the Node.js it runs on', async () => {
    const claude = npmClaude();
    const r = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key' }, path: [dirs.shims, dirs.node, windowsPath(claude.dir)] });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Claude Code 2\.1\.330 found: .*claude\.cmd\r\n/);
    expect(r.stdout).toMatch(new RegExp(`Node\\.js v${mirror.version.replace(/\./g, '\\.')} found: .*node\\.exe\\r?\\n`));
    expect(existsSync(claude.ran)).toBe(false);
    expect(readSettings().env.ANTHROPIC_AUTH_TOKEN).toBe('sk-valid-key');
  });

  test('a Node.js older than the profile\'s minimum is refused by the configure program, said as node_too_old, and replaced (the download path)', async () => {
    const claude = npmClaude();
    const zhipu = resolveProfile('zhipu');
    const file = path.join(work, 'min23.cmd');
    writeFileSync(file, await renderForTest({ ...zhipu, node: { ...zhipu.node, minimum: 23 } }, 'cmd'));
    writeUserFile(prefix, '.claude/settings.json', USER_SETTINGS);
    const r = await install(['--yes'], { env: { CCENV_API_KEY: 'sk-valid-key' }, path: [dirs.shims, dirs.node, windowsPath(claude.dir)], file });
    // the mirror has no Node.js 23: the download is where it stops (exit 3), nothing changed
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`Node\\.js v${mirror.version.replace(/\./g, '\\.')} \\(.*node\\.exe\\) is older than the required 23; installing Node\\.js 23\\.`));
    expect(requests()).toContain(`${CN_MIRRORS.nodeUrl}/latest-v23.x/SHASUMS256.txt`);
    expect(r.stdout + r.stderr).not.toContain('run the installer');
    expect(readFileSync(settingsFile(), 'utf8')).toBe(USER_SETTINGS);
    expect(existsSync(path.join(prefix.userDir, '.claude', 'ccenv'))).toBe(false);
  });
});
