// The folders ccenv made for the Claude config folder (it and any missing parent), recorded in the
// receipt when it is first written, so --uninstall --purge can give back a home without them. Only
// ever removed when empty: a file Claude Code (or anyone) wrote there since keeps its folder.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { errnoCode } from './errors.js';
import { step } from './files.js';
import type { Messages } from './messages.js';

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch (e) {
    const code = errnoCode(e);
    // Anything but "not there" (EACCES, ELOOP …) counts as there: never claim a folder we cannot see.
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

/** `dir` and its parents that do not exist yet, outermost first (what a recursive mkdir creates). */
export function missingFolders(dir: string): string[] {
  const missing: string[] = [];
  for (let current = path.resolve(dir); !exists(current); ) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return missing;
}

/**
 * Removes the recorded folders, innermost first, each only when empty; stops at the first that
 * holds something (its parents hold it too). A dry run says what it would remove.
 */
export function removeCreatedFolders(folders: readonly string[], t: Messages['t'], out: (line: string) => void, dryRun: boolean): void {
  for (const dir of [...folders].reverse()) {
    if (dryRun) {
      out(t('cfg_dry_would_remove_folder', { path: dir }));
      continue;
    }
    const outcome = removeEmptyFolder(dir);
    if (outcome === 'kept') {
      out(t('cfg_folder_kept', { path: dir }));
      return;
    }
    if (outcome === 'removed') out(t('cfg_folder_removed', { path: dir }));
  }
}

/** rmdir only: a folder that holds anything (or is not a folder) is kept; other errors are exit 8. */
export function removeEmptyFolder(dir: string): 'removed' | 'absent' | 'kept' {
  return step(dir, [], () => {
    try {
      fs.rmdirSync(dir);
      return 'removed';
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT') return 'absent';
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') return 'kept';
      throw e;
    }
  });
}
