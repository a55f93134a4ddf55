& {
    Write-Host "done"
    exit 3
}
