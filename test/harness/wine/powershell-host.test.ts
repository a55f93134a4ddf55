// Real Windows PowerShell 7.6 (a self-contained win-x64 host over Microsoft.PowerShell.SDK) under
// Wine 8: what it reports, the registry through .NET checked against Wine's own reg.exe byte for
// byte, a real Node zip unpacked by ZipFile and its node.exe run, and the generated install.ps1's
// user PATH functions round-tripping real registry values. One prefix of its own, runs serial.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { repoPath } from '../../../src/paths.js';
import { ensureWinNodeMirror, type WinNodeMirror } from '../../../src/harness/wine/node-win-mirror.js';
import {
  ensurePowerShellPrefix,
  ensureWinePowerShellHost,
  missingPowerShellHostTools,
  runWinePowerShell,
  type WinePowerShellHost,
} from '../../../src/harness/wine/powershell-host.js';
import { runWine, startWineServer, windowsPath, type WinePrefix } from '../../../src/harness/wine/prefix.js';

const missing = missingPowerShellHostTools();
const win = windowsPath;

interface RegValue {
  kind: 'REG_SZ' | 'REG_EXPAND_SZ';
  /** The stored bytes (UTF-16LE, with the terminating NUL). */
  bytes: Buffer;
}

/** Parses one value out of a `reg export` file (UTF-16LE): hex(2) for REG_EXPAND_SZ, "…" for REG_SZ. */
function parseRegExport(file: string, name: string): RegValue | undefined {
  const text = readFileSync(file).toString('utf16le').replace(/^\uFEFF/, '').replace(/\\\r?\n\s*/g, '');
  for (const line of text.split(/\r?\n/)) {
    const hex = new RegExp(`^"${name}"=hex\\(2\\):([0-9a-f,]*)$`, 'i').exec(line);
    if (hex) return { kind: 'REG_EXPAND_SZ', bytes: Buffer.from((hex[1] as string).split(',').filter(Boolean).map((h) => parseInt(h, 16))) };
    const str = new RegExp(`^"${name}"="((?:[^"\\\\]|\\\\.)*)"$`, 'i').exec(line);
    if (str) return { kind: 'REG_SZ', bytes: Buffer.from((str[1] as string).replace(/\\(.)/g, '$1') + '\0', 'utf16le') };
  }
  return undefined;
}

function utf16z(value: string): Buffer {
  return Buffer.from(value + '\0', 'utf16le');
}

