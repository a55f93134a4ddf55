// Failures that must leave the user's files whole: permission denied (EACCES, for real: as root
// the artifact runs as uid 65534), read-only file systems (EROFS, from a read-only bind mount in a
// private mount namespace made with `unshare -m`), a full disk (ENOSPC, from a tiny tmpfs), a path
// component that is a file (ENOTDIR), another program rewriting a file mid-run (a preloaded module
// rewrites it the moment ccenv opens its temp file), a failure between the two renames, and an
// unexpected exception. All against the real artifact.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  IS_ROOT,
  KEY,
  canUnshareMount,
  corpusFile,
  listBackups,
  put,
  readJson,
  readOnlyWrap,
  run,
  sandbox,
  snapshot,
  type Sandbox,
} from '../support/run-configure.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'preloads');
const RACE = path.join(FIXTURES, 'concurrent-writer.cjs');
const FAIL = path.join(FIXTURES, 'fail-fs.cjs');
const NOBODY = 65534;

/** As root, hands the sandbox to uid 65534 and returns the spawn identity; otherwise runs as is. */
function unprivileged(sb: Sandbox): { uid?: number; gid?: number } {
  if (!IS_ROOT) return {};
  // mkdtemp made the sandbox 0700: let nobody in
  spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, sb.root]);
  return { uid: NOBODY, gid: NOBODY };
}

function tempFilesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d)) {
      const p = path.join(d, name);
      if (fs.lstatSync(p).isDirectory()) walk(p);
      else if (name.includes('.ccenv-') && name.endsWith('.tmp')) found.push(p);
    }
  };
  walk(dir);
  return found;
}

describe('permission denied (EACCES)', () => {
  test('a read-only ~/.claude: exit 8, nothing changed, no temp left', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-permissions.json'));
    const who = unprivileged(sb);
    fs.chmodSync(sb.claudeDir, 0o555);
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, ...who });
    expect(r.status).toBe(8);
    expect(r.stderr).toContain(`Cannot write ${sb.settings}: permission denied (EACCES). Nothing was changed.`);
    expect(snapshot(sb.root)).toEqual(before);
    expect(fs.existsSync(sb.state)).toBe(false);
    expect(tempFilesUnder(sb.root)).toEqual([]);
  });

  test('a read-only HOME (the state file cannot be created): exit 8, nothing changed', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-hooks.json'));
    const who = unprivileged(sb);
    fs.chmodSync(sb.home, 0o555);
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, ...who });
    expect(r.status).toBe(8);
    expect(r.stderr).toContain(`Cannot write ${sb.state}: permission denied (EACCES)`);
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('an unreadable settings.json: exit 4 naming it, nothing changed', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-hooks.json'));
    const who = unprivileged(sb);
    fs.chmodSync(sb.settings, 0o000);
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, ...who });
    expect(r.status).toBe(4);
    expect(r.stderr).toContain(`Cannot read ${sb.settings}: permission denied (EACCES)`);
    expect(snapshot(sb.root)).toEqual(before);
  });
});

describe.skipIf(!canUnshareMount())('read-only file system (EROFS, via unshare -m and a read-only bind mount)', () => {
  test('~/.claude read-only: exit 8, nothing changed anywhere', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-realistic-full.json'));
    put(sb.state, corpusFile('state-claude-json-big.json'));
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, wrap: readOnlyWrap([sb.claudeDir]) });
    expect(r.status).toBe(8);
    expect(r.stderr).toContain(`Cannot write ${sb.settings}: the file system is read-only (EROFS). Nothing was changed.`);
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('the whole HOME read-only: exit 8 on the state file first, nothing changed', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-permissions.json'));
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, wrap: readOnlyWrap([sb.home]) });
    expect(r.status).toBe(8);
    expect(r.stderr).toContain(`Cannot write ${sb.state}: the file system is read-only (EROFS)`);
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('uninstall on a read-only ~/.claude: exit 8, receipt kept', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-permissions.json'));
    expect((await run({ home: sb.home })).status).toBe(0);
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, args: ['--uninstall'], wrap: readOnlyWrap([sb.claudeDir]) });
    expect(r.status).toBe(8);
    expect(r.stderr).toContain('read-only (EROFS)');
    expect(snapshot(sb.root)).toEqual(before);
  });
});

