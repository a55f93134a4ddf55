// The environment an installer meets: HOME missing or odd, a config folder elsewhere, no terminal,
// stdin closed, a dumb terminal, a locale that is not installed. zhipu's install.sh under dash
// unless said otherwise; a representative set also through install.ps1 under pwsh.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect } from 'vitest';
import { installerEnv } from '../support/run-installer.js';
import { runInPty } from '../../src/harness/pty.js';
import { repoPath } from '../../src/paths.js';
import { snapshotTree } from '../support/installer-machine.js';
import { describeConfig, reliabilityCase, snapshotConfig, type ConfigPaths } from './case.js';
import { BASE_URL, install, KEY, machines, said, type Machine } from './install-run.js';
import { NO_PWSH, PWSH } from '../support/run-ps1.js';
import { installPs1, PS1 } from './ps1-run.js';

const machine = machines();
const DASH = 'install.sh under dash';
const SCRIPT_FILE = repoPath('dist', 'zhipu', 'install.sh');

function configIn(home: string, configDir = path.join(home, '.claude')): ConfigPaths {
  return { settings: path.join(configDir, 'settings.json'), state: path.join(home, '.claude.json') };
}

/** A HOME with this name inside the machine (the machine's own HOME stays empty). */
function homeNamed(m: Machine, name: string): string {
  const home = path.join(m.root, name);
  mkdirSync(home);
  return home;
}

/** An odd HOME: the installer writes there and prints its paths as they are. */
function homeCase(title: string, name: string, target: string, run: typeof install | typeof installPs1): void {
  reliabilityCase(
    { area: 'environment', title, target, expected: { exit: 0, files: 'settings.json created; .claude.json created' } },
    async () => {
      const m = await machine();
      mkdirSync(path.join(m.root, path.dirname(name)), { recursive: true });
      const home = homeNamed(m, name);
      const files = configIn(home);
      const r = await run(m, { env: { HOME: home }, files });
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(files.settings);
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: 'paths printed as they are' };
    },
  );
}

describe('HOME', () => {
  reliabilityCase(
    { area: 'environment', title: 'HOME unset', target: DASH, expected: { exit: 2, files: 'settings.json absent; .claude.json absent' } },
    async () => {
      const m = await machine();
      const before = snapshotTree(m.root);
      const r = await install(m, { env: { HOME: undefined } });
      expect(r.stderr).toContain('HOME is not set');
      expect(snapshotTree(m.root)).toEqual(before);
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
    },
  );

  for (const [title, name] of [
    ['HOME with spaces', 'Users/Jane Q Doe'],
    ['HOME with non-ASCII characters', 'home/用户 Zoë'],
    ['HOME with a dollar sign, backticks and double quotes', 'home/$HOME "x" `id`'],
  ] as const) {
    homeCase(title, name, DASH, install);
  }

  reliabilityCase(
    { area: 'environment', title: 'HOME with a single quote', target: DASH, expected: { exit: 2, files: 'settings.json absent; .claude.json absent' } },
    async () => {
      const m = await machine();
      const home = homeNamed(m, "it's home");
      const r = await install(m, { env: { HOME: home }, files: configIn(home) });
      // the install folder (default $HOME/.ccenv) is written into shell start-up files in single quotes
      expect(r.stderr).toContain('set CCENV_INSTALL_DIR to a folder without one');
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: 'asks for a CCENV_INSTALL_DIR without quotes' };
    },
  );

  reliabilityCase(
    { area: 'environment', title: 'HOME names a folder that does not exist', target: DASH, expected: { exit: 0, files: 'settings.json created; .claude.json created' } },
    async () => {
      const m = await machine();
      const home = path.join(m.root, 'not-yet', 'home');
      const files = configIn(home);
      const r = await install(m, { env: { HOME: home }, files });
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: 'created, as Claude Code would' };
    },
  );
});

describe('CLAUDE_CONFIG_DIR', () => {
  reliabilityCase(
    { area: 'environment', title: 'CLAUDE_CONFIG_DIR set (with a space)', target: DASH, expected: { exit: 0, files: 'settings.json merged; .claude.json created' } },
    async () => {
      const m = await machine();
      const dir = path.join(m.root, 'claude config');
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'settings.json'), '{"model": "opus", "env": {"KEEP": "1"}}\n');
      const files = { settings: path.join(dir, 'settings.json'), state: path.join(dir, '.claude.json') };
      const r = await install(m, { env: { CLAUDE_CONFIG_DIR: dir }, files });
      // Claude Code keeps both files in CLAUDE_CONFIG_DIR then; HOME is left alone
      expect(snapshotTree(m.home)).toEqual({});
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: 'both files in that folder; HOME untouched' };
    },
  );
});

