// What an installer run leaves for Claude Code — every file under <home>/.claude and
// <home>/.claude.json, with its bytes (and mode bits where the platform has them) — and the few
// normalizations that make two targets' outcomes comparable. Each normalization is named, replaces
// only its own value, and is recorded where it was applied; everything else stays byte for byte.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getAt, isPlainObject, type JsonObject } from '../../src/configure/ops.js';
import { hashValue } from '../../src/configure/receipt.js';

export type NormId = 'salt' | 'times' | 'hashes' | 'backup-names' | 'home' | 'win-path' | 'win-npx' | 'modes';

/** Why each normalization exists; docs/differential.md prints this table. */
export const NORMALIZATIONS: Record<NormId, { what: string; why: string }> = {
  salt: { what: 'receipt `salt` → `<salt>`', why: 'random per run (crypto.randomBytes), on every target; checked to be 32 hex digits' },
  times: { what: 'receipt `createdAt` / `updatedAt` → `<time 1>`, `<time 2>` … (equal stamps keep equal labels)', why: 'the clock at the run; checked to be ISO-8601 UTC' },
  hashes: {
    what: 'receipt `written.sha256` → `<sha256 of current value>` or `<sha256 of another value>`',
    why: 'salted with the random salt; each hash is recomputed from the salt and the value now in the file, so a wrong hash still shows',
  },
  'backup-names': { what: 'backups/<file>.<UTC stamp>[.n] → backups/<file>.<backup k> (k in time order)', why: 'the clock at the run; the bytes of each backup are compared as they are' },
  home: { what: 'the home folder inside receipt `files.*.path` and `createdFolders` → `~`', why: 'each run has its own temporary home (and Windows has C:\\users\\<name>)' },
  'win-path': { what: '`\\` → `/` in receipt `files.*.path` after the home', why: 'Windows paths: the configure program records path.join()\'s native form' },
  'win-npx': {
    what: '.claude.json (and its backups) `mcpServers.*`: `"command": "cmd", "args": ["/c", "npx", …]` → `"command": "npx", "args": [… ]`',
    why: 'on Windows npx is npx.cmd, which Claude Code starts only through cmd /c: the configure program writes that form there (as `claude mcp add` does)',
  },
  modes: {
    what: 'file mode bits not compared (install.cmd only)',
    why: "Windows has no Unix mode bits (the profile folder's ACL guards the key); Wine creates files 0644 from its umask where install.sh and install.ps1 write 0600. Compared between those two",
  },
};

export interface FileState {
  /** The bytes as text (every file here is JSON, UTF-8). */
  text: string;
  /** Unix permission bits, octal; absent where not compared. */
  mode?: string;
}

/** Relative path (with /) → state. */
export type Tree = Record<string, FileState>;

/** The raw files, before any normalization (for the "byte-identical re-run" and "original bytes back" checks). */
export function readTree(home: string, withModes: boolean): Tree {
  const out: Tree = {};
  const add = (abs: string, rel: string) => {
    const st = lstatSync(abs);
    if (st.isDirectory()) {
      for (const name of readdirSync(abs).sort()) add(path.join(abs, name), `${rel}/${name}`);
      return;
    }
    out[rel] = { text: readFileSync(abs, 'utf8'), ...(withModes ? { mode: (st.mode & 0o777).toString(8) } : {}) };
  };
  for (const name of ['.claude', '.claude.json']) if (existsSync(path.join(home, name))) add(path.join(home, name), name);
  return out;
}

const RECEIPT = '.claude/ccenv/receipt.json';
const BACKUPS = '.claude/ccenv/backups/';

