// The line between product and test code, read from the import graph of src/ (static imports,
// `export … from` and `import('…')` with a literal): shipped code never reaches into test/ or bench/,
// `ccenv serve` and the publish code never load the test harness, and src/ uses only the npm
// packages a user's install brings (dependencies, not devDependencies).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { repoPath } from '../src/paths.js';

const SRC = repoPath('src');
const rel = (file: string) => path.relative(repoPath(), file).split(path.sep).join('/');

interface Edges {
  /** Repo files this module imports (relative specifiers, resolved). */
  files: string[];
  /** npm package names it imports. */
  packages: string[];
  /** Relative specifiers that resolve to no file (a walker that misses them would pass falsely). */
  unresolved: string[];
}

function modulesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f))
    .sort();
}

/** A relative specifier as TypeScript's NodeNext resolution finds it: `./x.js` is the source `./x.ts`. */
function resolveRelative(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), base, `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

const cache = new Map<string, Edges>();
function edgesOf(file: string): Edges {
  const known = cache.get(file);
  if (known) return known;
  const found = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
  const edges: Edges = { files: [], packages: [], unresolved: [] };
  for (const spec of found) {
    if (spec.startsWith('.') || spec.startsWith('/')) {
      const target = resolveRelative(file, spec);
      if (target) edges.files.push(target);
      else edges.unresolved.push(spec);
    } else if (!isBuiltin(spec)) {
      edges.packages.push(packageOf(spec));
    }
  }
  cache.set(file, edges);
  return edges;
}

/** Every module reachable from the roots, each with the chain that reached it (to say why). */
function reachable(roots: string[]): Map<string, string[]> {
  const via = new Map<string, string[]>(roots.map((r) => [r, [rel(r)]]));
  const queue = [...roots];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const next of edgesOf(file).files) {
      if (via.has(next)) continue;
      via.set(next, [...(via.get(file) as string[]), rel(next)]);
      queue.push(next);
    }
  }
  return via;
}

const modules = modulesUnder(SRC);
const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

describe('the boundary between product (src/) and test code', () => {
  test('the walker sees static and dynamic imports, and every relative import in src/ resolves', () => {
    expect(modules.length).toBeGreaterThan(50);
    // src/cli/serve.ts loads publish/serve.ts with import(); publish/serve.ts imports the server statically
    expect(edgesOf(repoPath('src', 'cli', 'serve.ts')).files).toContain(repoPath('src', 'publish', 'serve.ts'));
    expect(edgesOf(repoPath('src', 'publish', 'serve.ts')).files).toContain(repoPath('src', 'http', 'server.ts'));
    const unresolved = modules.flatMap((m) => edgesOf(m).unresolved.map((s) => `${rel(m)} → ${s}`));
    expect(unresolved).toEqual([]);
  });

  test('nothing under src/ imports a file outside src/ (test/, bench/ …)', () => {
    const outside = modules.flatMap((m) => edgesOf(m).files.filter((f) => !f.startsWith(SRC + path.sep)).map((f) => `${rel(m)} → ${rel(f)}`));
    expect(outside).toEqual([]);
  });

  test('ccenv serve and src/publish/ never load the test harness (src/harness/)', () => {
    const roots = [repoPath('src', 'cli', 'serve.ts'), ...modulesUnder(repoPath('src', 'publish'))];
    const via = reachable(roots);
    expect(via.size).toBeGreaterThan(roots.length);
    const harness = [...via].filter(([f]) => f.startsWith(repoPath('src', 'harness') + path.sep)).map(([, chain]) => chain.join(' → '));
    expect(harness).toEqual([]);
  });

  test('src/ imports no devDependency, and only packages package.json lists as dependencies', () => {
    const dev = new Set(Object.keys(pkg.devDependencies ?? {}));
    const deps = new Set(Object.keys(pkg.dependencies ?? {}));
    const uses = modules.flatMap((m) => edgesOf(m).packages.map((p) => ({ module: rel(m), pkg: p })));
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.filter((u) => dev.has(u.pkg)).map((u) => `${u.module} → ${u.pkg} (a devDependency)`)).toEqual([]);
    expect(uses.filter((u) => !deps.has(u.pkg)).map((u) => `${u.module} → ${u.pkg} (not in dependencies)`)).toEqual([]);
  });
});
