// A provider's release cycle in one output folder, with the compiled CLI: a built-in and an own
// profile built into the same tree and signed, the own profile fixed (a model name) and rebuilt — a new
// immutable v…/ folder, latest moved, the old folder byte for byte as it was, the manifest listing
// both with their checksums, sha256sum -c and ssh-keygen -Y verify passing everywhere; an unchanged
// rebuild writes nothing; --check tells stale from current; rollback is building the earlier profile
// or --latest id@version.
import { beforeAll, describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../src/paths.js';
import { sha256Hex } from '../../src/publish/checksums.js';
import type { Manifest } from '../../src/publish/manifest.js';

const CLI = path.join(REPO_ROOT, 'out', 'src', 'cli', 'main.js');
const BASE = 'https://cdn.acme.example/ai/';

const PROFILE = (haiku: string) => `id: acme
name: { en: Acme AI, zh: 艾克米 }
region: cn
baseUrl: https://api.acme.example/anthropic
keyUrl: https://acme.example/keys
models:
  opus: acme-large
  sonnet: acme-large
  haiku: ${haiku}
`;

let work: string;
let out: string;
let key: string;
let allowed: string;

const ccenv = (...args: string[]) => execa('node', [CLI, ...args], { cwd: work, reject: false, stdin: 'ignore' });
/** Builds into the tree as a provider does: --no-lint only because the gates are not what this proves. */
const build = (...args: string[]) => ccenv('build', '--out', out, '--base-url', BASE, '--no-lint', ...args);

/** Every file of the tree (relative path → its bytes' SHA-256). */
function snapshot(dir = out, rel = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) for (const [k, v] of snapshot(dir, r)) files.set(k, v);
    else files.set(r, sha256Hex(readFileSync(path.join(dir, r))));
  }
  return files;
}

function mtimes(): Map<string, number> {
  return new Map([...snapshot().keys()].map((r) => [r, statSync(path.join(out, r)).mtimeMs]));
}

function folders(rel = ''): string[] {
  const subs = readdirSync(path.join(out, rel)).filter((n) => statSync(path.join(out, rel, n)).isDirectory());
  return [rel, ...subs.flatMap((n) => folders(rel ? `${rel}/${n}` : n))];
}

const manifest = (id: string) => JSON.parse(readFileSync(path.join(out, id, 'manifest.json'), 'utf8')) as Manifest;

/** sha256sum -c in every folder, and that each SHA256SUMS names every file beside it (but itself and its signature). */
async function expectSumsEverywhere(): Promise<void> {
  for (const dir of folders()) {
    const r = await execa('sha256sum', ['-c', 'SHA256SUMS'], { cwd: path.join(out, dir), reject: false });
    expect(r.exitCode, `${dir}: ${r.stdout}${r.stderr}`).toBe(0);
    const listed = readFileSync(path.join(out, dir, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => l.slice(66)).sort();
    const present = readdirSync(path.join(out, dir))
      .filter((n) => statSync(path.join(out, dir, n)).isFile() && n !== 'SHA256SUMS' && n !== 'SHA256SUMS.sig')
      .sort();
    expect(listed, dir).toEqual(present);
  }
}

/** ssh-keygen -Y verify on every folder's SHA256SUMS.sig with the publisher's key. */
async function expectSignedEverywhere(): Promise<void> {
  for (const dir of folders()) {
    const sig = path.join(out, dir, 'SHA256SUMS.sig');
    expect(existsSync(sig), `${dir} is signed`).toBe(true);
    const v = await execa('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', 'ccenv', '-n', 'ccenv-sha256sums', '-s', sig], { input: readFileSync(path.join(out, dir, 'SHA256SUMS')), reject: false });
    expect(v.exitCode, `${dir}: ${v.stderr}`).toBe(0);
  }
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ccenv-release-'));
  out = path.join(work, 'site');
  key = path.join(work, 'release_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'release', '-f', key]);
  const pub = readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  allowed = path.join(work, 'allowed_signers');
  writeFileSync(allowed, `ccenv namespaces="ccenv-sha256sums" ${pub}\n`);
  writeFileSync(path.join(work, 'acme.yaml'), PROFILE('acme-small'));
});

