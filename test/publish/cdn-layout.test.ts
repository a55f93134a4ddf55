// The CDN tree as a platform team gets it from `ccenv build`: latest and immutable versioned
// installers, SHA256SUMS in every folder (checked with the real sha256sum), manifest.json,
// _headers, signatures made and verified with ssh-keygen, and a build that refuses to change a
// published file.
import { beforeAll, describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../src/paths.js';
import { CCENV_VERSION } from '../../src/version.js';
import type { Manifest } from '../../src/publish/manifest.js';
import { sha256Hex } from '../../src/publish/checksums.js';

const CLI = path.join(REPO_ROOT, 'out', 'src', 'cli', 'main.js');
const ccenv = (args: string[], cwd: string) => execa('node', [CLI, ...args], { cwd, reject: false, stdin: 'ignore' });
/** The release a profile's latest files are (v<ccenv version>-<content hash>), from its manifest. */
const versionOf = (id: string): string => (JSON.parse(readFileSync(path.join(out, id, 'manifest.json'), 'utf8')) as Manifest).version as string;

function folders(root: string): string[] {
  const out = [root];
  for (const name of readdirSync(root)) {
    const p = path.join(root, name);
    if (statSync(p).isDirectory()) out.push(...folders(p));
  }
  return out;
}

let work: string;
let out: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ccenv-cdn-'));
  out = path.join(work, 'dist');
  const r = await ccenv(['build', '--profile', 'zhipu', '--profile', 'deepseek', '--out', out, '--base-url', 'https://cdn.example.com/ai'], work);
  expect(r.exitCode, r.stderr).toBe(0);
}, 120_000);

