/*
 * curl.exe stand-in for the Wine tests: Wine has no curl.exe, and the tests have no network.
 * Accepts the options install.cmd passes to Windows' own curl and serves the URL from a fixture
 * folder: scheme://host[:port]/a/b -> %CCENV_SHIM_SITES%\host\a\b. Exit codes and messages follow
 * curl's, so the installer's error paths see what they would on Windows. Each request is appended
 * to %CCENV_SHIM_LOG% as "<url> <status>\n" (200, 404, or curl's exit code).
 */
#include <fcntl.h>
#include <io.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>
#include <windows.h>

static int opt_fail, opt_silent, opt_show_error;
/* Protocols --proto leaves allowed (curl's default is all of them). */
static int allow_http = 1, allow_https = 1;

/* Errors are printed unless -s without -S, as curl does. */
static void err(const wchar_t *fmt, ...) {
  if (opt_silent && !opt_show_error) return;
  va_list ap;
  va_start(ap, fmt);
  vfwprintf(stderr, fmt, ap);
  va_end(ap);
  fputwc(L'\n', stderr);
}

static void log_request(const wchar_t *url, int status) {
  const wchar_t *file = _wgetenv(L"CCENV_SHIM_LOG");
  if (!file || !*file) return;
  FILE *f = _wfopen(file, L"ab");
  if (!f) return;
  char buf[8192];
  int n = WideCharToMultiByte(CP_UTF8, 0, url, -1, buf, sizeof buf, NULL, NULL);
  fprintf(f, "%s %d\n", n > 0 ? buf : "?", status);
  fclose(f);
}

/* curl's --proto syntax: comma-separated names, each optionally prefixed by + (add), - (remove)
 * or = (allow only these); "all" names every protocol. Unknown names are ignored, like curl. */
static void parse_proto(const wchar_t *spec) {
  wchar_t *copy = _wcsdup(spec), *next;
  for (wchar_t *tok = copy; tok; tok = next) {
    next = wcschr(tok, L',');
    if (next) *next++ = 0;
    wchar_t op = L'+';
    while (*tok == L'+' || *tok == L'-' || *tok == L'=') op = *tok++;
    int http = _wcsicmp(tok, L"http") == 0 || _wcsicmp(tok, L"all") == 0;
    int https = _wcsicmp(tok, L"https") == 0 || _wcsicmp(tok, L"all") == 0;
    if (op == L'=') allow_http = allow_https = 0;
    if (op == L'-') {
      if (http) allow_http = 0;
      if (https) allow_https = 0;
    } else {
      if (http) allow_http = 1;
      if (https) allow_https = 1;
    }
  }
  free(copy);
}

static int is_number(const wchar_t *s) {
  if (!s || !*s) return 0;
  for (; *s; s++)
    if (*s < L'0' || *s > L'9') return 0;
  return 1;
}

/* Copies `in` to `out` in binary; 0 on success, 23 when writing fails. */
static int copy_stream(FILE *in, FILE *out) {
  static char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, n, out) != n) return 23;
  return ferror(in) ? 23 : 0;
}

static FILE *open_output(const wchar_t *output) {
  if (!output) return stdout;
  return _wfopen(output, L"wb");
}

static int write_body(const wchar_t *output, FILE *in, const char *text) {
  FILE *out = open_output(output);
  if (!out) {
    err(L"curl: (23) Failure writing output to destination");
    return 23;
  }
  int rc = in ? copy_stream(in, out) : (fputs(text, out) < 0 ? 23 : 0);
  if (fflush(out) != 0) rc = 23;
  if (out != stdout && fclose(out) != 0) rc = 23;
  if (rc) err(L"curl: (23) Failure writing output to destination");
  return rc;
}

static int usage_error(const wchar_t *fmt, const wchar_t *arg) {
  fwprintf(stderr, fmt, arg);
  fwprintf(stderr, L"\ncurl: try 'curl --help' for more information\n");
  return 2;
}

