// install.ps1 inside a pwsh session that carries on afterwards, as users start it: `iex (irm …)`
// (here the same text from the file) and `& ([scriptblock]::Create(…)) -Yes`. Whatever the exit
// path, the session survives, $LASTEXITCODE carries the contract's code, and nothing the script
// defined (variables, functions, its switches) is left behind; the environment is as before.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { repoPath } from '../../src/paths.js';
import { envOf, HOSTILE_KEY, readyMachines, settingsPath, writeSettings } from '../support/installer-machine.js';
import { NO_PWSH, PWSH, pwshEnv, runPs1 } from '../support/run-ps1.js';

const machine = readyMachines();
const FILE = repoPath('dist', 'zhipu', 'install.ps1');
const KEY = 'sk-session-0123456789';

/** Runs START (a line that starts the installer) between two snapshots of the session. */
function inSession(start: string, before = ''): string {
  return `
$ErrorActionPreference = 'Continue'
function global:Get-SessionState {
    $skip = @('?', '^', '$', '_', 'args', 'input', 'LASTEXITCODE', 'Matches', 'StackTrace', 'Error', 'snapBefore', 'snapAfter', 'PSItem', 'foreach', 'this', 'MyInvocation', 'PSBoundParameters', 'PSCmdlet', 'PSScriptRoot', 'PSCommandPath')
    $vars = Get-Variable -Scope Global | Where-Object { $skip -notcontains $_.Name } | ForEach-Object { $_.Name + '=' + [string]$_.Value }
    $funcs = Get-ChildItem function: | ForEach-Object { $_.Name }
    $envs = Get-ChildItem env: | ForEach-Object { $_.Name + '=' + $_.Value }
    return @($vars + $funcs + $envs | Sort-Object)
}
$Yes = 'caller-yes'
$Help = 'caller-help'
$State = 'caller-state'
${before}
$snapBefore = Get-SessionState
try {
    ${start}
    'RESULT=returned'
}
catch {
    'RESULT=threw: ' + $_
}
'EXIT=' + $LASTEXITCODE
$snapAfter = Get-SessionState
foreach ($d in @(Compare-Object $snapBefore $snapAfter)) { 'DIFF ' + $d.SideIndicator + ' ' + $d.InputObject }
'CALLER Yes=' + $Yes + ' Help=' + $Help + ' State=' + $State
'SESSION-CONTINUES'
`;
}

const IEX = 'iex (Get-Content -Raw -LiteralPath $Installer)';
const CREATE = (flags: string) => `& ([scriptblock]::Create((Get-Content -Raw -LiteralPath $Installer))) ${flags}`;

function expectClean(stdout: string, exit: number): void {
  expect(stdout).toContain('SESSION-CONTINUES');
  expect(stdout).toContain(`EXIT=${exit}\n`);
  expect(stdout.split('\n').filter((l) => l.startsWith('DIFF '))).toEqual([]);
  expect(stdout).toContain('CALLER Yes=caller-yes Help=caller-help State=caller-state');
}

