// Builds the configure program as one self-contained script to inline into the installers:
// the esbuild bundle of main.ts (Node built-ins only, target Node 18) followed by the call
// `ccenvConfigure.main(<baked profile>);`. The output is deterministic, pure ASCII (esbuild escapes
// non-ASCII by default; its literal is escaped here) and holds no absolute path.
// The bundle is built once, not per process: it is kept in the ccenv cache (~/.cache/ccenv) and
// reused while every source esbuild read is byte for byte the same (src/render/bundle-cache.ts);
// esbuild itself loads only on a miss.

import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';
import { cachePath } from '../cache-dir.js';
import { readCached, sha256, writeCached } from '../render/bundle-cache.js';
import type { BakedProfile } from './baked-profile.js';
import { withNodeGuard } from './node-guard.js';

export const GLOBAL_NAME = 'ccenvConfigure';

/** The package root: the nearest folder above this file that holds src/configure/main.ts. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'src', 'configure', 'main.ts'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find src/configure/main.ts above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** JSON as a JavaScript literal that is pure ASCII (so also free of U+2028/U+2029). */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Where the bundle is built from and kept; cacheFile null: always build, keep nothing. */
export interface BundleSource {
  root: string;
  cacheFile: string | null;
}

const ENTRY = 'src/configure/main.ts';

function options(root: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'iife',
    globalName: GLOBAL_NAME,
    target: 'node18',
    write: false,
    minify: false,
    legalComments: 'none',
    charset: 'ascii',
    logLevel: 'silent',
    metafile: true,
    // Fixed here, not read from tsconfig.json (absent from the npm package): the same bytes either way.
    tsconfigRaw: { compilerOptions: { alwaysStrict: true } },
  };
}

/** The esbuild version and options: a cached bundle from another of either is not reused. */
function cacheKey(root: string): string {
  const { version } = JSON.parse(fs.readFileSync(createRequire(import.meta.url).resolve('esbuild/package.json'), 'utf8')) as { version: string };
  const { absWorkingDir: _, ...rest } = options(root);
  return JSON.stringify({ esbuild: version, options: rest });
}

/** The default source: this package, its bundle kept in the ccenv cache (one entry per checkout). */
export function defaultBundleSource(): BundleSource {
  const root = packageRoot();
  return { root, cacheFile: cachePath('configure-bundle', `${sha256(root).slice(0, 16)}.json`) };
}

/** Reads every TypeScript source itself, so the cache records the very bytes esbuild compiled. */
function recordInputs(root: string, read: Map<string, string>): Plugin {
  return {
    name: 'ccenv-record-inputs',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const contents = fs.readFileSync(args.path);
        read.set(path.relative(root, args.path).split(path.sep).join('/'), sha256(contents));
        return { contents, loader: 'ts' };
      });
    },
  };
}

async function esbuildBundle(root: string): Promise<{ text: string; inputs: Map<string, string> | null }> {
  const { build } = await import('esbuild'); // only on a cache miss: it costs ~40 ms to load
  const read = new Map<string, string>();
  const result = await build({ ...options(root), plugins: [recordInputs(root, read)] });
  const file = result.outputFiles?.[0];
  if (!file || result.outputFiles?.length !== 1) throw new Error('esbuild produced no single output file');
  const text = file.text;
  if (text.includes(root)) throw new Error('configure bundle contains an absolute path');
  // cacheable only when every input esbuild used went through the plugin (else its bytes are unknown)
  const all = Object.keys(result.metafile?.inputs ?? {});
  const complete = all.length > 0 && all.every((rel) => read.has(rel));
  return { text: text.endsWith('\n') ? text : text + '\n', inputs: complete ? read : null };
}

/** The bundle text and whether it came from the cache. */
export async function configureBundle(source: BundleSource): Promise<{ text: string; cached: boolean }> {
  const key = source.cacheFile === null ? '' : cacheKey(source.root);
  if (source.cacheFile !== null) {
    const text = readCached(source.cacheFile, source.root, key);
    if (text !== undefined) return { text, cached: true };
  }
  const { text, inputs } = await esbuildBundle(source.root);
  if (source.cacheFile !== null && inputs) writeCached(source.cacheFile, source.root, key, text, inputs);
  return { text, cached: false };
}

let cachedBundle: Promise<string> | undefined;

/** The configure program for `baked`; `source` (default: this package, cached) is for tests. */
export async function buildConfigureProgram(baked: BakedProfile, source?: BundleSource): Promise<string> {
  let text: string;
  if (source) text = (await configureBundle(source)).text;
  else {
    cachedBundle ??= configureBundle(defaultBundleSource()).then((b) => b.text);
    try {
      text = await cachedBundle;
    } catch (e) {
      cachedBundle = undefined;
      throw e;
    }
  }
  return `${withNodeGuard(text, baked)}${GLOBAL_NAME}.main(${asciiJson(baked)});\n`;
}
