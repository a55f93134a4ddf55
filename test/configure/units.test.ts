// Pure helpers: key checks and masking, messages, paths, backups naming, deep equality.

import { describe, expect, test } from 'vitest';
import { backupStamp, backupsOf } from '../../src/configure/backup.js';
import { checkKey, maskSecret, stripOneLineEnding } from '../../src/configure/key.js';
import { createMessages, formatTemplate, pickLang } from '../../src/configure/messages.js';
import { deepEqual } from '../../src/configure/ops.js';
import { resolvePaths } from '../../src/configure/paths.js';

describe('key', () => {
  test('strips exactly one line ending', () => {
    expect(stripOneLineEnding('k\r\n')).toBe('k');
    expect(stripOneLineEnding('k\n\n')).toBe('k\n');
    expect(stripOneLineEnding('k\r')).toBe('k');
    expect(stripOneLineEnding('k')).toBe('k');
  });

  test('accepts all of printable ASCII, refuses anything else at its code-point position', () => {
    let all = '';
    for (let c = 0x21; c <= 0x7e; c++) all += String.fromCharCode(c);
    expect(checkKey(all)).toEqual({ ok: true, key: all });
    expect(checkKey('')).toEqual({ ok: false, problem: 'empty' });
    expect(checkKey('\u{1F600}x\uFF21')).toMatchObject({ position: 1, codePoint: 'U+1F600' });
    expect(checkKey('ab\u007f')).toMatchObject({ position: 3, codePoint: 'U+007F', kind: 'control' });
    expect(checkKey('ab\uFF21')).toMatchObject({ position: 3, codePoint: 'U+FF21', kind: 'fullwidth' });
  });

  test('masking never shows more than 8 characters and hides short values entirely', () => {
    expect(maskSecret('sk-0123456789abcdef')).toBe('sk-0...cdef');
    expect(maskSecret('short-key')).toBe('*********');
    expect(maskSecret('')).toBe('');
  });
});

describe('messages', () => {
  test('language from CCENV_LANG', () => {
    expect(pickLang('zh')).toBe('zh');
    expect(pickLang('zh_CN.UTF-8')).toBe('zh');
    expect(pickLang('ZH-hans')).toBe('zh');
    expect(pickLang('en_US')).toBe('en');
    expect(pickLang(undefined)).toBe('en');
    expect(pickLang('')).toBe('en');
  });

  test('placeholders are filled, nested messages resolved, unknown ones left', () => {
    expect(formatTemplate('{a} and {b} and {c}', { a: 1, b: '$&x' })).toBe('1 and $&x and {c}');
    const m = createMessages({ en: { outer: 'x {inner} y', leaf: 'L{n}' }, zh: { leaf: '叶{n}' } }, 'zh');
    expect(m.t('outer', { inner: { id: 'leaf', params: { n: 2 } } })).toBe('x 叶2 y');
    expect(m.t('missing', { p: 'v' })).toBe('missing p=v');
  });
});

describe('paths', () => {
  test('default, CLAUDE_CONFIG_DIR, empty CLAUDE_CONFIG_DIR', () => {
    expect(resolvePaths({}, '/h', '/cwd')).toMatchObject({ settings: '/h/.claude/settings.json', state: '/h/.claude.json', receipt: '/h/.claude/ccenv/receipt.json' });
    expect(resolvePaths({ CLAUDE_CONFIG_DIR: '/c' }, '/h', '/cwd')).toMatchObject({ settings: '/c/settings.json', state: '/c/.claude.json', backups: '/c/ccenv/backups' });
    expect(resolvePaths({ CLAUDE_CONFIG_DIR: '' }, '/h', '/cwd').state).toBe('/h/.claude.json');
    expect(resolvePaths({ CLAUDE_CONFIG_DIR: 'rel' }, '/h', '/cwd').settings).toBe('/cwd/rel/settings.json');
  });
});

describe('backups', () => {
  test('stamp and ordering (numeric suffixes, other files ignored)', () => {
    expect(backupStamp(new Date('2025-01-31T08:09:10.123Z'))).toBe('20250131T080910Z');
    const names = [
      'settings.json.20250101T000000Z.10',
      'settings.json.20250101T000000Z',
      'settings.json.20250101T000000Z.2',
      'settings.json.20241231T235959Z',
      '.claude.json.20200101T000000Z',
      'settings.json.notes',
    ];
    expect(backupsOf(names, 'settings.json')).toEqual([
      'settings.json.20241231T235959Z',
      'settings.json.20250101T000000Z',
      'settings.json.20250101T000000Z.2',
      'settings.json.20250101T000000Z.10',
    ]);
  });
});

describe('deepEqual', () => {
  test('ignores member order, not array order', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: undefined }, {})).toBe(false);
    expect(deepEqual({}, [])).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
  });
});

describe('backup names', () => {
  test('a backup written after pruning, in the same second, still sorts as the newest', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { writeBackup, pruneBackups, backupsOf } = await import('../../src/configure/backup.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccenv-backup-'));
    const now = new Date('2026-11-24T08:00:00Z');
    for (let i = 0; i < 8; i++) {
      writeBackup(dir, 'settings.json', Buffer.from(String(i)), now);
      pruneBackups(dir, 'settings.json');
    }
    const kept = backupsOf(fs.readdirSync(dir), 'settings.json').map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    expect(kept).toEqual(['3', '4', '5', '6', '7']);
  });
});
