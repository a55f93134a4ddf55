// The harness's download and build cache: ~/.cache/ccenv (XDG_CACHE_HOME honoured; CCENV_CACHE_DIR
// overrides). Entries are created in a temporary sibling and renamed into place, so a crashed fill
// never leaves a half-written entry behind; a lock keeps two test workers from filling one twice.
// With CCENV_CACHE_FROZEN=1 (`make test`) a missing entry is an error instead of a fill: downloads
// and builds belong to `make prepare` (src/harness/prepare.ts), never to a test's time.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheRoot } from '../cache-dir.js';
import { UserError } from '../errors.js';

// the location is product code (ccenv build caches there too); the harness's cache builds on it
export { cacheRoot, cachePath } from '../cache-dir.js';

export function shortHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dir>.lock` (a folder holding the owner's pid); waits while a live process holds it. Returns the release. */
export async function lock(dir: string): Promise<() => void> {
  const lockDir = `${dir}.lock`;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {
        /* being created or removed */
      }
      let stale = Number.isInteger(owner) && owner > 0 && !alive(owner);
      if (!(owner > 0)) {
        // no pid yet: being created — or its creator died at once; give it 10 s
        try {
          stale = Date.now() - statSync(lockDir).mtimeMs > 10_000;
        } catch {
          /* removed meanwhile */
        }
      }
      if (stale) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export interface CacheEntryOptions {
  /** Derived in a second or two with no download (a test CA for a host list): filled even when frozen. */
  cheap?: boolean;
}

/** What `make prepare` filled: the root this process started with (a test that points CCENV_CACHE_DIR elsewhere later fills on purpose). */
const PREPARED_ROOT = cacheRoot();

/** Set while prepare runs: fills are its job, frozen or not; `onFill` hears of each one as it starts. */
const preparing = new AsyncLocalStorage<{ onFill: (dir: string) => void }>();

/** Runs `fn` as the fixture preparer: fills allowed, each reported to `onFill` before it starts. */
export function asPreparer<T>(onFill: (dir: string) => void, fn: () => Promise<T>): Promise<T> {
  return preparing.run({ onFill }, fn);
}

/** A cache entry the frozen run needs but `make prepare` did not fill. */
function notPrepared(entry: string): UserError {
  return new UserError(`${entry} is not prepared: run \`make prepare\` (ccenv test --prepare --suite) first`);
}

function refuseFrozenFill(dir: string, opts: CacheEntryOptions): void {
  if (process.env.CCENV_CACHE_FROZEN !== '1' || opts.cheap || preparing.getStore()) return;
  const rel = path.relative(PREPARED_ROOT, path.resolve(dir));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return;
  throw notPrepared(path.join(PREPARED_ROOT, rel));
}

/**
 * Returns `dir`, building it first with `fill(tmpDir)` when it does not exist. `fill` writes into
 * a fresh temporary directory beside `dir`, which is then renamed to `dir` (atomic on one file
 * system). Concurrent callers (other test workers) wait for the one filling it.
 */
export async function ensureCacheDir(dir: string, fill: (tmpDir: string) => Promise<void>, opts: CacheEntryOptions = {}): Promise<string> {
  if (existsSync(dir)) return dir;
  refuseFrozenFill(dir, opts);
  mkdirSync(path.dirname(dir), { recursive: true });
  const unlock = await lock(dir);
  try {
    if (existsSync(dir)) return dir;
    preparing.getStore()?.onFill(dir);
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    mkdirSync(tmp);
    try {
      await fill(tmp);
      renameSync(tmp, dir);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } finally {
    unlock();
  }
  return dir;
}
