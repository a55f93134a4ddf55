// Where ccenv keeps what it can rebuild (lint results, the configure bundle, the harness's
// downloads): ~/.cache/ccenv, XDG_CACHE_HOME honoured, CCENV_CACHE_DIR overrides.
import { homedir } from 'node:os';
import path from 'node:path';

export function cacheRoot(): string {
  if (process.env.CCENV_CACHE_DIR) return process.env.CCENV_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(base, 'ccenv');
}

export function cachePath(...parts: string[]): string {
  return path.join(cacheRoot(), ...parts);
}