describe.skipIf(missing)('Windows PowerShell 7.6 under Wine', () => {
  let prefix: WinePrefix;
  let host: WinePowerShellHost;
  let mirror: WinNodeMirror;
  let work: string;

  beforeAll(async () => {
    [host, prefix, mirror] = await Promise.all([ensureWinePowerShellHost(), ensurePowerShellPrefix(), ensureWinNodeMirror('22.23.3')]);
    await startWineServer(prefix);
    work = mkdtempSync(path.join(tmpdir(), 'ccenv-wine-pwsh-'));
  }, 900_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function script(name: string, text: string): string {
    const file = path.join(work, name);
    writeFileSync(file, text);
    return win(file);
  }

  async function exportEnvironment(name: string): Promise<string> {
    const file = path.join(work, name);
    const r = await runWine(prefix, ['reg', 'export', 'HKCU\\Environment', win(file), '/y']);
    expect(r.code).toBe(0);
    return file;
  }

  test('reports PowerShell 7.6.10 Core on Windows, and gives exit N, errors and output their channels', async () => {
    const r = await runWinePowerShell(prefix, host, ['-Command', '"$($PSVersionTable.PSVersion)|$($PSVersionTable.PSEdition)|$([Environment]::OSVersion.Platform)|$IsWindows|$PSHOME"']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`7.6.10|Core|Win32NT|True|${win(host.dir)}`);

    const exit = await runWinePowerShell(prefix, host, [script('exit.ps1', 'Write-Output "before"\nexit 7\n')]);
    expect([exit.code, exit.stdout.trim()]).toEqual([7, 'before']);

    const thrown = await runWinePowerShell(prefix, host, ['-Command', 'Write-Error "not found: x"; "still here"']);
    expect(thrown.code).toBe(1);
    expect(thrown.stdout.trim()).toBe('still here');
    expect(thrown.stderr).toContain('not found: x');
  }, 180_000);

  test('the user Path through .NET (ExpandString, unexpanded) is what Wine reg.exe reads, byte for byte', async () => {
    const value = '%USERPROFILE%\\bin;;C:\\Program Files\\x "q";C:\\ü\\日本;^&!%;';
    writeFileSync(path.join(work, 'value.txt'), value);
    const r = await runWinePowerShell(prefix, host, [
      script(
        'registry.ps1',
        [
          'param([string]$ValueFile)',
          "$ErrorActionPreference = 'Stop'",
          '$value = [IO.File]::ReadAllText($ValueFile)',
          "$key = [Microsoft.Win32.Registry]::CurrentUser.OpenSubKey('Environment', $true)",
          "$key.SetValue('Path', $value, [Microsoft.Win32.RegistryValueKind]::ExpandString)",
          "$back = $key.GetValue('Path', $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)",
          '"kind=$($key.GetValueKind(\'Path\'))"',
          '"same=$($back -ceq $value)"',
          '"expanded=$($key.GetValue(\'Path\'))"',
          '$key.Close()',
        ].join('\n'),
      ),
      win(path.join(work, 'value.txt')),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split(/\r?\n/);
    expect(lines.slice(0, 2)).toEqual(['kind=ExpandString', 'same=True']);
    // Expanded on read, as Windows does: %USERPROFILE% is the Wine user's folder.
    expect(lines[2]).toMatch(/^expanded=C:\\users\\[^\\;]+\\bin;;C:\\Program Files/);

    const stored = parseRegExport(await exportEnvironment('env.reg'), 'Path');
    expect(stored?.kind).toBe('REG_EXPAND_SZ');
    expect(stored?.bytes.equals(utf16z(value))).toBe(true);
  }, 180_000);

  test('ZipFile unpacks the real node-v22 win-x64 zip; its node.exe runs with its exit code; a junction is refused by Wine 8', async () => {
    const dest = path.join(work, 'nodes');
    mkdirSync(dest);
    const r = await runWinePowerShell(prefix, host, [
      script(
        'node.ps1',
        [
          'param([string]$Zip, [string]$Dest)',
          "$ErrorActionPreference = 'Stop'",
          '[System.IO.Compression.ZipFile]::ExtractToDirectory($Zip, $Dest)',
          '$dir = (Get-ChildItem -LiteralPath $Dest -Directory)[0].FullName',
          "$node = Join-Path $dir 'node.exe'",
          '$version = & $node --version',
          '"version=$version code=$LASTEXITCODE"',
          "& $node -e 'process.exit(5)'",
          '"exit=$LASTEXITCODE"',
          'try {',
          "    [void](New-Item -ItemType Junction -Path (Join-Path $Dest 'current') -Target $dir)",
          "    \"junction=$((Get-Item -LiteralPath (Join-Path $Dest 'current')).LinkType)\"",
          '} catch {',
          '    "junction failed: $($_.Exception.Message)"',
          '}',
          '$global:LASTEXITCODE = 0',
        ].join('\n'),
      ),
      win(mirror.zip),
      win(dest),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split(/\r?\n/)).toEqual([
      `version=v${mirror.version} code=0`,
      'exit=5',
      // Wine 8 implements no mount-point reparse points (its own `mklink /J` fails as well): the
      // installer's junction step (Set-CcenvNodeLink) cannot be tried here.
      'junction failed: Request not supported.',
    ]);
    expect(readFileSync(path.join(dest, `node-v${mirror.version}-win-x64`, 'node.exe')).subarray(0, 2).toString()).toBe('MZ');
  }, 300_000);

  test('no program is found by name on PATH: Wine 8 matches no DOS wildcard, and command discovery searches "name.*"', async () => {
    const r = await runWinePowerShell(prefix, host, [
      '-Command',
      '$s = Join-Path $env:SystemRoot system32; "exists=$(Test-Path (Join-Path $s reg.exe)) exact=$([IO.Directory]::GetFiles($s, \'reg.exe\').Count) dosdot=$([IO.Directory]::GetFiles($s, \'reg.*\').Count) found=$(@(Get-Command reg.exe -ErrorAction SilentlyContinue).Count)"',
    ]);
    expect(r.stderr).toBe('');
    expect([r.code, r.stdout.trim()]).toEqual([0, 'exists=True exact=1 dosdot=0 found=0']);
  }, 180_000);

  test("install.ps1's user PATH functions add and take out exactly their folder; the value and its kind come back byte for byte", async () => {
    const installer = repoPath('dist', 'zhipu', 'install.ps1');
    const cases: { kind: 'ExpandString' | 'String' | null; value: string | null }[] = [
      { kind: 'ExpandString', value: '%USERPROFILE%\\bin;C:\\Program Files\\x "q";C:\\ü\\日本' },
      { kind: 'String', value: 'C:\\tools;;C:\\a b\\;^&!%;' },
      { kind: 'ExpandString', value: '' },
      { kind: null, value: null },
    ];
    writeFileSync(path.join(work, 'cases.json'), JSON.stringify(cases));
    const dir = 'C:\\Users\\ccenv test\\AppData\\Local\\ccenv\\node';
    const r = await runWinePowerShell(prefix, host, [
      script(
        'path.ps1',
        [
          'param([string]$Installer, [string]$Support, [string]$CasesFile, [string]$Out, [string]$Dir)',
          "$ErrorActionPreference = 'Stop'",
          ". (Join-Path $Support 'Import-Installer.ps1')",
          '. (Import-CcenvInstaller -Path $Installer)',
          "$InstallDir = Join-Path $Out 'install'",
          '$cases = [IO.File]::ReadAllText($CasesFile) | ConvertFrom-Json',
          // By full path: PowerShell finds no program on PATH under Wine 8 (see the test above).
          "$reg = Join-Path $env:SystemRoot 'system32\\reg.exe'",
          '$i = 0',
          'foreach ($c in $cases) {',
          "    $key = [Microsoft.Win32.Registry]::CurrentUser.OpenSubKey('Environment', $true)",
          "    if ($null -eq $c.kind) { $key.DeleteValue('Path', $false) } else { $key.SetValue('Path', [string]$c.value, [Microsoft.Win32.RegistryValueKind]$c.kind) }",
          '    $key.Close()',
          "    & $reg export 'HKCU\\Environment' (Join-Path $Out \"before-$i.reg\") /y | Out-Null",
          '    Add-CcenvUserPathWindows $Dir',
          "    & $reg export 'HKCU\\Environment' (Join-Path $Out \"added-$i.reg\") /y | Out-Null",
          '    Remove-CcenvUserPathWindows',
          "    & $reg export 'HKCU\\Environment' (Join-Path $Out \"removed-$i.reg\") /y | Out-Null",
          '    "case $i done"',
          '    $i++',
          '}',
        ].join('\n'),
      ),
      win(installer),
      win(repoPath('test', 'support')),
      win(path.join(work, 'cases.json')),
      win(work),
      dir,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`case ${cases.length - 1} done`);
    cases.forEach((c, i) => {
      const before = parseRegExport(path.join(work, `before-${i}.reg`), 'Path');
      const added = parseRegExport(path.join(work, `added-${i}.reg`), 'Path');
      const removed = parseRegExport(path.join(work, `removed-${i}.reg`), 'Path');
      if (c.value === null) {
        expect(before).toBeUndefined();
        expect(added).toEqual({ kind: 'REG_EXPAND_SZ', bytes: utf16z(dir) });
        expect(removed).toBeUndefined();
        return;
      }
      const kind = c.kind === 'String' ? 'REG_SZ' : 'REG_EXPAND_SZ';
      expect(before).toEqual({ kind, bytes: utf16z(c.value) });
      expect(added).toEqual({ kind, bytes: utf16z(c.value ? `${dir};${c.value}` : dir) });
      expect(removed).toEqual({ kind, bytes: utf16z(c.value) });
    });
  }, 300_000);
});
