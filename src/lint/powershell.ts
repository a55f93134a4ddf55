// PowerShell gate for generated install.ps1 files, without pwsh: a syntax check with the
// tree-sitter PowerShell grammar run as WebAssembly (web-tree-sitter: no node-gyp for npx users),
// failing on ERROR and MISSING nodes; a pure-ASCII check (irm decodes a charset-less response as
// ISO-8859-1 and 5.1 reads a BOM-less file as ANSI); and static rules from docs/windows.md's
// install.ps1 sections that a parser can see.
import { powershellParser, walkTree as walk, type TsNode } from './powershell-parser.js';
import type { LintFile } from './shellcheck.js';

export interface PsFinding {
  file: string;
  line: number;
  column: number;
  rule: 'syntax' | 'ascii' | 'exit' | 'iex' | 'expand-archive' | 'setx';
  message: string;
}

function at(file: string, n: TsNode, rule: PsFinding['rule'], message: string): PsFinding {
  return { file, line: n.startPosition.row + 1, column: n.startPosition.column + 1, rule, message };
}

/** ERROR and MISSING nodes: what the grammar could not parse. */
function syntaxFindings(file: string, root: TsNode): PsFinding[] {
  const out: PsFinding[] = [];
  walk(root, (n) => {
    if (n.type === 'ERROR') out.push(at(file, n, 'syntax', `cannot parse: ${JSON.stringify(n.text.slice(0, 60))}`));
    else if (n.isMissing) out.push(at(file, n, 'syntax', `missing ${n.type}`));
  });
  return out;
}

export function asciiFindings(file: string, text: string): PsFinding[] {
  const out: PsFinding[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    // eslint-disable-next-line no-control-regex
    const m = /[^\x09\x0a\x0d\x20-\x7e]/.exec(line);
    if (m) out.push({ file, line: i + 1, column: m.index + 1, rule: 'ascii', message: `not printable ASCII: U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` });
  });
  return out;
}

/** The name of the function a node is in, if any. */
function enclosingFunction(n: TsNode): string | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'function_statement') {
      for (let i = 0; i < p.childCount; i++) {
        const c = p.child(i);
        if (c?.type === 'function_name') return c.text;
      }
    }
  }
  return undefined;
}

/** The one function allowed to call `exit` (only when the script runs from a file). */
export const EXIT_FUNCTION = 'Exit-CcenvFileMode';

function ruleFindings(file: string, root: TsNode): PsFinding[] {
  const out: PsFinding[] = [];
  walk(root, (n) => {
    if (n.type === 'flow_control_statement' && /^exit\b/i.test(n.text) && enclosingFunction(n) !== EXIT_FUNCTION) {
      out.push(at(file, n, 'exit', `exit outside ${EXIT_FUNCTION}: under irm | iex it closes the user's window; throw instead`));
    }
    if (n.type === 'command_name') {
      const name = n.text.toLowerCase();
      if (name === 'invoke-expression' || name === 'iex') out.push(at(file, n, 'iex', 'Invoke-Expression: never evaluate downloaded or composed text'));
      if (name === 'expand-archive') out.push(at(file, n, 'expand-archive', 'Expand-Archive: slow and missing on some 5.1 hosts; use System.IO.Compression.ZipFile'));
      if (name === 'setx' || name === 'setx.exe') out.push(at(file, n, 'setx', 'setx truncates PATH at 1024 characters; edit HKCU\\Environment'));
    }
  });
  return out;
}

/** Every finding for these files; none means the gate passes. */
export async function checkPowerShell(files: LintFile[]): Promise<PsFinding[]> {
  if (files.length === 0) return [];
  const p = await powershellParser();
  const out: PsFinding[] = [];
  for (const f of files) {
    out.push(...asciiFindings(f.name, f.text));
    const tree = p.parse(f.text);
    if (!tree) {
      out.push({ file: f.name, line: 1, column: 1, rule: 'syntax', message: 'the parser gave up' });
      continue;
    }
    out.push(...syntaxFindings(f.name, tree.rootNode), ...ruleFindings(f.name, tree.rootNode));
    tree.delete();
  }
  return out;
}

export function formatPsFinding(f: PsFinding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.rule}: ${f.message}`;
}
