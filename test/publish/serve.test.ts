import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serveDirectory } from '../../src/publish/serve.js';
import { repoPath } from '../../src/paths.js';
import { ensureTestCa } from '../../src/harness/test-ca.js';
import { curl } from '../support/curl.js';

describe('ccenv serve', () => {
  let dir: string;
  let cli: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ccenv-serve-'));
    mkdirSync(path.join(dir, 'zhipu'));
    writeFileSync(path.join(dir, 'zhipu', 'install.sh'), '#!/bin/sh\necho hi\n');
    // The CLI as users run it, bundled from source (inside the repo, so it finds package.json
    // and node_modules; no compile step needed for this test).
    const outDir = repoPath('.cache', 'test-cli');
    mkdirSync(outDir, { recursive: true });
    cli = path.join(outDir, `main-${process.pid}.mjs`);
    await build({ entryPoints: [repoPath('src', 'cli', 'main.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: cli, logLevel: 'error' });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cli, { force: true });
  });

  test('serveDirectory: HTTP for any host name, 404 outside, a log line per request', async () => {
    const lines: string[] = [];
    const h = await serveDirectory({ dir, port: 0, log: (l) => lines.push(l) });
    try {
      expect(h.url).toBe(`http://127.0.0.1:${h.port}/`);
      const r = await curl(`http://cdn.example.test:${h.port}/zhipu/install.sh`, { port: h.port });
      expect(r.status).toBe(200);
      expect(r.body).toBe('#!/bin/sh\necho hi\n');
      expect((await curl(`${h.url}nope.sh`, { port: h.port })).status).toBe(404);
      expect(lines.map((l) => l.split(' ').slice(1).join(' '))).toEqual(['GET /zhipu/install.sh 200 18', 'GET /nope.sh 404 10']);
    } finally {
      await h.close();
    }
  });

  test('serveDirectory: a folder asked without its slash is a 301 to it, the query kept, as static hosts answer', async () => {
    mkdirSync(path.join(dir, 'acme', 'v 1'), { recursive: true });
    writeFileSync(path.join(dir, 'acme', 'index.html'), '<p>acme</p>\n');
    writeFileSync(path.join(dir, 'acme', 'v 1', 'index.html'), '<p>v1</p>\n');
    const h = await serveDirectory({ dir, port: 0 });
    try {
      const moved = await fetch(`${h.url}acme?lang=zh&x=1`, { redirect: 'manual' });
      expect(moved.status).toBe(301);
      expect(moved.headers.get('location')).toBe('/acme/?lang=zh&x=1');
      expect((await fetch(`${h.url}acme/v%201`, { redirect: 'manual' })).headers.get('location')).toBe('/acme/v%201/');
      const head = await fetch(`${h.url}acme`, { method: 'HEAD', redirect: 'manual' });
      expect([head.status, head.headers.get('location')]).toEqual([301, '/acme/']);
      // followed, as a browser does
      const page = await fetch(`${h.url}acme?lang=zh`);
      expect([page.status, page.url, await page.text()]).toEqual([200, `${h.url}acme/?lang=zh`, '<p>acme</p>\n']);
      // a folder without an index page, a file and a missing path are not redirected
      expect((await fetch(`${h.url}zhipu`, { redirect: 'manual' })).status).toBe(404);
      expect((await fetch(`${h.url}zhipu/install.sh`, { redirect: 'manual' })).status).toBe(200);
      expect((await fetch(`${h.url}nope`, { redirect: 'manual' })).status).toBe(404);
      // the target's own '//host' never becomes the Location: the redirect stays on this server
      const sneaky = await curl(`http://127.0.0.1:${h.port}//evil.example/acme`, { port: h.port, args: ['-o', '/dev/null', '-D', '-'] });
      expect(sneaky.body).toMatch(/^location: \/acme\/\r?$/im);
    } finally {
      await h.close();
    }
  });

  test('serveDirectory: HTTPS with a given certificate', async () => {
    const ca = await ensureTestCa(['cdn.ccenv.test']);
    const h = await serveDirectory({ dir, port: 0, tls: { cert: ca.chain, key: ca.key } });
    try {
      expect(h.url).toMatch(/^https:/);
      const r = await curl(`https://cdn.ccenv.test:${h.port}/zhipu/install.sh`, { port: h.port, cacert: ca.caCert });
      expect(r.body).toBe('#!/bin/sh\necho hi\n');
    } finally {
      await h.close();
    }
  });

  test('serveDirectory refuses a missing folder', async () => {
    await expect(serveDirectory({ dir: path.join(dir, 'nope'), port: 0 })).rejects.toThrow(/not a folder/);
  });

  test('the command line: `ccenv serve DIR --port 0` prints its URL and serves until SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, 'serve', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const m = /Serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1] as string);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const port = Number(new URL(url).port);
      expect((await curl(`${url}zhipu/install.sh`, { port })).body).toBe('#!/bin/sh\necho hi\n');
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('the command line refuses a missing folder with exit 2', async () => {
    const code = await new Promise<number | null>((resolve) => {
      const c = spawn(process.execPath, [cli, 'serve', path.join(dir, 'missing'), '--port', '0'], { stdio: 'ignore' });
      c.on('exit', resolve);
    });
    expect(code).toBe(2);
  });
});
