// node.exe and npm unpacked from the Windows mirror's zip, for the cmd tests that put Node on WINEPATH
// instead of installing it. Cached under ~/.cache/ccenv/node-win-bin/<version>/ — the same entry
// (and the same bsdtar recipe) the cmd test files fill themselves, so `make prepare` can fill it first.
import { execa } from 'execa';
import { cachePath, ensureCacheDir } from '../cache.js';
import type { WinNodeMirror } from './node-win-mirror.js';

/** The folder holding node.exe, npm.cmd and node_modules/npm of `mirror`'s release. */
export function ensureWinNodeBin(mirror: WinNodeMirror): Promise<string> {
  return ensureCacheDir(cachePath('node-win-bin', mirror.version), async (tmp) => {
    await execa('bsdtar', ['-xf', mirror.zip, '-C', tmp, '--strip-components=1'], { stdin: 'ignore' });
  });
}
