// Forbidden forms in a built installer, found in its code only (not in comments, message text or
// embedded data): privilege escalation, eval, a download piped to a shell, a downloaded script run.
// sh through a small lexer, PowerShell through the project's grammar, cmd statement by statement.
import { childrenOf, powershellParser, type TsNode } from '../../src/lint/powershell-parser.js';
import { CMD_PAYLOAD_MARKERS } from '../../src/render/cmd-bootstrap.js';

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Programs that run something as another user. */
export const ESCALATORS = new Set(['sudo', 'su', 'doas', 'pkexec', 'run0']);


export type Rule = 'escalation' | 'eval' | 'pipe to a shell' | 'runs a download';

export interface Finding {
  line: number;
  rule: Rule;
  text: string;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'posh', 'yash', 'ash', 'busybox']);
const SH_WRAPPERS = new Set(['exec', 'command', 'env', 'nohup', 'nice', 'time', 'builtin', 'xargs']);
const SH_RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'case', 'esac', 'in', '!', '{', '}']);

/**
 * The sh script with comments, the contents of quoted strings and of quoted here-documents blanked
 * (line breaks kept, so line numbers still match): what is left is what the shell runs as code.
 * Command substitutions inside double quotes stay code.
 */
function shCode(text: string): string {
  const out: string[] = [];
  let i = 0;
  const pending: { word: string; strip: boolean; quoted: boolean }[] = [];
  const blank = (c: string) => (c === '\n' ? '\n' : ' ');

  const heredocBodies = () => {
    // at the start of a line after a command that opened here-documents
    while (pending.length) {
      const h = pending.shift()!;
      for (;;) {
        if (i >= text.length) return;
        const end = text.indexOf('\n', i);
        const line = text.slice(i, end < 0 ? text.length : end);
        const done = (h.strip ? line.replace(/^\t+/, '') : line) === h.word;
        if (done || h.quoted) {
          out.push(done ? line : line.replace(/[^\n]/g, ' '));
          i += line.length;
        } else {
          // an unquoted here-document expands $( ) like a double-quoted string
          code(line.length + i, 'heredoc');
        }
        if (i < text.length) {
          out.push('\n');
          i++;
        }
        if (done) break;
      }
    }
  };

  // code until `stop` (index) or a closing `)` / backtick of the substitution it is in
  function code(stop: number, ctx: 'top' | 'paren' | 'tick' | 'heredoc'): void {
    let depth = 0;
    let wordStart = true;
    while (i < stop && i < text.length) {
      const c = text[i] as string;
      if (ctx === 'heredoc') {
        if (c === '\\' && i + 1 < text.length) {
          out.push('  ');
          i += 2;
        } else if (c === '$' && text[i + 1] === '(') {
          out.push('$(');
          i += 2;
          code(Infinity, 'paren');
        } else if (c === '`') {
          out.push('`');
          i++;
          code(Infinity, 'tick');
        } else {
          out.push(blank(c));
          i++;
        }
        continue;
      }
      if (c === '\\' && i + 1 < text.length) {
        out.push(text.slice(i, i + 2));
        i += 2;
        wordStart = false;
        continue;
      }
      if (c === '#' && wordStart) {
        while (i < text.length && text[i] !== '\n') {
          out.push(' ');
          i++;
        }
        continue;
      }
      if (c === "'") {
        const end = text.indexOf("'", i + 1);
        const stopAt = end < 0 ? text.length : end;
        out.push("'", ...[...text.slice(i + 1, stopAt)].map(blank), end < 0 ? '' : "'");
        i = stopAt + 1;
        wordStart = false;
        continue;
      }
      if (c === '"') {
        out.push('"');
        i++;
        doubleQuoted();
        wordStart = false;
        continue;
      }
      if (c === '`') {
        if (ctx === 'tick') {
          out.push('`');
          i++;
          return;
        }
        out.push('`');
        i++;
        code(Infinity, 'tick');
        wordStart = false;
        continue;
      }
      if (c === '$' && text[i + 1] === '(') {
        out.push('$(');
        i += 2;
        code(Infinity, 'paren');
        wordStart = false;
        continue;
      }
      if (ctx === 'paren' && c === '(') depth++;
      if (ctx === 'paren' && c === ')') {
        if (depth === 0) {
          out.push(')');
          i++;
          return;
        }
        depth--;
      }
      if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
        const m = /^<<(-?)[ \t]*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(text.slice(i));
        if (m) {
          pending.push({ word: m[3] as string, strip: m[1] === '-', quoted: m[2] !== '' });
          out.push(m[0]);
          i += m[0].length;
          wordStart = false;
          continue;
        }
      }
      out.push(c);
      i++;
      wordStart = /[\s;&|()]/.test(c);
      if (c === '\n' && ctx === 'top') heredocBodies();
    }
  }

  function doubleQuoted(): void {
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '\\' && i + 1 < text.length) {
        out.push(blank(c), blank(text[i + 1] as string));
        i += 2;
      } else if (c === '"') {
        out.push('"');
        i++;
        return;
      } else if (c === '$' && text[i + 1] === '(') {
        out.push('$(');
        i += 2;
        code(Infinity, 'paren');
      } else if (c === '`') {
        out.push('`');
        i++;
        code(Infinity, 'tick');
      } else if (c === '$' && /[A-Za-z_{]/.test(text[i + 1] ?? '')) {
        // a parameter expansion says what is used ("$work_dir/x"): keep it
        const m = /^\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
        const t = m ? m[0] : '$';
        out.push(t);
        i += t.length;
      } else {
        out.push(blank(c));
        i++;
      }
    }
  }

  code(text.length, 'top');
  return out.join('');
}

