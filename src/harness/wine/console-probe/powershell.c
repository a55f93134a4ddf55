/*
 * powershell.exe stand-in for the one Wine test that shows curl's progress bar: Wine's powershell is
 * a stub that prints nothing. Answers only what install.cmd asks before a download,
 * `-Command [Console]::IsErrorRedirected` (and IsOutputRedirected), the way .NET decides it: a handle
 * is redirected unless it is a character device on which GetConsoleMode succeeds. Anything else is
 * exit 1, so install.cmd's other PowerShell uses (the hidden prompt) see no PowerShell at all.
 */
#include <stdio.h>
#include <wchar.h>
#include <windows.h>

static int redirected(DWORD which) {
  HANDLE h = GetStdHandle(which);
  DWORD mode;
  if (h == NULL || h == INVALID_HANDLE_VALUE) return 1;
  if ((GetFileType(h) & FILE_TYPE_CHAR) != FILE_TYPE_CHAR) return 1;
  return !GetConsoleMode(h, &mode);
}

int wmain(int argc, wchar_t **argv) {
  const wchar_t *command = NULL;
  for (int i = 1; i < argc; i++) {
    if (_wcsicmp(argv[i], L"-Command") == 0 && i + 1 < argc) command = argv[++i];
    else if (_wcsicmp(argv[i], L"-NoProfile") != 0 && _wcsicmp(argv[i], L"-NonInteractive") != 0) return 1;
  }
  if (!command) return 1;
  int answer;
  if (_wcsicmp(command, L"[Console]::IsErrorRedirected") == 0) answer = redirected(STD_ERROR_HANDLE);
  else if (_wcsicmp(command, L"[Console]::IsOutputRedirected") == 0) answer = redirected(STD_OUTPUT_HANDLE);
  else return 1;
  fputs(answer ? "True\r\n" : "False\r\n", stdout);
  return 0;
}
