import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/errors.js';
import { loadCatalog, LANGS } from '../../src/messages/catalog.js';
import { repoPath } from '../../src/paths.js';
import { templateSource } from '../support/templates.js';

function catalogDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-msg-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Message ids a shell template speaks with: msg/say/warn ID, die CODE ID. */
function idsUsedInShellTemplate(text: string): Set<string> {
  const ids = new Set<string>();
  for (const m of text.matchAll(/\b(?:msg|say|warn)\s+"?([a-z][a-z0-9_]*)/g)) ids.add(m[1] as string);
  for (const m of text.matchAll(/\bdie\s+"?\$[A-Z_]+"?\s+([a-z][a-z0-9_]*)/g)) ids.add(m[1] as string);
  for (const m of text.matchAll(/read_hidden_line\s+([a-z][a-z0-9_]*)/g)) ids.add(m[1] as string);
  return ids;
}

function idsUsedInConfigure(): Set<string> {
  const ids = new Set<string>();
  const dir = repoPath('src', 'configure');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    for (const m of readFileSync(path.join(dir, f), 'utf8').matchAll(/['"`](cfg_[a-z0-9_]+)['"`]/g)) ids.add(m[1] as string);
  }
  return ids;
}

describe('message catalog', () => {
  const catalog = loadCatalog();

  test('every message has an English and a Chinese text', () => {
    expect(Object.keys(catalog).length).toBeGreaterThan(20);
    for (const [id, msg] of Object.entries(catalog)) {
      for (const lang of LANGS) expect(msg[lang], `${id}.${lang}`).toMatch(/\S/);
      expect(msg.zh, `${id}.zh looks untranslated`).not.toBe(msg.en);
    }
  });

  test('a missing translation fails the load, naming file and id', () => {
    const dir = catalogDir({ 'a.yaml': 'hello:\n  en: Hello\n' });
    expect(() => loadCatalog(dir)).toThrow(UserError);
    expect(() => loadCatalog(dir)).toThrow(/a\.yaml: hello: missing zh translation/);
  });

  test('run-time placeholders must match between languages', () => {
    const dir = catalogDir({ 'a.yaml': 'x:\n  en: "{a} then {b}"\n  zh: "{b} 然后 {a}"\n' });
    expect(() => loadCatalog(dir)).toThrow(/run-time placeholders differ/);
  });

  test('an id defined in two files fails', () => {
    const dir = catalogDir({ 'a.yaml': 'x: { en: A, zh: 甲 }\n', 'b.yaml': 'x: { en: B, zh: 乙 }\n' });
    expect(() => loadCatalog(dir)).toThrow(/defined twice/);
  });

  test('the sh installer speaks only catalog messages, and uses all of its own', () => {
    const text = templateSource('sh');
    const used = idsUsedInShellTemplate(text);
    const own = Object.keys(catalog).filter((id) => !id.startsWith('cfg_') && !id.startsWith('ps_') && !id.startsWith('cmd_'));
    expect([...used].filter((id) => !(id in catalog))).toEqual([]);
    expect(own.filter((id) => !used.has(id))).toEqual([]);
  });

  test('install.ps1 speaks only catalog messages, and uses all ps_ ones', () => {
    const text = templateSource('ps1');
    // Write-CcenvSay/Write-CcenvWarn/Stop-Ccenv/Get-CcenvMessage calls name the id as a literal
    const used = new Set([...text.matchAll(/(?:Write-CcenvSay|Write-CcenvWarn|Get-CcenvMessage) '([a-z0-9_]+)'|Stop-Ccenv \$\w+ '([a-z0-9_]+)'/g)].map((m) => (m[1] ?? m[2]) as string));
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((id) => !(id in catalog))).toEqual([]);
    expect(Object.keys(catalog).filter((id) => id.startsWith('ps_') && !used.has(id))).toEqual([]);
  });

  test('install.cmd speaks only catalog messages, and uses all cmd_ ones', () => {
    const text = templateSource('cmd');
    // `call :say ID` / `call :warn ID` name the id as a literal
    const used = new Set([...text.matchAll(/call :(?:say|warn) ([a-z0-9_]+)/g)].map((m) => m[1] as string));
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((id) => !(id in catalog))).toEqual([]);
    expect(Object.keys(catalog).filter((id) => id.startsWith('cmd_') && !used.has(id))).toEqual([]);
  });

  test('the configure program speaks only catalog messages, and uses all cfg_ ones', () => {
    const used = idsUsedInConfigure();
    const own = Object.keys(catalog).filter((id) => id.startsWith('cfg_'));
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((id) => !(id in catalog))).toEqual([]);
    expect(own.filter((id) => !used.has(id))).toEqual([]);
  });
});
