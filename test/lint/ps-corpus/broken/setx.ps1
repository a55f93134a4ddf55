& {
    setx PATH "$env:PATH;C:\\x"
}
