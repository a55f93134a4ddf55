// One ccenv at a time per config folder: two installers started together (two terminals, a fleet
// script run twice) would otherwise interleave their writes, and the receipt of one could end up
// describing the other's settings — then --uninstall takes ccenv's values for the user's own.
// The lock is a file in the system's temporary folder (nothing appears in the user's config
// folder unless a run changes it), holding the owner's pid; one left by a killed run is taken over.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleepSync } from './atomic-write.js';

/** How long to wait for another run before going ahead anyway (its writes are still re-checked). */
const WAIT_MS = 60_000;
/** A lock older than this belongs to a run that hung or was killed. */
const STALE_MS = 10 * 60_000;

export function lockPath(configDir: string, tmp = os.tmpdir()): string {
  return path.join(tmp, `ccenv-${createHash('sha256').update(path.resolve(configDir)).digest('hex').slice(0, 16)}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the lock at `file` may be taken over: its owner is gone, or it is very old. */
function abandoned(file: string): boolean {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    const age = Date.now() - fs.statSync(file).mtimeMs;
    return !Number.isInteger(pid) || pid <= 0 || !alive(pid) || age > STALE_MS;
  } catch {
    // gone already, or written half by a run killed between open and write
    return true;
  }
}

/** Runs fn holding the lock of configDir; without a usable temporary folder, runs it anyway. */
export function withConfigLock<T>(configDir: string, fn: () => T): T {
  const file = lockPath(configDir);
  let held = false;
  for (const started = Date.now(); Date.now() - started < WAIT_MS; ) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      try {
        fs.writeSync(fd, String(process.pid));
      } finally {
        fs.closeSync(fd);
      }
      held = true;
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') break;
      if (abandoned(file)) {
        try {
          fs.unlinkSync(file);
        } catch {
          // another run took it over first
        }
        continue;
      }
      sleepSync(50);
    }
  }
  try {
    return fn();
  } finally {
    if (held) {
      try {
        fs.unlinkSync(file);
      } catch {
        // removed as abandoned by another run after a very long wait
      }
    }
  }
}
