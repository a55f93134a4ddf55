// Where a program is, as a shell would find it: the PATH folders in order, then any extra folders.
// On Windows each PATHEXT extension, never the bare name: npm puts an extensionless sh shim beside
// every .cmd it installs, which Windows cannot start.

import * as fs from 'node:fs';
import * as path from 'node:path';

export function findProgram(name: string, env: Record<string, string | undefined>, platform: NodeJS.Platform, extraDirs: readonly string[] = []): string | null {
  const win = platform === 'win32';
  const names = win ? (env['PATHEXT'] ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map((ext) => name + ext.toLowerCase()) : [name];
  const dirs = (env['PATH'] ?? env['Path'] ?? '').split(win ? ';' : ':').filter(Boolean);
  for (const dir of [...dirs, ...extraDirs]) {
    for (const n of names) {
      const file = path.join(dir, n);
      try {
        if (fs.statSync(file).isFile()) return file;
      } catch {
        /* not here */
      }
    }
  }
  return null;
}
