// A home folder's contents for "left as it was": every folder, file and link, a file by its bytes.
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** Relative path → "dir", "link:<target>" or "file:<base64 bytes>"; no times (an undone edit changes them). */
export function listTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = lstatSync(p);
      const rel = path.relative(dir, p);
      if (st.isSymbolicLink()) out[rel] = `link:${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[rel] = 'dir';
        walk(p);
      } else out[rel] = `file:${readFileSync(p).toString('base64')}`;
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
