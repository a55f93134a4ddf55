// The user's files as they are found in the wild: broken, odd encodings, huge, not files at all,
// links, and permissions that forbid writing. Each through zhipu's install.sh under dash; a
// representative set also through install.ps1 under pwsh.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, realpathSync, unlinkSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { CORPUS } from '../support/run-configure.js';
import { reliabilityCase, type CaseResult } from './case.js';
import { install, machines, said, type Machine } from './install-run.js';
import { NO_PWSH, PWSH } from '../support/run-ps1.js';
import { installPs1, PS1 } from './ps1-run.js';

const machine = machines();
const NOBODY = 65534;
const IS_ROOT = process.getuid?.() === 0;
const corpus = (name: string): Buffer => readFileSync(path.join(CORPUS, name));
const DASH = 'install.sh under dash';

function putSettings(m: Machine, bytes: Buffer | string): void {
  mkdirSync(m.claudeDir, { recursive: true });
  writeFileSync(m.files.settings, bytes);
}

/** A broken settings.json is refused with exit 4 naming it, and nothing is written anywhere. */
function refused(title: string, bytes: () => Buffer | string, why: RegExp): void {
  reliabilityCase(
    { area: 'files', title, target: DASH, expected: { exit: 4, files: 'settings.json unchanged; .claude.json absent' } },
    async () => {
      const m = await machine();
      putSettings(m, bytes());
      const r = await install(m);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).toContain(m.files.settings);
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
    },
  );
}


/** settings.json as a link into a dotfiles folder: the link stays, its target is written. */
function symlinkCase(title: string, target: string, run: typeof install | typeof installPs1): void {
  reliabilityCase(
    { area: 'files', title, target, expected: { exit: 0, files: 'settings.json merged; .claude.json created' } },
    async () => {
      const m = await machine();
      const linked = path.join(m.home, 'dotfiles', 'claude-settings.json');
      mkdirSync(path.dirname(linked), { recursive: true });
      writeFileSync(linked, corpus('settings-hooks.json'));
      mkdirSync(m.claudeDir);
      symlinkSync(linked, m.files.settings);
      const r = await run(m);
      expect(readlinkSync(m.files.settings)).toBe(linked);
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: 'still a link; its target updated' };
    },
  );
}

describe('broken settings.json: refused, left as it was', () => {
  refused('invalid JSON (cut short)', () => corpus('broken-truncated.json'), /not valid JSON/);
  refused('a // comment', () => corpus('broken-comment-line.json'), /not valid JSON/);
  refused('a trailing comma', () => corpus('broken-trailing-comma-object.json'), /not valid JSON/);
  refused('UTF-16 (LE with BOM)', () => corpus('broken-utf16le-bom.json'), /UTF-16/);
  refused('a non-object root (array)', () => corpus('broken-array-root.json'), /object/);
  refused('"env" is a string, not an object', () => corpus('broken-env-string.json'), /env/);
});

/** A valid settings.json: merged, everything the user had kept. */
function merged(title: string, bytes: () => Buffer | string, check: (after: Buffer) => void = () => {}, detail = ''): void {
  reliabilityCase(
    { area: 'files', title, target: DASH, expected: { exit: 0, files: 'settings.json merged; .claude.json created' }, timeoutMs: 120_000 },
    async () => {
      const m = await machine();
      putSettings(m, bytes());
      const r = await install(m);
      expect(r.stderr).toBe('');
      check(readFileSync(m.files.settings));
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail };
    },
  );
}

describe('odd but valid settings.json: merged', () => {
  merged('a UTF-8 BOM', () => corpus('settings-utf8-bom.json'), (after) => expect([...after.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]), 'BOM kept');
  merged('CRLF line ends', () => corpus('settings-crlf.json'), (after) => expect(after.toString()).not.toMatch(/[^\r]\n/), 'CRLF kept on every line');
  merged('an empty file', () => '', () => {}, 'read as {}');
  merged('whitespace only', () => corpus('settings-whitespace-only.json'));
  merged(
    '10 MB of other settings',
    () => {
      const permissions = Array.from({ length: 230_000 }, (_, i) => `Bash(tool-${i} --flag value-${i}:*)`);
      return `${JSON.stringify({ permissions: { allow: permissions }, env: { KEEP_ME: 'yes' } }, null, 2)}\n`;
    },
    (after) => expect(after.length).toBeGreaterThan(10_000_000),
    'over 10 000 000 bytes, all kept',
  );
});