describe('no terminal, no stdin', () => {
  reliabilityCase(
    { area: 'environment', title: 'no terminal and no key', target: `${DASH}, setsid (no controlling terminal)`, expected: { exit: 5, files: 'settings.json absent; .claude.json absent' } },
    async () => {
      const m = await machine();
      const r = await install(m, { env: { CCENV_API_KEY: undefined, CCENV_YES: undefined } });
      expect(r.stderr).toContain('CCENV_API_KEY');
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
    },
  );

  /** `dash install.sh` with stdin closed (`<&-`), not redirected from /dev/null. */
  async function closedStdin(m: Machine, env: Record<string, string | undefined>) {
    const before = snapshotConfig(m.files);
    const r = await execa('/bin/sh', ['-c', 'exec /usr/bin/dash "$0" <&-', SCRIPT_FILE], {
      env: installerEnv(m, { CCENV_YES: '1', ...env }),
      extendEnv: false,
      reject: false,
      detached: true,
      cwd: m.home,
      timeout: 60_000,
    });
    return { r, config: describeConfig(before, snapshotConfig(m.files), KEY, BASE_URL) };
  }

  reliabilityCase(
    { area: 'environment', title: 'stdin closed, key given', target: 'dash install.sh <&-', expected: { exit: 0, files: 'settings.json created; .claude.json created' } },
    async () => {
      const m = await machine();
      const { r, config } = await closedStdin(m, { CCENV_API_KEY: KEY });
      expect(String(r.stderr)).toBe('');
      return { observed: { exit: r.exitCode ?? -1, files: config.state }, lostBytes: config.lostBytes, detail: 'every child still gets </dev/null' };
    },
  );

  reliabilityCase(
    { area: 'environment', title: 'stdin closed, no key', target: 'dash install.sh <&-', expected: { exit: 5, files: 'settings.json absent; .claude.json absent' } },
    async () => {
      const m = await machine();
      const { r, config } = await closedStdin(m, {});
      return { observed: { exit: r.exitCode ?? -1, files: config.state }, lostBytes: config.lostBytes, detail: said(String(r.stderr), m) };
    },
  );
});

