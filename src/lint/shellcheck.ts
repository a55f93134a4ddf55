// shellcheck gate for generated POSIX installers: every dialect the script must run under, at
// severity style, one shellcheck process per dialect for all files (each call costs ~80 ms).
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

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

export class ToolMissingError extends Error {}

export function shellcheckBinary(): string {
  return process.env['CCENV_SHELLCHECK'] ?? 'shellcheck';
}

export async function shellcheck(files: LintFile[]): Promise<Finding[]> {
  if (files.length === 0) return [];
  const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-lint-'));
  try {
    const onDisk = new Map<string, string>();
    files.forEach((f, i) => {
      const sub = path.join(dir, String(i));
      mkdirSync(sub);
      const p = path.join(sub, path.basename(f.name));
      writeFileSync(p, f.text);
      onDisk.set(p, f.name);
    });
    const runs = SHELL_DIALECTS.map(async (dialect) => {
      const result = await execa(shellcheckBinary(), ['-s', dialect, '-S', 'style', '-f', 'json1', ...onDisk.keys()], {
        reject: false,
        stdin: 'ignore',
      });
      if (result.failed && result.exitCode === undefined) {
        throw new ToolMissingError(
          'shellcheck not found: install it (Debian/Ubuntu: apt-get install shellcheck; macOS: brew install shellcheck), set CCENV_SHELLCHECK to its path, or build with --no-lint',
        );
      }
      if (result.exitCode !== 0 && result.exitCode !== 1) {
        throw new Error(`shellcheck -s ${dialect} failed (exit ${result.exitCode}): ${result.stderr}`);
      }
      const parsed = JSON.parse(result.stdout || '{"comments":[]}') as Json1;
      return parsed.comments.map((c) => ({ ...c, file: onDisk.get(c.file) ?? c.file, dialect }));
    });
    return (await Promise.all(runs)).flat();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.level} SC${f.code} [${f.dialect}]: ${f.message}`;
}
