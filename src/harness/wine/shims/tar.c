/*
 * tar.exe stand-in for the Wine tests: Wine has no tar.exe. Windows' tar is bsdtar, which install.cmd
 * uses to unpack Node's .zip (`tar -xf file.zip -C dir`); this implements that call (and -t) for
 * zip archives only, with bsdtar's messages and exit code 1 on any error. The whole central
 * directory is checked (bounds, names, zip-slip) before anything is written, and every entry's
 * CRC-32 and size are checked, so a truncated or corrupt archive never "succeeds".
 */
#include <fcntl.h>
#include <io.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <zlib.h>

static void die(const wchar_t *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fwprintf(stderr, L"tar.exe: ");
  vfwprintf(stderr, fmt, ap);
  fwprintf(stderr, L"\n");
  va_end(ap);
  exit(1);
}

static uint16_t u16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t u32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

typedef struct {
  wchar_t *name; /* with '\' separators */
  int is_dir;
  uint16_t method;
  uint32_t crc, csize, usize;
  const unsigned char *data;
} Entry;

/* The whole archive in memory: Node's zip is ~35 MB, and bounds checks stay simple. */
static unsigned char *read_archive(const wchar_t *file, size_t *size) {
  FILE *f = _wfopen(file, L"rb");
  if (!f) die(L"Error opening archive: Failed to open '%ls'", file);
  if (_fseeki64(f, 0, SEEK_END) != 0) die(L"Error reading '%ls'", file);
  long long n = _ftelli64(f);
  if (n < 0 || (unsigned long long)n > 0xFFFFFFFFull) die(L"Error opening archive: '%ls' is too large (zip64 is not supported)", file);
  unsigned char *buf = malloc(n ? (size_t)n : 1);
  if (!buf) die(L"Out of memory reading '%ls'", file);
  _fseeki64(f, 0, SEEK_SET);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) die(L"Error reading '%ls'", file);
  fclose(f);
  *size = (size_t)n;
  return buf;
}

/* bsdtar refuses absolute names and ".." components; so does this, for the whole archive. Empty
 * and "." components are dropped in place (the \\?\ paths used for writing would keep them). */
static void normalize_name(wchar_t *name) {
  if (name[0] == L'\\' || wcschr(name, L':')) die(L"%ls: Path is absolute", name);
  wchar_t *orig = _wcsdup(name), *out = name; /* `orig` for messages: `name` is rewritten in place */
  for (const wchar_t *seg = name; *seg;) {
    size_t len = wcscspn(seg, L"\\");
    if (len == 2 && seg[0] == L'.' && seg[1] == L'.') die(L"%ls: Path contains '..'", orig);
    if (len && !(len == 1 && seg[0] == L'.')) {
      if (out != name) *out++ = L'\\';
      memmove(out, seg, len * sizeof(wchar_t));
      out += len;
    }
    seg += len;
    if (*seg) seg++;
  }
  *out = 0;
  free(orig);
}

