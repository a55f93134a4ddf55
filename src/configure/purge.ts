// --uninstall --purge: after the uninstall, removes ccenv's own folder in the Claude config folder
// (its backups may hold earlier keys). Only files ccenv made, by their names; never the user's.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { isTempName } from './atomic-write.js';
import { backupsOf } from './backup.js';
import { removeEmptyFolder } from './created-folders.js';
import { step } from './files.js';
import type { Messages } from './messages.js';
import type { ConfigPaths } from './paths.js';

function namesIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function isFile(file: string): boolean {
  try {
    return !fs.lstatSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** The files ccenv made under its folder: the receipt, backups of the two files, leftover temps. */
export function ownFiles(paths: ConfigPaths): string[] {
  const inBackups = namesIn(paths.backups);
  const backups = [
    ...backupsOf(inBackups, path.basename(paths.settings)),
    ...backupsOf(inBackups, path.basename(paths.state)),
    ...inBackups.filter(isTempName),
  ].map((name) => path.join(paths.backups, name));
  const top = namesIn(paths.ccenvDir)
    .filter((name) => name === path.basename(paths.receipt) || isTempName(name))
    .map((name) => path.join(paths.ccenvDir, name));
  return [...new Set([...top, ...backups])].filter(isFile);
}

/** Removes `dir` when empty; false when it holds something else (or is not a folder). */
function removeIfEmpty(dir: string): boolean {
  return removeEmptyFolder(dir) !== 'kept';
}

export function purgeOwnFiles(paths: ConfigPaths, t: Messages['t'], out: (line: string) => void, dryRun: boolean): void {
  const dir = paths.ccenvDir;
  if (!fs.existsSync(dir)) {
    out(t('cfg_purge_nothing', { path: dir }));
    return;
  }
  const files = ownFiles(paths);
  if (dryRun) {
    out(t('cfg_dry_would_purge', { count: files.length, path: dir }));
    return;
  }
  for (const file of files) step(file, [], () => fs.rmSync(file, { force: true }));
  const gone = removeIfEmpty(paths.backups) && removeIfEmpty(dir);
  out(t(gone ? 'cfg_purged' : 'cfg_purged_kept', { count: files.length, path: dir }));
}
