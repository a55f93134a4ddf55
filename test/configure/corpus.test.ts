// Every corpus file through the real artifact: valid files round-trip (configure, re-run, uninstall)
// in both roles (settings.json and the state file); broken files are refused with exit 4 and left
// byte-identical, with nothing else created.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CORPUS, KEY, corpusFile, listBackups, mode, put, readJson, run, sandbox, snapshot, type Sandbox } from '../support/run-configure.js';
import { ZHIPU_ENV } from '../support/baked-profile.js';

const files = fs.readdirSync(CORPUS).sort();
const valid = files.filter((f) => !f.startsWith('broken-'));
const broken = files.filter((f) => f.startsWith('broken-'));

type Json = Record<string, unknown>;
type Role = 'settings' | 'state';

const DESIRED: Array<[string, string]> = [['ANTHROPIC_AUTH_TOKEN', KEY], ...Object.entries(ZHIPU_ENV)];
const MANAGED = new Set([...DESIRED.map(([k]) => k), 'ANTHROPIC_API_KEY']);

function parse(bytes: Buffer): Json {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.trim() === '' ? {} : (JSON.parse(text) as Json);
}

function envOf(obj: Json): Json {
  const env = obj['env'];
  return typeof env === 'object' && env !== null ? (env as Json) : {};
}

/** Lines of the original (trailing comma ignored) appear in the result in order, except those naming `skip`. */
function expectFormattingKept(original: string, result: string, skip: Set<string>, extraSkip: string[] = []): void {
  const norm = (l: string): string => l.replace(/,\s*$/, '').replace(/\r$/, '');
  const wanted = original
    .split('\n')
    .filter((l) => ![...skip, ...extraSkip].some((name) => l.includes(`"${name}"`)))
    // an empty object that receives members necessarily spreads over several lines
    .filter((l) => !/"env"\s*:\s*\{\s*\}/.test(l))
    .map(norm);
  const have = result.split('\n').map(norm);
  let i = 0;
  for (const line of wanted) {
    while (i < have.length && have[i] !== line) i++;
    expect(i, `line ${JSON.stringify(line)} kept in order`).toBeLessThan(have.length);
    i++;
  }
}

function place(sb: Sandbox, role: Role, bytes: Buffer): string {
  const target = role === 'settings' ? sb.settings : sb.state;
  put(target, bytes, 0o644);
  return target;
}

