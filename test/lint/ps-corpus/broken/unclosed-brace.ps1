& {
    if ($x) {
        Write-Host "x"
    
}
