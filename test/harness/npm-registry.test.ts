import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../src/harness/fixture-server.js';
import { CLAUDE_CODE_PACKAGE, CLAUDE_CODE_VERSION, fetchRegistryPackage, npmRegistrySite, type RegistrySnapshot } from '../../src/harness/npm-registry.js';
import { ensureTestCa, type TestCa } from '../../src/harness/test-ca.js';
import { curl } from '../support/curl.js';

// The light half: the pinned wrapper package only (32 kB). Installing it with its 175 MB platform
// package is test/e2e/harness-claude-code.test.ts.
describe('local npm registry', () => {
  let ca: TestCa;
  let server: FixtureServer;
  let port: number;
  let snapshot: RegistrySnapshot;
  let work: string;

  beforeAll(async () => {
    ca = await ensureTestCa(['registry.npmjs.org']);
    snapshot = { packages: [await fetchRegistryPackage(CLAUDE_CODE_PACKAGE, CLAUDE_CODE_VERSION)] };
    server = await startFixtureServer({ tls: { cert: ca.chain, key: ca.key }, sites: [npmRegistrySite('registry.npmjs.org', snapshot), npmRegistrySite('localhost', snapshot)] });
    port = server.httpsPort as number;
    work = mkdtempSync(path.join(tmpdir(), 'ccenv-registry-'));
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const get = (p: string) => curl(`https://registry.npmjs.org:${port}${p}`, { port, cacert: ca.caCert });

  test('the cached tarball is the real one: the integrity the public registry published', () => {
    const [pkg] = snapshot.packages;
    const data = readFileSync(pkg!.tarball);
    expect(pkg!.integrity).toBe('sha512-KQMl6kixLMGHRCDUhkUPebuBhw13MpxlH3+17QzHQx40FNVd1z3uFKUSqQXB5zF9vLQGcpoC/8wWe5R35lsWvQ==');
    expect(`sha512-${createHash('sha512').update(data).digest('base64')}`).toBe(pkg!.integrity);
    expect(pkg!.manifest).toMatchObject({ name: CLAUDE_CODE_PACKAGE, version: CLAUDE_CODE_VERSION });
  });

  test('serves the packument under both scoped spellings, with tarball URLs on the host asked', async () => {
    const encoded = await get('/@anthropic-ai%2fclaude-code');
    const plain = await get('/@anthropic-ai/claude-code');
    expect(encoded.status).toBe(200);
    expect(plain.body).toBe(encoded.body);
    const doc = JSON.parse(encoded.body) as {
      name: string; 'dist-tags': { latest: string };
      versions: Record<string, { dist: { tarball: string; integrity: string; shasum: string }; hasInstallScript?: boolean; optionalDependencies: Record<string, string> }>;
    };
    expect(doc.name).toBe(CLAUDE_CODE_PACKAGE);
    expect(doc['dist-tags'].latest).toBe(CLAUDE_CODE_VERSION);
    const v = doc.versions[CLAUDE_CODE_VERSION]!;
    expect(v.dist.tarball).toBe(`https://registry.npmjs.org:${port}/@anthropic-ai/claude-code/-/claude-code-${CLAUDE_CODE_VERSION}.tgz`);
    expect(v.hasInstallScript).toBe(true);
    expect(Object.keys(v.optionalDependencies)).toContain('@anthropic-ai/claude-code-linux-x64');
    const tgz = path.join(work, 'x.tgz');
    await execa('curl', ['-fsS', '--cacert', ca.caCert, '--resolve', `registry.npmjs.org:${port}:127.0.0.1`, '-o', tgz, v.dist.tarball]);
    const data = readFileSync(tgz);
    expect(`sha512-${createHash('sha512').update(data).digest('base64')}`).toBe(v.dist.integrity);
    expect(createHash('sha1').update(data).digest('hex')).toBe(v.dist.shasum);
    expect((await get(`/@anthropic-ai/claude-code/${CLAUDE_CODE_VERSION}`)).status).toBe(200);
    expect(JSON.parse((await get('/@anthropic-ai%2fclaude-code/latest')).body).version).toBe(CLAUDE_CODE_VERSION);
  });

  test('packages it does not hold are 404 (npm skips missing optional platform packages)', async () => {
    expect((await get('/@anthropic-ai%2fclaude-code-darwin-arm64')).status).toBe(404);
    expect((await get('/left-pad')).status).toBe(404);
    expect((await get('/@anthropic-ai/claude-code/-/claude-code-0.0.1.tgz')).status).toBe(404);
    expect((await get('/@anthropic-ai/claude-code/9.9.9')).status).toBe(404);
  });

  test('npm itself reads it: npm view and npm pack (integrity checked by npm) against the local registry', async () => {
    const env = { npm_config_cache: path.join(work, 'npm-cache'), npm_config_cafile: ca.caCert, npm_config_update_notifier: 'false', npm_config_userconfig: path.join(work, 'npmrc') };
    const registry = `https://localhost:${port}/`;
    const view = await execa('npm', ['view', `${CLAUDE_CODE_PACKAGE}@${CLAUDE_CODE_VERSION}`, 'version', 'dist.tarball', '--json', '--registry', registry], { env, cwd: work, reject: false });
    expect(view.exitCode, String(view.stderr)).toBe(0);
    expect(JSON.parse(String(view.stdout))).toEqual({ version: CLAUDE_CODE_VERSION, 'dist.tarball': `https://localhost:${port}/@anthropic-ai/claude-code/-/claude-code-${CLAUDE_CODE_VERSION}.tgz` });
    const before = server.requests().length;
    const pack = await execa('npm', ['pack', `${CLAUDE_CODE_PACKAGE}@latest`, '--json', '--registry', registry], { env, cwd: work, reject: false });
    expect(pack.exitCode, String(pack.stderr)).toBe(0);
    expect(JSON.parse(String(pack.stdout))[0].integrity).toBe(snapshot.packages[0]!.integrity);
    expect(server.requests().slice(before).some((r) => r.url.endsWith(`.tgz`) && r.status === 200)).toBe(true);
  });
});
