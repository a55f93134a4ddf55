& {
    $a = "never closed
    Write-Host $a
}