describe.skipIf(!PWSH)(`install.ps1 in a pwsh session${PWSH ? '' : ` — ${NO_PWSH}`}`, () => {
  test('iex, key in $env:CCENV_API_KEY: configured, exit 0, the session and its $env:CCENV_API_KEY as before', async () => {
    const m = await machine();
    const r = await runPs1(m, { file: FILE, session: inSession(IEX, `$env:CCENV_API_KEY = '${HOSTILE_KEY.replace(/'/g, "''")}'\n$env:CCENV_YES = '1'`) });
    expectClean(r.stdout, 0);
    expect(r.stdout).toContain('RESULT=returned');
    expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe(HOSTILE_KEY);
  });

  test('& ([scriptblock]::Create(...)) -Yes with the key: exit 0, nothing left behind', async () => {
    const m = await machine();
    const r = await runPs1(m, { file: FILE, session: inSession(CREATE('-Yes'), `$env:CCENV_API_KEY = '${KEY}'`) });
    expectClean(r.stdout, 0);
    expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
  });

  test('& ([scriptblock]::Create(...)) --dry-run (install.sh spelling) and -Help: exit 0, nothing left behind', async () => {
    const m = await machine();
    for (const flags of ['--dry-run', '-Help']) {
      const r = await runPs1(m, { file: FILE, session: inSession(CREATE(flags)) });
      expectClean(r.stdout, 0);
    }
  });

  for (const [what, start, before, exit, says] of [
    ['no key and -Yes', CREATE('-Yes'), '', 5, 'CCENV_API_KEY'],
    ['an unknown option', CREATE('-Bogus'), '', 2, 'Unknown option: -Bogus'],
    ['invalid settings.json', IEX, `$env:CCENV_API_KEY = '${KEY}'`, 4, 'settings.json'],
    ['an empty CCENV_API_KEY handed down by the parent', IEX, '', 2, 'set but empty'],
    // A caller's function that shadows a cmdlet the script uses throws something Stop-Ccenv never saw.
    ['an unexpected exception', IEX, `$env:CCENV_API_KEY = '${KEY}'\nfunction global:Get-Command { throw 'boom from the session' }`, 1, 'Unexpected error: boom from the session'],
  ] as const) {
    test(`iex / scriptblock, ${what}: a terminating error the caller can catch, $LASTEXITCODE = ${exit}, the session carries on`, async () => {
      const m = await machine();
      if (what === 'invalid settings.json') writeSettings(m, '{"env": {,}}');
      const env = what.startsWith('an empty') ? { CCENV_API_KEY: '' } : {};
      const r = await runPs1(m, { file: FILE, env, session: inSession(start, before) });
      expect(r.stdout).toContain('RESULT=threw:');
      expect(r.stdout + r.stderr).toContain(says);
      // The caller's own function is the one difference an unexpected-error run may show.
      const s = what === 'an unexpected exception' ? r.stdout.replace(/^DIFF .*Get-Command.*\n/gm, '') : r.stdout;
      expectClean(s, exit);
    });
  }

  test('a zh-CN console (code page 936): the configure program\'s Chinese lines arrive intact, where node piped through PowerShell turns to mojibake', async () => {
    const m = await machine();
    const session = `
[Console]::OutputEncoding = [Text.Encoding]::GetEncoding(936)
$env:CCENV_LANG = 'zh'
$env:CCENV_API_KEY = '${KEY}'
$env:CCENV_YES = '1'
'CONTROL:'
node -e "process.stdout.write('\\u5df2\\u521b\\u5efa\\n')" | Out-Host
'INSTALLER:'
${IEX}
'ENCODING-AFTER=' + [Console]::OutputEncoding.CodePage
`;
    const r = await execa('pwsh', ['-NoProfile', '-Command', `$Installer = '${FILE}'\n${session}`], {
      env: pwshEnv(m), extendEnv: false, reject: false, encoding: 'buffer', cwd: m.home, stdin: 'ignore',
    });
    const out = new TextDecoder('gbk').decode(r.stdout as Uint8Array);
    const [control, installer] = out.split('INSTALLER:') as [string, string];
    // The finding, reproduced: UTF-8 from node decoded with code page 936.
    expect(control).not.toContain('\u5df2\u521b\u5efa');
    // The configure program's "Created <path>" line in Chinese, intact.
    expect(installer).toContain(`\u5df2\u521b\u5efa ${settingsPath(m)}`);
    expect(installer).toContain('ENCODING-AFTER=936');
  });

  test('ConstrainedLanguage (AppLocker/WDAC): exit 6 saying to use install.cmd, not a raw "Cannot invoke method" half-way', async () => {
    const m = await machine();
    const session = `$env:CCENV_API_KEY = '${KEY}'
$ExecutionContext.SessionState.LanguageMode = 'ConstrainedLanguage'
try { ${IEX}; 'RESULT=returned' } catch { 'RESULT=threw: ' + $_ }
'EXIT=' + $LASTEXITCODE`;
    const r = await runPs1(m, { file: FILE, session });
    expect(r.stdout).toContain('EXIT=6');
    expect(r.stdout + r.stderr).toContain('PowerShell runs in ConstrainedLanguage mode here (AppLocker or WDAC)');
    expect(r.stdout + r.stderr).toContain('install.cmd');
    expect(r.stdout + r.stderr).not.toContain('Cannot invoke method');
  });
});
