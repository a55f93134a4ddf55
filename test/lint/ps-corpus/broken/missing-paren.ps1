& {
    Write-Host ("a" -f 1
}
