# Pester 5: the Windows-only steps of dist/zhipu/install.ps1, run in process with mocks over
# recorded, realistic values (users' PATH values, policies by scope, architectures). Runs under
# pwsh on Linux in `make test` (test/pester/pester.test.ts) and on Windows in the workflow. The
# functions come from the generated script itself (its AST), not from a copy.
BeforeAll {
    # Join-Path with two arguments only: Windows PowerShell 5.1 runs this file too.
    $installer = [IO.Path]::Combine($PSScriptRoot, '..', '..', 'dist', 'zhipu', 'install.ps1')
    . ([IO.Path]::Combine($PSScriptRoot, '..', 'support', 'Import-Installer.ps1'))
    . (Import-CcenvInstaller -Path $installer)
    # The definitions land in this scope; the Windows branch is the one under test.
    $OnWindows = $true
    $Lang = 'en'
    $FileMode = $false
}

Describe 'the user PATH in HKCU\Environment' {
    BeforeEach {
        $InstallDir = Join-Path ([IO.Path]::GetTempPath()) ('ccenv-pester-' + [guid]::NewGuid().ToString('N'))
        $State = @{ StopCode = $null; PathChanged = $false }
        $script:Stored = $null
        $script:Written = New-Object System.Collections.Generic.List[object]
        Mock Get-CcenvUserPathValue { return @{ Kind = $script:Stored.Kind; Value = $script:Stored.Value } }
        Mock Set-CcenvUserPathValue {
            $script:Written.Add(@{ Value = $Value; Kind = $Kind; Delete = $Delete })
            $script:Stored = @{ Kind = $Kind; Value = $(if ($Delete) { $null } else { $Value }) }
        }
        Mock Send-CcenvSettingChange { }
        Mock Write-CcenvSay { }
        Mock Write-CcenvWarn { }
    }
    AfterEach {
        Remove-Item -LiteralPath $InstallDir -Recurse -Force -ErrorAction SilentlyContinue
    }

    # Values as real users have them (REG_EXPAND_SZ unless said).
    $cases = @(
        @{ Name = 'a Windows 11 developer'; Kind = 'ExpandString'; Value = '%USERPROFILE%\AppData\Local\Microsoft\WindowsApps;C:\Users\dev\AppData\Local\Programs\Microsoft VS Code\bin;C:\Users\dev\AppData\Roaming\npm;%USERPROFILE%\.dotnet\tools;C:\Users\dev\AppData\Local\Programs\Python\Python312\Scripts\;C:\Users\dev\AppData\Local\Programs\Python\Python312\;C:\Users\dev\AppData\Local\JetBrains\Toolbox\scripts' }
        @{ Name = 'undefined %VARIABLES% and parentheses'; Kind = 'ExpandString'; Value = '%NOT_DEFINED_ANYWHERE%\bin;C:\Program Files (x86)\Tool (beta)\bin;%JAVA_HOME%\bin' }
        @{ Name = 'quotes, ^, &, ! and % (REG_SZ)'; Kind = 'String'; Value = '"C:\Program Files\Quoted Tool";C:\a^b;C:\x&y;C:\bang!;C:\100%\bin;C:\50% off' }
        @{ Name = 'non-ASCII folders'; Kind = 'ExpandString'; Value = 'C:\Users\' + [char]0x5F20 + [char]0x4E09 + '\bin;C:\Tools\' + [char]0xDC + 'n' + [char]0xEF + ';D:\' + [char]0x5DE5 + [char]0x5177 }
        @{ Name = 'empty entries and a trailing ;'; Kind = 'ExpandString'; Value = ';;C:\a;;C:\b;' }
        @{ Name = 'an empty value'; Kind = 'ExpandString'; Value = '' }
        @{ Name = 'no value at all'; Kind = 'ExpandString'; Value = $null }
    )

    It 'install then -Uninstall gives back <Name> byte for byte, in its kind' -ForEach $cases {
        $script:Stored = @{ Kind = [Microsoft.Win32.RegistryValueKind]$Kind; Value = $Value }
        $dir = 'C:\Users\dev\AppData\Local\ccenv\node'
        Add-CcenvUserPathWindows $dir
        $script:Written.Count | Should -Be 1
        $expected = $dir
        if ($Value) {
            $expected = "$dir;$Value"
        }
        $script:Written[0].Value | Should -BeExactly $expected
        $script:Written[0].Kind | Should -Be ([Microsoft.Win32.RegistryValueKind]$Kind)
        Should -Invoke Send-CcenvSettingChange -Times 1 -Exactly
        Remove-CcenvUserPathWindows
        $script:Written.Count | Should -Be 2
        if ($null -eq $Value) {
            $script:Written[1].Delete | Should -BeTrue
        }
        else {
            $script:Written[1].Delete | Should -BeFalse
            $script:Written[1].Value | Should -BeExactly $Value
            $script:Written[1].Kind | Should -Be ([Microsoft.Win32.RegistryValueKind]$Kind)
        }
        Test-Path -LiteralPath (Join-Path $InstallDir 'path-added.txt') | Should -BeFalse
    }

    It 'a folder already on the user PATH (other case, trailing \, as %LOCALAPPDATA%) is not added again' {
        $env:LOCALAPPDATA = 'C:\Users\dev\AppData\Local'
        foreach ($form in @('c:\users\dev\appdata\local\ccenv\node\', '%LOCALAPPDATA%\ccenv\node')) {
            $script:Stored = @{ Kind = [Microsoft.Win32.RegistryValueKind]::ExpandString; Value = "C:\x;$form" }
            Add-CcenvUserPathWindows 'C:\Users\dev\AppData\Local\ccenv\node'
        }
        $script:Written.Count | Should -Be 0
    }

    It 'the entry moved by the user is taken out where it is; the rest keeps its order and bytes' {
        $script:Stored = @{ Kind = [Microsoft.Win32.RegistryValueKind]::ExpandString; Value = 'C:\a;;%B%' }
        Add-CcenvUserPathWindows 'C:\ccenv\node'
        $script:Stored = @{ Kind = [Microsoft.Win32.RegistryValueKind]::ExpandString; Value = 'C:\a;C:\ccenv\node;;%B%;C:\new' }
        Remove-CcenvUserPathWindows
        $script:Written[-1].Value | Should -BeExactly 'C:\a;;%B%;C:\new'
    }

    It 'a PATH that would pass 32767 characters is refused with exit 8 and not written, never cut' {
        $script:Stored = @{ Kind = [Microsoft.Win32.RegistryValueKind]::ExpandString; Value = ('C:\' + ('x' * 32755)) }
        { Add-CcenvUserPathWindows 'C:\Users\dev\AppData\Local\ccenv\node' } | Should -Throw
        $State.StopCode | Should -Be 8
        $script:Written.Count | Should -Be 0
    }

    It 'CCENV_NO_MODIFY_PATH=1 leaves the registry alone but puts the folder on this session''s PATH' {
        $script:Stored = @{ Kind = [Microsoft.Win32.RegistryValueKind]::ExpandString; Value = 'C:\a' }
        $saved = $env:PATH
        try {
            $env:CCENV_NO_MODIFY_PATH = '1'
            Add-CcenvPath 'C:\ccenv\node'
            $env:PATH.StartsWith('C:\ccenv\node' + [IO.Path]::PathSeparator) | Should -BeTrue
            $script:Written.Count | Should -Be 0
        }
        finally {
            $env:PATH = $saved
            Remove-Item Env:\CCENV_NO_MODIFY_PATH
        }
    }
}

Describe 'the execution policy a new window gets' {
    BeforeAll {
        # What Get-ExecutionPolicy -List returns: every scope, Undefined unless set.
        function New-PolicyList([hashtable]$Set) {
            foreach ($scope in @('MachinePolicy', 'UserPolicy', 'Process', 'CurrentUser', 'LocalMachine')) {
                $p = 'Undefined'
                if ($Set.ContainsKey($scope)) {
                    $p = $Set[$scope]
                }
                [pscustomobject]@{ Scope = $scope; ExecutionPolicy = $p }
            }
        }
    }
    BeforeEach {
        Mock Get-CcenvProductType { 'WinNT' }
        Mock Test-CcenvWindowsPowerShell { $true }
    }

    It 'powershell -ExecutionPolicy Bypass on a default Windows 11: Process says Bypass, a new window says Restricted' {
        Get-CcenvNewWindowPolicy @(New-PolicyList @{ Process = 'Bypass' }) | Should -Be 'Restricted'
    }
    It 'Group Policy wins over everything: <Expected>' -ForEach @(
        @{ Set = @{ MachinePolicy = 'AllSigned'; CurrentUser = 'RemoteSigned' }; Expected = 'AllSigned' }
        @{ Set = @{ UserPolicy = 'Restricted'; LocalMachine = 'Unrestricted' }; Expected = 'Restricted' }
        @{ Set = @{ CurrentUser = 'RemoteSigned'; LocalMachine = 'Restricted'; Process = 'Bypass' }; Expected = 'RemoteSigned' }
        @{ Set = @{ LocalMachine = 'Bypass' }; Expected = 'Bypass' }
    ) {
        Get-CcenvNewWindowPolicy @(New-PolicyList $Set) | Should -Be $Expected
    }
    It 'undefined everywhere on Windows Server, or in pwsh: RemoteSigned' {
        Mock Get-CcenvProductType { 'ServerNT' }
        Get-CcenvNewWindowPolicy @(New-PolicyList @{}) | Should -Be 'RemoteSigned'
        Mock Get-CcenvProductType { 'WinNT' }
        Mock Test-CcenvWindowsPowerShell { $false }
        Get-CcenvNewWindowPolicy @(New-PolicyList @{}) | Should -Be 'RemoteSigned'
    }
    It 'a blocking policy is explained, an allowing one is not' {
        Mock Write-CcenvWarn { }
        Mock Get-ExecutionPolicy { New-PolicyList @{ Process = 'Bypass' } }
        Test-CcenvExecutionPolicy
        Should -Invoke Write-CcenvWarn -Times 1 -Exactly -ParameterFilter { $Id -eq 'ps_execution_policy' -and $Values[0] -eq 'Restricted' }
        Mock Get-ExecutionPolicy { New-PolicyList @{ CurrentUser = 'RemoteSigned' } }
        Test-CcenvExecutionPolicy
        Should -Invoke Write-CcenvWarn -Times 1 -Exactly
    }
}

Describe 'the architecture of the Node.js build' {
    BeforeEach {
        $State = @{ StopCode = $null }
        $saved = @{ A = $env:PROCESSOR_ARCHITECTURE; W = $env:PROCESSOR_ARCHITEW6432 }
    }
    AfterEach {
        $env:PROCESSOR_ARCHITECTURE = $saved.A
        $env:PROCESSOR_ARCHITEW6432 = $saved.W
    }
    It '<Name> -> <Expected>' -ForEach @(
        @{ Name = 'x64 PowerShell emulated on ARM64 (environment says AMD64)'; Native = 'ARM64'; Env = 'AMD64'; Wow = $null; Expected = 'arm64' }
        @{ Name = 'native ARM64'; Native = 'ARM64'; Env = 'ARM64'; Wow = $null; Expected = 'arm64' }
        @{ Name = 'x64'; Native = 'AMD64'; Env = 'AMD64'; Wow = $null; Expected = 'x64' }
        @{ Name = '32-bit PowerShell on x64 (WOW64), registry unreadable'; Native = ''; Env = 'x86'; Wow = 'AMD64'; Expected = 'x64' }
    ) {
        Mock Get-CcenvNativeArchName { $Native }
        $env:PROCESSOR_ARCHITECTURE = $Env
        $env:PROCESSOR_ARCHITEW6432 = $Wow
        Get-CcenvArch | Should -Be $Expected
    }
    It 'a 32-bit Windows is exit 6' {
        Mock Get-CcenvNativeArchName { 'x86' }
        Mock Write-CcenvWarn { }
        { Get-CcenvArch } | Should -Throw
        $State.StopCode | Should -Be 6
    }
}

Describe 'the node junction' {
    It 'is a junction to the release folder (no admin rights needed), first of all' {
        Mock New-Item { }
        # No old link here: [IO.Directory]::Delete of one runs on Windows, in the workflow.
        Mock Get-Item { $null } -ParameterFilter { $LiteralPath -like '*\node' }
        Set-CcenvNodeLink 'C:\ccenv\node' 'C:\ccenv\node-v22.23.3-win-x64'
        Should -Invoke New-Item -Times 1 -Exactly -ParameterFilter { $ItemType -eq 'Junction' -and $Path -eq 'C:\ccenv\node' -and $Target -eq 'C:\ccenv\node-v22.23.3-win-x64' }
    }
}