describe('not a plain file', () => {
  reliabilityCase(
    { area: 'files', title: 'a directory where settings.json should be', target: DASH, expected: { exit: 4, files: 'settings.json unchanged; .claude.json absent' } },
    async () => {
      const m = await machine();
      mkdirSync(m.files.settings, { recursive: true });
      writeFileSync(path.join(m.files.settings, 'inside'), 'x');
      const r = await install(m);
      expect(r.stderr).toContain(m.files.settings);
      expect(readFileSync(path.join(m.files.settings, 'inside'), 'utf8')).toBe('x');
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
    },
  );

  symlinkCase('settings.json is a symlink to a file', DASH, install);

  reliabilityCase(
    { area: 'files', title: 'settings.json is a dangling symlink', target: DASH, expected: { exit: 0, files: 'settings.json created; .claude.json created' } },
    async () => {
      const m = await machine();
      const target = path.join(m.home, 'dotfiles', 'claude-settings.json');
      mkdirSync(path.dirname(target), { recursive: true });
      mkdirSync(m.claudeDir);
      symlinkSync(target, m.files.settings);
      const r = await install(m);
      expect(readlinkSync(m.files.settings)).toBe(target);
      expect(JSON.parse(readFileSync(target, 'utf8'))).toHaveProperty('env');
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: 'the link kept, its target created' };
    },
  );

  reliabilityCase(
    { area: 'files', title: 'settings.json is a symlink loop', target: DASH, expected: { exit: 4, files: 'settings.json unchanged; .claude.json absent' } },
    async () => {
      const m = await machine();
      mkdirSync(m.claudeDir);
      symlinkSync('loop-b', m.files.settings);
      symlinkSync('settings.json', path.join(m.claudeDir, 'loop-b'));
      const r = await install(m);
      expect(r.stderr).toContain(m.files.settings);
      expect(readlinkSync(m.files.settings)).toBe('loop-b');
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
    },
  );
});

describe('the state file', () => {
  reliabilityCase(
    { area: 'files', title: 'a corrupted ~/.claude.json while settings.json is fine', target: DASH, expected: { exit: 4, files: 'settings.json unchanged; .claude.json unchanged' } },
    async () => {
      const m = await machine();
      putSettings(m, corpus('settings-hooks.json'));
      writeFileSync(m.files.state, '{"numStartups": 12, "projects": {"/home/u": {"allowedTools": [');
      const r = await install(m);
      expect(r.stderr).toContain(m.files.state);
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
    },
  );
});

describe('folders', () => {
  reliabilityCase(
    { area: 'files', title: '~/.claude is a file, not a folder', target: DASH, expected: { exit: 8, files: 'settings.json absent; .claude.json absent' } },
    async () => {
      const m = await machine();
      writeFileSync(m.claudeDir, 'not a folder\n');
      const r = await install(m);
      expect(readFileSync(m.claudeDir, 'utf8')).toBe('not a folder\n');
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
    },
  );

  reliabilityCase(
    { area: 'files', title: '~/.claude is a symlink to a dotfiles folder', target: DASH, expected: { exit: 0, files: 'settings.json merged; .claude.json created' } },
    async () => {
      const m = await machine();
      const real = path.join(m.home, 'dotfiles', 'claude');
      mkdirSync(real, { recursive: true });
      writeFileSync(path.join(real, 'settings.json'), corpus('settings-realistic-full.json'));
      symlinkSync(real, m.claudeDir);
      const r = await install(m);
      expect(readlinkSync(m.claudeDir)).toBe(real);
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: 'the link kept; the file in the dotfiles folder updated' };
    },
  );

  reliabilityCase(
    { area: 'files', title: "a corrupted ccenv receipt while settings.json is fine", target: DASH, expected: { exit: 4, files: 'settings.json unchanged; .claude.json absent' } },
    async () => {
      const m = await machine();
      putSettings(m, corpus('settings-hooks.json'));
      mkdirSync(path.join(m.claudeDir, 'ccenv'), { recursive: true });
      writeFileSync(path.join(m.claudeDir, 'ccenv', 'receipt.json'), '{"version": 1, "originals": {"settings": [');
      const r = await install(m);
      // going on would overwrite the only record of the user's original values
      expect(r.stderr).toContain('receipt.json');
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
    },
  );
});

/** As root every permission passes: hand the machine to nobody and run as nobody. */
function asNobody(m: Machine): void {
  // the cached node lives under /root (0700): nobody needs its own copy
  const node = path.join(m.bin, 'node');
  const real = realpathSync(node);
  unlinkSync(node);
  copyFileSync(real, node);
  spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, m.root]);
}

function permissionCase(title: string, expected: { exit: number; files: string }, arrange: (m: Machine) => void, detail: string): void {
  reliabilityCase({ area: 'files', title, target: `${DASH}, as uid ${NOBODY}`, expected }, async (): Promise<CaseResult> => {
    const m = await machine();
    putSettings(m, corpus('settings-permissions.json'));
    asNobody(m);
    arrange(m);
    const r = await install(m, { uid: NOBODY });
    return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: `${detail}: ${said(r.stderr, m)}` };
  });
}

describe.runIf(IS_ROOT)('permissions (run as an unprivileged user)', () => {
  permissionCase('a read-only settings.json (0444)', { exit: 8, files: 'settings.json unchanged; .claude.json absent' }, (m) => chmodSync(m.files.settings, 0o444), 'a file the user made read-only is not replaced');
  permissionCase('a read-only ~/.claude (0555)', { exit: 8, files: 'settings.json unchanged; .claude.json absent' }, (m) => chmodSync(m.claudeDir, 0o555), 'EACCES');
  permissionCase(
    'settings.json owned by root, 0644',
    { exit: 8, files: 'settings.json unchanged; .claude.json absent' },
    (m) => chownSync(m.files.settings, 0, 0),
    'another user\'s file is not taken over',
  );
  permissionCase(
    'settings.json owned by root, 0600 (unreadable)',
    { exit: 4, files: 'settings.json unchanged; .claude.json absent' },
    (m) => {
      chownSync(m.files.settings, 0, 0);
      chmodSync(m.files.settings, 0o600);
    },
    'cannot be read',
  );
});

