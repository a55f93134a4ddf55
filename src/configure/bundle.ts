// Builds the configure program as one self-contained script to inline into the installers:
// the esbuild bundle of main.ts (Node built-ins only, target Node 18) followed by the call
// `ccenvConfigure.main(<plan>);`. The output is deterministic, pure ASCII (esbuild escapes
// non-ASCII by default; the plan literal is escaped here) and holds no absolute path.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ConfigurePlan } from './plan.js';

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

let cachedBundle: Promise<string> | undefined;

async function bundleText(): Promise<string> {
  const root = packageRoot();
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/configure/main.ts'],
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
    // Fixed here, not read from tsconfig.json (absent from the npm package): the same bytes either way.
    tsconfigRaw: { compilerOptions: { alwaysStrict: true } },
  });
  const file = result.outputFiles[0];
  if (!file || result.outputFiles.length !== 1) throw new Error('esbuild produced no single output file');
  const text = file.text;
  if (text.includes(root)) throw new Error('configure bundle contains an absolute path');
  return text.endsWith('\n') ? text : text + '\n';
}

export async function buildConfigureProgram(plan: ConfigurePlan): Promise<string> {
  cachedBundle ??= bundleText();
  let text: string;
  try {
    text = await cachedBundle;
  } catch (e) {
    cachedBundle = undefined;
    throw e;
  }
  return `${text}${GLOBAL_NAME}.main(${asciiJson(plan)});\n`;
}
