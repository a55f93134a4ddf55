/*
 * curl.exe stand-in for the Wine tests: Wine has no curl.exe, and the tests have no network.
 * Accepts the options install.cmd passes to Windows' own curl and serves the URL from a fixture
 * folder: scheme://host[:port]/a/b -> %CCENV_SHIM_SITES%\host\a\b. Exit codes and messages follow
 * curl's, so the installer's error paths see what they would on Windows. Each request is appended
 * to %CCENV_SHIM_LOG% as "<url> <status>\n" (200, 206, 404, or curl's exit code).
 *
 * With CCENV_SHIM_NET=<ip>:<port> it fetches over a real TCP connection instead: plain HTTP/1.1 to
 * that address (the test's loopback fixture server; TLS is not what these tests are about) with the
 * URL's host in the Host header, for the hosts listed in CCENV_SHIM_NET_HOSTS (comma-separated; any
 * other host does not resolve, exit 6). It then keeps curl's limits as Windows' curl.exe does:
 * --connect-timeout (exit 28), --speed-limit/--speed-time (exit 28 "Operation too slow"), a body cut
 * short (exit 18), a reset (exit 56), -f on HTTP >= 400 (exit 22), and -C - resuming with a Range
 * request (exit 33 when the server answers 200 instead of 206). -w prints %{http_code},
 * %{size_download} and %{time_connect} after the transfer, on failure too; -# draws a progress bar.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <fcntl.h>
#include <io.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>
#include <windows.h>

static int opt_fail, opt_silent, opt_show_error, opt_bar, opt_resume;
static long connect_timeout = 300, speed_limit = 1, speed_time = 0;
static const wchar_t *write_out;
/* What -w reports. */
static int http_code;
static long long size_download;
static double time_connect;
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

/* -w: the variables install.cmd reads, printed once the transfer is over (on failure too, as curl does). */
static void print_write_out(void) {
  if (!write_out) return;
  for (const wchar_t *p = write_out; *p; p++) {
    if (p[0] == L'%' && p[1] == L'{') {
      const wchar_t *end = wcschr(p, L'}');
      if (end) {
        size_t n = end - p - 2;
        if (n == 9 && wcsncmp(p + 2, L"http_code", n) == 0) printf("%03d", http_code);
        else if (n == 13 && wcsncmp(p + 2, L"size_download", n) == 0) printf("%lld", size_download);
        else if (n == 12 && wcsncmp(p + 2, L"time_connect", n) == 0) printf("%.6f", time_connect);
        p = end;
        continue;
      }
    }
    if (p[0] == L'\\' && p[1] == L'n') {
      putchar('\n');
      p++;
      continue;
    }
    putchar((char)*p);
  }
  fflush(stdout);
}

static double now_s(void) {
  static LARGE_INTEGER freq;
  LARGE_INTEGER c;
  if (!freq.QuadPart) QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&c);
  return (double)c.QuadPart / (double)freq.QuadPart;
}

static long long file_size(const wchar_t *name) {
  WIN32_FILE_ATTRIBUTE_DATA d;
  if (!name || !GetFileAttributesExW(name, GetFileExInfoStandard, &d)) return 0;
  return ((long long)d.nFileSizeHigh << 32) | d.nFileSizeLow;
}

/* -#: curl's bar, redrawn in place on stderr at most five times a second. */
static int bar_drawn;
static double bar_last;
static void draw_bar(long long have, long long total, int force) {
  if (!opt_bar || opt_silent) return;
  double t = now_s();
  if (!force && t - bar_last < 0.2) return;
  bar_last = t;
  bar_drawn = 1;
  if (total > 0) {
    double pct = 100.0 * (double)have / (double)total;
    int width = 72, fill = (int)(width * pct / 100.0);
    char line[128];
    memset(line, ' ', width);
    memset(line, '#', fill > width ? width : fill);
    line[width] = 0;
    fprintf(stderr, "\r%s %5.1f%%", line, pct);
  } else {
    fprintf(stderr, "\r%lld bytes", have);
  }
  fflush(stderr);
}
static void end_bar(void) {
  if (bar_drawn) fputc('\n', stderr);
  bar_drawn = 0;
}

/* Copies `in` to `out` in binary; 0 on success, 23 when writing fails. */
static int copy_stream(FILE *in, FILE *out) {
  static char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
    if (fwrite(buf, 1, n, out) != n) return 23;
    size_download += n;
  }
  return ferror(in) ? 23 : 0;
}

static FILE *open_output(const wchar_t *output, int append) {
  if (!output) return stdout;
  return _wfopen(output, append ? L"ab" : L"wb");
}