describe('ccenv build: the CDN layout', () => {
  test('latest and versioned installers, manifest, landing pages, index, _headers', () => {
    for (const id of ['zhipu', 'deepseek']) {
      const V = versionOf(id);
      expect(V).toMatch(new RegExp(`^v${CCENV_VERSION.replace(/\./g, '\\.')}-[0-9a-f]{8}$`));
      for (const f of ['install.sh', 'install.ps1', 'install.cmd', 'manifest.json', 'index.html', 'SHA256SUMS']) expect(existsSync(path.join(out, id, f)), `${id}/${f}`).toBe(true);
      for (const f of ['install.sh', 'install.ps1', 'install.cmd', 'SHA256SUMS']) expect(existsSync(path.join(out, id, V, f)), `${id}/${V}/${f}`).toBe(true);
      expect(readFileSync(path.join(out, id, V, 'install.sh'), 'utf8')).toBe(readFileSync(path.join(out, id, 'install.sh'), 'utf8'));
    }
    for (const f of ['index.html', '_headers', 'SHA256SUMS']) expect(existsSync(path.join(out, f))).toBe(true);
    const m = JSON.parse(readFileSync(path.join(out, 'zhipu', 'manifest.json'), 'utf8')) as Manifest;
    expect(m).toMatchObject({ profile: 'zhipu', ccenvVersion: CCENV_VERSION, cdnBase: 'https://cdn.example.com/ai/', baseUrl: 'https://open.bigmodel.cn/api/anthropic' });
    expect(m.oneLiners).toEqual({
      sh: 'curl -fsSL https://cdn.example.com/ai/zhipu/install.sh | sh',
      ps1: 'irm https://cdn.example.com/ai/zhipu/install.ps1 | iex',
      cmd: 'curl.exe -fsSL https://cdn.example.com/ai/zhipu/install.cmd -o install.cmd && install.cmd',
    });
    for (const f of m.files) {
      const bytes = readFileSync(path.join(out, f.path));
      expect(f.bytes).toBe(bytes.length);
      expect(f.gzipBytes).toBeLessThan(f.bytes);
      expect(f.versionedPath).toBe(`zhipu/${m.version}/${f.name}`);
    }
    // one release so far: the latest one, with the checksums of its files
    expect(m.versions).toEqual([{ version: m.version, files: ['install.cmd', 'install.ps1', 'install.sh'].map((name) => ({ name, path: `zhipu/${m.version}/${name}`, bytes: readFileSync(path.join(out, 'zhipu', name)).length, sha256: sha256Hex(readFileSync(path.join(out, 'zhipu', name))) })) }]);
  });

  test('sha256sum -c passes in every folder; one changed byte fails it', async () => {
    const all = folders(out);
    expect(all.length).toBe(5);
    for (const dir of all) {
      const r = await execa('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, reject: false });
      expect(r.exitCode, `${dir}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).not.toContain('FAILED');
    }
    const copy = mkdtempSync(path.join(tmpdir(), 'ccenv-cdn-tamper-'));
    await execa('cp', ['-a', path.join(out, 'zhipu'), copy]);
    const file = path.join(copy, 'zhipu', 'install.sh');
    const bytes = readFileSync(file);
    bytes[1000] = bytes[1000] === 0x41 ? 0x42 : 0x41;
    writeFileSync(file, bytes);
    const r = await execa('sha256sum', ['-c', 'SHA256SUMS'], { cwd: path.join(copy, 'zhipu'), reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('install.sh: FAILED');
  });

  test('_headers: UTF-8 text for scripts, a short cache for latest, immutable for versioned paths', () => {
    const h = readFileSync(path.join(out, '_headers'), 'utf8');
    expect(h).toContain('/:profile/install.sh\n  Content-Type: text/plain; charset=utf-8\n  Cache-Control: public, max-age=300\n');
    expect(h).toContain('/:profile/:version/install.ps1\n  Content-Type: text/plain; charset=utf-8\n  Cache-Control: public, max-age=31536000, immutable\n');
    expect(h).toContain('/:profile/manifest.json\n  Content-Type: application/json; charset=utf-8\n');
  });

  test('a rebuild with the same sources changes nothing; an edited published file is refused, nothing written', async () => {
    const again = await ccenv(['build', '--profile', 'zhipu', '--profile', 'deepseek', '--out', out, '--base-url', 'https://cdn.example.com/ai'], work);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain(`wrote 0 of`);
    const V = versionOf('zhipu');
    const published = path.join(out, 'zhipu', V, 'install.sh');
    const original = readFileSync(published, 'utf8');
    const latestBefore = readFileSync(path.join(out, 'zhipu', 'install.sh'), 'utf8');
    const manifestBefore = readFileSync(path.join(out, 'zhipu', 'manifest.json'), 'utf8');
    // edited after publishing, its SHA256SUMS left alone: any build of zhipu (whatever its options) refuses
    writeFileSync(published, original.replace('set -u', 'set -u # published earlier'));
    const refused = await ccenv(['build', '--profile', 'zhipu', '--out', out, '--base-url', 'https://cdn.example.com/other', '--no-lint'], work);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`${out}/zhipu/${V}/install.sh: a published file no longer matches its SHA256SUMS`);
    expect(readFileSync(published, 'utf8')).toContain('# published earlier');
    expect(readFileSync(path.join(out, 'zhipu', 'manifest.json'), 'utf8')).toBe(manifestBefore);
    expect(readFileSync(path.join(out, 'zhipu', 'install.sh'), 'utf8')).toBe(latestBefore);
    // edited together with its SHA256SUMS: the build that renders this very version refuses to overwrite it
    const sums = path.join(out, 'zhipu', V, 'SHA256SUMS');
    const sumsBefore = readFileSync(sums, 'utf8');
    writeFileSync(sums, sumsBefore.replace(/^[0-9a-f]{64}(?=  install\.sh$)/m, sha256Hex(readFileSync(published))));
    const refusedToo = await ccenv(['build', '--profile', 'zhipu', '--out', out, '--base-url', 'https://cdn.example.com/ai', '--no-lint'], work);
    expect(refusedToo.exitCode).toBe(1);
    expect(refusedToo.stderr).toContain(`refusing to change a published file: ${out}/zhipu/${V}/install.sh`);
    expect(readFileSync(published, 'utf8')).toContain('# published earlier');
    const check = await ccenv(['build', '--profile', 'zhipu', '--out', out, '--base-url', 'https://cdn.example.com/ai', '--check', '--no-lint'], work);
    expect(check.exitCode).toBe(1);
    expect(check.stderr).toContain(`published and immutable, but would change: ${out}/zhipu/${V}/install.sh`);
    writeFileSync(published, original);
    writeFileSync(sums, sumsBefore);
  }, 120_000);

  test('an output folder that is a file: a clear error, exit 1, no stack', async () => {
    const file = path.join(work, 'not-a-folder');
    writeFileSync(file, 'mine\n');
    const r = await ccenv(['build', '--profile', 'zai', '--out', file, '--no-lint'], work);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`cannot use the output folder: ${file}/zai (ENOTDIR)\n`.trimEnd());
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });

  test('--sign-key: every SHA256SUMS gets a signature that ssh-keygen -Y verify accepts, and a changed list does not', async () => {
    const key = path.join(work, 'signing_key');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ccenv-test', '-f', key]);
    const signed = path.join(work, 'signed');
    const r = await ccenv(['build', '--profile', 'deepseek', '--out', signed, '--sign-key', key], work);
    expect(r.exitCode, r.stderr).toBe(0);
    const pub = readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    writeFileSync(path.join(work, 'allowed_signers'), `ccenv namespaces="ccenv-sha256sums" ${pub}\n`);
    for (const dir of folders(signed)) {
      expect(existsSync(path.join(dir, 'SHA256SUMS.sig')), dir).toBe(true);
      const v = await execa('ssh-keygen', ['-Y', 'verify', '-f', path.join(work, 'allowed_signers'), '-I', 'ccenv', '-n', 'ccenv-sha256sums', '-s', path.join(dir, 'SHA256SUMS.sig')], { input: readFileSync(path.join(dir, 'SHA256SUMS')), reject: false });
      expect(v.exitCode, `${dir}: ${v.stderr}`).toBe(0);
    }
    // the landing page shows the publisher's key for the check
    expect(readFileSync(path.join(signed, 'deepseek', 'index.html'), 'utf8')).toContain(`namespaces=&quot;ccenv-sha256sums&quot; ${pub}`);
    const tampered = readFileSync(path.join(signed, 'deepseek', 'SHA256SUMS'), 'utf8').replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    const bad = await execa('ssh-keygen', ['-Y', 'verify', '-f', path.join(work, 'allowed_signers'), '-I', 'ccenv', '-n', 'ccenv-sha256sums', '-s', path.join(signed, 'deepseek', 'SHA256SUMS.sig')], { input: tampered, reject: false });
    expect(bad.exitCode).not.toBe(0);
  }, 120_000);
});
