# Loads a generated install.ps1's definitions for in-process tests, without running it. The script
# is one block `& { param(...) ... } @args`; from that block's AST (the PowerShell parser) this keeps
#  - every function definition (first, so the assignments below may call them),
#  - the param() switches as variables with their defaults ($Yes = $false ...),
#  - the top-level assignments whose right side calls no command but the script's own functions
#    ($Messages and its entries, exit codes, $State, $OnWindows, $ErrorActionPreference = 'Stop' ...),
# and leaves out everything else: Set-StrictMode, the file-mode check, the call to the main flow.
# It returns a script block; dot-source it so the definitions land in the CALLER's scope:
#   . (Join-Path $PSScriptRoot '..' 'support' 'Import-Installer.ps1')   # from test/pester
#   . (Import-CcenvInstaller -Path $installer)
#   $Lang = 'en'   # set by the main flow, so the caller's to choose
function Import-CcenvInstaller {
    param([Parameter(Mandatory)][string]$Path)
    $tokens = $null
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile((Resolve-Path -LiteralPath $Path).Path, [ref]$tokens, [ref]$errors)
    if ($errors.Count -gt 0) {
        throw "install.ps1 does not parse: $($errors[0].Message) at line $($errors[0].Extent.StartLineNumber)"
    }
    $block = $ast.Find({ param($n) $n -is [System.Management.Automation.Language.ScriptBlockExpressionAst] }, $false)
    if (-not $block) {
        throw 'install.ps1 has no & { ... } script block'
    }
    $body = $block.ScriptBlock
    $statements = @($body.EndBlock.Statements)
    $functions = @($statements | Where-Object { $_ -is [System.Management.Automation.Language.FunctionDefinitionAst] })
    $own = @{}
    foreach ($f in $functions) {
        $own[$f.Name] = $true
    }

    $parts = New-Object System.Collections.Generic.List[string]
    foreach ($f in $functions) {
        $parts.Add($f.Extent.Text)
    }
    if ($body.ParamBlock) {
        foreach ($p in $body.ParamBlock.Parameters) {
            $default = '$null'
            if ($p.DefaultValue) {
                $default = $p.DefaultValue.Extent.Text
            }
            elseif ($p.StaticType -eq [switch]) {
                $default = '$false'
            }
            $parts.Add("$($p.Name.Extent.Text) = $default")
        }
    }
    $assignments = 0
    foreach ($s in $statements) {
        if ($s -isnot [System.Management.Automation.Language.AssignmentStatementAst]) {
            continue
        }
        # A command other than the script's own functions would be the main flow running (or a probe).
        $commands = $s.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)
        $foreign = @($commands | Where-Object { -not $own.ContainsKey([string]$_.GetCommandName()) })
        if ($foreign.Count -eq 0) {
            $parts.Add($s.Extent.Text)
            $assignments++
        }
    }
    if ($functions.Count -lt 10 -or $assignments -lt 10) {
        throw "install.ps1 yielded only $($functions.Count) functions and $assignments assignments"
    }
    return [scriptblock]::Create(($parts -join "`n"))
}
