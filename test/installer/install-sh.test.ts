// dist/zhipu/install.sh, run as `curl … | sh` (script on stdin) under real POSIX shells, on a
// machine that already has Node ≥ 22 and Claude Code (a stand-in).
import { describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildInstallers } from '../../src/publish/build.js';
import { allShells, shellByName } from '../../src/harness/shells.js';
import { runInstaller } from '../support/run-installer.js';
import type { FakeMachine } from '../support/fake-machine.js';
import { ensureCurrentNode } from '../../src/harness/node-fixture.js';
import { addNpmClaude } from './npm-claude.js';
import {
  envOf, HOSTILE_KEY, readJson, readyMachines, settingsPath, snapshotTree, writeSettings, ZHIPU_ENV, ZHIPU_SCRIPT,
} from '../support/installer-machine.js';
import { listTree } from '../support/home-listing.js';

const machine = readyMachines();

const script = ZHIPU_SCRIPT();
const dash = shellByName('dash');
const bash = shellByName('bash');

describe.each(allShells().map((s) => [s.name, s] as const))('install.sh under %s', (_name, shell) => {
  test('a hostile key lands exactly, with the profile env, onboarding done, mode 0600', async () => {
    const m = await machine();
    const r = await runInstaller({ shell, machine: m, script, env: { CCENV_API_KEY: HOSTILE_KEY, CCENV_YES: '1' } });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(envOf(m)).toEqual({ ANTHROPIC_AUTH_TOKEN: HOSTILE_KEY, ...ZHIPU_ENV });
    expect(readJson(path.join(m.home, '.claude.json'))).toEqual({ hasCompletedOnboarding: true });
    expect(statSync(settingsPath(m)).mode & 0o777).toBe(0o600);
    expect(r.stdout + r.stderr).not.toContain(HOSTILE_KEY);
    expect(r.stdout).toContain('Done. Claude Code now uses Zhipu GLM Coding Plan');
  });

  test('a re-run changes nothing, byte for byte', async () => {
    const m = await machine();
    const env = { CCENV_API_KEY: 'sk-rerun-0123456789', CCENV_YES: '1' };
    expect((await runInstaller({ shell, machine: m, script, env })).exitCode).toBe(0);
    const before = snapshotTree(m.home);
    const again = await runInstaller({ shell, machine: m, script, env });
    expect(again.exitCode).toBe(0);
    expect(snapshotTree(m.home)).toEqual(before);
  });
});

describe('install.sh: keys that cannot work (dash, bash)', () => {
  for (const shell of [dash, bash]) {
    for (const [what, key, position] of [
      ['a full-width character', 'sk-ａbcdef', '4'],
      ['a space', 'sk-abc def', '7'],
      ['a tab', 'sk-abc\tdef', '7'],
    ] as const) {
      test(`${shell.name}: ${what} exits 2 naming the position, writing nothing`, async () => {
        const m = await machine();
        const r = await runInstaller({ shell, machine: m, script, env: { CCENV_API_KEY: key, CCENV_YES: '1' } });
        expect(r.exitCode).toBe(2);
        expect(r.stderr).toContain(position);
        expect(snapshotTree(m.home)).toEqual({});
      });
    }

    test(`${shell.name}: set but empty exits 2 (a missing CI secret must fail, not prompt)`, async () => {
      const m = await machine();
      const r = await runInstaller({ shell, machine: m, script, env: { CCENV_API_KEY: '' } });
      expect(r.exitCode).toBe(2);
      expect(snapshotTree(m.home)).toEqual({});
    });
  }

  test('one trailing newline (from a copied secret) is stripped', async () => {
    const m = await machine();
    const r = await runInstaller({ shell: dash, machine: m, script, env: { CCENV_API_KEY: 'sk-abc123456789\n', CCENV_YES: '1' } });
    expect(r.exitCode).toBe(0);
    expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe('sk-abc123456789');
  });

  test('blanks around a pasted key (a leading tab, a trailing space) are trimmed, under dash and bash', async () => {
    for (const shell of [dash, bash]) {
      const m = await machine();
      const r = await runInstaller({ shell, machine: m, script, env: { CCENV_API_KEY: '\tsk-abc123456789 ', CCENV_YES: '1' } });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe('sk-abc123456789');
    }
  });
});