describe('terminal and locale', () => {
  reliabilityCase(
    { area: 'environment', title: 'TERM=dumb on a terminal, key typed', target: 'cat install.sh | dash, on a pty', expected: { exit: 0, files: 'settings.json created; .claude.json created' } },
    async () => {
      const m = await machine();
      const before = snapshotConfig(m.files);
      const r = await runInPty('cat "$SCRIPT" | /usr/bin/dash', {
        env: { ...installerEnv(m), SCRIPT: SCRIPT_FILE, TERM: 'dumb' },
        answers: [
          { when: 'API key', send: `${KEY}\r` },
          { when: '[y/N]', send: '\r' },
          { when: '[y/N]', send: '\r' }, // the MCP servers
        ],
      });
      const config = describeConfig(before, snapshotConfig(m.files), KEY, BASE_URL);
      // no colour or cursor control reaches a dumb terminal, and the typed key is not echoed
      expect(r.transcript).not.toMatch(/\x1b\[/);
      expect(r.transcript).not.toContain(KEY);
      return { observed: { exit: r.exitCode, files: config.state }, lostBytes: config.lostBytes, detail: 'no escape sequences; the key not echoed' };
    },
  );

  for (const shell of ['dash', 'bash']) {
    reliabilityCase(
      {
        area: 'environment',
        title: `a locale that is not installed (zh_TW.UTF-8), ${shell}`,
        target: `install.sh under ${shell}`,
        expected: { exit: 0, files: 'settings.json created; .claude.json created' },
      },
      async () => {
        const m = await machine();
        const r = await install(m, { shell, env: { LANG: 'zh_TW.UTF-8', LC_ALL: 'zh_TW.UTF-8' } });
        // the messages follow the locale's language even though the locale itself is missing
        expect(r.stdout).toMatch(/[\u4e00-\u9fff]/);
        const warnings = r.stderr.split('\n').filter((l) => /locale/i.test(l));
        expect(r.exitCode === 0 && shell === 'dash' ? r.stderr : '').toBe('');
        return {
          observed: { exit: r.exitCode, files: r.config.state },
          lostBytes: r.config.lostBytes,
          detail: `messages in Chinese; ${warnings.length === 0 ? 'no locale warning' : `the shell itself warns: ${warnings[0]!.trim()}`}`,
        };
      },
    );
  }
});

// ---------------------------------------------------------------------------------------------
// The same environments through install.ps1 under pwsh.

describe.skipIf(!PWSH)(`install.ps1: the environment${PWSH ? '' : ` — ${NO_PWSH}`}`, () => {
  for (const [title, name] of [
    ['HOME with spaces', 'Users/Jane Q Doe'],
    ['HOME with non-ASCII characters', 'home/用户 Zoë'],
    // install.sh refuses a quote (its rc files quote with '); install.ps1 doubles it in its profile line
    ["HOME with a single quote, a dollar sign and backticks", "home/it's $HOME `id`"],
  ] as const) {
    homeCase(`install.ps1: ${title}`, name, PS1, installPs1);
  }

  reliabilityCase(
    { area: 'environment', title: 'install.ps1: CLAUDE_CONFIG_DIR set (with a space)', target: PS1, expected: { exit: 0, files: 'settings.json merged; .claude.json created' } },
    async () => {
      const m = await machine();
      const dir = path.join(m.root, 'claude config');
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'settings.json'), '{"model": "opus", "env": {"KEEP": "1"}}\n');
      const files = { settings: path.join(dir, 'settings.json'), state: path.join(dir, '.claude.json') };
      const r = await installPs1(m, { env: { CLAUDE_CONFIG_DIR: dir }, files });
      expect(snapshotTree(m.home)).toEqual({});
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: 'both files in that folder; HOME untouched' };
    },
  );

  reliabilityCase(
    { area: 'environment', title: 'install.ps1: no terminal and no key', target: `${PS1}, no controlling terminal, stdin an empty pipe`, expected: { exit: 5, files: 'settings.json absent; .claude.json absent' } },
    async () => {
      const m = await machine();
      const r = await installPs1(m, { env: { CCENV_API_KEY: undefined, CCENV_YES: undefined } });
      expect(r.stderr).toContain('CCENV_API_KEY');
      expect(snapshotTree(m.home)).toEqual({});
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
    },
  );

  reliabilityCase(
    { area: 'environment', title: 'install.ps1: stdin closed, key given', target: `${PS1} <&-`, expected: { exit: 0, files: 'settings.json created; .claude.json created' } },
    async () => {
      const m = await machine();
      const r = await installPs1(m, { closedStdin: true });
      expect(r.stderr).toBe('');
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: 'the configure program still gets its program on stdin' };
    },
  );

  reliabilityCase(
    { area: 'environment', title: 'install.ps1: stdin closed, no key', target: `${PS1} <&-`, expected: { exit: 5, files: 'settings.json absent; .claude.json absent' } },
    async () => {
      const m = await machine();
      const r = await installPs1(m, { closedStdin: true, env: { CCENV_API_KEY: undefined, CCENV_YES: undefined }, limitMs: 30_000 });
      // pwsh reuses the closed fd 0 for a pipe of its own: reading a "piped" key from it never ends
      const detail = r.hung ? `DEFECT: still waiting after 30 s, killed (${said(r.stdout.trim().split('\n').at(-1) ?? '', m)} was its last line): Read-CcenvPipedKey reads [Console]::In from the pipe pwsh opened as fd 0` : said(r.stderr, m);
      if (!r.hung) expect(r.stderr).toContain('CCENV_API_KEY');
      return { observed: { exit: r.hung ? null : r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail };
    },
  );

  reliabilityCase(
    { area: 'environment', title: 'install.ps1: a locale that is not installed (zh_TW.UTF-8)', target: PS1, expected: { exit: 0, files: 'settings.json created; .claude.json created' } },
    async () => {
      const m = await machine();
      const r = await installPs1(m, { env: { LANG: 'zh_TW.UTF-8', LC_ALL: 'zh_TW.UTF-8' } });
      // pwsh reports the invariant culture for a locale .NET lacks: the messages follow LC_ALL all the same
      expect(r.stdout).toMatch(/[\u4e00-\u9fff]/);
      expect(r.stdout).not.toContain('Setting up Claude Code');
      const warnings = r.stderr.split('\n').filter((l) => /locale/i.test(l));
      return {
        observed: { exit: r.exitCode, files: r.config.state },
        lostBytes: r.config.lostBytes,
        detail: `messages in Chinese (${said(r.stdout, m)}); ${warnings.length === 0 ? 'no locale warning' : `warned: ${warnings[0]!.trim()}`}`,
      };
    },
  );
});