describe.each(valid)('valid corpus file %s', (name) => {
  const originalBytes = corpusFile(name);
  const original = parse(originalBytes);
  const originalText = originalBytes.toString('utf8');

  test.each<Role>(['settings', 'state'])('as %s: configure, re-run, uninstall', async (role) => {
    const sb = sandbox();
    const target = place(sb, role, originalBytes);
    const other = role === 'settings' ? sb.state : sb.settings;

    // 1. configure
    const first = await run({ home: sb.home });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const afterBytes = fs.readFileSync(target);
    const after = parse(afterBytes);
    const changedTarget = !(role === 'state' && original['hasCompletedOnboarding'] === true);
    // written files are 0600; a file that needed no change is not touched at all
    expect(mode(target)).toBe(changedTarget ? 0o600 : 0o644);
    expect(mode(other)).toBe(0o600);
    expect(mode(sb.receipt)).toBe(0o600);
    expect(mode(path.dirname(sb.receipt))).toBe(0o700);
    expect(fs.readFileSync(sb.receipt, 'utf8')).not.toContain(KEY);

    // conventions: BOM, final newline, CRLF
    const hadBom = originalBytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(afterBytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(hadBom);
    const blank = originalText.replace(/^\uFEFF/, '').trim() === '';
    expect(afterBytes.toString('utf8').endsWith('\n')).toBe(blank || originalText.endsWith('\n'));
    if (originalText.includes('\r\n')) expect(afterBytes.toString('utf8')).not.toMatch(/[^\r]\n/);

    const settings = readJson(sb.settings);
    const state = readJson(sb.state);
    // values set
    const env = envOf(settings);
    for (const [k, v] of DESIRED) expect(env[k], k).toBe(v);
    expect(env).not.toHaveProperty('ANTHROPIC_API_KEY');
    expect(state['hasCompletedOnboarding']).toBe(true);

    // every other key and env entry kept, in order, with its value; new keys appended
    const changedRootKey = role === 'settings' ? 'env' : 'hasCompletedOnboarding';
    const origKeys = Object.keys(original);
    expect(Object.keys(after).slice(0, origKeys.length)).toEqual(origKeys);
    expect(Object.keys(after).slice(origKeys.length)).toEqual(origKeys.includes(changedRootKey) ? [] : [changedRootKey]);
    for (const k of origKeys) if (k !== changedRootKey) expect(after[k], k).toEqual(original[k]);
    if (role === 'settings') {
      const origEnv = envOf(original);
      const kept = Object.keys(origEnv).filter((k) => k !== 'ANTHROPIC_API_KEY');
      const added = DESIRED.map(([k]) => k).filter((k) => !kept.includes(k));
      expect(Object.keys(env)).toEqual([...kept, ...added]);
      for (const k of kept) if (!MANAGED.has(k)) expect(env[k], k).toEqual(origEnv[k]);
    }
    // in-place edit: the user's own lines survive as they were (multi-line files)
    if (!blank && originalText.split('\n').length > 2) {
      const skip = role === 'settings' ? MANAGED : new Set(['hasCompletedOnboarding']);
      expectFormattingKept(originalText.replace(/^\uFEFF/, ''), afterBytes.toString('utf8').replace(/^\uFEFF/, ''), skip);
    }

    // backup of the replaced file, 0600, with the original bytes
    const backups = listBackups(sb, path.basename(target));
    if (changedTarget) {
      expect(backups).toHaveLength(1);
      const backup = path.join(sb.backups, backups[0] as string);
      expect(fs.readFileSync(backup).equals(originalBytes)).toBe(true);
      expect(mode(backup)).toBe(0o600);
      expect(first.stdout).toContain(`Updated ${target} (backup: ${backup})`);
    } else {
      expect(backups).toHaveLength(0);
      expect(afterBytes.equals(originalBytes)).toBe(true);
      expect(first.stdout).toContain(`${target}: already up to date`);
    }
    expect(first.stdout).toContain(`Created ${other}`);

    // 2. re-run: nothing changes, not even the mtime; no backup, no receipt write
    const before = snapshot(sb.root);
    const second = await run({ home: sb.home });
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(`${sb.settings}: already up to date\n${sb.state}: already up to date\n`);
    expect(snapshot(sb.root)).toEqual(before);

    // 3. uninstall: original bytes back, the file ccenv created removed, receipt gone
    const third = await run({ home: sb.home, args: ['--uninstall'], key: null });
    expect(third.stderr).toBe('');
    expect(third.status).toBe(0);
    expect(fs.readFileSync(target).equals(originalBytes)).toBe(true);
    expect(fs.existsSync(other)).toBe(false);
    expect(fs.existsSync(sb.receipt)).toBe(false);
  });
});

// Expected problem per broken file: a fragment of the English message.
const BROKEN: Record<string, { fragment: RegExp; settingsOnly?: boolean }> = {
  'broken-array-root.json': { fragment: /top level is an array/ },
  'broken-comment-block.json': { fragment: /line 2, column 22\): comments are not allowed/ },
  'broken-comment-line.json': { fragment: /line 2, column 3\): comments are not allowed/ },
  'broken-duplicate-key-env.json': { fragment: /line 4, column 5\): the key "ANTHROPIC_BASE_URL" appears twice/ },
  'broken-duplicate-key-root.json': { fragment: /line 4, column 3\): the key "model" appears twice/ },
  'broken-env-array.json': { fragment: /"env" in .* must be an object, but it is an array/, settingsOnly: true },
  'broken-env-null.json': { fragment: /"env" in .* must be an object, but it is null/, settingsOnly: true },
  'broken-env-string.json': { fragment: /"env" in .* must be an object, but it is a string/, settingsOnly: true },
  'broken-latin1.json': { fragment: /is not valid UTF-8/ },
  'broken-nan.json': { fragment: /line 2, column 25\): unexpected character "N"/ },
  'broken-nul-bytes.json': { fragment: /contains NUL bytes/ },
  'broken-null-root.json': { fragment: /top level is null/ },
  'broken-number-root.json': { fragment: /top level is a number/ },
  'broken-single-quotes.json': { fragment: /line 2, column 3\): strings must be in double quotes/ },
  'broken-string-root.json': { fragment: /top level is a string/ },
  'broken-trailing-comma-array.json': { fragment: /line 6, column 5\): a comma before a closing bracket/ },
  'broken-trailing-comma-object.json': { fragment: /line 6, column 1\): a comma before a closing bracket/ },
  'broken-truncated.json': { fragment: /the file ends too early/ },
  'broken-two-documents.json': { fragment: /line 2, column 1\): more content after the end/ },
  'broken-unquoted-key.json': { fragment: /line 2, column 3\): object keys must be in double quotes/ },
  'broken-utf16be-bom.json': { fragment: /is saved as UTF-16/ },
  'broken-utf16le-bom.json': { fragment: /is saved as UTF-16/ },
  'broken-utf16le-no-bom.json': { fragment: /contains NUL bytes/ },
};

test('every broken corpus file has an expectation', () => {
  expect(broken.sort()).toEqual(Object.keys(BROKEN).sort());
});

const brokenCases = broken.flatMap((name) =>
  (BROKEN[name]?.settingsOnly ? ['settings'] : ['settings', 'state']).map((role) => [name, role as Role] as const),
);

describe.each(brokenCases)('broken corpus file %s as %s', (name, role) => {
  const bytes = corpusFile(name);
  const expected = BROKEN[name] as { fragment: RegExp };

  test.each([[[]], [['--dry-run']], [['--uninstall']]])('args %j: exit 4, nothing written', async (args) => {
    const sb = sandbox();
    const target = place(sb, role, bytes);
    if (args.includes('--uninstall')) {
      // a receipt from an earlier run, so uninstall has something to do
      const good = sandbox();
      await run({ home: good.home });
      put(sb.receipt, fs.readFileSync(good.receipt), 0o600);
    }
    const before = snapshot(sb.root);
    const r = await run({ home: sb.home, args });
    expect(r.status).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(target);
    expect(r.stderr).toMatch(expected.fragment);
    expect(snapshot(sb.root)).toEqual(before);
    expect(fs.readFileSync(target).equals(bytes)).toBe(true);
  });
});