describe.skipIf(!canUnshareMount())('disk full (ENOSPC, a full 64 KiB tmpfs as ~/.claude)', () => {
  test('exit 8, settings.json intact, state file not created, no temp left', async () => {
    const sb = sandbox();
    const original = corpusFile('settings-hooks.json');
    fs.mkdirSync(sb.claudeDir);
    const seed = path.join(sb.root, 'seed.json');
    put(seed, original);
    const flags = IS_ROOT ? ['-m'] : ['-r', '-m'];
    // Mount a tiny tmpfs on ~/.claude, put settings.json in it, fill the rest, run the artifact,
    // then report what is left in the tmpfs (it vanishes with the namespace).
    const script = [
      'mount -t tmpfs -o size=64k tmpfs "$1"',
      'cp "$2" "$1/settings.json"',
      'head -c 1048576 /dev/zero > "$1/filler" 2>/dev/null',
      'shift 2',
      '"$@"; rc=$?',
      'echo "@@@"; ls -A "$HOME/.claude"; echo "@@@"; base64 -w0 "$HOME/.claude/settings.json"; echo',
      'exit $rc',
    ].join('\n');
    const r = await run({ home: sb.home, wrap: ['unshare', ...flags, 'sh', '-c', script, 'sh', sb.claudeDir, seed] });
    expect(r.status).toBe(8);
    expect(r.stderr).toContain(`Cannot write ${sb.settings}: the disk is full (ENOSPC). Nothing was changed.`);
    const [, listing, content] = r.stdout.split('@@@\n');
    expect((listing ?? '').trim().split('\n').sort()).toEqual(['filler', 'settings.json']);
    expect(Buffer.from((content ?? '').trim(), 'base64').equals(original)).toBe(true);
    expect(fs.existsSync(sb.state)).toBe(false);
    expect(tempFilesUnder(sb.home)).toEqual([]);
  });
});

describe('a path component that is a file (ENOTDIR)', () => {
  test('CLAUDE_CONFIG_DIR below a regular file: exit 8', async () => {
    const sb = sandbox();
    const file = path.join(sb.root, 'not-a-dir');
    put(file, 'x');
    const r = await run({ home: sb.home, configDir: path.join(file, 'claude') });
    expect(r.status).toBe(8);
    expect(r.stderr).toContain('part of the path is not a folder');
    expect(fs.readdirSync(sb.home)).toEqual([]);
  });
});

describe('another program writes the file during the run', () => {
  test('once: ccenv notices, starts over from the new content, keeps both changes', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-permissions.json'));
    const r = await run({
      home: sb.home,
      preload: [RACE],
      env: { CCENV_TEST_RACE_TARGET: sb.settings, CCENV_TEST_RACE_TIMES: '1' },
    });
    expect(r.status).toBe(0);
    const after = readJson(sb.settings);
    expect(after['concurrentWriter']).toBe(1);
    expect((after['env'] as Record<string, unknown>)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
    expect(after['permissions']).toEqual(JSON.parse(corpusFile('settings-permissions.json').toString('utf8'))['permissions']);
    expect(tempFilesUnder(sb.root)).toEqual([]);
    // a later uninstall removes only what ccenv wrote and keeps the other program's change
    expect((await run({ home: sb.home, args: ['--uninstall'] })).status).toBe(0);
    const undone = readJson(sb.settings);
    expect(undone['concurrentWriter']).toBe(1);
    expect(undone).not.toHaveProperty('env');
  });

  test('on the state file (Claude Code rewrites ~/.claude.json often)', async () => {
    const sb = sandbox();
    put(sb.state, corpusFile('state-claude-json-big.json'));
    const r = await run({ home: sb.home, preload: [RACE], env: { CCENV_TEST_RACE_TARGET: sb.state, CCENV_TEST_RACE_TIMES: '2' } });
    expect(r.status).toBe(0);
    const state = readJson(sb.state);
    expect(state['concurrentWriter']).toBe(2);
    expect(state['hasCompletedOnboarding']).toBe(true);
    expect(readJson(sb.settings)['env']).toBeDefined();
  });

  test('without end: gives up after 5 attempts with exit 8, file holds the other writer\'s content', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-permissions.json'));
    const r = await run({ home: sb.home, preload: [RACE], env: { CCENV_TEST_RACE_TARGET: sb.settings, CCENV_TEST_RACE_TIMES: '1000' } });
    expect(r.status).toBe(8);
    expect(r.stderr).toContain('kept changing');
    expect(r.stderr).toContain('5 attempts');
    const after = readJson(sb.settings);
    expect(after['concurrentWriter']).toBe(5);
    expect(after).not.toHaveProperty('env');
    expect(tempFilesUnder(sb.root)).toEqual([]);
  });
});

