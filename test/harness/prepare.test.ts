// The fixture step: its lines (before a fill, after it with size and time, "cached" after that), what
// it does with a missing tool, and that the suite set holds every cache entry the tests name.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cachePath, ensureCacheDir } from '../../src/harness/cache.js';
import { fixtures, humanBytes, humanMs, runFixtures, SUITE_OLD_NODE_VERSIONS, SUITE_WINE_PREFIXES, type Fixture } from '../../src/harness/prepare.js';
import { DEFAULT_NODE_VERSION } from '../../src/harness/node-mirror.js';
import { repoPath } from '../../src/paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('the suite set covers what the tests fill', () => {
  const files = [...sources(repoPath('test')), ...sources(repoPath('src'))].filter((f) => !f.endsWith('prepare.test.ts'));
  const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');

  test('every Wine prefix name the tests and the harness ask for', () => {
    const used = new Set([...text.matchAll(/ensureWinePrefix\((?:'([^']*)')?\)/g)].map((m) => m[1] ?? ''));
    expect(used.size).toBeGreaterThan(1);
    // 'powershell' is ensurePowerShellPrefix()'s own
    for (const name of used) expect([...SUITE_WINE_PREFIXES, 'powershell'], `ensureWinePrefix('${name}')`).toContain(name);
    const names = fixtures('suite').map((f) => f.name);
    for (const name of SUITE_WINE_PREFIXES) expect(names).toContain(`wine prefix ${name === '' ? 'shared' : name}`);
    expect(names).toContain('wine prefix powershell'); // ensurePowerShellPrefix()
  });

  test('every Node build the tests ask for by version', () => {
    const used = new Set([...text.matchAll(/ensureCurrentNode\('([\d.]+)'\)|const OLD_NODE = '([\d.]+)'/g)].map((m) => (m[1] ?? m[2]) as string));
    expect(used.size).toBeGreaterThan(0);
    for (const v of used) expect([DEFAULT_NODE_VERSION, ...SUITE_OLD_NODE_VERSIONS], v).toContain(v);
    const names = fixtures('suite').map((f) => f.name);
    for (const v of [DEFAULT_NODE_VERSION, ...SUITE_OLD_NODE_VERSIONS]) expect(names).toContain(`node build ${v}`);
  });

  test('the matrix set is part of the suite set; names are unique; only npm-made fixtures are required', () => {
    const suite = fixtures('suite').map((f) => f.name);
    const matrix = fixtures('matrix').map((f) => f.name);
    expect(new Set(suite).size).toBe(suite.length);
    for (const n of matrix) expect(suite).toContain(n);
    expect(suite.length).toBeGreaterThan(matrix.length);
    expect(fixtures('suite').filter((f) => f.required).every((f) => f.lane === 'npm' || f.lane === 'mirrors')).toBe(true);
    // another release for the matrix: its mirrors, the harness's own Node build unchanged
    const other = fixtures('matrix', ['20.19.5']).map((f) => f.name);
    expect(other).toContain('node mirror 20.19.5 (no headers, for the matrix)');
    expect(other).not.toContain(`node mirror ${DEFAULT_NODE_VERSION} (no headers, for the matrix)`);
    expect(other).toContain(`node build ${DEFAULT_NODE_VERSION}`);
  });
});

describe('running fixtures', () => {
  const saved = { dir: process.env.CCENV_CACHE_DIR, frozen: process.env.CCENV_CACHE_FROZEN };
  const root = mkdtempSync(path.join(tmpdir(), 'ccenv-prepare-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    if (saved.dir === undefined) delete process.env.CCENV_CACHE_DIR;
    else process.env.CCENV_CACHE_DIR = saved.dir;
  });

  function entryFixture(name: string, opts: Partial<Fixture> = {}): Fixture {
    return {
      name,
      what: `building ${name} …`,
      required: true,
      lane: 'npm',
      ensure: async () => ({
        paths: [await ensureCacheDir(cachePath('test-fixtures', name), async (tmp) => writeFileSync(path.join(tmp, 'data'), Buffer.alloc(300_000)))],
      }),
      ...opts,
    };
  }

  test('a fill prints what it does before and its size and time after; the next run says cached', async () => {
    process.env.CCENV_CACHE_DIR = root;
    const list = [entryFixture('alpha'), entryFixture('beta', { lane: 'wine' })];
    const cold: string[] = [];
    const first = await runFixtures(list, (l) => cold.push(l));
    expect(first.ok).toBe(true);
    expect(first.results.map((r) => r.status)).toEqual(['filled', 'filled']);
    expect(cold.filter((l) => l === 'building alpha …' || l === 'building beta …').length).toBe(2);
    const ready = cold.find((l) => l.startsWith('ready: alpha'));
    expect(ready).toMatch(new RegExp(`^ready: alpha \\(\\d+ KB\\) in \\d+\\.\\d s ${path.join(root, 'test-fixtures', 'alpha')}$`));
    expect(cold.indexOf('building alpha …')).toBeLessThan(cold.indexOf(ready as string));

    const warm: string[] = [];
    const second = await runFixtures(list, (l) => warm.push(l));
    expect(second.results.map((r) => r.status)).toEqual(['cached', 'cached']);
    expect(warm.sort()).toEqual([
      `cached: alpha (${humanBytes(second.results[0]!.bytes!)}) ${path.join(root, 'test-fixtures', 'alpha')}`,
      `cached: beta (${humanBytes(second.results[1]!.bytes!)}) ${path.join(root, 'test-fixtures', 'beta')}`,
    ]);
  });

  test('prepare fills even when the cache is frozen (it is what fills it)', async () => {
    process.env.CCENV_CACHE_DIR = root;
    process.env.CCENV_CACHE_FROZEN = '1';
    try {
      const r = await runFixtures([entryFixture('gamma')], () => {});
      expect(r.results[0]!.status).toBe('filled');
    } finally {
      if (saved.frozen === undefined) delete process.env.CCENV_CACHE_FROZEN;
      else process.env.CCENV_CACHE_FROZEN = saved.frozen;
    }
  });

  test('a missing tool skips an optional fixture with what to install; a required one fails the step', async () => {
    process.env.CCENV_CACHE_DIR = root;
    const lines: string[] = [];
    const optional = entryFixture('wine-thing', { required: false, missing: () => 'wine is not installed (apt-get install wine)' });
    const r = await runFixtures([optional], (l) => lines.push(l));
    expect(r.ok).toBe(true);
    expect(r.results[0]!.status).toBe('skipped');
    expect(lines).toEqual(['skipped: wine-thing: wine is not installed (apt-get install wine)']);

    const broken = entryFixture('npm-thing', { ensure: () => Promise.reject(new Error('npm pack failed: E404\nmore')) });
    const lines2: string[] = [];
    const r2 = await runFixtures([broken, entryFixture('delta', { lane: 'wine' })], (l) => lines2.push(l));
    expect(r2.ok).toBe(false);
    expect(r2.results.map((r) => r.status)).toEqual(['failed', 'filled']);
    expect(lines2.find((l) => l.startsWith('failed:'))).toMatch(/^failed: npm-thing after \d+\.\d s: npm pack failed: E404$/);
  });

  test('sizes and times read like people write them', () => {
    expect([humanBytes(512), humanBytes(300_000), humanBytes(222_298_112), humanBytes(5.5 * 1024 ** 3)]).toEqual(['512 B', '293 KB', '212 MB', '5.5 GB']);
    expect([humanMs(1234), humanMs(42_400), humanMs(185_000)]).toEqual(['1.2 s', '42 s', '3 min 5 s']);
  });
});
