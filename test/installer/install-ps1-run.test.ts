// dist/zhipu/install.ps1 executed by real pwsh 7.6 on a machine that already has Node >= 22 and
// Claude Code (a stand-in): the installer contract, flag by flag and exit code by exit code, from a
// file and inside a pwsh session that carries on afterwards.
import { existsSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { repoPath } from '../../src/paths.js';
import type { FakeMachine } from '../support/fake-machine.js';
import { ensureCurrentNode } from '../../src/harness/node-fixture.js';
import { addNpmClaude } from './npm-claude.js';
import { envOf, HOSTILE_KEY, readJson, readyMachines, settingsPath, snapshotTree, writeSettings, ZHIPU_ENV } from '../support/installer-machine.js';
import { NO_PWSH, PWSH, pwshEnv, runPs1 } from '../support/run-ps1.js';
import { listTree } from '../support/home-listing.js';
import { runInPty } from '../../src/harness/pty.js';

const machine = readyMachines();
const FILE = repoPath('dist', 'zhipu', 'install.ps1');
const KEY = 'sk-ps1-0123456789abcdef';

describe.skipIf(!PWSH)(`install.ps1 under pwsh, from a file${PWSH ? '' : ` — ${NO_PWSH}`}`, () => {
  test('-Help and --help print the usage; -Version names ccenv and the profile; exit 0, nothing written', async () => {
    const m = await machine();
    for (const flag of ['-Help', '--help']) {
      const r = await runPs1(m, { file: FILE, args: [flag] });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain('Usage:');
    }
    const v = await runPs1(m, { file: FILE, args: ['-Version'] });
    expect(v.exitCode).toBe(0);
    expect(v.stdout).toMatch(/ccenv \d+\.\d+\.\d+, profile zhipu/);
    expect(snapshotTree(m.home)).toEqual({});
  });

  test('an unknown option is exit 2 naming it', async () => {
    const m = await machine();
    const r = await runPs1(m, { file: FILE, args: ['--frobnicate'] });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Unknown option: --frobnicate');
  });

  test('a hostile key from CCENV_API_KEY lands exactly; user entries stay in order; onboarding done; 0600; key never printed', async () => {
    const m = await machine();
    writeSettings(m, '{\n  "model": "opus",\n  "env": {\n    "MINE": "1"\n  },\n  "permissions": {"allow": ["Bash(ls)"]}\n}\n');
    const r = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: HOSTILE_KEY, CCENV_YES: '1' } });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const s = readJson(settingsPath(m));
    expect(Object.keys(s)).toEqual(['model', 'env', 'permissions']);
    expect(envOf(m)).toEqual({ MINE: '1', ANTHROPIC_AUTH_TOKEN: HOSTILE_KEY, ...ZHIPU_ENV });
    expect(readJson(path.join(m.home, '.claude.json'))).toEqual({ hasCompletedOnboarding: true });
    expect(statSync(settingsPath(m)).mode & 0o777).toBe(0o600);
    expect(r.stdout + r.stderr).not.toContain(HOSTILE_KEY);
    expect(r.stdout).toContain('Done. Claude Code now uses Zhipu GLM Coding Plan');
  });

  test('a re-run changes nothing, byte for byte', async () => {
    const m = await machine();
    const env = { CCENV_API_KEY: KEY, CCENV_YES: '1' };
    expect((await runPs1(m, { file: FILE, env })).exitCode).toBe(0);
    const before = snapshotTree(m.home);
    const again = await runPs1(m, { file: FILE, env });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(snapshotTree(m.home)).toEqual(before);
  });

  test('no key: with -Yes, with --yes, with CCENV_YES=1, and with no console and nothing piped → exit 5, nothing written', async () => {
    const m = await machine();
    for (const run of [{ args: ['-Yes'] }, { args: ['--yes'] }, { env: { CCENV_YES: '1' } }, {}]) {
      const r = await runPs1(m, { file: FILE, ...run });
      expect(r.exitCode, JSON.stringify(run) + r.stderr).toBe(5);
      expect(r.stderr).toMatch(/CCENV_API_KEY/);
    }
    expect(snapshotTree(m.home)).toEqual({});
  });

  test('-NonInteractive without a key is exit 5 with what to do, not a raw Read-Host error', async () => {
    const m = await machine();
    const r = await runPs1(m, { file: FILE, pwshArgs: ['-NonInteractive'], stdin: undefined });
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toContain("$env:CCENV_API_KEY = 'your-key'");
    expect(r.stderr).not.toMatch(/NonInteractive mode|Exception/);
  });

  test('a key piped on stdin (Get-Content key.txt | pwsh -File install.ps1) lands exactly, CRLF or not', async () => {
    for (const ending of ['\n', '\r\n']) {
      const m = await machine();
      const r = await runPs1(m, { file: FILE, stdin: `${HOSTILE_KEY}${ending}` });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe(HOSTILE_KEY);
      expect(r.stdout + r.stderr).not.toContain(HOSTILE_KEY);
    }
  });

  test('CCENV_API_KEY set but empty is exit 2 (a missing CI secret must fail, not prompt)', async () => {
    const m = await machine();
    const r = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: '' }, stdin: 'sk-should-not-be-read\n' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('CCENV_API_KEY is set but empty');
    expect(snapshotTree(m.home)).toEqual({});
  });

  for (const [what, key, position] of [
    ['a full-width character', 'sk-\uff41bcdef', '4'],
    ['an inner space', 'sk-abc def', '7'],
  ] as const) {
    test(`a key with ${what} is exit 2 naming position ${position}, nothing written`, async () => {
      const m = await machine();
      const r = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: key, CCENV_YES: '1' } });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(position);
      expect(snapshotTree(m.home)).toEqual({});
    });
  }

  test('invalid settings.json: exit 4, left byte for byte', async () => {
    const m = await machine();
    const text = '{ "env": { "A": "1", }, // mine\n}';
    writeSettings(m, text);
    const r = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } });
    expect(r.exitCode).toBe(4);
    expect(readFileSync(settingsPath(m), 'utf8')).toBe(text);
    expect(existsSync(path.join(m.home, '.claude.json'))).toBe(false);
  });

  test('--dry-run and -DryRun need no key, show the change masked, and write nothing', async () => {
    const m = await machine();
    writeSettings(m, '{"env":{"MINE":"1"}}\n');
    const before = snapshotTree(m.home);
    for (const flag of ['-DryRun', '--dry-run']) {
      const r = await runPs1(m, { file: FILE, args: [flag] });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain('Dry run');
    }
    const withKey = await runPs1(m, { file: FILE, args: ['-DryRun'], env: { CCENV_API_KEY: KEY } });
    expect(withKey.stdout).not.toContain(KEY);
    expect(snapshotTree(m.home)).toEqual(before);
  });

  test('-Uninstall gives back the original bytes; a second -Uninstall changes nothing', async () => {
    const m = await machine();
    const original = '{\r\n  "env": {"ANTHROPIC_BASE_URL": "https://mine.example", "MINE": "1"},\r\n  "model": "opus"\r\n}\r\n';
    writeSettings(m, original);
    writeFileSync(path.join(m.home, '.claude.json'), '{"numStartups": 3}');
    expect((await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } })).exitCode).toBe(0);
    expect(envOf(m)['ANTHROPIC_BASE_URL']).toBe(ZHIPU_ENV['ANTHROPIC_BASE_URL']);
    const u = await runPs1(m, { file: FILE, args: ['-Uninstall'] });
    expect(u.exitCode, u.stderr).toBe(0);
    expect(readFileSync(settingsPath(m), 'utf8')).toBe(original);
    expect(readJson(path.join(m.home, '.claude.json'))).toEqual({ numStartups: 3 });
    const again = await runPs1(m, { file: FILE, args: ['--uninstall'] });
    expect(again.exitCode).toBe(0);
    expect(readFileSync(settingsPath(m), 'utf8')).toBe(original);
  });

  test('CCENV_MODEL_* set the mapping unasked; the stale ANTHROPIC_API_KEY goes', async () => {
    const m = await machine();
    writeSettings(m, '{"env":{"ANTHROPIC_API_KEY":"sk-old-anthropic"}}');
    const r = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_MODEL_OPUS: 'glm-x', CCENV_MODEL_HAIKU: 'glm-y' } });
    expect(r.exitCode, r.stderr).toBe(0);
    const env = envOf(m);
    expect(env['ANTHROPIC_API_KEY']).toBeUndefined();
    expect(env['ANTHROPIC_DEFAULT_OPUS_MODEL']).toBe('glm-x');
    expect(env['ANTHROPIC_DEFAULT_HAIKU_MODEL']).toBe('glm-y');
  });

  test('-Doctor needs no key, changes nothing and names the settings file; CCENV_LANG=zh speaks Chinese', async () => {
    const m = await machine();
    expect((await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } })).exitCode).toBe(0);
    const before = snapshotTree(m.home);
    const r = await runPs1(m, { file: FILE, args: ['-Doctor'], env: { CCENV_LANG: 'zh' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(settingsPath(m));
    expect(r.stdout).toMatch(/[\u4e00-\u9fff]/);
    expect(r.stdout).not.toContain(KEY);
    expect(snapshotTree(m.home)).toEqual(before);
  });

  test('the key is in no other process environment than the configure program (node --version, claude --version)', async () => {
    const m = await machine();
    // A claude that reports whether it sees the key.
    m.addExecutable('claude', '#!/bin/sh\n[ -n "${CCENV_API_KEY+set}" ] && echo "LEAK claude sees CCENV_API_KEY" >&2\necho "2.1.330 (Claude Code)"\n');
    const r = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('LEAK');
    expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
  });

  test('the key typed at the hidden prompt on a pseudo-terminal lands exactly and is never shown; a rejected key is asked again', async () => {
    const m = await machine();
    const r = await runInPty(`pwsh -NoProfile -File '${FILE}'`, {
      env: pwshEnv(m),
      cwd: m.home,
      answers: [
        // Typed once PowerShell reads keys (its cursor query follows the prompt): a terminal echoes
        // what is typed before any program reads it, whatever the program.
        { when: /API key[^\n]*\x1b\[6n/, send: 'sk-bad key\r' },
        { when: /API key[^\n]*\x1b\[6n/, send: `${HOSTILE_KEY}\r` },
        { when: /\[y\/N\]/, send: 'y\r' },
        { when: /MCP servers[\s\S]*?\[y\/N\]/, send: '\r' },
      ],
      timeoutMs: 60_000,
    });
    expect(r.exitCode, r.transcript).toBe(0);
    expect(r.transcript).not.toContain(HOSTILE_KEY);
    expect(r.transcript).not.toContain('sk-bad');
    expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe(HOSTILE_KEY);
    expect(envOf(m)['ANTHROPIC_DEFAULT_OPUS_MODEL']).toBe('glm-4.7');
  });

  test('three empty answers at the prompt: exit 2, as install.sh', async () => {
    const m = await machine();
    const prompt = 'Enter your Zhipu GLM Coding Plan API key';
    const r = await runInPty(`pwsh -NoProfile -File '${FILE}'`, {
      env: pwshEnv(m),
      cwd: m.home,
      answers: [{ when: prompt, send: '\r' }, { when: prompt, send: '\r' }, { when: prompt, send: '\r' }],
      timeoutMs: 60_000,
    });
    expect(r.exitCode, r.transcript).toBe(2);
    expect(r.transcript).toContain('No usable key after 3 attempts');
    expect(snapshotTree(m.home)).toEqual({});
  });

  test('inputs that cannot work: a plain-http registry without CCENV_ALLOW_HTTP (exit 2), a relative CCENV_INSTALL_DIR (exit 2)', async () => {
    const m = await machine();
    const http = await runPs1(m, { file: FILE, args: ['-Upgrade'], env: { CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_NPM_REGISTRY: 'http://registry.example.test/' } });
    expect(http.exitCode).toBe(2);
    expect(http.stderr).toContain('http://registry.example.test/');
    const dir = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_INSTALL_DIR: 'relative/dir' } });
    expect(dir.exitCode).toBe(2);
    expect(dir.stderr).toContain('relative/dir');
    expect(snapshotTree(m.home)).toEqual({});
  });

  test('-Upgrade runs npm without the key; npm failing is exit 7 with its last lines', async () => {
    const m = await machine();
    m.addExecutable('npm', '#!/bin/sh\n[ -n "${CCENV_API_KEY+set}" ] && echo "LEAK npm sees the key"\necho "npm ERR! code E500 from the test" >&2\nexit 1\n');
    const r = await runPs1(m, { file: FILE, args: ['-Upgrade'], env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } });
    expect(r.exitCode).toBe(7);
    // a registry's 5xx is the network's: one message with npm's line and what to try
    expect(r.stderr).toContain('code E500 from the test');
    expect(r.stderr).toContain('CCENV_NPM_REGISTRY');
    expect(r.stdout + r.stderr).not.toContain('LEAK');
    expect(snapshotTree(m.home)).toEqual({});
  });

  test('CLAUDE_CONFIG_DIR: settings.json and .claude.json go there, not to ~/.claude', async () => {
    const m = await machine();
    const dir = path.join(m.home, 'elsewhere');
    const r = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1', CLAUDE_CONFIG_DIR: dir } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(envOf(m, dir)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
    expect(readJson(path.join(dir, '.claude.json'))).toEqual({ hasCompletedOnboarding: true });
    expect(existsSync(path.join(m.home, '.claude'))).toBe(false);
  });

  test('no key, no console, stdin an open pipe that never brings a line (a CI agent): exit 5, not a hang', async () => {
    const m = await machine();
    const child = execa('pwsh', ['-NoProfile', '-File', FILE], { env: pwshEnv(m), extendEnv: false, reject: false, stdin: 'pipe', cwd: m.home, timeout: 90_000 });
    const r = await child;
    child.stdin?.destroy();
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(5);
    expect(snapshotTree(m.home)).toEqual({});
  }, 120_000);
});