function parseOr(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Replaces every occurrence of one JSON string literal in `text`; true when there was one. */
function replaceLiteral(text: string, value: string, by: string): { text: string; hit: boolean } {
  const lit = JSON.stringify(value);
  return { text: text.split(lit).join(JSON.stringify(by)), hit: text.includes(lit) };
}

/** Normalizes the receipt's text in place: only the named values change, every other byte stays. */
function normalizeReceipt(text: string, tree: Tree, nativeHome: string, used: Set<NormId>): string {
  const r = parseOr(text);
  if (!isPlainObject(r)) return text;
  let out = text;
  const apply = (id: NormId, value: unknown, by: string, check: RegExp | null = null) => {
    if (typeof value !== 'string' || (check && !check.test(value))) return;
    const res = replaceLiteral(out, value, by);
    out = res.text;
    if (res.hit) used.add(id);
  };
  const underHome = (p: unknown): void => {
    if (typeof p !== 'string' || !p.startsWith(nativeHome)) return;
    const rest = p.slice(nativeHome.length);
    if (rest.includes('\\')) used.add('win-path');
    apply('home', p, `~${rest.replace(/\\/g, '/')}`);
  };
  const salt = r['salt'];
  // hashes first: they are recomputed from the salt before it is replaced
  const files = isPlainObject(r['files']) ? r['files'] : {};
  for (const [role, file] of Object.entries(files)) {
    if (!isPlainObject(file)) continue;
    const current = parseOr(tree[role === 'settings' ? '.claude/settings.json' : '.claude.json']?.text);
    for (const e of Array.isArray(file['entries']) ? file['entries'] : []) {
      if (!isPlainObject(e) || !isPlainObject(e['written']) || typeof e['written']['sha256'] !== 'string') continue;
      const at = isPlainObject(current) ? getAt(current as JsonObject, e['path'] as string[]) : { present: false as const };
      const matches = typeof salt === 'string' && at.present && hashValue(salt, at.value) === e['written']['sha256'];
      apply('hashes', e['written']['sha256'], matches ? '<sha256 of current value>' : '<sha256 of another value>');
    }
    underHome(file['path']);
  }
  for (const p of Array.isArray(r['createdFolders']) ? r['createdFolders'] : []) underHome(p);
  apply('salt', salt, '<salt>', /^[0-9a-f]{32}$/);
  const stamps = [...new Set([r['createdAt'], r['updatedAt']].filter((s): s is string => typeof s === 'string'))];
  stamps.forEach((s, i) => apply('times', s, `<time ${i + 1}>`, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/));
  return out;
}

/** Windows' `cmd /c npx …` MCP server entries in .claude.json and its backups read as npx's own (whitespace kept). */
function normalizeWinNpx(tree: Tree, used: Set<NormId>): void {
  for (const [rel, state] of Object.entries(tree)) {
    if (rel !== '.claude.json' && !rel.startsWith(`${BACKUPS}.claude.json.`)) continue;
    const text = state.text.replace(/"command":(\s*)"cmd",(\s*)"args":(\s*)\[(\s*)"\/c",\s*"npx",\s*/g, '"command":$1"npx",$2"args":$3[$4');
    if (text === state.text) continue;
    tree[rel] = { ...state, text };
    used.add('win-npx');
  }
}

/** Backups renamed by their order in time (the stamp sorts as time; .n counts within a second). */
function normalizeBackupNames(tree: Tree, used: Set<NormId>): Tree {
  const out: Tree = {};
  const byFile = new Map<string, { rel: string; key: string }[]>();
  for (const rel of Object.keys(tree)) {
    const m = rel.startsWith(BACKUPS) ? /^(.+)\.(\d{8}T\d{6}Z)(?:\.(\d+))?$/.exec(rel.slice(BACKUPS.length)) : null;
    if (!m) {
      out[rel] = tree[rel] as FileState;
      continue;
    }
    const list = byFile.get(m[1] as string) ?? [];
    list.push({ rel, key: `${m[2]}.${(m[3] ?? '0').padStart(6, '0')}` });
    byFile.set(m[1] as string, list);
  }
  for (const [name, list] of byFile) {
    list.sort((a, b) => (a.key < b.key ? -1 : 1));
    list.forEach((b, i) => (out[`${BACKUPS}${name}.<backup ${i + 1}>`] = tree[b.rel] as FileState));
    used.add('backup-names');
  }
  return out;
}

export interface Normalized {
  tree: Tree;
  used: Set<NormId>;
}

export function normalize(raw: Tree, nativeHome: string, modesCompared: boolean): Normalized {
  const used = new Set<NormId>();
  if (!modesCompared) used.add('modes');
  const tree = normalizeBackupNames(raw, used);
  normalizeWinNpx(tree, used);
  const receipt = tree[RECEIPT];
  if (receipt) tree[RECEIPT] = { ...receipt, text: normalizeReceipt(receipt.text, raw, nativeHome, used) };
  const sorted: Tree = {};
  for (const k of Object.keys(tree).sort()) sorted[k] = tree[k] as FileState;
  return { tree: sorted, used };
}

function show(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}

/** The first difference between two trees, in words (file, byte offset, both sides), or null. */
export function firstDifference(want: Tree, got: Tree): string | null {
  const names = [...new Set([...Object.keys(want), ...Object.keys(got)])].sort();
  for (const name of names) {
    const a = want[name];
    const b = got[name];
    if (!a) return `${name} exists only here`;
    if (!b) return `${name} is missing`;
    if (a.text !== b.text) {
      let i = 0;
      while (i < a.text.length && a.text[i] === b.text[i]) i++;
      const from = Math.max(0, i - 20);
      const at = Buffer.byteLength(a.text.slice(0, i));
      return `${name} differs at byte ${at}: ${show(a.text.slice(from, i + 40))} vs ${show(b.text.slice(from, i + 40))}`;
    }
    if (a.mode !== undefined && b.mode !== undefined && a.mode !== b.mode) return `${name} mode ${a.mode} vs ${b.mode}`;
  }
  return null;
}
