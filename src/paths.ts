// Locations inside the ccenv package, valid both from src/ (vitest) and from out/src/ (compiled).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`ccenv: package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

export function repoPath(...parts: string[]): string {
  return path.join(REPO_ROOT, ...parts);
}