describe.skipIf(!PWSH)(`install.ps1 under pwsh: Node.js and Claude Code present — the configure-only path${PWSH ? '' : ` — ${NO_PWSH}`}`, () => {
  const logging = readyMachines({ logArgv: true });
  const nodeRuns = (m: FakeMachine) => (existsSync(m.argvLog) ? readFileSync(m.argvLog, 'utf8').trim().split('\n') : []).filter((c) => /(^|\/)(node|claude) /.test(c));

  test('one node process: the configure program checks the version and names the Node.js; npm\'s claude is not started', async () => {
    const m = await logging();
    addNpmClaude(m, { native: true });
    const r = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Claude Code 2.1.330 found: ${m.bin}/claude`);
    expect(r.stdout).toMatch(new RegExp(`Node\\.js v22\\.\\d+\\.\\d+ found: ${m.bin}/node`));
    expect(nodeRuns(m).map((c) => c.replace(`${m.bin}/`, ''))).toEqual(['node -']);
    expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
  });

  test('npm left its stub (no shebang: it does not even start from pwsh): Claude Code is installed again', async () => {
    const m = await logging();
    addNpmClaude(m, { native: false });
    const r = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } });
    // this machine has no npm: installing Claude Code is where it stops (exit 7), nothing configured
    expect(r.exitCode, r.stderr).toBe(7);
    expect(r.stdout).not.toContain('Claude Code 2.1.330 found');
    expect(r.stderr).toContain('npm');
    expect(existsSync(settingsPath(m))).toBe(false);
  });

  test('Node 18 first on PATH: refused by the configure program before it changes anything, node_too_old, then the download path', async () => {
    const m = await machine();
    addNpmClaude(m, { native: true });
    rmSync(path.join(m.bin, 'node'));
    symlinkSync(await ensureCurrentNode('18.20.4'), path.join(m.bin, 'node'));
    // a plain-http mirror is refused (exit 2) where the download would start
    const r = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_NODE_MIRROR: 'http://127.0.0.1:9/dist' } });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain(`Node.js v18 (${m.bin}/node) is older than the required 22; installing Node.js 22.`);
    expect(r.stderr).toContain('http://127.0.0.1:9/dist');
    expect(r.stdout + r.stderr).not.toContain('run the installer');
    expect(snapshotTree(m.home)).toEqual({});
  });
});

describe.skipIf(!PWSH)(`install.ps1 under pwsh: install, then -Uninstall -Purge, leaves the home as it was${PWSH ? '' : ` — ${NO_PWSH}`}`, () => {
  const BANNER = "Removing ccenv's Claude Code setup for Zhipu GLM Coding Plan";

  test('the profile (and the folders made for it), ~/.ccenv and ~/.claude/ccenv go; a second -Uninstall has nothing to undo', async () => {
    const m = await machine();
    rmSync(path.join(m.bin, 'claude'));
    // npm's global folder does not exist (as a root-owned one, not writable): Claude Code goes into
    // ~/.ccenv/npm-global, which the installer puts on PATH with a line in the PowerShell profile.
    m.addExecutable('npm', [
      '#!/bin/sh',
      `if [ "$1" = prefix ]; then echo '${m.root}/no-such-prefix'; exit 0; fi`,
      `prefix='${m.root}/no-such-prefix'`,
      'while [ $# -gt 0 ]; do [ "$1" = --prefix ] && prefix=$2; shift; done',
      'mkdir -p "$prefix/bin"',
      `printf '#!/bin/sh\\necho "2.1.330 (Claude Code)"\\n' >"$prefix/bin/claude"`,
      'chmod +x "$prefix/bin/claude"',
    ].join('\n') + '\n');
    writeFileSync(path.join(m.home, '.profile'), '# the user\'s own, untouched\n');
    const before = listTree(m.home);

    const install = await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } });
    expect(install.exitCode, install.stdout + install.stderr).toBe(0);
    const profile = path.join(m.home, '.config', 'powershell', 'profile.ps1');
    expect(readFileSync(profile, 'utf8')).toContain('# added by ccenv');
    expect(existsSync(path.join(m.home, '.claude', 'ccenv', 'receipt.json'))).toBe(true);

    // -DryRun first: says each step and changes nothing (not a byte, not a time).
    const installed = snapshotTree(m.home);
    const dry = await runPs1(m, { file: FILE, args: ['-Uninstall', '-Purge', '-DryRun'] });
    expect(dry.exitCode, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout.split(/\r?\n/).slice(0, 2)).toEqual([BANNER, 'Dry run: nothing will be changed.']);
    expect(dry.stdout).toContain(`Would remove the PATH line ccenv added to ${profile}`);
    expect(dry.stdout).toContain(`Would remove ${m.home}/.ccenv (the Node.js and Claude Code ccenv installed there).`);
    expect(dry.stdout).toContain('Dry run finished; nothing was changed.');
    expect(snapshotTree(m.home)).toEqual(installed);

    const un = await runPs1(m, { file: FILE, args: ['-Uninstall', '-Purge'] });
    expect(un.exitCode, un.stdout + un.stderr).toBe(0);
    expect(un.stdout.split(/\r?\n/)[0]).toBe(BANNER);
    expect(un.stdout).toContain('Uninstalled, and removed what ccenv installed');
    expect(listTree(m.home)).toEqual(before);

    const again = await runPs1(m, { file: FILE, args: ['--uninstall'] });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout.split(/\r?\n/)[0]).toBe(BANNER);
    expect(again.stdout).toContain('Nothing was undone: ccenv had not changed the Claude Code settings or the PATH here.');
    expect(again.stdout).not.toContain('Uninstalled');
    expect(listTree(m.home)).toEqual(before);
  });

  test('no Node.js left: the settings stay, and the summary says it is not finished', async () => {
    const m = await machine();
    expect((await runPs1(m, { file: FILE, env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } })).exitCode).toBe(0);
    rmSync(path.join(m.bin, 'node'));
    const un = await runPs1(m, { file: FILE, args: ['-Uninstall'] });
    expect(un.exitCode, un.stderr).toBe(0);
    expect(un.stdout.split(/\r?\n/)[0]).toBe(BANNER);
    expect(un.stderr).toContain('No Node.js found, so the Claude Code settings were not restored');
    expect(un.stdout).toContain('Not finished: not everything ccenv changed could be undone (see above).');
    expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
  });
});
