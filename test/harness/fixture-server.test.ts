import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { startFixtureServer, tamperHashes, type FixtureServer } from '../../src/harness/fixture-server.js';
import { staticSite } from '../../src/http/static-site.js';
import { ensureTestCa, type TestCa } from '../../src/harness/test-ca.js';
import { curl } from '../support/curl.js';

const PAYLOAD = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('fixture server', () => {
  let ca: TestCa;
  let root: string;
  let server: FixtureServer;
  let port: number;
  let httpPort: number;

  beforeAll(async () => {
    ca = await ensureTestCa(['nodejs.org', 'cdn.ccenv.test', 'other.test']);
    root = mkdtempSync(path.join(tmpdir(), 'ccenv-fixture-'));
    mkdirSync(path.join(root, 'mirror', 'v1.0.0'), { recursive: true });
    writeFileSync(path.join(root, 'mirror', 'v1.0.0', 'node.tar.gz'), PAYLOAD);
    writeFileSync(path.join(root, 'mirror', 'v1.0.0', 'SHASUMS256.txt'), `${sha(PAYLOAD)}  node.tar.gz\n`);
    symlinkSync('v1.0.0', path.join(root, 'mirror', 'latest-v1.x'));
    mkdirSync(path.join(root, 'cdn', 'zhipu'), { recursive: true });
    writeFileSync(path.join(root, 'cdn', 'zhipu', 'install.sh'), '#!/bin/sh\necho installer\n');
    writeFileSync(path.join(root, 'secret.txt'), 'outside the served folders\n');
    server = await startFixtureServer({
      tls: { cert: ca.chain, key: ca.key, legacy: true },
      httpPort: 0,
      sites: [
        staticSite('nodejs.org', { dir: path.join(root, 'mirror'), prefix: '/dist', name: 'node-mirror' }),
        { host: 'nodejs.org', prefix: '/dist/special', name: 'special', handler: () => ({ status: 200, body: 'longest prefix wins\n' }) },
        staticSite('cdn.ccenv.test', { dir: path.join(root, 'cdn'), name: 'cdn' }),
        { host: '*', name: 'fallback', handler: (r) => ({ status: 200, body: `fallback for ${r.host} ${r.method} ${r.body.toString()}\n` }) },
      ],
    });
    port = server.httpsPort as number;
    httpPort = server.httpPort as number;
  });
  afterEach(() => server.setFaults([]));
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const get = (url: string, args: string[] = []) => curl(url, { port, cacert: ca.caCert, args });

  test('routes by Host header and longest path prefix; serves files, follows links inside, refuses the rest', async () => {
    const a = await get(`https://nodejs.org:${port}/dist/latest-v1.x/SHASUMS256.txt`);
    expect(a.status).toBe(200);
    expect(a.body).toBe(`${sha(PAYLOAD)}  node.tar.gz\n`);
    expect((await get(`https://nodejs.org:${port}/dist/special/x`)).body).toBe('longest prefix wins\n');
    expect((await get(`https://cdn.ccenv.test:${port}/zhipu/install.sh`)).body).toBe('#!/bin/sh\necho installer\n');
    expect((await get(`https://other.test:${port}/anything`, ['-d', 'payload'])).body).toBe('fallback for other.test POST payload\n');
    expect((await get(`https://nodejs.org:${port}/dist/v1.0.0/missing.tar.gz`)).status).toBe(404);
    expect((await get(`https://nodejs.org:${port}/dist/v1.0.0/`)).status).toBe(404);
    expect((await get(`https://nodejs.org:${port}/dist/..%2f..%2fsecret.txt`)).status).toBe(404);
    // dot segments are resolved first (as real servers do): /dist/../secret.txt is /secret.txt
    expect((await get(`https://nodejs.org:${port}/dist/../secret.txt`, ['--path-as-is'])).body).toBe('fallback for nodejs.org GET \n');
    // a path outside every prefix of a known host falls to the '*' site
    expect((await get(`https://nodejs.org:${port}/elsewhere`)).body).toBe('fallback for nodejs.org GET \n');
  });

  test('records every request: method, host, url, headers, body, status, bytes, site', async () => {
    const before = server.requests().length;
    await get(`https://cdn.ccenv.test:${port}/zhipu/install.sh?x=1`, ['-H', 'X-Test: yes']);
    await get(`https://other.test:${port}/post`, ['-d', '{"a":1}', '-H', 'Content-Type: application/json']);
    const [r1, r2] = server.requests().slice(before);
    expect(r1).toMatchObject({ scheme: 'https', method: 'GET', host: 'cdn.ccenv.test', url: '/zhipu/install.sh?x=1', status: 200, site: 'cdn', body: '', bodyBytes: 0 });
    expect(r1!.headers['x-test']).toBe('yes');
    expect(r1!.responseBytes).toBe(25);
    expect(r2).toMatchObject({ method: 'POST', host: 'other.test', body: '{"a":1}', bodyBytes: 7, site: 'fallback' });
    expect(r2!.seq).toBeGreaterThan(r1!.seq);
  });

  test('plain HTTP answers the same sites', async () => {
    const r = await curl(`http://cdn.ccenv.test:${httpPort}/zhipu/install.sh`, { port: httpPort });
    expect(r.body).toBe('#!/bin/sh\necho installer\n');
    expect(server.requests().at(-1)).toMatchObject({ scheme: 'http', host: 'cdn.ccenv.test' });
  });

  test('fault: a status (404) for one path, the others untouched', async () => {
    server.setFaults([{ host: 'nodejs.org', path: '/dist/*/SHASUMS256.txt', kind: 'status', status: 404 }]);
    const r = await get(`https://nodejs.org:${port}/dist/v1.0.0/SHASUMS256.txt`, ['-f']);
    expect(r.exitCode).toBe(22); // curl -f: HTTP error
    expect(r.status).toBe(404);
    expect((await get(`https://nodejs.org:${port}/dist/v1.0.0/node.tar.gz`)).status).toBe(200);
    expect(server.requests().at(-2)).toMatchObject({ status: 404, fault: 'status' });
  });

  test('fault: an HTML page (200) instead of the file', async () => {
    server.setFaults([{ path: '/dist/v1.0.0/node.tar.gz', kind: 'html' }]);
    const r = await get(`https://nodejs.org:${port}/dist/v1.0.0/node.tar.gz`, ['-f', '-D', '-']);
    expect(r.exitCode).toBe(0);
    expect(r.body).toMatch(/content-type: text\/html/i);
    expect(r.body).toContain('<!DOCTYPE html>');
  });

  test('fault: tampered SHASUMS256.txt makes sha256sum -c fail; the tarball itself is intact', async () => {
    server.setFaults([{ host: 'nodejs.org', path: '*/SHASUMS256.txt', kind: 'tamper-shasums' }]);
    const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-shasums-'));
    try {
      const sums = await get(`https://nodejs.org:${port}/dist/latest-v1.x/SHASUMS256.txt`);
      expect(sums.body).toBe(tamperHashes(`${sha(PAYLOAD)}  node.tar.gz\n`));
      expect(sums.body).not.toBe(`${sha(PAYLOAD)}  node.tar.gz\n`);
      writeFileSync(path.join(dir, 'SHASUMS256.txt'), sums.body);
      await execa('curl', ['-fsS', '--cacert', ca.caCert, '--resolve', `nodejs.org:${port}:127.0.0.1`, '-o', path.join(dir, 'node.tar.gz'),
        `https://nodejs.org:${port}/dist/latest-v1.x/node.tar.gz`]);
      const check = await execa('sha256sum', ['-c', 'SHASUMS256.txt'], { cwd: dir, reject: false });
      expect(check.exitCode).toBe(1);
      expect(String(check.stdout)).toContain('node.tar.gz: FAILED');
      server.setFaults([]);
      writeFileSync(path.join(dir, 'SHASUMS256.txt'), (await get(`https://nodejs.org:${port}/dist/latest-v1.x/SHASUMS256.txt`)).body);
      expect((await execa('sha256sum', ['-c', 'SHASUMS256.txt'], { cwd: dir, reject: false })).exitCode).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('faults: corrupt (same length, other bytes), truncate (curl error 18), reset (no answer)', async () => {
    server.setFaults([{ path: '/dist/v1.0.0/node.tar.gz', kind: 'corrupt' }]);
    const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-corrupt-'));
    const out = path.join(dir, 'f');
    const fetchTo = (extra: string[] = []) =>
      execa('curl', ['-fsS', '--cacert', ca.caCert, '--resolve', `nodejs.org:${port}:127.0.0.1`, '-o', out, ...extra, `https://nodejs.org:${port}/dist/v1.0.0/node.tar.gz`], { reject: false });
    try {
      expect((await fetchTo()).exitCode).toBe(0);
      const { readFileSync } = await import('node:fs');
      const got = readFileSync(out);
      expect(got.length).toBe(PAYLOAD.length);
      expect(sha(got)).not.toBe(sha(PAYLOAD));
      server.setFaults([{ path: '/dist/v1.0.0/node.tar.gz', kind: 'truncate' }]);
      expect((await fetchTo()).exitCode).toBe(18); // partial file
      server.setFaults([{ path: '/dist/v1.0.0/node.tar.gz', kind: 'reset' }]);
      expect([52, 56]).toContain((await fetchTo()).exitCode); // empty reply / recv failure
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fault: short (a complete-looking answer, cut: Content-Length matches, curl succeeds, only the hash differs)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-short-'));
    const out = path.join(dir, 'f');
    const fetchTo = () =>
      execa('curl', ['-fsS', '-D', '-', '--cacert', ca.caCert, '--resolve', `nodejs.org:${port}:127.0.0.1`, '-o', out, `https://nodejs.org:${port}/dist/v1.0.0/node.tar.gz`], { reject: false });
    const { readFileSync } = await import('node:fs');
    try {
      server.setFaults([{ path: '/dist/v1.0.0/node.tar.gz', kind: 'short' }]);
      const half = await fetchTo();
      expect(half.exitCode).toBe(0);
      expect(half.stdout).toMatch(new RegExp(`content-length: ${PAYLOAD.length / 2}\\r?\\n`, 'i'));
      expect(readFileSync(out).equals(PAYLOAD.subarray(0, PAYLOAD.length / 2))).toBe(true);
      server.setFaults([{ path: '/dist/v1.0.0/node.tar.gz', kind: 'short', bytes: 10 }]);
      expect((await fetchTo()).exitCode).toBe(0);
      expect(readFileSync(out).equals(PAYLOAD.subarray(0, 10))).toBe(true);
      expect(server.requests().at(-1)).toMatchObject({ status: 200, responseBytes: 10, fault: 'short' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('byte ranges: a cut transfer (fault cut at 60 %) resumes with curl -C -; no-ranges answers 200 whole; stall keeps the line open', async () => {
    const { readFileSync } = await import('node:fs');
    const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-range-'));
    const out = path.join(dir, 'f');
    const url = `https://nodejs.org:${port}/dist/v1.0.0/node.tar.gz`;
    const fetchTo = (extra: string[]) =>
      execa('curl', ['-fsS', '--cacert', ca.caCert, '--resolve', `nodejs.org:${port}:127.0.0.1`, '-o', out, ...extra, url], { reject: false });
    try {
      server.setFaults([{ path: '/dist/v1.0.0/node.tar.gz', kind: 'cut', at: 0.6, times: 1 }]);
      expect((await fetchTo([])).exitCode).toBe(18);
      expect(readFileSync(out).length).toBe(60_000);
      expect((await fetchTo(['-C', '-'])).exitCode).toBe(0);
      expect(sha(readFileSync(out))).toBe(sha(PAYLOAD));
      // The server completes its record after the client has every byte: wait for it, briefly.
      await vi.waitFor(() => {
        const [cut, resumed] = server.requests().slice(-2);
        expect(cut).toMatchObject({ status: 200, responseBytes: 60_000, fault: 'cut' });
        expect(resumed).toMatchObject({ status: 206, responseBytes: 40_000 });
        expect(resumed?.headers.range).toBe('bytes=60000-');
      }, { timeout: 5000 });

      const headers = path.join(dir, 'headers');
      const part = await get(url, ['-r', '10-19', '-D', headers, '-o', out]);
      expect(part.status).toBe(206);
      expect(readFileSync(headers, 'utf8')).toMatch(/content-range: bytes 10-19\/100000/i);
      expect(readFileSync(out).equals(PAYLOAD.subarray(10, 20))).toBe(true);
      server.setFaults([{ path: '/dist/v1.0.0/node.tar.gz', kind: 'no-ranges' }]);
      const whole = await get(url, ['-r', '10-19', '-D', headers, '-o', out]);
      expect(whole.status).toBe(200);
      expect(readFileSync(headers, 'utf8')).not.toMatch(/accept-ranges/i);
      expect(readFileSync(out).length).toBe(100_000);

      // curl's stall limit (-Y 1000 bytes/s for 1 s) is what ends it: the server sends 60 % and waits.
      server.setFaults([{ path: '/dist/v1.0.0/node.tar.gz', kind: 'stall' }]);
      const stalled = await fetchTo(['-Y', '1000', '-y', '1']);
      expect(stalled.exitCode).toBe(28);
      expect(readFileSync(out).length).toBe(60_000);

      // throttled: 400 KB/s, the whole file arrives intact in several paced pieces.
      server.setFaults([{ path: '/dist/v1.0.0/node.tar.gz', kind: 'throttle', bytesPerSecond: 400_000 }]);
      expect((await fetchTo([])).exitCode).toBe(0);
      expect(sha(readFileSync(out))).toBe(sha(PAYLOAD));
      // a throttled answer ends a pacing step after its last byte, so curl can be done before the record is
      await vi.waitFor(() => expect(server.requests().at(-1)).toMatchObject({ status: 200, responseBytes: 100_000, fault: 'throttle' }), { timeout: 5000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fault with times: only the first N requests fail (curl --retry recovers)', async () => {
    server.setFaults([{ path: '/zhipu/install.sh', kind: 'status', status: 503, times: 1 }]);
    const r = await get(`https://cdn.ccenv.test:${port}/zhipu/install.sh`, ['-f', '--retry', '3', '--retry-delay', '0']);
    expect(r.exitCode).toBe(0);
    expect(r.body).toBe('#!/bin/sh\necho installer\n');
    expect(server.requests().slice(-2).map((q) => q.status)).toEqual([503, 200]);
  });

  test('legacy TLS option: busybox wget with its own TLS (no openssl on PATH) connects only with it', async () => {
    const bin = mkdtempSync(path.join(tmpdir(), 'ccenv-bb-'));
    symlinkSync('/usr/bin/busybox', path.join(bin, 'busybox'));
    const modern = await startFixtureServer({ tls: { cert: ca.chain, key: ca.key }, sites: [staticSite('*', { dir: path.join(root, 'cdn') })] });
    const wget = (p: number) =>
      execa(path.join(bin, 'busybox'), ['wget', '-q', '-O', '-', `https://localhost:${p}/zhipu/install.sh`], { env: { PATH: bin }, extendEnv: false, reject: false });
    try {
      const ok = await wget(port);
      expect(ok.exitCode, String(ok.stderr)).toBe(0);
      expect(String(ok.stdout)).toBe('fallback for localhost GET '); // execa strips the final newline
      const refused = await wget(modern.httpsPort as number);
      expect(refused.exitCode).not.toBe(0);
      expect(String(refused.stderr)).toMatch(/handshake failure|TLS error/);
    } finally {
      await modern.close();
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