describe('install.sh: existing files', () => {
  test('invalid JSON exits 4 and leaves the file byte-identical', async () => {
    for (const shell of [dash, bash]) {
      const m = await machine();
      const file = writeSettings(m, '{\n  // my settings\n  "model": "opus",\n}\n');
      const before = snapshotTree(m.home);
      const r = await runInstaller({ shell, machine: m, script, env: { CCENV_API_KEY: 'sk-valid-123456', CCENV_YES: '1' } });
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toContain(file);
      expect(snapshotTree(m.home)).toEqual(before);
    }
  });

  test('--uninstall restores a settings.json with its own env, a stale ANTHROPIC_API_KEY, hooks and permissions', async () => {
    for (const shell of [dash, bash]) {
      const m = await machine();
      const original = JSON.stringify(
        {
          permissions: { allow: ['Bash(npm run test:*)', 'Read(~/.zshrc)'], deny: ['Read(./.env)'] },
          env: { ANTHROPIC_API_KEY: 'sk-ant-stale', MY_VAR: 'kept', BASH_DEFAULT_TIMEOUT_MS: '60000' },
          hooks: { PostToolUse: [{ matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'npx prettier --write "$FILE"' }] }] },
          model: 'opus',
        },
        null,
        4,
      ) + '\n';
      const file = writeSettings(m, original);
      const install = await runInstaller({ shell, machine: m, script, env: { CCENV_API_KEY: 'sk-new-key-123456', CCENV_YES: '1' } });
      expect(install.exitCode).toBe(0);
      const env = envOf(m);
      expect(env['ANTHROPIC_API_KEY']).toBeUndefined();
      expect(env['MY_VAR']).toBe('kept');
      expect(Object.keys(readJson(file))).toEqual(['permissions', 'env', 'hooks', 'model']);
      const un = await runInstaller({ shell, machine: m, script, args: ['--uninstall'] });
      expect(un.stderr).toBe('');
      expect(un.exitCode).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(original);
      expect(existsSync(path.join(m.home, '.claude.json'))).toBe(false);
    }
  });

  test('CLAUDE_CONFIG_DIR is honoured for both files', async () => {
    const m = await machine();
    const dir = path.join(m.root, 'elsewhere');
    const r = await runInstaller({ shell: dash, machine: m, script, env: { CCENV_API_KEY: 'sk-cfgdir-123456', CCENV_YES: '1', CLAUDE_CONFIG_DIR: dir } });
    expect(r.exitCode).toBe(0);
    expect(envOf(m, dir)['ANTHROPIC_AUTH_TOKEN']).toBe('sk-cfgdir-123456');
    expect(readJson(path.join(dir, '.claude.json'))).toEqual({ hasCompletedOnboarding: true });
    expect(existsSync(path.join(m.home, '.claude'))).toBe(false);
    expect(existsSync(path.join(m.home, '.claude.json'))).toBe(false);
  });

  test('a read-only config folder exits 8 and changes nothing', async () => {
    const m = await machine();
    const file = writeSettings(m, '{"model":"opus"}\n');
    const before = snapshotTree(m.home);
    const r = await runInstaller({
      shell: dash, machine: m, script, readOnly: path.dirname(file),
      env: { CCENV_API_KEY: 'sk-x-123456789', CCENV_YES: '1' },
    });
    expect(r.exitCode).toBe(8);
    expect(r.stderr).toContain(path.dirname(file));
    expect(snapshotTree(m.home)).toEqual(before);
  });

  test('a config folder path that cannot exist exits 8', async () => {
    const m = await machine();
    const file = writeSettings(m, '{"model":"opus"}\n');
    const r = await runInstaller({ shell: dash, machine: m, script, env: { CCENV_API_KEY: 'sk-x-123456789', CCENV_YES: '1', CLAUDE_CONFIG_DIR: `${file}/sub` } });
    expect(r.exitCode).toBe(8);
    expect(readFileSync(file, 'utf8')).toBe('{"model":"opus"}\n');
  });
});

