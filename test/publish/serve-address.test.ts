// `ccenv serve` on a tree built with --base-url: the landing page shows the address the visitor
// reached the server at (so a copied one-liner works against it); installers, manifest.json, the
// root index and every other file are served byte for byte, so their checksums hold.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildInstallers } from '../../src/publish/build.js';
import { serveDirectory, type ServeHandle } from '../../src/publish/serve.js';
import { curl } from '../support/curl.js';

const CDN = 'https://cdn.example.com/ai/';
let work: string;
let h: ServeHandle;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'ccenv-serve-address-'));
  const quiet = () => undefined;
  expect(await buildInstallers({ profile: ['deepseek'], out: path.join(work, 'cdn'), check: false, lint: false, baseUrl: CDN, versioned: false }, quiet, quiet)).toBe(0);
  expect(await buildInstallers({ profile: ['deepseek'], out: path.join(work, 'plain'), check: false, lint: false, versioned: false }, quiet, quiet)).toBe(0);
  h = await serveDirectory({ dir: work, port: 0 });
}, 60_000);

afterAll(async () => {
  await h?.close();
  rmSync(work, { recursive: true, force: true });
});

const onDisk = (rel: string) => readFileSync(path.join(work, rel), 'utf8');

describe('ccenv serve: the address on the pages', () => {
  test('a landing page built with --base-url shows where it is served from, in every command', async () => {
    const page = await fetch(`${h.url}cdn/deepseek/`);
    const html = await page.text();
    expect(onDisk('cdn/deepseek/index.html')).toContain(`${CDN}deepseek/install.sh`);
    expect(html).not.toContain(CDN);
    // the tree is served below /cdn/: its address is that folder's
    expect(html).toContain(`curl -fsSL ${h.url}cdn/deepseek/install.sh | sh -s -- --uninstall`);
    // replaced one for one: the page is the built one with the address swapped
    expect(html).toBe(onDisk('cdn/deepseek/index.html').split(CDN).join(`${h.url}cdn/`));
  });

  test('the address is the one the visitor used (its Host header)', async () => {
    const r = await curl(`http://preview.example.test:${h.port}/cdn/deepseek/`, { port: h.port });
    expect(r.status).toBe(200);
    expect(r.body).toContain(`irm http://preview.example.test:${h.port}/cdn/deepseek/install.ps1 | iex`);
  });

  test('installers, manifest.json, SHA256SUMS, the root index and a page built without --base-url: byte for byte', async () => {
    for (const rel of ['cdn/deepseek/install.sh', 'cdn/deepseek/install.ps1', 'cdn/deepseek/manifest.json', 'cdn/deepseek/SHA256SUMS', 'cdn/index.html', 'plain/deepseek/index.html']) {
      const r = await fetch(`${h.url}${rel}`);
      expect(r.status, rel).toBe(200);
      expect(await r.text(), rel).toBe(onDisk(rel));
    }
  });
});
