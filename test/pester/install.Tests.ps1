# Pester 5 suite for dist/<profile>/install.ps1 run as a file by powershell.exe or pwsh on Windows:
# tagged WindowsOnly, so test/pester/pester.test.ts excludes it under Linux pwsh; run by
# .github/workflows/windows.yml under Windows PowerShell 5.1 and pwsh 7 (not executed here).
# $env:CCENV_PS_EXE picks the PowerShell that runs the installer (powershell.exe or pwsh).
BeforeAll {
    $script:Installer = Join-Path $PSScriptRoot '..\..\dist\zhipu\install.ps1'
    $script:Exe = $env:CCENV_PS_EXE
    if (-not $script:Exe) {
        $script:Exe = 'powershell.exe'
    }
    $script:Key = 'sk-ps-''"$;&|<>^%!`-end'

    # Runs the installer from a file in a throwaway profile folder; returns exit code and output.
    function Invoke-Installer {
        param([string[]]$Arguments = @(), [hashtable]$Environment = @{})
        $saved = @{}
        foreach ($name in @('USERPROFILE', 'HOME', 'CCENV_API_KEY', 'CCENV_YES', 'CCENV_INSTALL_DIR', 'CCENV_NO_MODIFY_PATH')) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        }
        try {
            $env:USERPROFILE = $script:Home
            $env:HOME = $script:Home
            $env:CCENV_INSTALL_DIR = Join-Path $script:Home 'ccenv'
            $env:CCENV_NO_MODIFY_PATH = '1'
            Remove-Item Env:\CCENV_API_KEY -ErrorAction SilentlyContinue
            Remove-Item Env:\CCENV_YES -ErrorAction SilentlyContinue
            foreach ($k in $Environment.Keys) {
                Set-Item "Env:\$k" $Environment[$k]
            }
            $out = & $script:Exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $script:Installer @Arguments 2>&1 | Out-String
            return @{ Code = $LASTEXITCODE; Output = $out }
        }
        finally {
            foreach ($name in $saved.Keys) {
                [Environment]::SetEnvironmentVariable($name, $saved[$name])
            }
        }
    }
}

BeforeEach {
    $script:Home = Join-Path ([IO.Path]::GetTempPath()) ('ccenv-pester-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path (Join-Path $script:Home '.claude') | Out-Null
    $script:Settings = Join-Path $script:Home '.claude\settings.json'
}

AfterEach {
    Remove-Item -LiteralPath $script:Home -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'install.ps1' -Tag 'WindowsOnly' {
    It '-Help prints the usage and exits 0' {
        $r = Invoke-Installer -Arguments @('-Help')
        $r.Code | Should -Be 0
        $r.Output | Should -Match 'Usage:'
    }

    It '-Version names ccenv and the profile' {
        $r = Invoke-Installer -Arguments @('-Version')
        $r.Code | Should -Be 0
        $r.Output | Should -Match 'ccenv \d+\.\d+\.\d+, profile zhipu'
    }

    It 'no key with -Yes: exit 5, nothing written' {
        $r = Invoke-Installer -Arguments @('-Yes')
        $r.Code | Should -Be 5
        Test-Path $script:Settings | Should -BeFalse
    }

    It 'a hostile key from CCENV_API_KEY lands exactly; the user entries stay; the key is not printed' {
        Set-Content -LiteralPath $script:Settings -Value '{"model":"opus","env":{"MINE":"1"}}' -Encoding ASCII
        $r = Invoke-Installer -Environment @{ CCENV_API_KEY = $script:Key }
        $r.Code | Should -Be 0
        $r.Output | Should -Not -Match ([regex]::Escape($script:Key))
        $s = Get-Content -LiteralPath $script:Settings -Raw | ConvertFrom-Json
        $s.env.ANTHROPIC_AUTH_TOKEN | Should -BeExactly $script:Key
        $s.env.ANTHROPIC_BASE_URL | Should -Be 'https://open.bigmodel.cn/api/anthropic'
        $s.env.MINE | Should -Be '1'
        $s.model | Should -Be 'opus'
    }

    It 'invalid settings.json: exit 4, the file byte-identical' {
        [IO.File]::WriteAllText($script:Settings, '{ "env": { broken')
        $r = Invoke-Installer -Environment @{ CCENV_API_KEY = $script:Key }
        $r.Code | Should -Be 4
        [IO.File]::ReadAllText($script:Settings) | Should -BeExactly '{ "env": { broken'
    }

    It '-Uninstall restores the original settings.json' {
        [IO.File]::WriteAllText($script:Settings, "{`"model`":`"opus`"}`n")
        (Invoke-Installer -Environment @{ CCENV_API_KEY = $script:Key }).Code | Should -Be 0
        (Invoke-Installer -Arguments @('-Uninstall')).Code | Should -Be 0
        [IO.File]::ReadAllText($script:Settings) | Should -BeExactly "{`"model`":`"opus`"}`n"
    }

    It 'under irm | iex a failure throws (the window stays) and sets LASTEXITCODE' {
        $command = "`$env:USERPROFILE = '$($script:Home)'; `$env:CCENV_YES = '1'; try { Get-Content -Raw -LiteralPath '$($script:Installer)' | Invoke-Expression } catch { 'CAUGHT' }; 'STILL HERE ' + `$LASTEXITCODE"
        $out = & $script:Exe -NoProfile -NonInteractive -Command $command 2>&1 | Out-String
        $out | Should -Match 'CAUGHT'
        $out | Should -Match 'STILL HERE 5'
    }
}
