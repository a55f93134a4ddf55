import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
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
