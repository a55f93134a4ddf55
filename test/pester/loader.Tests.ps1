# Pester 5: test/support/Import-Installer.ps1 on the current dist/zhipu/install.ps1 (its functions callable
# in this scope, its messages and codes defined, nothing of its main flow run), and on doctored
# scripts (a command in a top-level assignment is left out, not run). Pure ASCII: Windows PowerShell
# 5.1 reads a BOM-less file as ANSI.
BeforeAll {
    . (Join-Path (Join-Path (Split-Path $PSScriptRoot) 'support') 'Import-Installer.ps1')
    $script:Installer = Join-Path (Join-Path (Join-Path (Join-Path $PSScriptRoot '..') '..') 'dist') (Join-Path 'zhipu' 'install.ps1')
}

Describe 'Import-CcenvInstaller on dist/zhipu/install.ps1' {
    BeforeAll {
        $script:LoadOutput = @(. (Import-CcenvInstaller -Path $script:Installer))
    }

    It 'prints nothing and runs no main flow' {
        $script:LoadOutput.Count | Should -Be 0
        Get-Command Invoke-CcenvMain -CommandType Function | Should -Not -BeNullOrEmpty
        $State.StopCode | Should -BeNullOrEmpty
        $State.PathChanged | Should -BeFalse
        # Left out: a probe of the host (Get-Variable) feeding the file-mode check.
        Test-Path variable:scriptFile | Should -BeFalse
    }

    It 'defines the switches with their defaults and the exit codes of the contract' {
        $Yes | Should -BeFalse
        $DryRun | Should -BeFalse
        $Uninstall | Should -BeFalse
        @($ExitUsage, $ExitDownload, $ExitNoKey, $ExitUnsupported, $ExitInstallFailed, $ExitCannotWrite) | Should -Be @(2, 3, 5, 6, 7, 8)
        $NodeMinMajor | Should -Be 22
        $ErrorActionPreference | Should -Be 'Stop'
    }

    It 'ConvertTo-CcenvNodeMajor <Text> is <Major>' -ForEach @(
        @{ Text = 'v22.3.1'; Major = 22 }
        @{ Text = 'v8.17.0'; Major = 8 }
        @{ Text = 'v100.0.0'; Major = 100 }
        @{ Text = '22.3.1'; Major = 0 }
        @{ Text = ''; Major = 0 }
    ) {
        ConvertTo-CcenvNodeMajor $Text | Should -Be $Major
    }

    It 'Test-CcenvSamePath <A> and <B>: <Same>' -ForEach @(
        @{ A = 'C:\Users\dev\AppData\Local\ccenv\node'; B = 'c:\users\dev\appdata\local\ccenv\node\'; Same = $true }
        @{ A = '/home/u/.ccenv/node/bin/'; B = '/home/u/.ccenv/node/bin'; Same = $true }
        @{ A = '%CCENV_LOADER_TEST%\ccenv\node'; B = 'C:\Users\dev\AppData\Local\ccenv\node'; Same = $true }
        @{ A = 'C:\ccenv\node'; B = 'C:\ccenv\node2'; Same = $false }
        @{ A = 'C:\ccenv\node'; B = ''; Same = $false }
    ) {
        $env:CCENV_LOADER_TEST = 'C:\Users\dev\AppData\Local'
        try {
            Test-CcenvSamePath $A $B | Should -Be $Same
        }
        finally {
            Remove-Item Env:\CCENV_LOADER_TEST
        }
    }

    It 'Get-CcenvMessage gives the catalogue text in English and in Chinese, placeholders filled' {
        $Lang = 'en'
        Get-CcenvMessage 'ps_stopped' @(8) | Should -BeExactly 'ccenv stopped (exit code 8).'
        Get-CcenvMessage 'ps_path_added' @('C:\x') | Should -BeExactly 'Added C:\x to your user PATH'
        Get-CcenvMessage 'no_such_message' | Should -BeExactly 'no_such_message'
        $Lang = 'zh'
        Get-CcenvMessage 'ps_stopped' @(8) | Should -BeExactly ([regex]::Unescape('ccenv \u5df2\u505c\u6b62\uff08\u9000\u51fa\u7801 8\uff09\u3002'))
    }
}

Describe 'Import-CcenvInstaller on doctored scripts' {
    BeforeAll {
        # A script of the installer's shape: ten functions, ten plain assignments, one that runs a command.
        $script:Touched = Join-Path $TestDrive 'touched'
        $lines = New-Object System.Collections.Generic.List[string]
        $lines.Add('& {')
        $lines.Add('param([switch]$Yes, [string]$Name = ''dflt'')')
        $lines.Add('Set-StrictMode -Version 1')
        foreach ($i in 1..10) {
            $lines.Add("function Get-Doctored$i { return $i * `$Step }")
            $lines.Add("`$Value$i = Get-Doctored$i")
        }
        $lines.Add('$Step = 3')
        $lines.Add("`$Side = New-Item -ItemType File -Path '$script:Touched'")
        $lines.Add('if ($true) { $Branch = 1 }')
        $lines.Add('Get-Doctored1')
        $lines.Add('} @args')
        $script:Doctored = Join-Path $TestDrive 'doctored.ps1'
        Set-Content -LiteralPath $script:Doctored -Value ($lines -join "`n")
    }

    It 'keeps functions, defaults and own-function assignments; runs no other command' {
        $out = @(. (Import-CcenvInstaller -Path $script:Doctored))
        $out.Count | Should -Be 0
        Test-Path -LiteralPath $script:Touched | Should -BeFalse
        Test-Path variable:Side | Should -BeFalse
        Test-Path variable:Branch | Should -BeFalse
        $Yes | Should -BeFalse
        $Name | Should -Be 'dflt'
        Get-Doctored4 | Should -Be 12
    }

    It 'refuses a script that does not parse, or has no block' {
        $broken = Join-Path $TestDrive 'broken.ps1'
        Set-Content -LiteralPath $broken -Value '& { function F { '
        { Import-CcenvInstaller -Path $broken } | Should -Throw '*does not parse*'
        $flat = Join-Path $TestDrive 'flat.ps1'
        Set-Content -LiteralPath $flat -Value 'function F { 1 }'
        { Import-CcenvInstaller -Path $flat } | Should -Throw '*no & { ... } script block*'
    }
}
