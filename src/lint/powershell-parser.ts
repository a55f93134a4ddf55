// The tree-sitter PowerShell grammar, run as WebAssembly (web-tree-sitter: no node-gyp for npx
// users), loaded once per process: the PowerShell gate parses with it, and tests walk its trees.
import v8 from 'node:v8';
import { repoPath } from '../paths.js';

export type TsNode = {
  type: string;
  text: string;
  isMissing: boolean;
  hasError: boolean;
  startPosition: { row: number; column: number };
  childCount: number;
  child(i: number): TsNode | null;
  parent: TsNode | null;
};
export type TsTree = { rootNode: TsNode; delete(): void };
export type TsParser = { parse(text: string): TsTree | null };

let parser: Promise<TsParser> | undefined;

export function powershellParser(): Promise<TsParser> {
  parser ??= (async () => {
    // Without Liftoff-only, V8 tiers the grammar up with TurboFan: ~7 s of CPU at exit (FEASIBILITY.md).
    v8.setFlagsFromString('--liftoff-only');
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    // vendored: the npm package's install script builds a native binding ccenv never loads
    const wasm = repoPath('vendor', 'tree-sitter-powershell', 'tree-sitter-powershell.wasm');
    const language = await Language.load(wasm);
    const p = new Parser();
    p.setLanguage(language);
    return p as unknown as TsParser;
  })();
  return parser;
}

/** Calls `visit` on the node and every node below it, in document order. */
export function walkTree(node: TsNode, visit: (n: TsNode) => void): void {
  visit(node);
  for (let i = 0; i < node.childCount; i++) {
    const c = node.child(i);
    if (c) walkTree(c, visit);
  }
}

export function childrenOf(n: TsNode): TsNode[] {
  return Array.from({ length: n.childCount }, (_, i) => n.child(i)).filter((c): c is TsNode => c !== null);
}