static int write_body(const wchar_t *output, FILE *in, const char *text, int append) {
  FILE *out = open_output(output, append);
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

/* curl's low-speed check: the rate over the last (up to) five seconds, and how long it has been
 * below --speed-limit; 1 when that has lasted --speed-time seconds. */
static double samples_t[6];
static long long samples_b[6];
static int samples_n;
static double slow_since = -1;
static int too_slow(double t, long long bytes) {
  if (speed_time <= 0) return 0;
  if (samples_n == 0 || t - samples_t[(samples_n - 1) % 6] >= 1.0) {
    samples_t[samples_n % 6] = t;
    samples_b[samples_n % 6] = bytes;
    samples_n++;
  }
  int oldest = samples_n > 6 ? samples_n - 6 : 0;
  double span = t - samples_t[oldest % 6];
  double rate = span > 0 ? (double)(bytes - samples_b[oldest % 6]) / span : (double)speed_limit;
  if (rate >= (double)speed_limit) {
    slow_since = -1;
    return 0;
  }
  if (slow_since < 0) slow_since = t;
  return t - slow_since >= (double)speed_time;
}

/* The fetch over TCP (CCENV_SHIM_NET): returns curl's exit code; -w's values are set on the way. */
static int net_fetch(const wchar_t *url, const wchar_t *host, size_t host_len, const wchar_t *target, int port, const wchar_t *output) {
  const wchar_t *addr_spec = _wgetenv(L"CCENV_SHIM_NET");
  char addr[64] = {0};
  WideCharToMultiByte(CP_UTF8, 0, addr_spec, -1, addr, sizeof addr - 1, NULL, NULL);
  char *colon = strrchr(addr, ':');
  if (!colon) return usage_error(L"curl: CCENV_SHIM_NET is not <ip>:<port>: %ls", addr_spec);
  *colon = 0;
  WSADATA wsa;
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return usage_error(L"curl: WSAStartup failed%ls", L"");
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_port = htons((u_short)atoi(colon + 1));
  sa.sin_addr.s_addr = inet_addr(addr);

  double t0 = now_s();
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  u_long nonblocking = 1;
  ioctlsocket(s, FIONBIO, &nonblocking);
  connect(s, (struct sockaddr *)&sa, sizeof sa);
  fd_set wr, ex;
  FD_ZERO(&wr);
  FD_ZERO(&ex);
  FD_SET(s, &wr);
  FD_SET(s, &ex);
  struct timeval tv = {connect_timeout, 0};
  int ready = select(0, NULL, &wr, &ex, &tv);
  long ms = (long)((now_s() - t0) * 1000);
  if (ready == 0) {
    closesocket(s);
    err(L"curl: (28) Failed to connect to %.*ls port %d after %ld ms: Timeout was reached", (int)host_len, host, port, ms);
    return 28;
  }
  if (ready < 0 || FD_ISSET(s, &ex)) {
    closesocket(s);
    err(L"curl: (7) Failed to connect to %.*ls port %d after %ld ms: Couldn't connect to server", (int)host_len, host, port, ms);
    return 7;
  }
  time_connect = now_s() - t0;

  long long offset = opt_resume ? file_size(output) : 0;
  char req[8192];
  char h8[512], t8[4096];
  int hn = WideCharToMultiByte(CP_UTF8, 0, host, (int)host_len, h8, sizeof h8 - 1, NULL, NULL);
  h8[hn > 0 ? hn : 0] = 0;
  WideCharToMultiByte(CP_UTF8, 0, *target ? target : L"/", -1, t8, sizeof t8, NULL, NULL);
  char range[64] = "";
  if (offset > 0) snprintf(range, sizeof range, "Range: bytes=%lld-\r\n", offset);
  int rn = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: curl/8.9.1 (ccenv wine shim)\r\nAccept: */*\r\n%sConnection: close\r\n\r\n",
                    t8, h8, range);
  send(s, req, rn, 0);

  static char buf[65536];
  char head[16384];
  size_t head_len = 0;
  int in_body = 0;
  long long content_length = -1, got = 0, total = -1;
  FILE *out = NULL;
  int rc = 0;
  for (;;) {
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(s, &rd);
    struct timeval tick = {0, 200000};
    int r = select(0, &rd, NULL, NULL, &tick);
    double t = now_s();
    if (r == 0) {
      if (too_slow(t, got)) {
        end_bar();
        err(L"curl: (28) Operation too slow. Less than %ld bytes/sec transferred the last %ld seconds", speed_limit, speed_time);
        rc = 28;
        break;
      }
      continue;
    }
    int n = recv(s, buf, sizeof buf, 0);
    if (n < 0) {
      end_bar();
      err(L"curl: (56) Recv failure: Connection was reset");
      rc = 56;
      break;
    }
    if (n == 0) {
      if (!in_body) {
        end_bar();
        err(head_len ? L"curl: (8) Weird server reply" : L"curl: (52) Empty reply from server");
        rc = head_len ? 8 : 52;
      } else if (content_length >= 0 && got < content_length) {
        end_bar();
        err(L"curl: (18) end of response with %lld bytes missing", content_length - got);
        rc = 18;
      }
      break;
    }
    char *data = buf;
    size_t len = (size_t)n;
    if (!in_body) {
      size_t room = sizeof head - 1 - head_len;
      size_t take = len < room ? len : room;
      memcpy(head + head_len, buf, take);
      head_len += take;
      head[head_len] = 0;
      char *end = strstr(head, "\r\n\r\n");
      if (!end) {
        if (head_len >= sizeof head - 1) {
          err(L"curl: (8) Weird server reply");
          rc = 8;
          break;
        }
        continue;
      }
      size_t header_bytes = (size_t)(end + 4 - head);
      /* what came after the header in this read */
      size_t before = head_len - take;
      data = buf + (header_bytes - before);
      len = (size_t)n - (header_bytes - before);
      *end = 0;
      http_code = atoi(head + 9);
      for (char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        if (_strnicmp(line + 2, "content-length:", 15) == 0) content_length = _atoi64(line + 17);
        if (_strnicmp(line + 2, "content-range:", 14) == 0) {
          char *slash = strchr(line + 16, '/');
          if (slash) total = _atoi64(slash + 1);
        }
      }
      in_body = 1;
      if (opt_fail && http_code >= 400) {
        err(L"curl: (22) The requested URL returned error: %d", http_code);
        rc = 22;
        break;
      }
      int append = 0;
      if (offset > 0) {
        if (http_code == 206) append = 1;
        else if (http_code == 200 && content_length == offset) break; /* "The entire document is already downloaded" */
        else if (http_code < 300) {
          err(L"curl: (33) HTTP server doesn't seem to support byte ranges. Cannot resume.");
          rc = 33;
          break;
        }
      }
      if (total < 0 && content_length >= 0) total = (append ? offset : 0) + content_length;
      out = open_output(output, append);
      if (!out) {
        err(L"curl: (23) Failure writing output to destination");
        rc = 23;
        break;
      }
      if (!append) offset = 0;
    }
    if (len > 0) {
      if (fwrite(data, 1, len, out) != len) {
        end_bar();
        err(L"curl: (23) Failure writing output to destination");
        rc = 23;
        break;
      }
      got += (long long)len;
      size_download = got;
    }
    draw_bar(offset + got, total, 0);
    if (content_length >= 0 && got >= content_length) break;
    if (too_slow(t, got)) {
      end_bar();
      err(L"curl: (28) Operation too slow. Less than %ld bytes/sec transferred the last %ld seconds", speed_limit, speed_time);
      rc = 28;
      break;
    }
  }
  if (rc == 0) {
    draw_bar(offset + got, total, 1);
    end_bar();
  }
  if (out && out != stdout && fclose(out) != 0 && rc == 0) {
    err(L"curl: (23) Failure writing output to destination");
    rc = 23;
  }
  closesocket(s);
  log_request(url, rc ? rc : http_code);
  return rc;
}