int wmain(int argc, wchar_t **argv) {
  const wchar_t *output = NULL, *url = NULL;
  int revoke_best_effort = 0;
  _setmode(_fileno(stdout), _O_BINARY);

  for (int i = 1; i < argc; i++) {
    const wchar_t *a = argv[i];
    if (wcscmp(a, L"--proto") == 0 || wcscmp(a, L"--retry") == 0 || wcscmp(a, L"--connect-timeout") == 0 ||
        wcscmp(a, L"--output") == 0) {
      if (i + 1 >= argc) return usage_error(L"curl: option %ls: requires parameter", a);
      const wchar_t *v = argv[++i];
      if (wcscmp(a, L"--proto") == 0) parse_proto(v);
      else if (wcscmp(a, L"--output") == 0) output = v;
      else if (!is_number(v)) return usage_error(L"curl: option %ls: expected a proper numerical parameter", a);
    } else if (wcscmp(a, L"--fail") == 0) {
      opt_fail = 1;
    } else if (wcscmp(a, L"--silent") == 0) {
      opt_silent = 1;
    } else if (wcscmp(a, L"--show-error") == 0) {
      opt_show_error = 1;
    } else if (wcscmp(a, L"--ssl-revoke-best-effort") == 0) {
      revoke_best_effort = 1;
    } else if (wcscmp(a, L"--tlsv1.2") == 0 || wcscmp(a, L"--location") == 0) {
      /* nothing to do without a network: no TLS, and the fixtures have no redirects */
    } else if (a[0] == L'-' && a[1] == L'-') {
      return usage_error(L"curl: option %ls: is unknown", a);
    } else if (a[0] == L'-' && a[1]) {
      /* Short options, possibly bundled (-fsSL, -fsSLo FILE). */
      for (const wchar_t *p = a + 1; *p; p++) {
        if (*p == L'f') opt_fail = 1;
        else if (*p == L's') opt_silent = 1;
        else if (*p == L'S') opt_show_error = 1;
        else if (*p == L'L') ;
        else if (*p == L'o') {
          if (p[1]) output = p + 1;
          else if (i + 1 < argc) output = argv[++i];
          else return usage_error(L"curl: option %ls: requires parameter", a);
          break;
        } else {
          wchar_t opt[3] = {L'-', *p, 0};
          return usage_error(L"curl: option %ls: is unknown", opt);
        }
      }
    } else if (!url) {
      url = a;
    } else {
      return usage_error(L"curl: this stand-in fetches one URL per call; extra: %ls", a);
    }
  }
  if (!url) return usage_error(L"curl: no URL specified%ls", L"");

  /* scheme://host[:port]/path; query and fragment play no part in choosing the file. */
  const wchar_t *sep = wcsstr(url, L"://");
  if (!sep) {
    err(L"curl: (3) URL rejected: No scheme part in %ls", url);
    log_request(url, 3);
    return 3;
  }
  size_t scheme_len = sep - url;
  int https = scheme_len == 5 && _wcsnicmp(url, L"https", 5) == 0;
  int http = scheme_len == 4 && _wcsnicmp(url, L"http", 4) == 0;
  if ((!http && !https) || (http && !allow_http) || (https && !allow_https)) {
    err(L"curl: (1) Protocol \"%.*ls\" not supported or disabled in libcurl", (int)scheme_len, url);
    log_request(url, 1);
    return 1;
  }
  const wchar_t *host = sep + 3;
  size_t host_len = wcscspn(host, L":/?#");
  const wchar_t *path = host + host_len;
  if (*path == L':') path += wcscspn(path, L"/?#");
  size_t path_len = wcscspn(path, L"?#");

  /* The host and path become a file name: refuse anything that could leave the fixture folder. */
  int bad = host_len == 0;
  for (size_t k = 0; k < host_len; k++)
    if (!iswalnum(host[k]) && host[k] != L'.' && host[k] != L'-') bad = 1;
  if (host_len == 2 && host[0] == L'.' && host[1] == L'.') bad = 1;
  for (size_t k = 0; k < path_len; k++)
    if (path[k] == L'\\' || path[k] == L':') bad = 1;
  for (size_t k = 0; k + 1 < path_len; k++) /* a ".." segment */
    if (path[k] == L'.' && path[k + 1] == L'.' && (k == 0 || path[k - 1] == L'/') && (k + 2 == path_len || path[k + 2] == L'/')) bad = 1;
  if (bad) {
    err(L"curl: (3) URL rejected: Malformed input to a URL function");
    log_request(url, 3);
    return 3;
  }

  /* A network where the certificate's revocation lists cannot be reached, as Windows' schannel
     curl reports it (CCENV_SHIM_REVOCATION_OFFLINE=1): only --ssl-revoke-best-effort gets past. */
  const wchar_t *offline = _wgetenv(L"CCENV_SHIM_REVOCATION_OFFLINE");
  if (https && offline && wcscmp(offline, L"1") == 0 && !revoke_best_effort) {
    err(L"curl: (35) schannel: next InitializeSecurityContext failed: Unknown error (0x80092012) - The revocation function was unable to check revocation for the certificate.");
    log_request(url, 35);
    return 35;
  }

  const wchar_t *sites = _wgetenv(L"CCENV_SHIM_SITES");
  if (!sites || !*sites) {
    err(L"curl: (6) Could not resolve host: %.*ls (CCENV_SHIM_SITES is not set)", (int)host_len, host);
    log_request(url, 6);
    return 6;
  }
  size_t cap = wcslen(sites) + host_len + path_len + 4;
  wchar_t *site = malloc(cap * sizeof(wchar_t)), *file = malloc(cap * sizeof(wchar_t));
  swprintf(site, cap, L"%ls\\%.*ls", sites, (int)host_len, host);
  /* A host without a fixture folder does not exist, as far as this curl can tell. */
  DWORD attr = GetFileAttributesW(site);
  if (attr == INVALID_FILE_ATTRIBUTES || !(attr & FILE_ATTRIBUTE_DIRECTORY)) {
    err(L"curl: (6) Could not resolve host: %.*ls", (int)host_len, host);
    log_request(url, 6);
    return 6;
  }
  swprintf(file, cap, L"%ls%.*ls", site, (int)path_len, path);
  for (wchar_t *p = file + wcslen(site); *p; p++)
    if (*p == L'/') *p = L'\\';

  attr = GetFileAttributesW(file);
  FILE *in = attr != INVALID_FILE_ATTRIBUTES && !(attr & FILE_ATTRIBUTE_DIRECTORY) ? _wfopen(file, L"rb") : NULL;
  if (!in) {
    log_request(url, 404);
    if (opt_fail) {
      err(L"curl: (22) The requested URL returned error: 404");
      return 22;
    }
    return write_body(output, NULL, "404 Not Found\n");
  }
  int rc = write_body(output, in, NULL);
  fclose(in);
  log_request(url, rc ? rc : 200);
  return rc;
}
