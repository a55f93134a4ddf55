// shellcheck gate for generated POSIX installers: every dialect the script must run under, at
// severity style, one shellcheck process per dialect for all files not linted before (results are
// cached by content).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { cachePath } from '../cache-dir.js';
import { CLI_EXIT, UserError } from '../errors.js';

export const SHELL_DIALECTS = ['sh', 'dash', 'bash', 'ksh'] as const;

export interface LintFile {
  /** Name used in findings, e.g. dist/zhipu/install.sh. */
  name: string;
  text: string;
}

export interface Finding {
  file: string;
  line: number;
  column: number;
  level: string;
  code: number;
  message: string;
  dialect: string;
}

interface Json1 {
  comments: { file: string; line: number; column: number; level: string; code: number; message: string }[];
}

export function shellcheckBinary(): string {
  return process.env['CCENV_SHELLCHECK'] ?? 'shellcheck';
}

const MISSING =
  'shellcheck not found: install it (Debian/Ubuntu: apt-get install shellcheck; macOS: brew install shellcheck), set CCENV_SHELLCHECK to its path, or build with --no-lint';

/** `shellcheck --version`: part of every cache key, so an upgrade re-lints everything. */
async function shellcheckVersion(): Promise<string> {
  const r = await execa(shellcheckBinary(), ['--version'], { reject: false, stdin: 'ignore' });
  if (r.failed && r.exitCode === undefined) throw new UserError(MISSING, CLI_EXIT.failed);
  return r.stdout;
}

type Cached = Omit<Finding, 'file' | 'dialect'>[];

/**
 * Findings are cached per (shellcheck version, dialect, file content) under ~/.cache/ccenv/shellcheck:
 * a build whose scripts did not change lints nothing again (shellcheck takes ~1.5 s per large script).
 */
function cacheFile(version: string, dialect: string, text: string): string {
  const key = createHash('sha256').update(`${version}\0${dialect}\0-S style\0${text}`).digest('hex');
  return cachePath('shellcheck', key.slice(0, 2), `${key}.json`);
}

function readCached(file: string): Cached | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Cached;
  } catch {
    return undefined;
  }
}

function writeCached(file: string, findings: Cached): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(findings));
    renameSync(tmp, file);
  } catch {
    // a cache that cannot be written only costs time
  }
}

async function lintDialect(dialect: string, files: LintFile[], version: string, dir: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const todo: { file: LintFile; onDisk: string; cache: string }[] = [];
  files.forEach((f, i) => {
    const cache = cacheFile(version, dialect, f.text);
    const hit = readCached(cache);
    if (hit) findings.push(...hit.map((c) => ({ ...c, file: f.name, dialect })));
    else todo.push({ file: f, onDisk: path.join(dir, String(i), path.basename(f.name)), cache });
  });
  if (todo.length === 0) return findings;
  const result = await execa(shellcheckBinary(), ['-s', dialect, '-S', 'style', '-f', 'json1', ...todo.map((t) => t.onDisk)], {
    reject: false,
    stdin: 'ignore',
  });
  if (result.failed && result.exitCode === undefined) throw new UserError(MISSING, CLI_EXIT.failed);
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    throw new Error(`shellcheck -s ${dialect} failed (exit ${result.exitCode}): ${result.stderr}`);
  }
  const parsed = JSON.parse(result.stdout || '{"comments":[]}') as Json1;
  for (const t of todo) {
    const own: Cached = parsed.comments.filter((c) => c.file === t.onDisk).map(({ file: _file, ...rest }) => rest);
    writeCached(t.cache, own);
    findings.push(...own.map((c) => ({ ...c, file: t.file.name, dialect })));
  }
  return findings;
}

export async function shellcheck(files: LintFile[]): Promise<Finding[]> {
  if (files.length === 0) return [];
  const version = await shellcheckVersion();
  const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-lint-'));
  try {
    files.forEach((f, i) => {
      mkdirSync(path.join(dir, String(i)));
      writeFileSync(path.join(dir, String(i), path.basename(f.name)), f.text);
    });
    return (await Promise.all(SHELL_DIALECTS.map((d) => lintDialect(d, files, version, dir)))).flat();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.level} SC${f.code} [${f.dialect}]: ${f.message}`;
}
