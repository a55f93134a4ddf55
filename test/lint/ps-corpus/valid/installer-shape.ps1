# The shape of a generated install.ps1: parameters, one script block, functions, try and finally.
param(
    [switch]$Yes,
    [switch]$Uninstall
)
& {
    Set-StrictMode -Version 2
    $ErrorActionPreference = 'Stop'
    $ProgressPreference = 'SilentlyContinue'
    function Exit-CcenvFileMode {
        param([int]$Code)
        exit $Code
    }
    function Get-CcenvText {
        param([string]$Escaped)
        return [regex]::Unescape($Escaped)
    }
    $name = Get-CcenvText '\u667a\u8c31 GLM'
    $settings = @{
        ANTHROPIC_BASE_URL = 'https://open.bigmodel.cn/api/anthropic'
        API_TIMEOUT_MS = '3000000'
    }
    try {
        if ($PSVersionTable.PSVersion.Major -lt 6) {
            [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
        }
        elseif ($Yes) {
            Write-Host 'yes'
        }
        else {
            Write-Host "no $name"
        }
        switch ($env:PROCESSOR_ARCHITECTURE) {
            'ARM64' {
                $arch = 'arm64'
            }
            default {
                $arch = 'x64'
            }
        }
        foreach ($k in $settings.Keys) {
            Write-Host ('{0}={1}' -f $k, $settings[$k])
        }
        $js = @'
const fs = require('fs');
console.log("it's a here-string");
'@
        # a bare - argument trips the grammar (valid PowerShell): the templates quote it
        $js | & node '-' --flag
    }
    finally {
        Remove-Item Env:\CCENV_API_KEY -ErrorAction SilentlyContinue
    }
}
