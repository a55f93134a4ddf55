// The two one-liners install.cmd hands to other programs on their command lines. Neither carries
// the key or a profile value; both are constants, checked by tests.

/** Marker lines around the configure program at the end of install.cmd (`rem <marker>begin`). */
export const CMD_PAYLOAD_MARKER = 'ccenv-configure-program-';

/** Marker lines around the user PATH program (src/render/cmd-user-path.ts), just before the configure program. */
export const CMD_USER_PATH_MARKER = 'ccenv-user-path-program-';

/** Every program install.cmd carries, in file order: cmd never runs the lines between the markers. */
export const CMD_PAYLOAD_MARKERS = [CMD_USER_PATH_MARKER, CMD_PAYLOAD_MARKER] as const;

/**
 * `node -e` code that runs the program stored between the `marker` lines of the install.cmd named by
 * CCENV_SELF. Written without double quotes, % or ! (it sits in a quoted cmd argument); argv gets the
 * script's path in front, as `node - ARGS` gives install.sh's program.
 */
export function payloadLoaderJs(marker: string, what: string, filename: string): string {
  return [
    "var fs=require('fs'),self=process.env.CCENV_SELF,t=fs.readFileSync(self,'utf8'),m='" + marker + "'",
    "b=t.indexOf(String.fromCharCode(10),t.indexOf(m+'begin'+String.fromCharCode(13))),e=t.lastIndexOf(String.fromCharCode(10),t.indexOf(m+'end'+String.fromCharCode(13)))",
    "if(b<0||e<=b){fs.writeSync(2,'install.cmd: the " + what + " is missing (truncated download?)'+String.fromCharCode(10));process.exit(1)}",
    'process.argv.splice(1,0,self)',
    "require('vm').runInThisContext(t.slice(b+1,e).split(String.fromCharCode(13)).join(''),{filename:'" + filename + "'})",
  ].join(';');
}

export const CONFIGURE_LOADER_JS = payloadLoaderJs(CMD_PAYLOAD_MARKER, 'configure program', 'configure.js');
export const USER_PATH_LOADER_JS = payloadLoaderJs(CMD_USER_PATH_MARKER, 'user PATH program', 'user-path.js');

/**
 * PowerShell reading one line from the console without echoing anything (not even '*'), written to
 * stdout as UTF-8 for install.cmd's `for /f` to capture: the hidden key prompt.
 */
export const READ_KEY_POWERSHELL = [
  '[Console]::OutputEncoding = [Text.Encoding]::UTF8',
  "$k = ''",
  'while ($true) {',
  '    $c = [Console]::ReadKey($true)',
  "    if ($c.Key -eq 'Enter') { break }",
  "    if ($c.Key -eq 'Backspace') { if ($k.Length -gt 0) { $k = $k.Substring(0, $k.Length - 1) }; continue }",
  '    if ($c.KeyChar -ne [char]0) { $k += $c.KeyChar }',
  '}',
  '[Console]::Error.WriteLine()',
  '[Console]::Out.WriteLine($k)',
].join('\n');

/** For `powershell -EncodedCommand`: base64 of the UTF-16LE text, so no cmd quoting is involved. */
export function encodedPowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}