describe.runIf(IS_ROOT)('read-only file systems (root, on a read-only bind mount)', () => {
  reliabilityCase(
    { area: 'files', title: '~/.claude on a read-only mount (EROFS, as root)', target: `${DASH}, unshare -m`, expected: { exit: 8, files: 'settings.json unchanged; .claude.json absent' } },
    async () => {
      const m = await machine();
      putSettings(m, corpus('settings-hooks.json'));
      const r = await install(m, { readOnly: m.claudeDir });
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
    },
  );
});

// ---------------------------------------------------------------------------------------------
// The same files through install.ps1 under pwsh (its configure program is the same; the contract too).

describe.skipIf(!PWSH)(`install.ps1: the user's files${PWSH ? '' : ` — ${NO_PWSH}`}`, () => {
  function refusedPs1(title: string, bytes: () => Buffer | string, why: RegExp): void {
    reliabilityCase(
      { area: 'files', title: `install.ps1: ${title}`, target: PS1, expected: { exit: 4, files: 'settings.json unchanged; .claude.json absent' } },
      async () => {
        const m = await machine();
        putSettings(m, bytes());
        const r = await installPs1(m);
        expect(r.stderr).toMatch(why);
        expect(r.stderr).toContain(m.files.settings);
        expect(existsSync(path.join(m.claudeDir, 'ccenv'))).toBe(false);
        return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
      },
    );
  }

  refusedPs1('invalid JSON (cut short)', () => corpus('broken-truncated.json'), /not valid JSON/);
  refusedPs1('a // comment', () => corpus('broken-comment-line.json'), /not valid JSON/);
  refusedPs1('a trailing comma', () => corpus('broken-trailing-comma-object.json'), /not valid JSON/);
  refusedPs1('UTF-16 (LE with BOM)', () => corpus('broken-utf16le-bom.json'), /UTF-16/);
  refusedPs1('a non-object root (array)', () => corpus('broken-array-root.json'), /object/);

  function mergedPs1(title: string, bytes: () => Buffer | string, check: (after: Buffer) => void, detail: string): void {
    reliabilityCase(
      { area: 'files', title: `install.ps1: ${title}`, target: PS1, expected: { exit: 0, files: 'settings.json merged; .claude.json created' }, timeoutMs: 120_000 },
      async () => {
        const m = await machine();
        putSettings(m, bytes());
        const r = await installPs1(m);
        expect(r.stderr).toBe('');
        check(readFileSync(m.files.settings));
        return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail };
      },
    );
  }

  mergedPs1('a UTF-8 BOM', () => corpus('settings-utf8-bom.json'), (after) => expect([...after.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]), 'BOM kept');
  mergedPs1('CRLF line ends', () => corpus('settings-crlf.json'), (after) => expect(after.toString()).not.toMatch(/[^\r]\n/), 'CRLF kept on every line');
  mergedPs1(
    '10 MB of other settings',
    () => {
      const permissions = Array.from({ length: 230_000 }, (_, i) => `Bash(tool-${i} --flag value-${i}:*)`);
      return `${JSON.stringify({ permissions: { allow: permissions }, env: { KEEP_ME: 'yes' } }, null, 2)}\n`;
    },
    (after) => expect(after.length).toBeGreaterThan(10_000_000),
    'over 10 000 000 bytes, all kept',
  );

  symlinkCase('install.ps1: settings.json is a symlink to a file', PS1, installPs1);

  reliabilityCase(
    { area: 'files', title: 'install.ps1: a directory where settings.json should be', target: PS1, expected: { exit: 4, files: 'settings.json unchanged; .claude.json absent' } },
    async () => {
      const m = await machine();
      mkdirSync(m.files.settings, { recursive: true });
      writeFileSync(path.join(m.files.settings, 'inside'), 'x');
      const r = await installPs1(m);
      expect(r.stderr).toContain(m.files.settings);
      expect(readFileSync(path.join(m.files.settings, 'inside'), 'utf8')).toBe('x');
      return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
    },
  );

  describe.runIf(IS_ROOT)('read-only file systems', () => {
    reliabilityCase(
      { area: 'files', title: 'install.ps1: ~/.claude on a read-only mount (EROFS, as root)', target: `${PS1}, unshare -m`, expected: { exit: 8, files: 'settings.json unchanged; .claude.json absent' } },
      async () => {
        const m = await machine();
        putSettings(m, corpus('settings-hooks.json'));
        const r = await installPs1(m, { readOnly: m.claudeDir });
        expect(r.exitCode, r.stderr).not.toBe(99);
        return { observed: { exit: r.exitCode, files: r.config.state }, lostBytes: r.config.lostBytes, detail: said(r.stderr, m) };
      },
    );
  });
});
