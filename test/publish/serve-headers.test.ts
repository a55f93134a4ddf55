// `ccenv serve` over HTTP answers each file of a built tree with the content type and cache header
// that dist/_headers gives static hosts: scripts as UTF-8 text, latest briefly, v<version>/ forever.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildInstallers } from '../../src/publish/build.js';
import { serveDirectory, type ServeHandle } from '../../src/publish/serve.js';
import type { Manifest } from '../../src/publish/manifest.js';

let served: ServeHandle;
/** zai's release folder (v<ccenv version>-<content hash>), from its manifest. */
let version: string;

beforeAll(async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'ccenv-serve-headers-'));
  expect(await buildInstallers({ profile: ['zai'], out, check: false, lint: false, versioned: true }, () => {}, () => {})).toBe(0);
  version = (JSON.parse(readFileSync(path.join(out, 'zai', 'manifest.json'), 'utf8')) as Manifest).version as string;
  served = await serveDirectory({ dir: out, port: 0 });
}, 120_000);
afterAll(() => served?.close());

const V = '{version}';
const TEXT = 'text/plain; charset=utf-8';
const SHORT = 'public, max-age=300';
const FOREVER = 'public, max-age=31536000, immutable';

describe('ccenv serve: the headers of _headers', () => {
  const cases: [string, string, string][] = [
    ['zai/install.sh', TEXT, SHORT],
    ['zai/install.ps1', TEXT, SHORT],
    ['zai/install.cmd', TEXT, SHORT],
    ['zai/SHA256SUMS', TEXT, SHORT],
    ['zai/manifest.json', 'application/json; charset=utf-8', SHORT],
    ['zai/', 'text/html; charset=utf-8', SHORT],
    ['zai/index.html', 'text/html; charset=utf-8', SHORT],
    [`zai/${V}/install.sh`, TEXT, FOREVER],
    [`zai/${V}/install.ps1`, TEXT, FOREVER],
    [`zai/${V}/SHA256SUMS`, TEXT, FOREVER],
    ['', 'text/html; charset=utf-8', SHORT],
    ['_headers', TEXT, SHORT],
  ];
  for (const [rel, type, cache] of cases) {
    test(`/${rel}: ${type}, ${cache}`, async () => {
      const r = await fetch(`${served.url}${rel.replace(V, version)}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe(type);
      expect(r.headers.get('cache-control')).toBe(cache);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    });
  }

  test('a missing file is 404', async () => {
    expect((await fetch(`${served.url}zai/install.bat`)).status).toBe(404);
  });
});
