& {
    Expand-Archive -Path a.zip -DestinationPath b
}
