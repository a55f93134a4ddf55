// install.ps1's Windows Node.js step for a profile pinned by the real `ccenv pin-node`, run by real
// pwsh: Install-CcenvNode from the generated script ($OnWindows set, as test/pester does) picks
// node-v<v>-win-x64.zip, checks the real zip against the SHA-256 built in (no SHASUMS256.txt read)
// and unpacks it. Swapped out, as Linux lacks them: the HTTPS download (a copy from the local win
// mirror, after the script's own URL check), the junction (a symlink; test/pester checks the
// junction) and running node.exe (its PE header is checked instead; install-cmd.test.ts runs it under Wine).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureNodeMirror } from '../../src/harness/node-mirror.js';
import { findPwsh, NO_PWSH, runPwsh } from '../../src/harness/powershell.js';
import { ensureWinNodeMirror, type WinNodeMirror } from '../../src/harness/wine/node-win-mirror.js';
import { repoPath } from '../../src/paths.js';
import { loadProfileFile } from '../../src/profile/load.js';
import { writeNodePin } from '../../src/profile/pin-node.js';
import { renderForTest } from '../support/render.js';

const PWSH = findPwsh();
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

let win: WinNodeMirror;
let server: Server;
let work: string;
let pinned: Record<string, string>;

describe.skipIf(!PWSH)(`install.ps1 on Windows, Node.js pinned by ccenv pin-node${PWSH ? '' : ` — ${NO_PWSH}`}`, () => {
  beforeAll(async () => {
    const [linux, w] = await Promise.all([ensureNodeMirror(), ensureWinNodeMirror()]);
    win = w;
    // One release's SHASUMS256.txt as nodejs.org lists it: the Linux/macOS tarballs and the Windows zip.
    const shasums = `${readFileSync(linux.shasums, 'utf8').trimEnd()}\n${readFileSync(win.shasums, 'utf8')}`;
    server = createServer((req, res) => {
      if (req.url === `/dist/v${win.version}/SHASUMS256.txt`) res.end(shasums);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    work = mkdtempSync(path.join(tmpdir(), 'ccenv-ps1-pinned-win-'));
    const yaml = path.join(work, 'zhipu.yaml');
    copyFileSync(repoPath('profiles', 'zhipu.yaml'), yaml);
    const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dist`;
    const r = await execa('node', [repoPath('out', 'src', 'cli', 'main.js'), 'pin-node', yaml, win.version, '--mirror', mirror, '--allow-http'], { reject: false, stdin: 'ignore' });
    expect(r.exitCode, r.stderr).toBe(0);
    pinned = loadProfileFile(yaml).node.pin?.sha256 ?? {};
  }, 1_800_000);
  afterAll(() => {
    server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Renders install.ps1 with this pin, runs its Windows Node.js step in a fresh folder. */
  async function installNode(pin: Record<string, string>) {
    const dir = mkdtempSync(path.join(work, 'case-'));
    const yaml = path.join(dir, 'zhipu.yaml');
    copyFileSync(repoPath('profiles', 'zhipu.yaml'), yaml);
    writeNodePin(yaml, win.version, pin);
    const profile = loadProfileFile(yaml);
    const installer = path.join(dir, 'install.ps1');
    writeFileSync(installer, await renderForTest(profile, 'ps1'));
    const installDir = path.join(dir, 'ccenv');
    const script = `
$ErrorActionPreference = 'Stop'
. ${quote(repoPath('test', 'support', 'Import-Installer.ps1'))}
. (Import-CcenvInstaller -Path ${quote(installer)})
$OnWindows = $true
$Lang = 'en'
$FileMode = $false
$State = @{ StopCode = $null; PathChanged = $false }
$InstallDir = ${quote(installDir)}
$env:PROCESSOR_ARCHITECTURE = 'AMD64'
$env:CCENV_NO_MODIFY_PATH = '1'
$Mirror = ${quote(profile.node.mirror.replace(/\/$/, ''))}
function Save-CcenvDownload {
    param([string]$Url, [string]$File)
    Test-CcenvUrl $Url
    [Console]::Out.WriteLine("GET $Url")
    Copy-Item -LiteralPath (Join-Path ${quote(win.root)} $Url.Substring($Mirror.Length)) -Destination $File
}
function Set-CcenvNodeLink {
    param([string]$Link, [string]$Target)
    [void](New-Item -ItemType SymbolicLink -Path $Link -Target $Target)
}
function Get-CcenvVersionText {
    param([string]$Exe)
    $head = [byte[]]::new(2)
    $f = [IO.File]::OpenRead($Exe)
    try { [void]$f.Read($head, 0, 2) } finally { $f.Dispose() }
    if ([Text.Encoding]::ASCII.GetString($head) -eq 'MZ') { return "v$NodePinnedVersion" }
    return ''
}
try {
    $exe = Install-CcenvNode
    'RESULT ' + $exe
}
catch {
    'STOPPED ' + $State.StopCode
}
`;
    const r = await runPwsh(script, { timeoutMs: 300_000 });
    return { ...r, unpacked: path.join(installDir, `node-v${win.version}-win-x64`, 'node.exe') };
  }

  const ZIP = () => `node-v${win.version}-win-x64.zip`;
  const ZIP_URL = () => `${loadProfileFile(path.join(work, 'zhipu.yaml')).node.mirror.replace(/\/$/, '')}/v${win.version}/${ZIP()}`;

  test('the pin holds the real zip\'s SHA-256: downloaded from v<version>/, verified, unpacked; SHASUMS256.txt never read', async () => {
    expect(pinned[ZIP()]).toBe(win.sha256[ZIP()]);
    const r = await installNode(pinned);
    expect(r.stdout, r.stderr).toContain(`RESULT ${path.join(path.dirname(path.dirname(r.unpacked)), 'node', 'node.exe')}`);
    expect(r.stdout).toContain(`Downloading Node.js ${win.version} (pinned by this installer`);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('GET '))).toEqual([`GET ${ZIP_URL()}`]);
    expect(r.stdout).toContain(`Verified ${ZIP()} against the checksum this installer carries`);
    expect(existsSync(r.unpacked)).toBe(true);
  });

  test('a wrong Windows checksum in the pin: exit 3, nothing unpacked', async () => {
    const good = pinned[ZIP()] as string;
    const r = await installNode({ ...pinned, [ZIP()]: good.replace(/^./, (c) => (c === '0' ? '1' : '0')) });
    expect(r.stdout, r.stderr).toContain('STOPPED 3');
    expect(r.stderr).toContain('Checksum mismatch');
    expect(existsSync(r.unpacked)).toBe(false);
  });

  test('a pin without the Windows zip (what pin-node wrote before): exit 6, nothing downloaded', async () => {
    const r = await installNode(Object.fromEntries(Object.entries(pinned).filter(([name]) => !name.endsWith('.zip'))));
    expect(r.stdout, r.stderr).toContain('STOPPED 6');
    expect(r.stderr).toContain(`pins Node.js ${win.version} but carries no checksum for a win-x64 build`);
    expect(r.stdout).not.toContain('GET ');
  });
});