static Entry *read_directory(const unsigned char *zip, size_t size, uint32_t *count) {
  if (size < 22) die(L"Error opening archive: Unrecognized archive format");
  /* The End Of Central Directory record: the last 22 bytes plus up to 64 KB of comment. */
  const unsigned char *eocd = NULL;
  size_t lowest = size > 22 + 65535 ? size - 22 - 65535 : 0;
  for (size_t off = size - 22 + 1; off-- > lowest;) {
    if (u32(zip + off) == 0x06054b50 && off + 22 + u16(zip + off + 20) == size) {
      eocd = zip + off;
      break;
    }
  }
  if (!eocd) die(L"Error opening archive: Unrecognized archive format (no end of central directory: truncated?)");
  uint16_t disk = u16(eocd + 4), cd_disk = u16(eocd + 6), n_here = u16(eocd + 8), n = u16(eocd + 10);
  uint32_t cd_size = u32(eocd + 12), cd_off = u32(eocd + 16);
  size_t eocd_off = eocd - zip;
  if (n == 0xFFFF || cd_size == 0xFFFFFFFF || cd_off == 0xFFFFFFFF ||
      (eocd_off >= 20 && u32(eocd - 20) == 0x07064b50))
    die(L"Zip64 archives are not supported by this stand-in");
  if (disk != 0 || cd_disk != 0 || n_here != n) die(L"Multi-volume zip archives are not supported");
  if ((size_t)cd_off + cd_size > eocd_off) die(L"Damaged archive: central directory out of bounds");

  Entry *entries = calloc(n ? n : 1, sizeof(Entry));
  const unsigned char *p = zip + cd_off, *end = zip + cd_off + cd_size;
  for (uint32_t i = 0; i < n; i++) {
    if (end - p < 46 || u32(p) != 0x02014b50) die(L"Damaged archive: bad central directory entry %u", i);
    uint16_t flags = u16(p + 8), method = u16(p + 10), name_len = u16(p + 28), extra_len = u16(p + 30), comment_len = u16(p + 32);
    uint32_t crc = u32(p + 16), csize = u32(p + 20), usize = u32(p + 24), mode = u32(p + 38) >> 16, local = u32(p + 42);
    if ((size_t)(end - p) < 46u + name_len + extra_len + comment_len) die(L"Damaged archive: central directory entry %u is truncated", i);
    if (csize == 0xFFFFFFFF || usize == 0xFFFFFFFF || local == 0xFFFFFFFF) die(L"Zip64 archives are not supported by this stand-in");

    /* Names are UTF-8 when flag bit 11 says so, else code page 437 (the zip spec's default). */
    int wlen = MultiByteToWideChar(flags & 0x800 ? CP_UTF8 : 437, 0, (const char *)p + 46, name_len, NULL, 0);
    if (name_len && wlen <= 0) die(L"Damaged archive: entry %u has an undecodable name", i);
    wchar_t *name = calloc(wlen + 1, sizeof(wchar_t));
    MultiByteToWideChar(flags & 0x800 ? CP_UTF8 : 437, 0, (const char *)p + 46, name_len, name, wlen);
    for (wchar_t *c = name; *c; c++)
      if (*c == L'/') *c = L'\\';
    int is_dir = wlen > 0 && name[wlen - 1] == L'\\';
    if (is_dir) name[wlen - 1] = 0;
    normalize_name(name);
    if (!name[0] && !is_dir) die(L"Damaged archive: entry %u has no name", i);
    if (flags & 1) die(L"%ls: Encrypted entries are not supported", name);
    if ((mode & 0170000) == 0120000) die(L"%ls: Symbolic links are not supported by this stand-in", name);
    if (method != 0 && method != 8) die(L"%ls: Unsupported compression method %u", name, method);
    if (method == 0 && csize != usize) die(L"Damaged archive: %ls: stored entry sizes differ", name);

    /* The local header repeats name and extra field (lengths may differ); the data follows it. */
    if ((size_t)local + 30 > cd_off || u32(zip + local) != 0x04034b50) die(L"Damaged archive: %ls: bad local header", name);
    size_t data = (size_t)local + 30 + u16(zip + local + 26) + u16(zip + local + 28);
    if (data + csize > cd_off) die(L"Damaged archive: %ls: data out of bounds (truncated?)", name);

    entries[i] = (Entry){name, is_dir, method, crc, csize, usize, zip + data};
    p += 46 + name_len + extra_len + comment_len;
  }
  *count = n;
  return entries;
}

/* Creates every missing folder of `path` up to (not including) its last component. */
static void make_parents(wchar_t *path, size_t root_len) {
  for (wchar_t *c = path + root_len + 1; *c; c++) {
    if (*c != L'\\') continue;
    *c = 0;
    if (!CreateDirectoryW(path, NULL) && GetLastError() != ERROR_ALREADY_EXISTS) die(L"Can't create '%ls' (error %lu)", path, GetLastError());
    *c = L'\\';
  }
}

static void extract(const Entry *e, wchar_t *path, size_t root_len) {
  make_parents(path, root_len);
  if (e->is_dir) {
    if (!CreateDirectoryW(path, NULL) && GetLastError() != ERROR_ALREADY_EXISTS) die(L"Can't create '%ls' (error %lu)", path, GetLastError());
    return;
  }
  FILE *out = _wfopen(path, L"wb");
  if (!out) die(L"%ls: Can't create '%ls'", e->name, path);
  uLong crc = crc32(0, Z_NULL, 0);
  uint32_t total = 0;
  const wchar_t *problem = NULL;
  if (e->method == 0) {
    crc = crc32(crc, e->data, e->csize);
    total = e->csize;
    if (fwrite(e->data, 1, e->csize, out) != e->csize) problem = L"Write failed";
  } else {
    static unsigned char buf[1 << 16];
    z_stream s = {0};
    if (inflateInit2(&s, -MAX_WBITS) != Z_OK) die(L"%ls: inflateInit failed", e->name);
    s.next_in = (Bytef *)e->data;
    s.avail_in = e->csize;
    int rc;
    do {
      s.next_out = buf;
      s.avail_out = sizeof buf;
      rc = inflate(&s, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END) {
        /* Z_BUF_ERROR here means the compressed data ran out before the stream's end. */
        problem = rc == Z_BUF_ERROR ? L"Truncated zip entry" : L"Invalid compressed data";
        break;
      }
      size_t got = sizeof buf - s.avail_out;
      crc = crc32(crc, buf, (uInt)got);
      total += (uint32_t)got;
      if (fwrite(buf, 1, got, out) != got) problem = L"Write failed";
    } while (rc != Z_STREAM_END && !problem);
    inflateEnd(&s);
  }
  if (fclose(out) != 0 && !problem) problem = L"Write failed";
  if (!problem && total != e->usize) problem = L"Size mismatch";
  if (!problem && crc != e->crc) problem = L"ZIP bad CRC";
  if (problem) {
    _wremove(path); /* leave no half-written file that looks usable */
    die(L"%ls: %ls", e->name, problem);
  }
}

