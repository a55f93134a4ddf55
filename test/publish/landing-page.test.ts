// The landing page in headless Chromium (Debian's, driven by playwright-core), served by
// `ccenv serve`: its one-liners equal the manifest's, a copy button puts the exact one-liner on
// the clipboard, the language switch works, and no request leaves the host. Without a CDN address
// at build time, the page shows commands for its own address. Every target has its no-questions and
// uninstall forms; only a signed build shows the signature check; at 390 px nothing scrolls sideways.
// Screenshots: .cache/artifacts/ (and /tmp/landing-390.png).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { execa } from 'execa';
import { buildInstallers } from '../../src/publish/build.js';
import { serveDirectory, type ServeHandle } from '../../src/publish/serve.js';
import { repoPath } from '../../src/paths.js';
import type { Manifest } from '../../src/publish/manifest.js';

const CHROMIUM = process.env['CCENV_CHROMIUM'] ?? '/usr/bin/chromium';
const ARTIFACTS = repoPath('.cache', 'artifacts');

let browser: Browser;
let served: ServeHandle;
let root: string;

let publicKey: string;

async function build(out: string, baseUrl?: string, signKey?: string): Promise<void> {
  const errors: string[] = [];
  const code = await buildInstallers({ profile: ['zhipu', 'deepseek'], out, check: false, lint: false, versioned: true, baseUrl, signKey }, () => {}, (l) => errors.push(l));
  expect(code, errors.join('\n')).toBe(0);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (make deps does, as root), or set CCENV_CHROMIUM`);
  root = mkdtempSync(path.join(tmpdir(), 'ccenv-landing-'));
  served = await serveDirectory({ dir: root, port: 0 });
  await build(path.join(root, 'with-base'), `${served.url}with-base/`);
  await build(path.join(root, 'no-base'));
  // the signing key lives outside the served tree
  const keys = mkdtempSync(path.join(tmpdir(), 'ccenv-landing-key-'));
  const key = path.join(keys, 'signing_key');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ccenv-test', '-f', key]);
  publicKey = readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  await build(path.join(root, 'signed'), `${served.url}signed/`, key);
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

async function open(url: string, locale = 'en-US', width?: number) {
  const context = await browser.newContext({ locale, ...(width ? { viewport: { width, height: 844 } } : {}) });
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

  test('only a signed build links SHA256SUMS.sig and shows the check; an unsigned one says nothing of signatures', async () => {
    const unsigned = await open(`${served.url}with-base/zhipu/`);
    try {
      expect((await fetch(`${served.url}with-base/zhipu/SHA256SUMS.sig`)).status).toBe(404);
      expect(await unsigned.page.locator('a[href$=".sig"]').count()).toBe(0);
      expect(await unsigned.page.locator('#verify-signature').count()).toBe(0);
      const html = await unsigned.page.content();
      expect(html).not.toMatch(/sign|签名|ssh-keygen/i);
    } finally {
      await unsigned.context.close();
    }
    const signed = await open(`${served.url}signed/zhipu/`);
    try {
      const link = signed.page.locator('span[lang="en"] a[href="SHA256SUMS.sig"]');
      expect(await link.isVisible()).toBe(true);
      expect(await signed.page.locator('body').innerText()).toContain('The publisher signed the list');
      expect((await fetch(new URL('SHA256SUMS.sig', `${served.url}signed/zhipu/`))).status).toBe(200);
      const check = (await signed.page.locator('#verify-signature').textContent()) as string;
      expect(check).toContain(`curl -fsSL -O ${served.url}signed/zhipu/SHA256SUMS -O ${served.url}signed/zhipu/SHA256SUMS.sig`);
      expect(check).toContain(`namespaces="ccenv-sha256sums" ${publicKey}`);
      expect(signed.outside).toEqual([]);
    } finally {
      await signed.context.close();
    }
  });

  test('every target shows its no-questions and its uninstall command, for the page\'s own address too', async () => {
    const u = `${served.url}with-base/zhipu/`;
    const expected: Record<string, string> = {
      'sh-yes': `curl -fsSL ${u}install.sh | sh -s -- --yes`,
      'sh-uninstall': `curl -fsSL ${u}install.sh | sh -s -- --uninstall`,
      'ps1-yes': `& ([scriptblock]::Create((irm ${u}install.ps1))) -Yes`,
      'ps1-uninstall': `& ([scriptblock]::Create((irm ${u}install.ps1))) -Uninstall`,
      'cmd-yes': `curl.exe -fsSL ${u}install.cmd -o install.cmd && install.cmd --yes`,
      'cmd-uninstall': `curl.exe -fsSL ${u}install.cmd -o install.cmd && install.cmd --uninstall`,
    };
    const { page, context } = await open(u);
    try {
      for (const [id, text] of Object.entries(expected)) expect(await page.locator(`#cmd-${id}`).textContent(), id).toBe(text);
      expect(await page.locator('body').innerText()).toContain('CCENV_API_KEY');
      await page.click('button[data-for="cmd-ps1-uninstall"]');
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(expected['ps1-uninstall']);
    } finally {
      await context.close();
    }
    const own = await open(`${served.url}no-base/deepseek/`);
    try {
      expect(await own.page.locator('#cmd-sh-uninstall').textContent()).toBe(`curl -fsSL ${served.url}no-base/deepseek/install.sh | sh -s -- --uninstall`);
      expect(await own.page.locator('#cmd-cmd-yes').textContent()).toBe(`curl.exe -fsSL ${served.url}no-base/deepseek/install.cmd -o install.cmd && install.cmd --yes`);
    } finally {
      await own.context.close();
    }
  });

  test('at 390 px (a phone) long commands wrap: neither the page nor any command block scrolls sideways', async () => {
    const sideways = (page: Page) =>
      page.evaluate(() => {
        const wide = [...document.querySelectorAll('code, pre, table')].filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.id || e.tagName);
        return { page: document.documentElement.scrollWidth, wide };
      });
    for (const [url, shot] of [
      [`${served.url}signed/zhipu/`, '/tmp/landing-390.png'],
      [`${served.url}no-base/deepseek/`, path.join(ARTIFACTS, 'landing-390-zh.png')],
      [`${served.url}signed/`, path.join(ARTIFACTS, 'index-390.png')],
    ] as const) {
      const { page, context } = await open(url, url.includes('deepseek') ? 'zh-CN' : 'en-US', 390);
      try {
        expect(await sideways(page), url).toEqual({ page: 390, wide: [] });
        await page.screenshot({ path: shot, fullPage: true });
      } finally {
        await context.close();
      }
    }
  });
});