/** Forbidden forms in an sh installer, found in its code only (see shCode); `seen` collects the commands. */
export function shFindings(text: string, seen?: Set<string>): Finding[] {
  const code = shCode(text);
  const findings: Finding[] = [];
  const lines = code.split('\n');
  lines.forEach((codeLine, n) => {
    // a `)` the line never opened ends a case pattern (`*/bash | */zsh)`): the pattern is not a command
    let depth = 0;
    let patternEnd = -1;
    for (let j = 0; j < codeLine.length && patternEnd < 0; j++) {
      if (codeLine[j] === '(') depth++;
      else if (codeLine[j] === ')') {
        if (depth === 0) patternEnd = j;
        else depth--;
      }
    }
    const line = ' '.repeat(patternEnd + 1) + codeLine.slice(patternEnd + 1);
    // each command starts at the line's start or after ; & | ( ) ` $(
    const starts = [0, ...[...line.matchAll(/[;&|()`]/g)].map((m) => (m.index as number) + 1)];
    for (const s of starts) {
      const afterPipe = s > 0 && line[s - 1] === '|' && line[s - 2] !== '|';
      const words = line.slice(s).split(/[;&|()`]/)[0]!.trim().split(/\s+/).filter(Boolean);
      let k = 0;
      // assignments, reserved words and wrappers come before the command's name
      for (;;) {
        const w = words[k];
        if (w === undefined) break;
        if (w === 'case') {
          // case WORD in: the word is tested, not run
          const inAt = words.indexOf('in', k);
          k = inAt < 0 ? words.length : inAt + 1;
        } else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || SH_RESERVED.has(w)) k++;
        else if (w === 'command' && /^-[vV]$/.test(words[k + 1] ?? '')) {
          // `command -v x` looks x up, it does not run it
          k = words.length;
        } else if (SH_WRAPPERS.has(w)) {
          k++;
          while (words[k]?.startsWith('-')) k++;
        } else break;
      }
      const name = (words[k] ?? '').replace(/^["']|["']$/g, '');
      if (!name) continue;
      const rest = words.slice(k + 1).join(' ');
      const at = (rule: Rule) => findings.push({ line: n + 1, rule, text: text.split('\n')[n]!.trim() });
      const prog = base(name);
      seen?.add(prog);
      if (ESCALATORS.has(prog)) at('escalation');
      else if (name === 'eval') at('eval');
      else if (SHELLS.has(prog) && afterPipe) at('pipe to a shell');
      else if (SHELLS.has(prog) && /\$\(\s*(curl|wget)\b|`\s*(curl|wget)\b/.test(line.slice(s))) at('pipe to a shell');
      else if ((name === '.' || name === 'source') && /\$\{?work_dir\b|\/dev\/(stdin|fd\/)|<\(/.test(rest)) at('runs a download');
      else if (/\$\{?work_dir\b/.test(name) || (SHELLS.has(prog) && /^\S*\$\{?work_dir\b/.test(words.slice(k + 1).find((w) => !w.startsWith('-')) ?? ''))) at('runs a download');
    }
  });
  return findings;
}

// PowerShell: parsed with the grammar the project's PowerShell gate uses (tree-sitter, as WebAssembly).

function* walk(n: TsNode): Generator<TsNode> {
  yield n;
  for (const c of childrenOf(n)) yield* walk(c);
}

const PS_DOWNLOADERS = /^(irm|iwr|invoke-restmethod|invoke-webrequest|curl|wget|start-bitstransfer)$/i;
const PS_SHELLS = /^(powershell|pwsh|cmd)(\.exe)?$/i;

/** Forbidden forms in PowerShell code; comments and strings are not code to the grammar. */
export async function ps1Findings(text: string, seen?: Set<string>): Promise<Finding[]> {
  const tree = (await powershellParser()).parse(text);
  if (!tree) throw new Error('the PowerShell grammar gave up');
  const findings: Finding[] = [];
  const lines = text.split('\n');
  const at = (n: TsNode, rule: Rule) => findings.push({ line: n.startPosition.row + 1, rule, text: (lines[n.startPosition.row] ?? '').trim() });
  for (const n of walk(tree.rootNode)) {
    if (n.type === 'command') {
      const kids = childrenOf(n);
      const name = kids.find((c) => c.type === 'command_name')?.text ?? '';
      const elements = kids.find((c) => c.type === 'command_elements');
      const args = elements ? childrenOf(elements).filter((c) => c.type !== 'command_argument_sep').map((c) => c.text) : [];
      if (name) seen?.add(name.toLowerCase());
      if (/^(invoke-expression|iex)$/i.test(name)) at(n, 'eval');
      else if (/^(sudo|gsudo|runas|doas)(\.exe)?$/i.test(name)) at(n, 'escalation');
      else if (args.some((a, j) => /^-verb$/i.test(a) && /^['"]?runas['"]?$/i.test(args[j + 1] ?? ''))) at(n, 'escalation');
      const operator = kids.find((c) => c.type === 'command_invokation_operator');
      const target = kids.find((c) => c.type === 'command_name_expr');
      // `& { … }` runs a block written here (the whole installer is one); `& (…)` runs what comes back
      if (operator && target && !/^script_block/.test(childrenOf(target)[0]?.type ?? '') && [...walk(target)].some((d) => (d.type === 'command_name' && PS_DOWNLOADERS.test(d.text)) || (d.type === 'member_name' && /^DownloadString$/i.test(d.text)))) {
        at(n, 'runs a download');
      }
    }
    if (n.type === 'pipeline') {
      // a download piped into another PowerShell or cmd
      const cmds = childrenOf(n).flatMap((c) => (c.type === 'pipeline_chain' ? childrenOf(c) : [c])).filter((c) => c.type === 'command');
      for (const c of cmds.slice(1)) {
        const name = childrenOf(c).find((d) => d.type === 'command_name')?.text ?? '';
        if (PS_SHELLS.test(name)) at(c, 'pipe to a shell');
      }
    }
    if (n.type === 'invokation_expression') {
      const kids = childrenOf(n);
      const member = kids.find((c) => c.type === 'member_name')?.text ?? '';
      const type = kids.find((c) => c.type === 'type_literal')?.text.replace(/\s/g, '') ?? '';
      if (/^\[(system\.management\.automation\.)?scriptblock\]$/i.test(type) && /^create$/i.test(member)) at(n, 'eval');
      if (/^(InvokeScript|NewScriptBlock)$/i.test(member)) at(n, 'eval');
    }
  }
  tree.delete();
  return findings;
}

// cmd: a line-based reading of what cmd would run (comments, echo text and the embedded programs —
// configure, user PATH — are not commands).

const CMD_ESCALATORS = /^(sudo|gsudo|runas|doas|su)(\.exe)?$/i;
const CMD_SHELLS = /^(cmd|powershell|pwsh|sh|bash)(\.exe)?$/i;
const CMD_TEMP = /%(CCENV_OUT|CCENV_WORK|TEMP|TMP)%/i;

/** Splits a cmd line at & && || | outside double quotes (^ escapes the next character). */
function cmdSegments(line: string): { text: string; afterPipe: boolean }[] {
  const out: { text: string; afterPipe: boolean }[] = [];
  let cur = '';
  let quoted = false;
  let afterPipe = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === '^' && !quoted) {
      cur += '  ';
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === '&' || c === '|') && !/[<>]/.test(line[i - 1] ?? '')) {
      const double = line[i + 1] === c;
      out.push({ text: cur, afterPipe });
      afterPipe = c === '|' && !double;
      cur = '';
      if (double) i++;
      continue;
    }
    cur += c;
  }
  out.push({ text: cur, afterPipe });
  return out;
}

function firstToken(s: string): [string, string] {
  const m = /^\s*("[^"]*"|[^\s"(]+)\s*([\s\S]*)$/.exec(s);
  return m ? [m[1] as string, m[2] as string] : ['', ''];
}

/** Strips what comes before a command in a cmd statement: parentheses, if-conditions, for…do, redirections. */
function cmdCommand(seg: string, nested: string[]): string {
  let s = seg.trim();
  for (let guard = 0; guard < 20; guard++) {
    const before = s;
    s = s.replace(/^[@()\s]+/, '');
    s = s.replace(/^else\b\s*/i, '');
    s = s.replace(/^\d?>>?\s*("[^"]*"|\S+)\s*/, '');
    const cond = /^if\s+(\/i\s+)?(not\s+)?(exist\s+("[^"]*"|\S+)|defined\s+\S+|errorlevel\s+\S+|("[^"]*"|[^\s=]+)\s*==\s*("[^"]*"|\S+)|("[^"]*"|\S+)\s+(equ|neq|lss|leq|gtr|geq)\s+("[^"]*"|\S+))\s*/i.exec(s);
    if (cond) s = s.slice(cond[0].length);
    const loop = /^for\s+(\/\w\s+("[^"]*"\s+)?)?%%\w\s+in\s+\(([\s\S]*?)\)\s+do\s+/i.exec(s);
    if (loop) {
      // for /f … in ('command') or (`command`): that command runs too
      const set = (loop[3] ?? '').trim();
      const inner = /^'([\s\S]*)'$|^`([\s\S]*)`$/.exec(set);
      if (inner) nested.push((inner[1] ?? inner[2]) as string);
      s = s.slice(loop[0].length);
    }
    if (s === before) break;
  }
  return s;
}

function decodeEncodedCommand(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf16le');
}

/** Forbidden forms in an install.cmd. */
export async function cmdFindings(text: string, seen?: Set<string>): Promise<Finding[]> {
  const findings: Finding[] = [];
  const lines = text.split(/\r?\n/);
  let payload = false;
  const check = async (statement: string, n: number, afterPipe: boolean, depth = 0): Promise<void> => {
    const nested: string[] = [];
    const s = cmdCommand(statement, nested);
    for (const inner of nested) for (const seg of cmdSegments(inner)) await check(seg.text, n, seg.afterPipe, depth + 1);
    let [prog, rest] = firstToken(s);
    const bare = () => base(prog.replace(/"/g, '').replace(/\\/g, '/'));
    if (/^(rem|echo[.:(]?|echo)$/i.test(bare()) || /^echo[.:(]/i.test(prog) || prog.startsWith(':')) return;
    const at = (rule: Rule) => findings.push({ line: n + 1, rule, text: (lines[n] ?? '').trim() });
    // call X / start "title" X / cmd /c X: X is what runs
    if (/^call$/i.test(prog)) {
      [prog, rest] = firstToken(rest);
      // :keyless runs its arguments as a command (without the key in its environment)
      if (/^:keyless$/i.test(prog)) [prog, rest] = firstToken(rest);
      if (prog.startsWith(':')) return;
    } else if (/^start$/i.test(prog)) {
      let r = rest;
      if (/^\s*"/.test(r)) r = firstToken(r)[1];
      while (/^\s*\/\w+/.test(r)) r = r.replace(/^\s*\/\w+\s*/, '');
      [prog, rest] = firstToken(r);
    }
    if (/^cmd(\.exe)?$/i.test(bare()) && /^\/[ck]\s+/i.test(rest) && !afterPipe) {
      if (depth < 3) for (const seg of cmdSegments(rest.replace(/^\/[ck]\s+/i, '').replace(/^"([\s\S]*)"$/, '$1'))) await check(seg.text, n, seg.afterPipe, depth + 1);
      return;
    }
    if (!prog) return;
    seen?.add(bare().toLowerCase());
    if (CMD_ESCALATORS.test(bare())) at('escalation');
    else if (afterPipe && CMD_SHELLS.test(bare())) at('pipe to a shell');
    else if (CMD_TEMP.test(prog)) at('runs a download');
    else if (/^(powershell|pwsh)(\.exe)?$/i.test(bare()) || /%CCENV_PS%/i.test(prog)) {
      const enc = /-(?:EncodedCommand|enc|e|ec)\s+([A-Za-z0-9+/=]+)/i.exec(rest);
      const cmdText = /-(?:Command|c)\s+(?:"([^"]*)"|(\S[\s\S]*))/i.exec(rest);
      const file = /-(?:File|f)\s+("[^"]*"|\S+)/i.exec(rest);
      if (file && CMD_TEMP.test(file[1] as string)) at('runs a download');
      const ps = enc ? decodeEncodedCommand(enc[1] as string) : cmdText ? ((cmdText[1] ?? cmdText[2]) as string) : '';
      if (ps) for (const f of await ps1Findings(ps)) findings.push({ ...f, line: n + 1, text: `${(lines[n] ?? '').trim()} (PowerShell: ${f.text})` });
    }
  };
  const marks = (end: 'begin' | 'end') => CMD_PAYLOAD_MARKERS.map((m) => `rem ${m}${end}`.toLowerCase());
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] ?? '').trim();
    const lower = line.toLowerCase();
    if (marks('begin').some((m) => lower.startsWith(m))) payload = true;
    if (marks('end').some((m) => lower.startsWith(m))) {
      payload = false;
      continue;
    }
    if (payload || line === '' || /^(@?rem(\s|$)|::)/i.test(line) || (line.startsWith(':') && !line.startsWith('::'))) continue;
    for (const seg of cmdSegments(line)) await check(seg.text, n, seg.afterPipe);
  }
  return findings;
}

