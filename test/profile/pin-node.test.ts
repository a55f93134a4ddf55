// `ccenv pin-node`: the real command against a local mirror; the profile keeps its comments, gains
// node.pin (Linux/macOS tarballs and Windows zips), and the rendered installers carry the checksums.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { loadProfileFile } from '../../src/profile/load.js';
import { UserError } from '../../src/errors.js';
import { parseShasums } from '../../src/profile/pin-node.js';
import { repoPath } from '../../src/paths.js';
import { renderForTest } from '../support/render.js';

const V = '22.23.3';
const hash = (c: string) => c.repeat(64);
const SHASUMS = [
  `${hash('1')}  node-v${V}-darwin-arm64.tar.gz`,
  `${hash('2')}  node-v${V}-darwin-arm64.tar.xz`,
  `${hash('3')}  node-v${V}-linux-x64.tar.xz`,
  `${hash('4')}  node-v${V}-linux-x64.tar.gz`,
  `${hash('5')}  node-v${V}-win-x64.zip`,
  `${hash('6')}  node-v${V}-headers.tar.gz`,
  `${hash('7')}  node-v${V}-win-arm64.zip`,
  `${hash('8')}  node-v${V}-win-x64.7z`,
  `${hash('9')}  node-v${V}-x64.msi`,
  `${hash('0')}  win-x64/node.exe`,
].join('\n');

let server: Server;
let mirror: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === `/dist/v${V}/SHASUMS256.txt`) res.end(SHASUMS);
    else if (req.url === `/html/v${V}/SHASUMS256.txt`) res.end('<html>captive portal</html>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

function profileCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-pin-'));
  const file = path.join(dir, 'zhipu.yaml');
  writeFileSync(file, readFileSync(repoPath('profiles', 'zhipu.yaml')));
  return file;
}

async function pin(...args: string[]) {
  return execa('node', [repoPath('out', 'src', 'cli', 'main.js'), 'pin-node', ...args], { reject: false, stdin: 'ignore' });
}

describe('ccenv pin-node', () => {
  test('records the Linux/macOS tarballs and the Windows zips (not .7z, .msi or bare node.exe), keeps comments, and all three installers embed them', async () => {
    const file = profileCopy();
    const r = await pin(file, V, '--mirror', `${mirror}/dist`, '--allow-http');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# The current default model as a mapping, offered but off by default');
    const p = loadProfileFile(file);
    expect(p.node.pin).toEqual({
      version: V,
      sha256: {
        [`node-v${V}-darwin-arm64.tar.gz`]: hash('1'),
        [`node-v${V}-darwin-arm64.tar.xz`]: hash('2'),
        [`node-v${V}-linux-x64.tar.gz`]: hash('4'),
        [`node-v${V}-linux-x64.tar.xz`]: hash('3'),
        // What install.ps1 and install.cmd download on Windows: node-v<v>-win-<arch>.zip.
        [`node-v${V}-win-arm64.zip`]: hash('7'),
        [`node-v${V}-win-x64.zip`]: hash('5'),
      },
    });
    expect(r.stdout).toContain('(6 archives');
    const installer = await renderForTest(p);
    expect(installer).toContain(`NODE_PINNED_VERSION='${V}'`);
    expect(installer).toContain(`'node-v${V}-linux-x64.tar.xz') echo '${hash('3')}' ;;`);
    const ps1 = await renderForTest(p, 'ps1');
    expect(ps1).toContain(`$PinnedSha256['node-v${V}-win-x64.zip'] = '${hash('5')}'`);
    expect(ps1).toContain(`$PinnedSha256['node-v${V}-win-arm64.zip'] = '${hash('7')}'`);
    const cmd = await renderForTest(p, 'cmd');
    expect(cmd).toContain(`if "%CCENV_FILE%"=="node-v${V}-win-x64.zip" set "CCENV_EXPECTED=${hash('5')}"`);
    expect(cmd).toContain(`if "%CCENV_FILE%"=="node-v${V}-win-arm64.zip" set "CCENV_EXPECTED=${hash('7')}"`);
  });

  test('refuses plain http without --allow-http, an HTML page and a 404, leaving the profile as it was', async () => {
    const file = profileCopy();
    const before = readFileSync(file, 'utf8');
    const http = await pin(file, V, '--mirror', `${mirror}/dist`);
    expect(http.exitCode).toBe(2);
    expect(http.stderr).toContain('not https');
    const html = await pin(file, V, '--mirror', `${mirror}/html`, '--allow-http');
    expect(html.exitCode).toBe(2);
    expect(html.stderr).toContain('no linux-x64 tarball');
    const missing = await pin(file, '22.0.99', '--mirror', `${mirror}/dist`, '--allow-http');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('HTTP 404');
    const tooOld = await pin(file, '20.1.0', '--mirror', `${mirror}/dist`, '--allow-http');
    expect(tooOld.exitCode).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  test('parseShasums ignores other releases and platforms', () => {
    expect(() => parseShasums(`${hash('a')}  node-v1.0.0-linux-x64.tar.xz`, V, 'x')).toThrow(UserError);
  });
});
