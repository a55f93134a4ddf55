// The landing page in headless Chromium (Debian's, driven by playwright-core), served by
// `ccenv serve`: its one-liners equal the manifest's, a copy button puts the exact one-liner on
// the clipboard, the language switch works, and no request leaves the host. Without a CDN address
// at build time, the page shows commands for its own address. Screenshots: .cache/artifacts/.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { buildInstallers } from '../../src/publish/build.js';
import { serveDirectory, type ServeHandle } from '../../src/publish/serve.js';
import { repoPath } from '../../src/paths.js';
import type { Manifest } from '../../src/publish/manifest.js';

const CHROMIUM = process.env['CCENV_CHROMIUM'] ?? '/usr/bin/chromium';
const ARTIFACTS = repoPath('.cache', 'artifacts');

let browser: Browser;
let served: ServeHandle;
let root: string;

async function build(out: string, baseUrl?: string): Promise<void> {
  const errors: string[] = [];
  const code = await buildInstallers({ profile: ['zhipu', 'deepseek'], out, check: false, lint: false, versioned: true, baseUrl }, () => {}, (l) => errors.push(l));
  expect(code, errors.join('\n')).toBe(0);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (make deps does, as root), or set CCENV_CHROMIUM`);
  root = mkdtempSync(path.join(tmpdir(), 'ccenv-landing-'));
  served = await serveDirectory({ dir: root, port: 0 });
  await build(path.join(root, 'with-base'), `${served.url}with-base/`);
  await build(path.join(root, 'no-base'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

async function open(url: string, locale = 'en-US') {
  const context = await browser.newContext({ locale });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(served.url).origin });
  const page = await context.newPage();
  const outside: string[] = [];
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.host === new URL(served.url).host) return route.continue();
    outside.push(u.href);
    return route.abort();
  });
  await page.goto(url);
  return { page, context, outside };
}

describe('landing page in Chromium', () => {
  test('the one-liners are the manifest\'s; Copy puts the exact one on the clipboard; nothing leaves the host', async () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'with-base', 'zhipu', 'manifest.json'), 'utf8')) as Manifest;
    const { page, context, outside } = await open(`${served.url}with-base/zhipu/`);
    try {
      for (const target of ['sh', 'ps1', 'cmd'] as const) {
        expect(await page.locator(`#cmd-${target}`).textContent()).toBe(manifest.oneLiners[target]);
      }
      expect(manifest.oneLiners.sh).toBe(`curl -fsSL ${served.url}with-base/zhipu/install.sh | sh`);
      for (const target of ['ps1', 'sh'] as const) {
        await page.click(`button[data-for="cmd-${target}"]`);
        await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(manifest.oneLiners[target]);
      }
      // the checksums shown are the files' own
      const table = await page.locator('table').textContent();
      for (const f of manifest.files) expect(table).toContain(f.sha256);
      await page.screenshot({ path: path.join(ARTIFACTS, 'landing-zhipu-en.png'), fullPage: true });
      // 中文
      await page.click('#lang-switch');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh');
      expect(await page.locator('h1 span[lang="zh"]').isVisible()).toBe(true);
      expect(await page.locator('h1 span[lang="en"]').isVisible()).toBe(false);
      await page.screenshot({ path: path.join(ARTIFACTS, 'landing-zhipu-zh.png'), fullPage: true });
      expect(outside).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('built without --base-url: the page fills in its own address; a Chinese browser gets Chinese; the index links every profile', async () => {
    const { page, context, outside } = await open(`${served.url}no-base/deepseek/`, 'zh-CN');
    try {
      expect(await page.locator('#cmd-sh').textContent()).toBe(`curl -fsSL ${served.url}no-base/deepseek/install.sh | sh`);
      expect(await page.locator('#cmd-cmd').textContent()).toBe(`curl.exe -fsSL ${served.url}no-base/deepseek/install.cmd -o install.cmd && install.cmd`);
      // curl.exe (in PowerShell curl is Invoke-WebRequest, and 5.1 cannot parse &&); the heading says it is for cmd.exe
      expect(await page.locator('h2:has(+ .cmd #cmd-cmd) [lang="zh"]').textContent()).toBe('Windows（命令提示符：粘贴到 cmd.exe，不是 PowerShell）');
      expect(await page.locator('h2:has(+ .cmd #cmd-cmd) [lang="en"]').textContent()).toBe('Windows (Command Prompt: paste into cmd.exe, not PowerShell)');
      expect(await page.locator('#verify-cmd').textContent()).toContain(`curl.exe -fsSL -o install.cmd ${served.url}no-base/deepseek/install.cmd`);
      expect(await page.locator('#verify-sh').textContent()).toContain(`curl -fsSL -O ${served.url}no-base/deepseek/install.sh -O ${served.url}no-base/deepseek/SHA256SUMS`);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh');
      await page.click('button[data-for="cmd-sh"]');
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`curl -fsSL ${served.url}no-base/deepseek/install.sh | sh`);
      await page.goto(`${served.url}no-base/`);
      const links = await page.locator('table a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')));
      expect(links).toEqual(['deepseek/', 'zhipu/']);
      await page.screenshot({ path: path.join(ARTIFACTS, 'index-zh.png'), fullPage: true });
      expect(outside).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
