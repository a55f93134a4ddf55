// `npm pack` / `npm publish` from any checkout (package.json's prepack): installs the build tools
// when a fresh clone has none, compiles into out/, and deletes compiled files whose source is gone,
// so the tarball carries no stale module. Plain JavaScript: it runs before anything is compiled.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

/** Runs a command with its output on stderr: `npm pack --json` keeps stdout for its JSON. */
function run(file, args) {
  execFileSync(file, args, { stdio: ['ignore', 2, 2] });
}

// npm sets npm_execpath (its own CLI script) for lifecycle scripts; a bare `npm` is the fallback.
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];

if (!existsSync(path.join('node_modules', 'typescript', 'bin', 'tsc'))) {
  process.stderr.write('prepack: no TypeScript compiler in node_modules: npm ci (build tools only, no install scripts)\n');
  // --dry-run=false: `npm pack --dry-run` hands its own dry-run to this process's environment
  run(npm[0], [...npm.slice(1), 'ci', '--ignore-scripts', '--no-audit', '--no-fund', '--dry-run=false']);
}

run(process.execPath, [path.join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);

/** out/src/<x>.js whose src/<x>.ts no longer exists: left over from an earlier compile. */
function staleOutputs(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return staleOutputs(p);
    return existsSync(path.relative('out', p).replace(/\.js$/, '.ts')) ? [] : [p];
  });
}

for (const f of staleOutputs(path.join('out', 'src'))) {
  process.stderr.write(`prepack: removing ${f} (its source is gone)\n`);
  rmSync(f);
}
