// The gate for generated install.cmd files: what cmd.exe needs (CRLF, the completeness check,
// labels that exist) and the cmd rules docs/publishing.md lists (no setx, the key never expanded by
// cmd, every `for /f` with explicit eol= and delims=, no delayed expansion — Wine's cmd lacks it).
import type { LintFile } from './shellcheck.js';
import { CMD_PAYLOAD_MARKER, CMD_PAYLOAD_MARKERS } from '../render/cmd-bootstrap.js';

export interface CmdFinding {
  file: string;
  line: number;
  rule: 'crlf' | 'header' | 'complete' | 'label' | 'setx' | 'key' | 'for-f' | 'delayed' | 'ascii';
  message: string;
}

export function formatCmdFinding(f: CmdFinding): string {
  return `${f.file}:${f.line}: ${f.rule}: ${f.message}`;
}

/** The 0-based lines of the begin and end markers around one embedded program (which cmd never runs). */
function payloadRange(lines: string[], marker: string): [number, number] {
  const begin = lines.findIndex((l) => l === `rem ${marker}begin`);
  const end = lines.findIndex((l) => l === `rem ${marker}end`);
  return begin < 0 || end < begin ? [lines.length, lines.length] : [begin, end];
}

export function checkCmd(files: LintFile[]): CmdFinding[] {
  const out: CmdFinding[] = [];
  for (const { name, text } of files) {
    const add = (line: number, rule: CmdFinding['rule'], message: string) => out.push({ file: name, line, rule, message });
    const bare = text.search(/(?<!\r)\n|\r(?!\n)/);
    if (bare >= 0) add(text.slice(0, bare).split('\n').length, 'crlf', 'every line must end in CRLF');
    const lines = text.split('\r\n');
    const payloads = CMD_PAYLOAD_MARKERS.map((m) => payloadRange(lines, m));
    const payload = payloadRange(lines, CMD_PAYLOAD_MARKER);
    if (payload[0] === lines.length) add(1, 'complete', `no configure program between "rem ${CMD_PAYLOAD_MARKER}begin" and "...end"`);
    if (lines[0] !== '@echo off') add(1, 'header', 'the first line must be @echo off');
    const code = lines.map((l, i) => ({ l, n: i + 1 })).filter(({ n }) => payloads.every(([b, e]) => n <= b || n > e + 1));
    const firstCommand = code.find(({ l }) => l.trim() !== '' && !/^(rem( |$)|@echo off$)/i.test(l.trim()));
    if (!firstCommand || !/^setlocal EnableExtensions DisableDelayedExpansion$/i.test(firstCommand.l)) {
      add(firstCommand?.n ?? 1, 'header', 'the first command must be setlocal EnableExtensions DisableDelayedExpansion');
    }
    // A download cut short must run nothing: the script jumps to a label on its very last lines.
    const last = lines.filter((l) => l !== '');
    if (last.at(-1) !== 'goto :ccenv_main' || last.at(-2) !== ':ccenv_check_complete') {
      add(lines.length, 'complete', 'the file must end with ":ccenv_check_complete" then "goto :ccenv_main"');
    }
    const labelLines = code.filter(({ l }) => /^:[A-Za-z_]/.test(l));
    const labels = new Set(labelLines.map(({ l }) => l.slice(1).trim().toLowerCase()));
    // cmd jumps to the first of two labels with one name: the second one's code never runs.
    const seen = new Set<string>();
    for (const { l, n } of labelLines) {
      const name = l.slice(1).trim().toLowerCase();
      if (seen.has(name)) add(n, 'label', `label :${name} defined twice`);
      seen.add(name);
    }
    for (const { l, n } of code) {
      const t = l.trim();
      if (/^rem( |$)/i.test(t)) continue;
      for (const m of t.matchAll(/\b(?:goto|call) :([A-Za-z0-9_%~-]+)/gi)) {
        const target = (m[1] as string).toLowerCase();
        if (target === 'eof' || target.includes('%')) continue;
        if (!labels.has(target)) add(n, 'label', `no label :${m[1]}`);
      }
      if (/\bsetx\b/i.test(t)) add(n, 'setx', 'setx truncates PATH at 1024 characters and expands variables: use reg');
      // %% is a literal percent sign (a profile's text printed by echo: may hold %%CCENV_API_KEY%%)
      if (/%CCENV_API_KEY[%:]/i.test(t.replace(/%%/g, ''))) add(n, 'key', 'cmd must never expand the key (%CCENV_API_KEY%): it is handed to node in the environment');
      // with delayed expansion off, !NAME! in what echo: prints is text (a provider may be called Go!Go!)
      if (/EnableDelayedExpansion/.test(t) || (!/^echo:/.test(t) && /![A-Za-z_][A-Za-z0-9_]*[!:]/.test(t))) {
        add(n, 'delayed', 'no delayed expansion (Wine does not implement it; the script runs with it off)');
      }
      if (/^for \/f\b/i.test(t) || /\bdo for \/f\b/i.test(t)) {
        for (const opts of t.matchAll(/for \/f "([^"]*)"/gi)) {
          if (!/\beol=/.test(opts[1] as string) || !/\bdelims=/.test(opts[1] as string)) add(n, 'for-f', `for /f without explicit eol= and delims=: "${opts[1]}"`);
        }
        if (!/for \/f "/i.test(t)) add(n, 'for-f', 'for /f without options: eol= and delims= must be explicit');
      }
      // zh text is printed by echo: only; everything else is ASCII.
      if (/[^\x00-\x7f]/.test(l) && !/^echo:/.test(t)) add(n, 'ascii', 'non-ASCII outside an echo: line');
    }
  }
  return out;
}