/* Is `host` one of the comma-separated names in CCENV_SHIM_NET_HOSTS? */
static int net_host(const wchar_t *host, size_t host_len) {
  const wchar_t *list = _wgetenv(L"CCENV_SHIM_NET_HOSTS");
  if (!list) return 0;
  for (const wchar_t *p = list; *p;) {
    size_t n = wcscspn(p, L",");
    if (n == host_len && _wcsnicmp(p, host, n) == 0) return 1;
    p += n;
    if (*p) p++;
  }
  return 0;
}

static int fetch(const wchar_t *url, const wchar_t *output, int revoke_best_effort);

int wmain(int argc, wchar_t **argv) {
  const wchar_t *output = NULL, *url = NULL;
  int revoke_best_effort = 0, limit_given = 0, time_given = 0;
  _setmode(_fileno(stdout), _O_BINARY);

  for (int i = 1; i < argc; i++) {
    const wchar_t *a = argv[i];
    if (wcscmp(a, L"--proto") == 0 || wcscmp(a, L"--retry") == 0 || wcscmp(a, L"--connect-timeout") == 0 ||
        wcscmp(a, L"--output") == 0 || wcscmp(a, L"--speed-limit") == 0 || wcscmp(a, L"--speed-time") == 0 ||
        wcscmp(a, L"--write-out") == 0 || wcscmp(a, L"--continue-at") == 0) {
      if (i + 1 >= argc) return usage_error(L"curl: option %ls: requires parameter", a);
      const wchar_t *v = argv[++i];
      if (wcscmp(a, L"--proto") == 0) parse_proto(v);
      else if (wcscmp(a, L"--output") == 0) output = v;
      else if (wcscmp(a, L"--write-out") == 0) write_out = v;
      else if (wcscmp(a, L"--continue-at") == 0) {
        if (wcscmp(v, L"-") != 0) return usage_error(L"curl: this stand-in resumes with -C - only, not %ls", v);
        opt_resume = 1;
      } else if (!is_number(v)) return usage_error(L"curl: option %ls: expected a proper numerical parameter", a);
      else if (wcscmp(a, L"--connect-timeout") == 0) connect_timeout = wcstol(v, NULL, 10);
      else if (wcscmp(a, L"--speed-limit") == 0) speed_limit = wcstol(v, NULL, 10), limit_given = 1;
      else if (wcscmp(a, L"--speed-time") == 0) speed_time = wcstol(v, NULL, 10), time_given = 1;
    } else if (wcscmp(a, L"--fail") == 0) {
      opt_fail = 1;
    } else if (wcscmp(a, L"--silent") == 0) {
      opt_silent = 1;
    } else if (wcscmp(a, L"--show-error") == 0) {
      opt_show_error = 1;
    } else if (wcscmp(a, L"--progress-bar") == 0) {
      opt_bar = 1;
    } else if (wcscmp(a, L"--ssl-revoke-best-effort") == 0) {
      revoke_best_effort = 1;
    } else if (wcscmp(a, L"--tlsv1.2") == 0 || wcscmp(a, L"--location") == 0) {
      /* nothing to do without TLS, and the fixtures have no redirects */
    } else if (a[0] == L'-' && a[1] == L'-') {
      return usage_error(L"curl: option %ls: is unknown", a);
    } else if (a[0] == L'-' && a[1]) {
      /* Short options, possibly bundled (-fsSL, -fsSLo FILE). */
      for (const wchar_t *p = a + 1; *p; p++) {
        if (*p == L'f') opt_fail = 1;
        else if (*p == L's') opt_silent = 1;
        else if (*p == L'S') opt_show_error = 1;
        else if (*p == L'#') opt_bar = 1;
        else if (*p == L'L') ;
        else if (*p == L'o' || *p == L'w' || *p == L'C') {
          const wchar_t *v = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : NULL);
          if (!v) return usage_error(L"curl: option %ls: requires parameter", a);
          if (*p == L'o') output = v;
          else if (*p == L'w') write_out = v;
          else if (wcscmp(v, L"-") == 0) opt_resume = 1;
          else return usage_error(L"curl: this stand-in resumes with -C - only, not %ls", v);
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
  /* As curl: --speed-limit alone checks over 30 s, --speed-time alone against 1 byte/s. */
  if (limit_given && !time_given) speed_time = 30;
  if (!limit_given && time_given) speed_limit = 1;
  int rc = fetch(url, output, revoke_best_effort);
  print_write_out();
  return rc;
}

static int fetch(const wchar_t *url, const wchar_t *output, int revoke_best_effort) {
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
  /* A TLS-inspecting proxy whose CA is not in the Windows certificate store (CCENV_SHIM_UNTRUSTED=1). */
  const wchar_t *untrusted = _wgetenv(L"CCENV_SHIM_UNTRUSTED");
  if (https && untrusted && wcscmp(untrusted, L"1") == 0) {
    err(L"curl: (60) schannel: SEC_E_UNTRUSTED_ROOT (0x80090325) - The certificate chain was issued by an authority that is not trusted.");
    log_request(url, 60);
    return 60;
  }

  const wchar_t *net = _wgetenv(L"CCENV_SHIM_NET");
  if (net && *net) {
    if (!net_host(host, host_len)) {
      err(L"curl: (6) Could not resolve host: %.*ls", (int)host_len, host);
      log_request(url, 6);
      return 6;
    }
    int port = https ? 443 : 80;
    if (host[host_len] == L':') port = _wtoi(host + host_len + 1);
    size_t target_len = wcscspn(path, L"#");
    wchar_t *target = malloc((target_len + 1) * sizeof(wchar_t));
    wcsncpy(target, path, target_len);
    target[target_len] = 0;
    return net_fetch(url, host, host_len, target, port, output);
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
    http_code = 404;
    if (opt_fail) {
      err(L"curl: (22) The requested URL returned error: 404");
      return 22;
    }
    return write_body(output, NULL, "404 Not Found\n", 0);
  }
  /* -C -: the rest of the file after what the output already holds, as a 206 would bring it. */
  long long offset = opt_resume ? file_size(output) : 0;
  if (offset > 0) _fseeki64(in, offset, SEEK_SET);
  http_code = offset > 0 ? 206 : 200;
  int rc = write_body(output, in, NULL, offset > 0);
  fclose(in);
  log_request(url, rc ? rc : http_code);
  return rc;
}
