# Loads a generated install.ps1's definitions for in-process tests, without running it: its
# functions and the plain assignments they rely on ($Messages, exit codes, $State …), taken from the
# script block `& { … } @args` by the PowerShell parser. Use: . (Import-CcenvInstaller -Path $file)
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
    $parts = New-Object System.Collections.Generic.List[string]
    foreach ($statement in $block.ScriptBlock.EndBlock.Statements) {
        $isFunction = $statement -is [System.Management.Automation.Language.FunctionDefinitionAst]
        $isAssignment = $statement -is [System.Management.Automation.Language.AssignmentStatementAst]
        if ($isFunction -or $isAssignment) {
            $parts.Add($statement.Extent.Text)
        }
    }
    if ($parts.Count -lt 20) {
        throw "install.ps1 yielded only $($parts.Count) definitions"
    }
    return [scriptblock]::Create(($parts -join "`n"))
}
