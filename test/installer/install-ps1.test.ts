// install.ps1, checked without PowerShell (the Pester suite in test/pester runs where pwsh
// exists): the build's gate on every generated file, what a parser can see of the install.ps1
// rules in docs/windows.md, and a truncated download that must never parse.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildConfigureProgram } from '../../src/configure/bundle.js';
import { checkPowerShell, formatPsFinding } from '../../src/lint/powershell.js';
import { loadCatalog } from '../../src/messages/catalog.js';
import { builtinProfileIds, loadProfileFile, resolveProfile } from '../../src/profile/load.js';
import { bakeProfile, templateContext } from '../../src/render/context.js';
import { compileTemplate, createEnvironment, TEMPLATES_DIR } from '../../src/render/environment.js';
import { repoPath } from '../../src/paths.js';
import { CCENV_VERSION } from '../../src/version.js';
import { renderForTest } from '../support/render.js';
import { templateSource } from '../support/templates.js';

const dist = (id: string) => readFileSync(repoPath('dist', id, 'install.ps1'), 'utf8');
const hostile = loadProfileFile(repoPath('test', 'fixtures', 'profiles', 'hostile.yaml'));

describe('install.ps1: the build gate', () => {
  test('every generated install.ps1 passes (built-in profiles and the hostile fixture)', async () => {
    const files = builtinProfileIds().map((id) => ({ name: `dist/${id}/install.ps1`, text: dist(id) }));
    files.push({ name: 'hostile/install.ps1', text: await renderForTest(hostile, 'ps1') });
    expect((await checkPowerShell(files)).map(formatPsFinding)).toEqual([]);
  });

  test('a non-ASCII character slipped into the template fails it', async () => {
    const source = readFileSync(path.join(TEMPLATES_DIR, 'install.ps1.hbs'), 'utf8').replace("$ProgressPreference = 'SilentlyContinue'", "$ProgressPreference = 'SilentlyContinue' # caf\u00e9");
    const profile = resolveProfile('zhipu');
    const catalog = loadCatalog();
    const program = await buildConfigureProgram(bakeProfile(profile, catalog, CCENV_VERSION));
    const text = compileTemplate(createEnvironment(), source)(templateContext(profile, catalog, CCENV_VERSION, program, 'ps1'));
    const findings = await checkPowerShell([{ name: 'slipped.ps1', text }]);
    expect(findings.map((f) => f.rule)).toEqual(['ascii']);
    expect(formatPsFinding(findings[0]!)).toMatch(/slipped\.ps1:\d+:\d+: ascii: not printable ASCII: U\+00E9/);
  });
});

