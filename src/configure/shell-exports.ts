// Variables set outside Claude Code's settings: shell start-up files on Linux/macOS, the user's
// environment variables in the registry on Windows. Settings files win over both, but a stale
// ANTHROPIC_API_KEY or ANTHROPIC_BASE_URL there is the usual cause of "Invalid API key".

import * as fs from 'node:fs';
import * as path from 'node:path';
import { childProcess } from './lazy-builtin.js';
import { isConnectionName } from './settings-sources.js';

export interface ShellExport {
  /** The file (or "HKCU\Environment"), and its line when it is a file. */
  where: string;
  line?: number;
  name: string;
  value: string;
}

/** Start-up files of the shells people use, relative to the home folder. */
export const STARTUP_FILES = ['.profile', '.bashrc', '.bash_profile', '.bash_login', '.zshenv', '.zprofile', '.zshrc', '.config/fish/config.fish'];

// export NAME=value · NAME=value · set -gx NAME value (fish) · setenv NAME value (csh)
const ASSIGNMENT = /^\s*(?:export\s+|declare\s+-x\s+)?([A-Z_][A-Z0-9_]*)=(.*)$/;
const FISH_OR_CSH = /^\s*(?:set\s+(?:-[a-zA-Z]+\s+)*|setenv\s+)([A-Z_][A-Z0-9_]*)\s+(.*)$/;

function unquote(raw: string): string {
  const v = raw.replace(/\s+#.*$/, '').trim();
  const m = /^(['"])(.*)\1;?$/.exec(v);
  return m ? (m[2] as string) : v.replace(/;$/, '');
}

export function scanStartupFiles(homedir: string): ShellExport[] {
  const found: ShellExport[] = [];
  for (const rel of STARTUP_FILES) {
    const file = path.join(homedir, rel);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    text.split(/\r?\n/).forEach((line, i) => {
      const m = ASSIGNMENT.exec(line) ?? FISH_OR_CSH.exec(line);
      if (m && isConnectionName(m[1] as string)) found.push({ where: file, line: i + 1, name: m[1] as string, value: unquote(m[2] as string) });
    });
  }
  return found;
}

/** HKCU\Environment through reg.exe; null when it cannot be read (then only this process's environment is known). */
export function windowsUserVariables(): ShellExport[] | null {
  const r = childProcess().spawnSync('reg', ['query', 'HKCU\\Environment'], { encoding: 'utf8', windowsHide: true, timeout: 10_000 });
  if (r.status !== 0 || typeof r.stdout !== 'string') return null;
  const found: ShellExport[] = [];
  for (const line of r.stdout.split(/\r?\n/)) {
    const m = /^\s+([A-Za-z_][A-Za-z0-9_]*)\s+REG_(?:EXPAND_)?SZ\s+(.*)$/.exec(line);
    if (m && isConnectionName((m[1] as string).toUpperCase())) found.push({ where: 'HKCU\\Environment', name: (m[1] as string).toUpperCase(), value: m[2] as string });
  }
  return found;
}
