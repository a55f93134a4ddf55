& {
    $key = [Microsoft.Win32.Registry]::CurrentUser.OpenSubKey('Environment', $true)
    $old = $key.GetValue('Path', '', [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
    $kind = [Microsoft.Win32.RegistryValueKind]::ExpandString
    $parts = @($old -split ';' | Where-Object { $_ -ne '' })
    if ($parts -notcontains '%LOCALAPPDATA%\ccenv\node') {
        $key.SetValue('Path', (@('%LOCALAPPDATA%\ccenv\node') + $parts) -join ';', $kind)
    }
    $key.Close()
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [System.IO.Compression.ZipFile]::ExtractToDirectory('a.zip', 'out')
    $hash = (Get-FileHash -Algorithm SHA256 -LiteralPath 'a.zip').Hash.ToLowerInvariant()
    Write-Output $hash
}