describe('install.ps1: what docs/windows.md asks, as far as a parser sees it', () => {
  const text = dist('zhipu');
  const body = text.slice(text.indexOf('\n& {'));

  test('pure ASCII; one script block taking the arguments, opened first and closed on the last line; main and the payload last', () => {
    expect(text).toMatch(/^[\x09\x0a\x0d\x20-\x7e]*$/);
    const code = body.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    // no param() outside the block: under iex it would assign the caller's own variables
    expect(code[0]).toBe('& {');
    expect(code[1]).toBe('param(');
    expect(code[code.length - 1]).toBe('} @args');
    expect(code[code.length - 2]).toBe('Invoke-CcenvMain');
    // the configure program comes after every function a reader wants to see
    const payload = text.indexOf("$ConfigureProgram = @'");
    expect(payload).toBeGreaterThan(text.lastIndexOf('\nfunction '));
  });

  test('5.1 rules: TLS 1.2, no progress bars, basic parsing, the registry for PATH, a zip without Expand-Archive (the gate refuses that and setx)', () => {
    expect(text).toContain('[Net.SecurityProtocolType]::Tls12');
    expect(text).toContain("$ProgressPreference = 'SilentlyContinue'");
    // downloads through HttpClient (5.1 loads it by name): no Invoke-WebRequest and its progress bar
    expect(text).toContain('Add-Type -AssemblyName System.Net.Http');
    expect(text).toContain('[System.Net.Http.HttpCompletionOption]::ResponseHeadersRead');
    expect(text).not.toMatch(/Invoke-WebRequest|Write-Progress/);
    expect(text).toContain('[Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames');
    expect(text).toContain("$kind = $key.GetValueKind('Path')");
    expect(text).toContain('$key.SetValue(\'Path\', $Value, $Kind)');
    expect(text).toContain('SendMessageTimeout([IntPtr]0xffff, 0x1A');
    expect(text).toContain('[System.IO.Compression.ZipFile]::ExtractToDirectory');
    expect(text).toContain('Get-FileHash -Algorithm SHA256');
  });

  test('the key reaches node only through its environment, and a typed key is cleared in finally', () => {
    // node reads the program from stdin; its arguments are flags only
    expect(text).toContain("$ConfigureProgram | & $NodeExe '-' @Arguments | Out-Host");
    const calls = [...text.matchAll(/Invoke-CcenvConfigure \$\w+ (@\([^)]*\)|\$\w+) /g)].map((m) => m[1]);
    expect(calls.sort()).toEqual(["$configureArgs", "$doctorArgs", "@('--check')", "@('--check-key')", "@('--mcp-conflicts')", '$uninstallArgs'].sort());
    // the environment holds it only while the configure program runs (the runs under pwsh prove it)
    expect([...text.matchAll(/^\s*\$env:CCENV_API_KEY = /gm)]).toHaveLength(1);
    expect(text).toMatch(/\$env:CCENV_API_KEY = \$State\.Key\n[^]*?\$ConfigureProgram \| & \$NodeExe[^]*?finally \{[^]*?Remove-Item Env:\\CCENV_API_KEY/);
    expect(text).toMatch(/function Save-CcenvKeyFromEnvironment \{[^]*?Remove-Item Env:\\CCENV_API_KEY/);
  });

  test('-Doctor and -Check hand over to the configure program (the diagnosis is written once, there)', () => {
    expect(body).toMatch(/param\([^)]*\[switch\]\$Doctor,\n {4}\[switch\]\$Check\n\)/);
    // -Doctor runs before anything is installed or asked, and needs no key
    expect(text).toMatch(/\$InstallDir = Get-CcenvInstallDir\n {12}if \(\$Doctor\) \{\n {16}Invoke-CcenvDoctor\n/);
    expect(text).toContain("$doctorArgs = @('--doctor', '--check')");
    // -Check after configuring: its exit code becomes the script's
    expect(text).toMatch(/if \(\$Check\) \{\n[^\n]*\n {8}\$rc = Invoke-CcenvConfigure \$nodeExe @\('--check'\) \$false\n {8}if \(\$rc -ne 0\) \{\n {12}Stop-Ccenv \$rc ''/);
  });

  test('the configure program is the same bytes as in install.sh', () => {
    const sh = readFileSync(repoPath('dist', 'zhipu', 'install.sh'), 'utf8');
    const inSh = sh.slice(sh.indexOf("<<'CCENV_CONFIGURE_JS'\n") + "<<'CCENV_CONFIGURE_JS'\n".length, sh.indexOf('\nCCENV_CONFIGURE_JS\n'));
    const inPs = text.slice(text.indexOf("$ConfigureProgram = @'\n") + "$ConfigureProgram = @'\n".length, text.indexOf("\n'@\n"));
    expect(inPs.length).toBeGreaterThan(10_000);
    expect(inPs).toBe(inSh);
  });

  test('a download cut anywhere inside the script block never parses, so nothing runs', async () => {
    const start = text.indexOf('\n& {\n') + 5;
    const cuts = Array.from({ length: 25 }, (_, i) => start + Math.floor(((text.length - 2 - start) * (i + 1)) / 26));
    for (const cut of cuts) {
      const findings = await checkPowerShell([{ name: `cut-${cut}`, text: text.slice(0, cut) }]);
      expect(findings.some((f) => f.rule === 'syntax'), `cut at ${cut}`).toBe(true);
    }
  });
});

describe('install.ps1: message calls', () => {
  test('every call passes as many values as its message has run-time placeholders', async () => {
    const { installerMessages } = await import('../../src/render/context.js');
    const messages = new Map(installerMessages(resolveProfile('zhipu'), loadCatalog(), CCENV_VERSION, 'ps1').map((m) => [m.id, m.runtime.length]));
    const template = templateSource('ps1');
    const calls = [...template.matchAll(/(?:Write-CcenvSay|Write-CcenvWarn|Get-CcenvMessage|Stop-Ccenv \$\w+) '([a-z0-9_]+)'(?: @\((.*)\))?/g)];
    expect(calls.length).toBeGreaterThan(40);
    const countArgs = (list: string | undefined) => {
      if (!list) return 0;
      let depth = 0;
      let n = 1;
      for (const c of list) {
        if (c === '(') depth++;
        else if (c === ')') depth--;
        else if (c === ',' && depth === 0) n++;
      }
      return n;
    };
    const wrong = calls.filter((m) => messages.get(m[1] as string) !== countArgs(m[2])).map((m) => `${m[0]} (message takes ${messages.get(m[1] as string)})`);
    expect(wrong).toEqual([]);
  });
});
