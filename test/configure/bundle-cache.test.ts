// The configure bundle is built once and kept: a later process reuses it while the sources are the
// same bytes, and builds again when any source esbuild read changes, a file appears beside them,
// or the kept entry is damaged. Run on a copy of the sources, so the real tree is never touched.
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { configureBundle, type BundleSource } from '../../src/configure/bundle.js';
import { REPO_ROOT } from '../../src/paths.js';

const work = mkdtempSync(path.join(tmpdir(), 'ccenv-bundle-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the configure sources (and the contract they import) under a root of its own. */
function copyOfSources(name: string): BundleSource {
  const root = path.join(work, name);
  cpSync(path.join(REPO_ROOT, 'src', 'configure'), path.join(root, 'src', 'configure'), { recursive: true });
  cpSync(path.join(REPO_ROOT, 'src', 'contract.ts'), path.join(root, 'src', 'contract.ts'));
  return { root, cacheFile: path.join(root, 'cache', 'configure-bundle.json') };
}

const uncached = (s: BundleSource) => configureBundle({ ...s, cacheFile: null });

describe('configure bundle cache', () => {
  test('reused while the sources are unchanged; rebuilt when one changes', async () => {
    const src = copyOfSources('edit');
    const first = await configureBundle(src);
    expect(first.cached).toBe(false);
    const again = await configureBundle(src);
    expect(again).toEqual({ text: first.text, cached: true });
    // what the cache gives is what a build gives
    expect(again.text).toBe((await uncached(src)).text);

    // same bytes, new times: still the kept bundle (content decides, not mtime)
    const main = path.join(src.root, 'src', 'configure', 'main.ts');
    utimesSync(main, new Date(), new Date(Date.now() + 60_000));
    expect((await configureBundle(src)).cached).toBe(true);

    // the entry point changes: a new bundle carrying the change, then kept
    writeFileSync(main, `${readFileSync(main, 'utf8')}\nexport const cacheProbe = 'probe-7f3a';\n`);
    const edited = await configureBundle(src);
    expect(edited.cached).toBe(false);
    expect(edited.text).toContain('probe-7f3a');
    expect(first.text).not.toContain('probe-7f3a');
    expect(await configureBundle(src)).toEqual({ text: edited.text, cached: true });
  });

  test('a change to an imported file outside src/configure rebuilds too', async () => {
    const src = copyOfSources('contract');
    await configureBundle(src);
    const contract = path.join(src.root, 'src', 'contract.ts');
    writeFileSync(contract, readFileSync(contract, 'utf8').replace(/$/, '\n// edited\n'));
    const after = await configureBundle(src);
    expect(after.cached).toBe(false);
    expect(after.text).toBe((await uncached(src)).text);
  });

  test('a new file beside the sources rebuilds (it could change what an import resolves to)', async () => {
    const src = copyOfSources('added');
    await configureBundle(src);
    writeFileSync(path.join(src.root, 'src', 'configure', 'added.ts'), 'export const x = 1;\n');
    expect((await configureBundle(src)).cached).toBe(false);
    expect((await configureBundle(src)).cached).toBe(true);
  });

  test('a damaged or foreign entry is never used', async () => {
    const src = copyOfSources('damaged');
    const good = (await configureBundle(src)).text;
    const file = src.cacheFile as string;
    const entry = JSON.parse(readFileSync(file, 'utf8')) as { text: string; key: string };
    writeFileSync(file, JSON.stringify({ ...entry, text: entry.text.replace('ccenvConfigure', 'tampered') }));
    expect(await configureBundle(src)).toEqual({ text: good, cached: false });
    writeFileSync(file, JSON.stringify({ ...entry, key: '{"esbuild":"0.0.1"}' }));
    expect(await configureBundle(src)).toEqual({ text: good, cached: false });
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100)); // torn
    expect(await configureBundle(src)).toEqual({ text: good, cached: false });
    expect(await configureBundle(src)).toEqual({ text: good, cached: true });
  });
});
