// Writing files without ever leaving one half-written: a temp file in the target's own folder
// (mode 0600), written and fsynced, then renamed over the target. Symlinks are followed to their
// final target (a symlink stays a symlink; a dangling one gets its target created). Just before the
// rename the target is read again: if it changed since it was read (another writer, such as
// Claude Code itself), the temp is discarded and the caller redoes its work from the new content.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errnoCode } from './errors.js';

const isWindows = process.platform === 'win32';

/** The final target of `p` after following symlinks, even when the last one dangles. */
export function resolveTarget(p: string): string {
  let current = path.resolve(p);
  for (let hops = 0; hops < 40; hops++) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') return current;
      throw e;
    }
    if (!stat.isSymbolicLink()) {
      try {
        return fs.realpathSync(current);
      } catch {
        return current;
      }
    }
    current = path.resolve(path.dirname(current), fs.readlinkSync(current));
  }
  const loop = new Error(`too many levels of symbolic links: ${p}`) as NodeJS.ErrnoException;
  loop.code = 'ELOOP';
  throw loop;
}

/** The file's bytes, or null when it does not exist. Other errors (EACCES, EISDIR …) are thrown. */
export function readBytes(target: string): Buffer | null {
  try {
    return fs.readFileSync(target);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

export function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  if (a === null || b === null) return a === b;
  return a.equals(b);
}

/** Creates `dir` (and parents) when missing; a directory created here gets `mode`. */
export function ensureDir(dir: string, mode = 0o700): void {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) {
      const err = new Error(`not a directory: ${dir}`) as NodeJS.ErrnoException;
      err.code = 'ENOTDIR';
      err.path = dir;
      throw err;
    }
    return;
  }
  fs.mkdirSync(dir, { recursive: true, mode });
}

export function removeQuietly(p: string): void {
  try {
    fs.unlinkSync(p);
  } catch {
    // already gone, or we could not create it in the first place
  }
}

/** Blocks this thread (the configure program is synchronous throughout). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * A file the user cannot write (made read-only, or another user's) is not replaced: the rename
 * would succeed in a writable folder, silently overriding that choice. EACCES/EROFS are thrown.
 */
function refuseUnwritable(target: string): void {
  try {
    fs.accessSync(target, fs.constants.W_OK);
  } catch (e) {
    const code = errnoCode(e);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
  }
}

function tempName(target: string): string {
  return `.${path.basename(target)}.ccenv-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`;
}

const TEMP_NAME = /^\.(.+)\.ccenv-(\d+)-[0-9a-f]{8}\.tmp$/;
const STALE_AFTER_MS = 60 * 60 * 1000;

/** Whether a file name is one of ccenv's temp files (of any file). */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/**
 * Removes from `dir` the temp files a killed ccenv run left behind (of the file called `name`, or
 * of any file): their process is gone, or they are over an hour old, in case the pid was reused.
 * A live run's temps are left alone. Best effort: any error leaves the temp where it is.
 */
export function removeStaleTemps(dir: string, name?: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of names) {
    const m = TEMP_NAME.exec(entry);
    if (!m || (name !== undefined && m[1] !== name)) continue;
    const temp = path.join(dir, entry);
    try {
      const st = fs.lstatSync(temp);
      if (!st.isFile()) continue;
      if (processAlive(Number(m[2])) && Date.now() - st.mtimeMs < STALE_AFTER_MS) continue;
      fs.unlinkSync(temp);
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** Writes `data` to a new temp file next to `target` (mode 0600, fsynced) and returns its path. */
export function prepareTemp(target: string, data: string | Buffer): string {
  const dir = path.dirname(target);
  ensureDir(dir);
  refuseUnwritable(target);
  const temp = path.join(dir, tempName(target));
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    try {
      fs.writeFileSync(fd, data);
      if (!isWindows) fs.fchmodSync(fd, 0o600);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    removeQuietly(temp);
    throw e;
  }
  return temp;
}

function syncDir(dir: string): void {
  if (isWindows) return;
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // best effort: some file systems refuse to fsync a directory
  }
}

function renameWithRetry(from: string, to: string): void {
  // On Windows a virus scanner or an editor may hold the target open for a moment.
  for (let attempt = 0; ; attempt++) {
    try {
      fs.renameSync(from, to);
      return;
    } catch (e) {
      const code = errnoCode(e);
      if (!isWindows || attempt >= 10 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw e;
      sleepSync(50);
    }
  }
}

/**
 * Renames `temp` over `target` if the target still holds `expected` (null: still absent).
 * Returns false (and removes the temp) when it changed; throws on an I/O error (temp removed).
 */
export function commitTemp(target: string, temp: string, expected: Buffer | null): boolean {
  try {
    if (!sameBytes(readBytes(target), expected)) {
      removeQuietly(temp);
      return false;
    }
    renameWithRetry(temp, target);
  } catch (e) {
    removeQuietly(temp);
    throw e;
  }
  syncDir(path.dirname(target));
  return true;
}

/** Deletes `target` if it still holds `expected`; false when it changed. */
export function deleteChecked(target: string, expected: Buffer): boolean {
  if (!sameBytes(readBytes(target), expected)) return false;
  fs.unlinkSync(target);
  syncDir(path.dirname(target));
  return true;
}

/** Atomic write without a concurrency check (ccenv's own files). */
export function writeAtomic(target: string, data: string | Buffer): void {
  const temp = prepareTemp(target, data);
  try {
    renameWithRetry(temp, target);
  } catch (e) {
    removeQuietly(temp);
    throw e;
  }
  syncDir(path.dirname(target));
}
