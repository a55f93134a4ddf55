// Backups of the files ccenv replaces: <config dir>/ccenv/backups/<name>.<UTC timestamp>[.<n>],
// mode 0600, the newest KEEP per file name kept.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureDir, prepareTemp, removeQuietly } from './atomic-write.js';
import { errnoCode } from './errors.js';

export const KEEP_BACKUPS = 5;

/** 2025-01-31T08:09:10.123Z → 20250131T080910Z */
export function backupStamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/** Writes `bytes` as a new backup of the file called `name`; returns the backup's path. */
export function writeBackup(backupsDir: string, name: string, bytes: Buffer, now: Date = new Date()): string {
  ensureDir(backupsDir);
  const stamp = backupStamp(now);
  const base = path.join(backupsDir, `${name}.${stamp}`);
  // Number after the newest backup of this second, never into a gap left by pruning: a reused
  // lower number would sort as older than the backups it follows.
  let n = 0;
  for (const file of backupsOf(fs.readdirSync(backupsDir), name)) {
    const m = /^(\d{8}T\d{6}Z)(?:\.(\d+))?$/.exec(file.slice(name.length + 1));
    if (m && m[1] === stamp) n = Math.max(n, (m[2] === undefined ? 0 : Number(m[2])) + 1);
  }
  // Written in full to a temp first, then linked to its name: a run killed mid-write never
  // leaves a short backup under a backup's name.
  const temp = prepareTemp(base, bytes);
  try {
    for (; ; n++) {
      const candidate = n === 0 ? base : `${base}.${n}`;
      try {
        fs.linkSync(temp, candidate);
        return candidate;
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'EEXIST' && n < 100_000) continue;
        // file systems without hard links (FAT, some network shares): a rename onto a free name
        if ((code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') && !fs.existsSync(candidate)) {
          fs.renameSync(temp, candidate);
          return candidate;
        }
        throw e;
      }
    }
  } finally {
    removeQuietly(temp);
  }
}

interface BackupName {
  file: string;
  stamp: string;
  n: number;
}

/** The backups of `name` in `names`, oldest first. */
export function backupsOf(names: readonly string[], name: string): string[] {
  const parsed: BackupName[] = [];
  for (const file of names) {
    if (!file.startsWith(name + '.')) continue;
    const m = /^(\d{8}T\d{6}Z)(?:\.(\d+))?$/.exec(file.slice(name.length + 1));
    if (!m || m[1] === undefined) continue;
    parsed.push({ file, stamp: m[1], n: m[2] === undefined ? 0 : Number(m[2]) });
  }
  parsed.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.n - b.n));
  return parsed.map((p) => p.file);
}

/** Removes all but the newest KEEP_BACKUPS backups of `name`. Best effort. */
export function pruneBackups(backupsDir: string, name: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(backupsDir);
  } catch {
    return;
  }
  const all = backupsOf(names, name);
  for (const file of all.slice(0, Math.max(0, all.length - KEEP_BACKUPS))) {
    try {
      fs.unlinkSync(path.join(backupsDir, file));
    } catch {
      // leave it
    }
  }
}
