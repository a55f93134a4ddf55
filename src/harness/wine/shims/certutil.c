/*
 * certutil.exe stand-in for the Wine tests: Wine's certutil is a stub that prints nothing. Implements
 * the one call install.cmd makes, `certutil -hashfile FILE SHA256`, printing what Windows 10's
 * certutil prints (name line, lowercase hex, completion line; CRLF). Failures print certutil's
 * "command FAILED" lines and exit with the HRESULT, as the real one does.
 */
#include <fcntl.h>
#include <io.h>
#include <stdarg.h>
#include <stdio.h>
#include <wchar.h>
#include <windows.h>
#include <bcrypt.h>

/* stdout in the console's code page, as certutil writes it (the test reads ASCII anyway). */
static void out(FILE *f, const wchar_t *fmt, ...) {
  wchar_t wbuf[8192];
  char buf[32768];
  va_list ap;
  va_start(ap, fmt);
  _vsnwprintf(wbuf, 8191, fmt, ap);
  va_end(ap);
  wbuf[8191] = 0;
  UINT cp = GetConsoleOutputCP();
  int n = WideCharToMultiByte(cp ? cp : GetOEMCP(), 0, wbuf, -1, buf, sizeof buf, NULL, NULL);
  if (n > 1) fwrite(buf, 1, n - 1, f);
}

static int failed(HRESULT hr, const wchar_t *symbol, const wchar_t *text) {
  out(stdout, L"CertUtil: -hashfile command FAILED: 0x%08lx (%ls)\r\n", (unsigned long)hr, symbol);
  out(stdout, L"CertUtil: %ls\r\n", text);
  return (int)hr;
}

static int win32_failed(DWORD code) {
  HRESULT hr = HRESULT_FROM_WIN32(code);
  switch (code) {
  case ERROR_FILE_NOT_FOUND: return failed(hr, L"WIN32: 2 ERROR_FILE_NOT_FOUND", L"The system cannot find the file specified.");
  case ERROR_PATH_NOT_FOUND: return failed(hr, L"WIN32: 3 ERROR_PATH_NOT_FOUND", L"The system cannot find the path specified.");
  case ERROR_ACCESS_DENIED: return failed(hr, L"WIN32: 5 ERROR_ACCESS_DENIED", L"Access is denied.");
  default: {
    wchar_t symbol[64];
    swprintf(symbol, 64, L"WIN32: %lu", code);
    return failed(hr, symbol, L"The -hashfile command failed.");
  }
  }
}

int wmain(int argc, wchar_t **argv) {
  _setmode(_fileno(stdout), _O_BINARY); /* the CRLFs are written explicitly */
  /* The verb may be spelled -hashfile or /hashfile, in any case; the algorithm name too. */
  if (argc < 2 || (_wcsicmp(argv[1], L"-hashfile") != 0 && _wcsicmp(argv[1], L"/hashfile") != 0)) {
    out(stdout, L"CertUtil: Unknown arg: %ls\r\n", argc < 2 ? L"" : argv[1]);
    out(stdout, L"CertUtil: this stand-in only implements -hashfile FILE SHA256\r\n");
    return (int)E_INVALIDARG;
  }
  if (argc < 3 || argc > 4) {
    out(stdout, L"CertUtil: -hashfile command FAILED: 0x80070057 (WIN32: 87 ERROR_INVALID_PARAMETER)\r\n");
    out(stdout, L"CertUtil: The parameter is incorrect.\r\n");
    return (int)E_INVALIDARG;
  }
  const wchar_t *file = argv[2];
  /* Real certutil defaults to SHA1 and knows MD5/SHA384/...; the installer only uses SHA256. */
  if (argc < 4 || _wcsicmp(argv[3], L"SHA256") != 0)
    return failed(NTE_BAD_ALGID, L"-2146893816 NTE_BAD_ALGID", L"Invalid algorithm specified. (this stand-in knows SHA256 only)");

  HANDLE h = CreateFileW(file, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
  if (h == INVALID_HANDLE_VALUE) return win32_failed(GetLastError());

  BCRYPT_ALG_HANDLE alg;
  BCRYPT_HASH_HANDLE hash;
  DWORD obj_len = 0, got = 0;
  if (!BCRYPT_SUCCESS(BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA256_ALGORITHM, NULL, 0)) ||
      !BCRYPT_SUCCESS(BCryptGetProperty(alg, BCRYPT_OBJECT_LENGTH, (PUCHAR)&obj_len, sizeof obj_len, &got, 0)))
    return failed(NTE_BAD_ALGID, L"-2146893816 NTE_BAD_ALGID", L"SHA256 is not available from BCrypt.");
  PUCHAR obj = HeapAlloc(GetProcessHeap(), 0, obj_len);
  if (!obj || !BCRYPT_SUCCESS(BCryptCreateHash(alg, &hash, obj, obj_len, NULL, 0, 0)))
    return failed(E_FAIL, L"E_FAIL", L"Could not create the hash.");

  static UCHAR buf[1 << 16];
  DWORD n;
  for (;;) {
    if (!ReadFile(h, buf, sizeof buf, &n, NULL)) return win32_failed(GetLastError());
    if (n == 0) break;
    if (!BCRYPT_SUCCESS(BCryptHashData(hash, buf, n, 0))) return failed(E_FAIL, L"E_FAIL", L"Hashing failed.");
  }
  CloseHandle(h);
  UCHAR digest[32];
  if (!BCRYPT_SUCCESS(BCryptFinishHash(hash, digest, sizeof digest, 0))) return failed(E_FAIL, L"E_FAIL", L"Hashing failed.");
  BCryptDestroyHash(hash);
  BCryptCloseAlgorithmProvider(alg, 0);

  wchar_t hex[65];
  for (int i = 0; i < 32; i++) swprintf(hex + 2 * i, 3, L"%02x", digest[i]);
  out(stdout, L"SHA256 hash of %ls:\r\n%ls\r\nCertUtil: -hashfile command completed successfully.\r\n", file, hex);
  return 0;
}
