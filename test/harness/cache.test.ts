import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { ensureCacheDir } from '../../src/harness/cache.js';

describe('cache entries', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ccenv-cache-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('concurrent callers fill an entry once; later calls reuse it', async () => {
    let fills = 0;
    const dir = path.join(root, 'a');
    const fill = async (tmp: string) => {
      fills += 1;
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(path.join(tmp, 'x'), 'done');
    };
    await Promise.all([ensureCacheDir(dir, fill), ensureCacheDir(dir, fill), ensureCacheDir(dir, fill)]);
    await ensureCacheDir(dir, fill);
    expect(fills).toBe(1);
    expect(readFileSync(path.join(dir, 'x'), 'utf8')).toBe('done');
    expect(readdirSync(root)).toEqual(['a']); // no temporary or lock left
  });

  test('a failed fill leaves nothing behind and does not block the next try', async () => {
    const dir = path.join(root, 'b');
    await expect(ensureCacheDir(dir, async (tmp) => {
      writeFileSync(path.join(tmp, 'half'), '');
      throw new Error('download failed');
    })).rejects.toThrow('download failed');
    expect(existsSync(dir)).toBe(false);
    await ensureCacheDir(dir, async (tmp) => writeFileSync(path.join(tmp, 'ok'), ''));
    expect(readdirSync(dir)).toEqual(['ok']);
  });

  test('a lock left by a dead process is broken', async () => {
    const dir = path.join(root, 'c');
    mkdirSync(`${dir}.lock`);
    writeFileSync(path.join(`${dir}.lock`, 'pid'), '999999999');
    await ensureCacheDir(dir, async (tmp) => writeFileSync(path.join(tmp, 'ok'), ''));
    expect(existsSync(path.join(dir, 'ok'))).toBe(true);
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });
});

describe('a frozen cache (CCENV_CACHE_FROZEN=1, as `make test` runs)', () => {
  const saved = { dir: process.env.CCENV_CACHE_DIR, frozen: process.env.CCENV_CACHE_FROZEN };
  const work = mkdtempSync(path.join(tmpdir(), 'ccenv-frozen-'));
  const prepared = path.join(work, 'prepared');
  afterEach(() => {
    for (const [k, v] of [['CCENV_CACHE_DIR', saved.dir], ['CCENV_CACHE_FROZEN', saved.frozen]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** cache.ts as a process started with CCENV_CACHE_DIR=<prepared> loads it (its root is read at load). */
  async function freshCache(frozen: boolean) {
    process.env.CCENV_CACHE_DIR = prepared;
    if (frozen) process.env.CCENV_CACHE_FROZEN = '1';
    else delete process.env.CCENV_CACHE_FROZEN;
    vi.resetModules();
    return import('../../src/harness/cache.js');
  }

  test('a missing entry under the prepared root is refused, with the command that prepares it; nothing is filled or left', async () => {
    const cache = await freshCache(true);
    let fills = 0;
    const dir = path.join(prepared, 'node-mirror', '22.23.3');
    const fill = async (tmp: string) => {
      fills += 1;
      writeFileSync(path.join(tmp, 'x'), '');
    };
    await expect(cache.ensureCacheDir(dir, fill)).rejects.toThrow(`${dir} is not prepared: run \`make prepare\` (ccenv test --prepare --suite) first`);
    const { UserError } = await import('../../src/errors.js'); // the instance cache.js loaded after the reset
    await expect(cache.ensureCacheDir(dir, fill)).rejects.toMatchObject({ constructor: UserError, exitCode: 2 });
    expect(fills).toBe(0);
    expect(existsSync(`${dir}.lock`)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  test('present entries, cheap ones, other roots and the preparer still work when frozen', async () => {
    const cache = await freshCache(true);
    const there = path.join(prepared, 'node-bin', '1.0.0');
    mkdirSync(there, { recursive: true });
    let fills = 0;
    const fill = async (tmp: string) => {
      fills += 1;
      writeFileSync(path.join(tmp, 'x'), '');
    };
    expect(await cache.ensureCacheDir(there, fill)).toBe(there);
    expect(fills).toBe(0);
    await cache.ensureCacheDir(path.join(prepared, 'tls', 'abc'), fill, { cheap: true });
    expect(fills).toBe(1);
    // a test that points CCENV_CACHE_DIR at a temporary folder of its own fills there on purpose
    process.env.CCENV_CACHE_DIR = path.join(work, 'own');
    await cache.ensureCacheDir(cache.cachePath('node-bin', '2.0.0'), fill);
    expect(fills).toBe(2);
    const heard: string[] = [];
    const filled = path.join(prepared, 'rootfs', 'debian-r1');
    await cache.asPreparer((d) => heard.push(d), () => Promise.all([cache.ensureCacheDir(filled, fill), cache.ensureCacheDir(there, fill)]));
    expect(fills).toBe(3);
    expect(heard).toEqual([filled]); // only the fill is announced, not the entry that was there
  });

  test('without CCENV_CACHE_FROZEN a missing entry is filled as before', async () => {
    const cache = await freshCache(false);
    const dir = path.join(prepared, 'registry', 'x', '1.0.0');
    await cache.ensureCacheDir(dir, async (tmp) => writeFileSync(path.join(tmp, 'ok'), ''));
    expect(readdirSync(dir)).toEqual(['ok']);
  });
});