describe('injected failures', () => {
  test('the settings rename fails after the state file was replaced: exit 8 says which file was updated', async () => {
    const sb = sandbox();
    const original = corpusFile('settings-hooks.json');
    put(sb.settings, original);
    const r = await run({
      home: sb.home,
      preload: [FAIL],
      env: { CCENV_TEST_FAIL_CALL: 'renameSync', CCENV_TEST_FAIL_PATH: '/.claude/settings.json', CCENV_TEST_FAIL_CODE: 'ENOSPC' },
    });
    expect(r.status).toBe(8);
    expect(r.stderr).toContain(`Cannot write ${sb.settings}: the disk is full (ENOSPC). Already updated: ${sb.state}`);
    expect(fs.readFileSync(sb.settings).equals(original)).toBe(true);
    expect(readJson(sb.state)['hasCompletedOnboarding']).toBe(true);
    expect(tempFilesUnder(sb.root)).toEqual([]);
    // running again finishes the job
    expect((await run({ home: sb.home })).status).toBe(0);
    expect((readJson(sb.settings)['env'] as Record<string, unknown>)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
    // and uninstall still gives back the original bytes (originals were recorded before the failure)
    expect((await run({ home: sb.home, args: ['--uninstall'] })).status).toBe(0);
    expect(fs.readFileSync(sb.settings).equals(original)).toBe(true);
    expect(fs.existsSync(sb.state)).toBe(false);
  });

  test('an unexpected exception: exit 1, its message without the key, no stack', async () => {
    const sb = sandbox();
    put(sb.settings, corpusFile('settings-hooks.json'));
    const before = snapshot(sb.root);
    const r = await run({
      home: sb.home,
      preload: [FAIL],
      env: {
        CCENV_TEST_FAIL_CALL: 'readFileSync',
        CCENV_TEST_FAIL_PATH: 'settings.json',
        CCENV_TEST_FAIL_CODE: 'none',
        CCENV_TEST_FAIL_TEXT: `boom near ${KEY}`,
      },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`Unexpected error: boom near ${KEY.slice(0, 4)}...${KEY.slice(-4)}\n`);
    expect(snapshot(sb.root)).toEqual(before);
  });

  test('a failing backup write stops before the file is replaced', async () => {
    const sb = sandbox();
    const original = corpusFile('settings-hooks.json');
    put(sb.settings, original);
    put(sb.state, corpusFile('state-minimal.json'));
    const r = await run({
      home: sb.home,
      preload: [FAIL],
      env: { CCENV_TEST_FAIL_CALL: 'linkSync', CCENV_TEST_FAIL_PATH: 'Z', CCENV_TEST_FAIL_CODE: 'EDQUOT' },
    });
    expect(r.status).toBe(8);
    expect(r.stderr).toContain(`Cannot write ${sb.backups}: the disk quota is exceeded (EDQUOT). Nothing was changed.`);
    expect(fs.readFileSync(sb.settings).equals(original)).toBe(true);
    expect(fs.readFileSync(sb.state).equals(corpusFile('state-minimal.json'))).toBe(true);
    expect(listBackups(sb, 'settings.json')).toEqual([]);
    expect(tempFilesUnder(sb.root)).toEqual([]);
  });
});
