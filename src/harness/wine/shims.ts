// curl.exe, tar.exe and certutil.exe for the Wine tests, built from the C sources beside this file
// with mingw: Wine lacks curl.exe and tar.exe and its certutil is a stub, while install.cmd relies
// on all three as Windows 10 1803+ ships them. The programs do the real work (zip extraction,
// SHA-256 over BCrypt) but curl serves files from a fixture folder instead of the network; see the
// comment at the top of each .c file. Statically linked, so a bare Wine prefix can run them.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { repoPath } from '../../paths.js';
import { cachePath, ensureCacheDir, shortHash } from '../cache.js';
import { findProgram } from '../tools.js';

const CC = 'x86_64-w64-mingw32-gcc';
const CFLAGS = ['-O2', '-s', '-Wall', '-municode', '-static'];
/** Each shim and the libraries it links: Winsock for curl's network mode, zlib's static archive for inflate/crc32, BCrypt (a system DLL) for SHA-256. */
const SHIMS: Record<string, string[]> = { curl: ['-lws2_32'], tar: ['-l:libz.a'], certutil: ['-lbcrypt'] };

export const SHIM_SOURCE_DIR = repoPath('src', 'harness', 'wine', 'shims');

/** Where ensureWineShims keeps this build of the shims (present once compiled). */
export function wineShimsDir(): string {
  const sources = Object.fromEntries(Object.keys(SHIMS).map((n) => [n, readFileSync(path.join(SHIM_SOURCE_DIR, `${n}.c`), 'utf8')]));
  return cachePath('wine-shims', shortHash({ sources, CC, CFLAGS, SHIMS }));
}

/** Why the shims can be neither found nor built here, if so. */
export function missingShimCompiler(): string | undefined {
  if (existsSync(wineShimsDir()) || findProgram(CC)) return undefined;
  return `${CC} not found to build curl.exe, tar.exe and certutil.exe for Wine: install gcc-mingw-w64-x86-64 and libz-mingw-w64-dev (Debian)`;
}

/** The folder holding curl.exe, tar.exe and certutil.exe, compiled once per change of sources or flags. */
export async function ensureWineShims(): Promise<string> {
  return ensureCacheDir(wineShimsDir(), async (tmp) => {
    if (!findProgram(CC)) {
      throw new Error(`wine shims: ${CC} not found; install the Debian packages gcc-mingw-w64-x86-64 and libz-mingw-w64-dev`);
    }
    await Promise.all(
      Object.entries(SHIMS).map(async ([name, libs]) => {
        const args = [...CFLAGS, '-o', path.join(tmp, `${name}.exe`), path.join(SHIM_SOURCE_DIR, `${name}.c`), ...libs];
        const r = await execa(CC, args, { stdin: 'ignore', reject: false, all: true });
        if (r.exitCode !== 0) {
          const hint = name === 'tar' ? ' (zlib for mingw: the Debian package libz-mingw-w64-dev)' : '';
          throw new Error(`wine shims: compiling ${name}.c failed${hint}:\n${r.all}`);
        }
      }),
    );
  });
}

export const CONSOLE_PROBE_SOURCE = repoPath('src', 'harness', 'wine', 'console-probe', 'powershell.c');

/**
 * A folder holding only a powershell.exe that answers [Console]::IsErrorRedirected (console-probe/),
 * kept apart from the shims so only the test that puts it on PATH sees it.
 */
export async function ensureConsoleProbe(): Promise<string> {
  const source = readFileSync(CONSOLE_PROBE_SOURCE, 'utf8');
  const dir = cachePath('wine-console-probe', shortHash({ source, CC, CFLAGS }));
  return ensureCacheDir(dir, async (tmp) => {
    if (!findProgram(CC)) throw new Error(`wine console probe: ${CC} not found (Debian: gcc-mingw-w64-x86-64)`);
    const r = await execa(CC, [...CFLAGS, '-o', path.join(tmp, 'powershell.exe'), CONSOLE_PROBE_SOURCE], { stdin: 'ignore', reject: false, all: true });
    if (r.exitCode !== 0) throw new Error(`wine console probe: compiling powershell.c failed:\n${r.all}`);
  });
}
