// The program install.cmd runs (with the node it found or installed) to edit the user PATH. cmd
// cannot hold a PATH safely: `%…%` text, quotes, & ^ ! and non-ASCII characters are changed or run
// when a value passes through a cmd variable or command line, and a command line stops at 8191
// characters. So the value never does: install.cmd writes HKCU\Environment to a file with
// `reg export` (UTF-16), this program computes the new value from the bytes stored there and writes
// a .reg file that install.cmd hands to `reg import`. Every byte it did not add is kept, and the kind
// (REG_EXPAND_SZ / REG_SZ) with it. Plain ES5-style JavaScript: it runs on any Node the script uses.

/** Exit codes of the program, read by install.cmd (anything else: it could not do its work). */
export const USER_PATH_EXIT = { changed: 0, unchanged: 10, tooLong: 11 } as const;

/** Windows keeps an environment variable to 32767 characters: a longer PATH is refused, never cut. */
export const USER_PATH_MAX_LENGTH = 32767;

/**
 * argv[2] is `add` (CCENV_ADD goes in front unless an entry already names it) or `remove` (every
 * entry naming a folder listed in CCENV_DIR\path-added.txt goes). Reads CCENV_WORK\user-env.reg;
 * writes CCENV_WORK\user-path.reg (the value to import) and, for install.cmd to keep or print,
 * user-path-record.txt, user-path-created.txt (the user had no PATH value), user-path-removed.txt,
 * user-path-length.txt (when too long).
 */
export const USER_PATH_PROGRAM = `'use strict';
var fs = require('fs');
var env = process.env;
var work = env.CCENV_WORK;
var MAX = ${USER_PATH_MAX_LENGTH};
var EXIT_UNCHANGED = ${USER_PATH_EXIT.unchanged};
var EXIT_TOO_LONG = ${USER_PATH_EXIT.tooLong};

function file(name) {
  return work + '\\\\' + name;
}

// The Path value of the first key in a reg export file: kind 1 (REG_SZ) or 2 (REG_EXPAND_SZ) and
// the bytes stored; null when there is none. Any other kind stops the program.
function readStored(name) {
  var raw = fs.readFileSync(name);
  var text = raw[0] === 0xff && raw[1] === 0xfe ? raw.toString('utf16le', 2) : raw.toString('utf8');
  var lines = text.split('\\r\\n');
  var sections = 0;
  for (var i = 0; i < lines.length; i++) {
    var line = lines[i];
    if (line.charAt(0) === '[') {
      sections++;
      if (sections > 1) break;
      continue;
    }
    var m = /^"((?:[^"\\\\]|\\\\.)*)"=(.*)$/.exec(line);
    if (!m || m[1].replace(/\\\\(.)/g, '$1').toLowerCase() !== 'path') continue;
    var spec = m[2];
    // hex values go on over lines that end in a backslash
    while (/^hex/.test(spec) && spec.charAt(spec.length - 1) === '\\\\' && i + 1 < lines.length) {
      spec = spec.slice(0, -1) + lines[++i].replace(/^\\s+/, '');
    }
    if (spec.charAt(0) === '"') {
      var s = spec.slice(1, -1).replace(/\\\\(.)/g, '$1');
      return { kind: 1, bytes: Buffer.from(s + '\\u0000', 'utf16le') };
    }
    var h = /^hex\\(([12])\\):(.*)$/.exec(spec);
    if (!h) throw new Error('the user PATH is not a text value (REG_SZ or REG_EXPAND_SZ): ' + spec.slice(0, 20));
    var hex = h[2].split(',').filter(function (x) { return x !== ''; });
    return { kind: Number(h[1]), bytes: Buffer.from(hex.map(function (x) { return parseInt(x, 16); })) };
  }
  return null;
}

// The text of a stored value and what follows it (its terminating NUL, if it has one).
function split(bytes) {
  if (bytes.length % 2 === 1) throw new Error('the user PATH has an odd number of bytes');
  var t = bytes.toString('utf16le');
  return t.charAt(t.length - 1) === '\\u0000' ? { text: t.slice(0, -1), tail: '\\u0000' } : { text: t, tail: '' };
}

// Two entries name the same folder: %VARIABLES% expanded as Windows does (an undefined one stays),
// a trailing slash ignored, case ignored.
function expand(p) {
  return p.replace(/%([^%;]+)%/g, function (all, name) {
    return env[name] === undefined ? all : env[name];
  });
}
function same(a, b) {
  var x = expand(a).replace(/[\\\\/]+$/, '').toLowerCase();
  var y = expand(b).replace(/[\\\\/]+$/, '').toLowerCase();
  return x === y;
}

function writeImport(line) {
  var text = 'Windows Registry Editor Version 5.00\\r\\n\\r\\n[HKEY_CURRENT_USER\\\\Environment]\\r\\n' + line + '\\r\\n\\r\\n';
  fs.writeFileSync(file('user-path.reg'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
}
function hexLine(kind, bytes) {
  var out = [];
  for (var i = 0; i < bytes.length; i++) out.push((bytes[i] < 16 ? '0' : '') + bytes[i].toString(16));
  return '"Path"=hex(' + kind + '):' + out.join(',');
}

function add() {
  var dir = env.CCENV_ADD;
  var stored = readStored(file('user-env.reg'));
  var bytes = stored ? stored.bytes : Buffer.from('\\u0000', 'utf16le');
  var value = split(bytes);
  var entries = value.text.split(';');
  for (var i = 0; i < entries.length; i++) {
    if (entries[i] !== '' && same(entries[i], dir)) return EXIT_UNCHANGED;
  }
  var front = value.text === '' ? dir : dir + ';';
  if (front.length + value.text.length > MAX) {
    fs.writeFileSync(file('user-path-length.txt'), String(front.length + value.text.length) + '\\r\\n');
    return EXIT_TOO_LONG;
  }
  writeImport(hexLine(stored ? stored.kind : 2, Buffer.concat([Buffer.from(front, 'utf16le'), bytes])));
  fs.writeFileSync(file('user-path-record.txt'), dir + '\\r\\n');
  if (!stored) fs.writeFileSync(file('user-path-created.txt'), '');
  return 0;
}

function remove() {
  var dir = env.CCENV_DIR;
  var added = fs.readFileSync(dir + '\\\\path-added.txt', 'utf8').replace(/^\\ufeff/, '').split(/\\r?\\n/).filter(function (l) { return l !== ''; });
  var created = fs.existsSync(dir + '\\\\path-created.txt');
  var stored = readStored(file('user-env.reg'));
  if (!stored) return EXIT_UNCHANGED;
  var value = split(stored.bytes);
  var kept = [];
  var removed = [];
  value.text.split(';').forEach(function (entry) {
    var ours = entry !== '' && added.some(function (a) { return same(a, entry); });
    (ours ? removed : kept).push(entry);
  });
  if (removed.length === 0) return EXIT_UNCHANGED;
  var text = kept.join(';');
  writeImport(created && text === '' ? '"Path"=-' : hexLine(stored.kind, Buffer.from(text + value.tail, 'utf16le')));
  fs.writeFileSync(file('user-path-removed.txt'), removed.join('\\r\\n') + '\\r\\n');
  return 0;
}

try {
  process.exitCode = process.argv[2] === 'remove' ? remove() : add();
} catch (e) {
  fs.writeSync(2, 'install.cmd: ' + (e && e.message ? e.message : String(e)) + '\\n');
  process.exitCode = 1;
}
`;