describe('one tree, many builds; a profile fix is a new release', () => {
  test('a built-in, then an own profile into the signed tree: both listed, every folder summed and signed; no key: refused, nothing written', async () => {
    const first = await build('--profile', 'zhipu', '--sign-key', key);
    expect(first.exitCode, first.stderr).toBe(0);
    // a file of the provider's own at the top: kept and covered by the root SHA256SUMS
    writeFileSync(path.join(out, 'robots.txt'), 'User-agent: *\nAllow: /\n');
    const before = snapshot();
    const unsigned = await build('--profile', './acme.yaml');
    expect(unsigned.exitCode).toBe(1);
    expect(unsigned.stderr).toContain(`${out}/ is signed (${out}/SHA256SUMS.sig), and this build changes ${out}/SHA256SUMS`);
    expect(unsigned.stderr).toContain('nothing written. Build with --sign-key');
    expect(snapshot()).toEqual(before);

    const second = await build('--profile', './acme.yaml', '--sign-key', key);
    expect(second.exitCode, second.stderr).toBe(0);
    const index = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect([...index.matchAll(/<a href="([a-z-]+)\/">/g)].map((m) => m[1])).toEqual(['acme', 'zhipu']);
    expect(readFileSync(path.join(out, 'SHA256SUMS'), 'utf8')).toContain('  robots.txt\n');
    // the first build's folder is as it was
    for (const [rel, hash] of before) if (rel.startsWith('zhipu/')) expect(snapshot().get(rel), rel).toBe(hash);
    await expectSumsEverywhere();
    await expectSignedEverywhere();
  }, 120_000);

  test('the fix: --check says stale, the build adds a new v…/ folder, latest moves, the old folder stays byte for byte, the manifest lists both', async () => {
    const fresh = await build('--check', '--profile', './acme.yaml', '--profile', 'zhipu', '--sign-key', key);
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain(`${out}/ is fresh`);
    const old = manifest('acme').version as string;
    const before = snapshot();

    writeFileSync(path.join(work, 'acme.yaml'), PROFILE('acme-small-2'));
    const stale = await build('--check', '--profile', './acme.yaml', '--sign-key', key);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain(`stale: ${out}/acme/install.sh`);
    expect(stale.stderr).toMatch(new RegExp(`missing: ${out}/acme/v[0-9.]+-[0-9a-f]{8}/install\\.sh`));
    expect(snapshot()).toEqual(before);

    const fixed = await build('--profile', './acme.yaml', '--sign-key', key);
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    const m = manifest('acme');
    const now = m.version as string;
    expect(now).not.toBe(old);
    expect(readFileSync(path.join(out, 'acme', now, 'install.sh'), 'utf8')).toContain('acme-small-2');
    for (const name of ['install.sh', 'install.ps1', 'install.cmd']) {
      expect(readFileSync(path.join(out, 'acme', name), 'utf8'), `latest ${name}`).toBe(readFileSync(path.join(out, 'acme', now, name), 'utf8'));
    }
    // every file of the old release (its signature too) and of the other profile, unchanged
    const after = snapshot();
    for (const [rel, hash] of before) if (rel.startsWith(`acme/${old}/`) || rel.startsWith('zhipu/')) expect(after.get(rel), rel).toBe(hash);
    expect(m.versions?.map((v) => v.version)).toEqual([old, now]);
    for (const v of m.versions ?? []) {
      expect(v.files.map((f) => f.name)).toEqual(['install.cmd', 'install.ps1', 'install.sh']);
      for (const f of v.files) expect(f.sha256, f.path).toBe(after.get(f.path));
    }
    expect(m.files.map((f) => f.versionedPath)).toEqual(m.files.map((f) => `acme/${now}/${f.name}`));
    // the landing page names the new release and the command that pins it
    const landing = readFileSync(path.join(out, 'acme', 'index.html'), 'utf8');
    expect(landing).toContain(`id="pinned-url" data-template="curl -fsSL {base}acme/${now}/install.sh | sh">curl -fsSL ${BASE}acme/${now}/install.sh | sh</code>`);
    await expectSumsEverywhere();
    await expectSignedEverywhere();
    const current = await build('--check', '--profile', './acme.yaml', '--profile', 'zhipu', '--sign-key', key);
    expect(current.exitCode, current.stderr).toBe(0);
  }, 120_000);

  test('an unchanged rebuild writes nothing and signs nothing', async () => {
    const before = mtimes();
    const listing = snapshot();
    const again = await build('--profile', './acme.yaml', '--profile', 'zhipu', '--sign-key', key);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^wrote 0 of \d+ file\(s\)/m);
    expect(again.stdout).not.toContain('signed');
    expect(snapshot()).toEqual(listing);
    expect(mtimes()).toEqual(before);
  }, 120_000);

  test('rollback: building the earlier profile points latest back at its version; no folder is added', async () => {
    const [old, now] = (manifest('acme').versions ?? []).map((v) => v.version);
    const folders = readdirSync(path.join(out, 'acme')).filter((n) => n.startsWith('v')).sort();
    writeFileSync(path.join(work, 'acme.yaml'), PROFILE('acme-small'));
    const back = await build('--profile', './acme.yaml', '--sign-key', key);
    expect(back.exitCode, back.stderr).toBe(0);
    const m = manifest('acme');
    expect(m.version).toBe(old);
    expect(m.versions?.map((v) => v.version)).toEqual([old, now]);
    expect(readdirSync(path.join(out, 'acme')).filter((n) => n.startsWith('v')).sort()).toEqual(folders);
    expect(readFileSync(path.join(out, 'acme', 'install.sh'), 'utf8')).toBe(readFileSync(path.join(out, 'acme', old as string, 'install.sh'), 'utf8'));
    await expectSumsEverywhere();
    await expectSignedEverywhere();
  }, 120_000);

  test('--latest id@version: that published release is the latest again, whatever the profile renders to; one not in the tree is refused', async () => {
    const [old, now] = (manifest('acme').versions ?? []).map((v) => v.version) as [string, string];
    expect(manifest('acme').version).toBe(old); // the profile file is the earlier one again (previous test)
    const releases = new Map([old, now].map((v) => [v, snapshot().get(`acme/${v}/install.sh`)]));
    const pinned = await build('--profile', './acme.yaml', '--sign-key', key, '--latest', `acme@${now}`);
    expect(pinned.exitCode, pinned.stderr).toBe(0);
    expect(manifest('acme').version).toBe(now);
    expect(manifest('acme').versions?.map((v) => v.version)).toEqual([old, now]);
    expect(readFileSync(path.join(out, 'acme', 'install.ps1'), 'utf8')).toBe(readFileSync(path.join(out, 'acme', now, 'install.ps1'), 'utf8'));
    for (const [v, hash] of releases) expect(snapshot().get(`acme/${v}/install.sh`), v).toBe(hash);
    await expectSumsEverywhere();
    await expectSignedEverywhere();
    const fresh = await build('--check', '--profile', './acme.yaml', '--sign-key', key, '--latest', `acme@${now}`);
    expect(fresh.exitCode, fresh.stderr).toBe(0);

    const before = snapshot();
    const missing = await build('--profile', './acme.yaml', '--sign-key', key, '--latest', 'acme@v0.0.1-deadbeef');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(`--latest acme@v0.0.1-deadbeef: ${out}/acme/ has no release v0.0.1-deadbeef (it has: ${old}, ${now})`);
    expect(snapshot()).toEqual(before);
    // without --latest, latest is what the profile renders to again
    const back = await build('--profile', './acme.yaml', '--sign-key', key);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(manifest('acme').version).toBe(old);
  }, 120_000);

  test('--check without the key on a signed tree says to give it', async () => {
    const r = await build('--check', '--profile', './acme.yaml');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`${out}/ is signed: check it with the --sign-key it was built with`);
  }, 60_000);
});
