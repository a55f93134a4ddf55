& {
    Write-Host "智谱"
}