describe('install.sh: no key, flags, messages', () => {
  test('no key and no terminal exits 5 naming CCENV_API_KEY', async () => {
    for (const shell of [dash, bash]) {
      const m = await machine();
      const r = await runInstaller({ shell, machine: m, script });
      expect(r.exitCode).toBe(5);
      expect(r.stderr).toContain('CCENV_API_KEY');
      expect(snapshotTree(m.home)).toEqual({});
    }
  });

  test('--yes without a key exits 5', async () => {
    const m = await machine();
    const r = await runInstaller({ shell: dash, machine: m, script, args: ['--yes'] });
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toContain('CCENV_API_KEY');
  });

  test('built with --base-url, the no-key hint and --help carry the real one-liner (ps1 and cmd: theirs)', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ccenv-base-url-'));
    try {
      const base = 'https://get.example.com/ccenv/';
      expect(await buildInstallers({ profile: ['zhipu'], out, check: false, lint: false, versioned: false, baseUrl: base }, () => {}, () => {})).toBe(0);
      const built = readFileSync(path.join(out, 'zhipu', 'install.sh'), 'utf8');
      const m = await machine();
      const r = await runInstaller({ shell: dash, machine: m, script: built });
      expect(r.exitCode).toBe(5);
      expect(r.stderr).toContain(`curl -fsSL ${base}zhipu/install.sh | CCENV_API_KEY=your-key sh`);
      expect(r.stderr).not.toContain('<url>');
      const help = await runInstaller({ shell: dash, machine: m, script: built, args: ['--help'] });
      expect(help.stdout).toContain(`curl -fsSL ${base}zhipu/install.sh | sh -s -- [options]`);
      const ps1 = readFileSync(path.join(out, 'zhipu', 'install.ps1'), 'utf8');
      expect(ps1).toContain(`$env:CCENV_API_KEY = ''your-key''; irm ${base}zhipu/install.ps1 | iex`);
      const cmd = readFileSync(path.join(out, 'zhipu', 'install.cmd'), 'utf8');
      expect(cmd).toContain(`curl.exe -fsSL ${base}zhipu/install.cmd -o install.cmd ^&^& install.cmd`);
      expect(ps1 + cmd).not.toContain('<url>');
      expect(help.stdout).not.toContain('<url>');
      // without an address, the committed dist/ keeps a placeholder
      expect(script).toContain('curl -fsSL <url> | CCENV_API_KEY=your-key sh');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('--help and --version need no key, Node or Claude Code', async () => {
    const m = await machine();
    const help = await runInstaller({ shell: dash, machine: m, script, args: ['--help'], env: { PATH: '/nonexistent' } });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--uninstall');
    expect(help.stdout).toContain('https://open.bigmodel.cn/usercenter/proj-mgmt/apikeys');
    const version = await runInstaller({ shell: dash, machine: m, script, args: ['--version'], env: { PATH: '/nonexistent' } });
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toMatch(/^ccenv \d+\.\d+\.\d+, profile zhipu \(Zhipu GLM Coding Plan\)$/);
  });

  test('an unknown flag exits 2', async () => {
    const m = await machine();
    const r = await runInstaller({ shell: dash, machine: m, script, args: ['--frobnicate'] });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--frobnicate');
  });

  test('CCENV_LANG=zh speaks Chinese', async () => {
    const m = await machine();
    const r = await runInstaller({ shell: dash, machine: m, script, env: { CCENV_LANG: 'zh' } });
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toContain('没有 API 密钥');
    const auto = await runInstaller({ shell: dash, machine: m, script, env: { LANG: 'zh_CN.UTF-8' } });
    expect(auto.stderr).toContain('没有 API 密钥');
  });

  test('--dry-run changes nothing and never shows the key', async () => {
    const m = await machine();
    writeSettings(m, '{"env":{"ANTHROPIC_API_KEY":"sk-ant-stale"}}\n');
    const before = snapshotTree(m.home);
    const r = await runInstaller({ shell: dash, machine: m, script, args: ['--dry-run'], env: { CCENV_API_KEY: 'sk-dry-run-secret-9876' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('ANTHROPIC_AUTH_TOKEN');
    expect(r.stdout).toContain('ANTHROPIC_API_KEY');
    expect(r.stdout + r.stderr).not.toContain('sk-dry-run-secret-9876');
    expect(snapshotTree(m.home)).toEqual(before);
  });

  test('under sudo it refuses (exit 2): it would configure root instead of the user', async () => {
    const m = await machine();
    const r = await runInstaller({ shell: dash, machine: m, script, env: { CCENV_API_KEY: 'sk-x-123456789', SUDO_USER: 'alice' } });
    if (process.getuid?.() === 0) {
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain('alice');
    } else {
      expect(r.exitCode).toBe(0);
    }
  });

  test('model mapping: CCENV_MODEL_* set the models; by default none is written', async () => {
    const m = await machine();
    await runInstaller({ shell: dash, machine: m, script, env: { CCENV_API_KEY: 'sk-models-123456', CCENV_YES: '1' } });
    expect(Object.keys(envOf(m)).filter((k) => k.includes('MODEL'))).toEqual([]);
    const r = await runInstaller({ shell: dash, machine: m, script, env: { CCENV_API_KEY: 'sk-models-123456', CCENV_YES: '1', CCENV_MODEL_OPUS: 'glm-5', CCENV_MODEL_HAIKU: 'glm-4.5-air' } });
    expect(r.exitCode).toBe(0);
    expect(envOf(m)['ANTHROPIC_DEFAULT_OPUS_MODEL']).toBe('glm-5');
    expect(envOf(m)['ANTHROPIC_DEFAULT_HAIKU_MODEL']).toBe('glm-4.5-air');
    expect(envOf(m)['ANTHROPIC_DEFAULT_SONNET_MODEL']).toBeUndefined();
  });
});

describe('install.sh: Node.js and Claude Code missing, with no way to get them (exit 7)', () => {
  test('Node 20 only and no curl or wget: says the minimum and what to install, exits 7', async () => {
    const m = await machine();
    const { rmSync, symlinkSync } = await import('node:fs');
    rmSync(path.join(m.bin, 'node'));
    symlinkSync(process.execPath, path.join(m.bin, 'node'));
    const r = await runInstaller({ shell: dash, machine: m, script, env: { CCENV_API_KEY: 'sk-x-123456789' } });
    expect(r.exitCode).toBe(7);
    expect(r.stdout).toMatch(/Node\.js v?20\.\d+\.\d+ .* older than the required 22/);
    expect(r.stderr).toContain('Neither curl nor wget');
    expect(snapshotTree(m.home)).toEqual({});
  });

  test('no Node at all and no downloader: exits 7', async () => {
    const m = await machine();
    const { rmSync } = await import('node:fs');
    rmSync(path.join(m.bin, 'node'));
    const r = await runInstaller({ shell: bash, machine: m, script, env: { CCENV_API_KEY: 'sk-x-123456789' } });
    expect(r.exitCode).toBe(7);
    expect(r.stdout).toContain('Node.js 22 or newer is required');
    expect(r.stderr).toContain('Neither curl nor wget');
  });

  test('no claude and no npm: exits 7 saying how to install it', async () => {
    const m = await machine();
    const { rmSync } = await import('node:fs');
    rmSync(path.join(m.bin, 'claude'));
    const r = await runInstaller({ shell: dash, machine: m, script, env: { CCENV_API_KEY: 'sk-x-123456789' } });
    expect(r.exitCode).toBe(7);
    expect(r.stderr).toContain('npm install -g @anthropic-ai/claude-code');
  });

  test('a plain-http mirror is refused (exit 2) unless CCENV_ALLOW_HTTP=1', async () => {
    const m = await machine();
    const { rmSync } = await import('node:fs');
    rmSync(path.join(m.bin, 'node'));
    // curl's stderr is captured: its last error line is shown inside the one message
    m.addExecutable('curl', '#!/bin/sh\necho "curl: (22) called with $*" >&2\nexit 22\n');
    const env = { CCENV_API_KEY: 'sk-x-123456789', CCENV_NODE_MIRROR: 'http://mirror.example/node' };
    const refused = await runInstaller({ shell: dash, machine: m, script, env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('Refusing plain http: http://mirror.example/node/');
    const allowed = await runInstaller({ shell: dash, machine: m, script, env: { ...env, CCENV_ALLOW_HTTP: '1' } });
    expect(allowed.exitCode).toBe(3);
    expect(allowed.stderr).toContain('--proto =https,http');
    expect(allowed.stderr).toContain('Download failed: http://mirror.example/node/latest-v22.x/SHASUMS256.txt');
  });
});

describe('--doctor on a machine', () => {
  // posh reads no flags after a script on stdin (`sh -s -- --doctor`): it runs the others
  test('runs under every shell that takes flags from a pipe, without a key or a terminal; changes nothing, exit 0', async () => {
    for (const shell of allShells().filter((s) => s.name !== 'posh')) {
      const m = await machine();
      writeSettings(m, JSON.stringify({ env: { ...ZHIPU_ENV, ANTHROPIC_AUTH_TOKEN: 'sk-doctor-sh-123456' } }));
      const before = snapshotTree(m.home);
      const r = await runInstaller({ shell, machine: m, script, args: ['--doctor'], env: { CCENV_CHECK_TIMEOUT_MS: '1000' } });
      expect(r.exitCode, `${shell.name}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('ccenv doctor: Claude Code with Zhipu GLM Coding Plan (profile zhipu). Nothing is changed.');
      expect(r.stdout).toContain('ANTHROPIC_AUTH_TOKEN = sk-d...3456  (from user ');
      expect(r.stdout).not.toContain('Setting up Claude Code');
      expect(r.stdout + r.stderr).not.toContain('sk-doctor-sh-123456');
      expect(snapshotTree(m.home)).toEqual(before);
    }
  }, 120_000);

  test('without Node.js it says what to do instead, exit 0; --help lists --doctor and --check', async () => {
    const m = await machine();
    rmSync(path.join(m.bin, 'node'));
    const r = await runInstaller({ shell: dash, machine: m, script, args: ['--doctor'] });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('No Node.js found: the diagnosis needs it.');
    const help = await runInstaller({ shell: dash, machine: m, script, args: ['--help'] });
    expect(help.stdout).toContain('--doctor      explain what Claude Code will use and why');
    expect(help.stdout).toContain('--check       send one request with the configured key');
  });
});

describe('install.sh: Node.js and Claude Code present — the configure-only path', () => {
  const logging = readyMachines({ logArgv: true });
  const commands = (m: FakeMachine) => (existsSync(m.argvLog) ? readFileSync(m.argvLog, 'utf8').trim().split('\n') : []);

  test('one node process: the configure program checks the version and names the Node.js; npm\'s claude is not started', async () => {
    const m = await logging();
    addNpmClaude(m, { native: true });
    const r = await runInstaller({ shell: dash, machine: m, script, env: { CCENV_API_KEY: 'sk-fast-123456789', CCENV_YES: '1' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Claude Code 2.1.330 found: ${m.bin}/claude`);
    expect(r.stdout).toMatch(new RegExp(`Node\\.js v22\\.\\d+\\.\\d+ found: ${m.bin}/node`));
    expect(commands(m).map((c) => c.replace(`${m.bin}/`, ''))).toEqual(['node -']);
    expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe('sk-fast-123456789');
  });

  test('npm left its stub (the native package skipped): claude is asked, fails, and Claude Code is installed again', async () => {
    const m = await logging();
    addNpmClaude(m, { native: false });
    const r = await runInstaller({ shell: dash, machine: m, script, env: { CCENV_API_KEY: 'sk-stub-123456789', CCENV_YES: '1' } });
    // this machine has no npm: installing Claude Code is where it stops (exit 7), nothing configured
    expect(r.exitCode).toBe(7);
    expect(r.stdout).not.toContain('Claude Code 2.1.330 found');
    expect(commands(m)).toContain('claude --version');
    expect(r.stderr).toContain('npm');
    expect(existsSync(settingsPath(m))).toBe(false);
  });

  test('Node 18 first on PATH: refused by the configure program before it changes anything, node_too_old, then the download path', async () => {
    const m = await machine();
    addNpmClaude(m, { native: true });
    rmSync(path.join(m.bin, 'node'));
    symlinkSync(await ensureCurrentNode('18.20.4'), path.join(m.bin, 'node'));
    // no curl or wget on this machine: the download is where it stops (exit 7)
    const r = await runInstaller({ shell: dash, machine: m, script, env: { CCENV_API_KEY: 'sk-old-123456789', CCENV_YES: '1' } });
    expect(r.exitCode).toBe(7);
    expect(r.stdout).toContain(`Node.js v18.20.4 (${m.bin}/node) is older than the required 22; installing Node.js 22.`);
    expect(r.stderr).toContain('Neither curl nor wget');
    // the refusal is the installer's own message: nothing from the configure program, no exit 90
    expect(r.stdout + r.stderr).not.toContain('run the installer');
    expect(snapshotTree(m.home)).toEqual({});
  });
});

describe('install.sh: install, then --uninstall --purge, leaves the home as it was', () => {
  /** No claude; npm's global folder does not exist (as a root-owned one, not writable), so Claude Code goes
   * into ~/.ccenv/npm-global and the installer puts that on PATH in the shell start-up files. */
  const withNpmButNoClaude = (m: FakeMachine): void => {
    rmSync(path.join(m.bin, 'claude'));
    m.addExecutable(
      'npm',
      [
        '#!/bin/sh',
        `if [ "$1" = config ]; then printf 'prefix=%s\\ncache=%s\\n' '${m.root}/no-such-prefix' '${m.root}/npm-cache'; exit 0; fi`,
        `prefix='${m.root}/no-such-prefix'`,
        'while [ $# -gt 0 ]; do [ "$1" = --prefix ] && prefix=$2; shift; done',
        'mkdir -p "$prefix/bin"',
        `printf '#!/bin/sh\\necho "2.1.330 (Claude Code)"\\n' >"$prefix/bin/claude"`,
        'chmod +x "$prefix/bin/claude"',
      ].join('\n') + '\n',
    );
  };
  const BANNER = "Removing ccenv's Claude Code setup for Zhipu GLM Coding Plan";

  test('bash user: the created .profile and .bashrc go, an existing .zshrc gets its bytes back, ~/.ccenv and ~/.claude/ccenv go', async () => {
    const m = await machine();
    withNpmButNoClaude(m);
    writeFileSync(path.join(m.home, '.zshrc'), '# mine, no newline at the end');
    const before = listTree(m.home);
    const env = { SHELL: '/bin/bash' };

    const install = await runInstaller({ shell: dash, machine: m, script, env: { ...env, CCENV_API_KEY: 'sk-purge-123456789', CCENV_YES: '1' } });
    expect(install.exitCode, install.stderr).toBe(0);
    const line = `. '${m.home}/.ccenv/env' # added by ccenv\n`;
    expect(readFileSync(path.join(m.home, '.profile'), 'utf8')).toBe(line);
    expect(readFileSync(path.join(m.home, '.bashrc'), 'utf8')).toBe(line);
    expect(readFileSync(path.join(m.home, '.zshrc'), 'utf8')).toBe('# mine, no newline at the end' + '\n' + line);
    expect(existsSync(path.join(m.home, '.claude', 'ccenv', 'receipt.json'))).toBe(true);

    // --dry-run first: says each step and changes nothing (not a byte, not a time).
    const installed = snapshotTree(m.home);
    const dry = await runInstaller({ shell: dash, machine: m, script, args: ['--uninstall', '--purge', '--dry-run'], env });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout.split('\n').slice(0, 2)).toEqual([BANNER, 'Dry run: nothing will be changed.']);
    for (const rc of ['.profile', '.bashrc', '.zshrc']) expect(dry.stdout).toContain(`Would remove the PATH line ccenv added to ${m.home}/${rc}`);
    expect(dry.stdout).toContain(`Would remove ${m.home}/.ccenv (the Node.js and Claude Code ccenv installed there).`);
    expect(dry.stdout).toContain(`Would remove the folder ${m.home}/.claude (ccenv created it) if nothing else is in it then`);
    expect(dry.stdout).toContain('Dry run finished; nothing was changed.');
    expect(snapshotTree(m.home)).toEqual(installed);

    const un = await runInstaller({ shell: dash, machine: m, script, args: ['--uninstall', '--purge'], env });
    expect(un.stderr).toBe('');
    expect(un.exitCode).toBe(0);
    expect(un.stdout.split('\n')[0]).toBe(BANNER);
    expect(un.stdout).not.toContain('Setting up Claude Code');
    expect(un.stdout).toContain('Uninstalled, and removed what ccenv installed');
    // the configure program removes the ~/.claude its receipt records creating
    expect(un.stdout).toContain(`Removed the folder ${m.home}/.claude: ccenv created it and it is empty again.`);
    expect(listTree(m.home)).toEqual(before);

    const again = await runInstaller({ shell: dash, machine: m, script, args: ['--uninstall'], env });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout.split('\n')[0]).toBe(BANNER);
    expect(again.stdout).toContain('Nothing was undone: ccenv had not changed the Claude Code settings or the PATH here.');
    expect(again.stdout).not.toContain('Uninstalled');
    expect(listTree(m.home)).toEqual(before);
  });

  test('a HOME with a space in it: its own .profile and .bashrc are written and removed again, nothing outside it', async () => {
    const m = await machine();
    withNpmButNoClaude(m);
    const home = path.join(m.root, 'my home');
    mkdirSync(home);
    const env = { HOME: home, SHELL: '/bin/bash' };
    const outside = listTree(m.root);
    const install = await runInstaller({ shell: dash, machine: m, script, env: { ...env, CCENV_API_KEY: 'sk-space-123456789', CCENV_YES: '1' } });
    expect(install.exitCode, install.stderr).toBe(0);
    expect(readFileSync(path.join(home, '.profile'), 'utf8')).toBe(`. '${home}/.ccenv/env' # added by ccenv\n`);
    expect(readFileSync(path.join(home, '.bashrc'), 'utf8')).toBe(`. '${home}/.ccenv/env' # added by ccenv\n`);
    const un = await runInstaller({ shell: dash, machine: m, script, args: ['--uninstall', '--purge'], env });
    expect(un.exitCode, un.stderr).toBe(0);
    expect(listTree(home)).toEqual({});
    const after = listTree(m.root);
    expect(Object.keys(after).filter((p) => !p.startsWith('my home') && !(p in outside))).toEqual([]);
  });

  test('a created .profile the user has written into since is kept, only the line taken out; --uninstall without --purge keeps ~/.ccenv', async () => {
    const m = await machine();
    withNpmButNoClaude(m);
    const env = { SHELL: '/bin/sh' };
    const install = await runInstaller({ shell: bash, machine: m, script, env: { ...env, CCENV_API_KEY: 'sk-kept-123456789', CCENV_YES: '1' } });
    expect(install.exitCode, install.stderr).toBe(0);
    expect(existsSync(path.join(m.home, '.bashrc'))).toBe(false);
    const profile = path.join(m.home, '.profile');
    writeFileSync(profile, readFileSync(profile, 'utf8') + 'export EDITOR=vi\n');
    const un = await runInstaller({ shell: bash, machine: m, script, args: ['--uninstall'], env });
    expect(un.exitCode, un.stderr).toBe(0);
    expect(un.stdout).toContain('Uninstalled: the settings ccenv changed were restored.');
    expect(readFileSync(profile, 'utf8')).toBe('export EDITOR=vi\n');
    expect(existsSync(path.join(m.home, '.ccenv', 'env'))).toBe(true);
    expect(existsSync(path.join(m.home, '.ccenv', 'rc-created'))).toBe(false);
  });

  test('no Node.js left: the settings stay, and the summary says it is not finished', async () => {
    const m = await machine();
    const install = await runInstaller({ shell: dash, machine: m, script, env: { CCENV_API_KEY: 'sk-nonode-123456789', CCENV_YES: '1' } });
    expect(install.exitCode, install.stderr).toBe(0);
    rmSync(path.join(m.bin, 'node'));
    const un = await runInstaller({ shell: dash, machine: m, script, args: ['--uninstall'] });
    expect(un.exitCode).toBe(0);
    expect(un.stdout.split('\n')[0]).toBe(BANNER);
    expect(un.stderr).toContain('No Node.js found, so the Claude Code settings were not restored');
    expect(un.stdout).toContain('Not finished: not everything ccenv changed could be undone (see above).');
    expect(un.stdout).not.toContain('Uninstalled');
    expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe('sk-nonode-123456789');
  });
});