/* An absolute \\?\ form of `dir`, so deep trees (node_modules) are not cut off at MAX_PATH. */
static wchar_t *long_path(const wchar_t *dir) {
  DWORD n = GetFullPathNameW(dir, 0, NULL, NULL);
  wchar_t *full = calloc(n + 1, sizeof(wchar_t));
  if (!n || !GetFullPathNameW(dir, n + 1, full, NULL)) die(L"could not chdir to '%ls'", dir);
  wchar_t *out = calloc(n + 16, sizeof(wchar_t));
  if (wcsncmp(full, L"\\\\?\\", 4) == 0) wcscpy(out, full);
  else if (wcsncmp(full, L"\\\\", 2) == 0) swprintf(out, n + 16, L"\\\\?\\UNC\\%ls", full + 2);
  else swprintf(out, n + 16, L"\\\\?\\%ls", full);
  size_t len = wcslen(out);
  if (len && out[len - 1] == L'\\') out[len - 1] = 0;
  free(full);
  return out;
}

static void usage(void) {
  fwprintf(stderr, L"Usage:\n  List:    tar.exe -tf <archive-filename>\n  Extract: tar.exe -xf <archive-filename> [-C <dir>]\n");
  exit(1);
}

int wmain(int argc, wchar_t **argv) {
  wchar_t mode = 0;
  int verbose = 0;
  const wchar_t *file = NULL, *dir = NULL;
  /* bsdtar's forms: -xf FILE, -x -f FILE, xf FILE (first word without a dash), -C DIR anywhere;
   * a letter that takes a value takes the rest of its word or else the next word. */
  for (int i = 1; i < argc; i++) {
    const wchar_t *a = argv[i];
    if (a[0] == L'-' && a[1] == L'-') {
      fwprintf(stderr, L"tar.exe: Option %ls is not supported\n", a);
      usage();
    }
    if (a[0] != L'-' && i > 1) die(L"%ls: naming entries to extract is not supported by this stand-in", a);
    for (const wchar_t *p = a[0] == L'-' ? a + 1 : a; *p; p++) {
      if (*p == L'x' || *p == L't') {
        if (mode && mode != *p) die(L"Can't specify both -%lc and -%lc", mode, *p);
        mode = *p;
      } else if (*p == L'v') {
        verbose = 1;
      } else if (*p == L'f' || *p == L'C') {
        const wchar_t *v = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) die(L"Option -%lc requires an argument", *p);
        if (*p == L'f') file = v;
        else dir = v;
        break;
      } else {
        fwprintf(stderr, L"tar.exe: Option -%lc is not supported\n", *p);
        usage();
      }
    }
  }
  if (!mode) die(L"Must specify one of -c, -r, -t, -u, -x");
  if (!file) die(L"Reading an archive from standard input is not supported by this stand-in: use -f");

  size_t size;
  unsigned char *zip = read_archive(file, &size);
  uint32_t n;
  Entry *entries = read_directory(zip, size, &n);

  if (mode == L't') {
    for (uint32_t i = 0; i < n; i++) {
      char name[4096];
      WideCharToMultiByte(CP_UTF8, 0, entries[i].name, -1, name, sizeof name, NULL, NULL);
      for (char *c = name; *c; c++)
        if (*c == '\\') *c = '/';
      printf("%s%s\n", name, entries[i].is_dir ? "/" : "");
    }
    return 0;
  }

  /* bsdtar's -C changes into a folder that must already exist. */
  const wchar_t *target = dir ? dir : L".";
  DWORD attr = GetFileAttributesW(target);
  if (attr == INVALID_FILE_ATTRIBUTES || !(attr & FILE_ATTRIBUTE_DIRECTORY)) die(L"could not chdir to '%ls'", target);
  wchar_t *root = long_path(target);
  size_t root_len = wcslen(root);
  for (uint32_t i = 0; i < n; i++) {
    if (!entries[i].name[0]) continue; /* "./": the target folder itself */
    size_t cap = root_len + wcslen(entries[i].name) + 2;
    wchar_t *path = malloc(cap * sizeof(wchar_t));
    swprintf(path, cap, L"%ls\\%ls", root, entries[i].name);
    if (verbose) fwprintf(stderr, L"x %ls\n", entries[i].name);
    extract(&entries[i], path, root_len);
    free(path);
  }
  return 0;
}
