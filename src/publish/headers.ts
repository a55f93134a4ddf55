// HTTP headers for the dist/ tree: the same rules become the `_headers` file static hosts read
// (Cloudflare Pages syntax) and what `ccenv serve` sends. Scripts are plain UTF-8 text (a browser
// shows them, `irm` decodes them right); latest files are cached briefly, versioned ones forever.

import { SIGNATURE_FILE, SUMS_FILE } from './checksums.js';
import { TARGET_IDS, TARGETS } from '../render/targets.js';

const TEXT = 'text/plain; charset=utf-8';
export const LATEST_CACHE = 'public, max-age=300';
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/** The files ccenv writes into a profile folder (and, for installers and sums, its versioned folders). */
export const VERSIONED_FILES: readonly string[] = [...TARGET_IDS.map((id) => TARGETS[id].file), SUMS_FILE, SIGNATURE_FILE];
export const PROFILE_FILES: readonly string[] = [...VERSIONED_FILES, 'manifest.json', 'index.html'];
export const ROOT_FILES: readonly string[] = ['index.html', SUMS_FILE, SIGNATURE_FILE, '_headers'];

function contentType(name: string): string {
  if (name.endsWith('.html')) return 'text/html; charset=utf-8';
  if (name.endsWith('.json')) return 'application/json; charset=utf-8';
  return TEXT;
}

/** A versioned folder name: v<semver>. */
export function isVersionFolder(segment: string): boolean {
  return /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(segment);
}

/** Headers for a path inside dist/ (posix, no leading slash; a folder path ends in '/'). */
export function headersFor(relPath: string): Record<string, string> {
  const rel = relPath === '' || relPath.endsWith('/') ? `${relPath}index.html` : relPath;
  const parts = rel.split('/');
  const name = parts[parts.length - 1] as string;
  const versioned = parts.length === 3 && isVersionFolder(parts[1] as string);
  return {
    'content-type': contentType(name),
    'cache-control': versioned ? IMMUTABLE_CACHE : LATEST_CACHE,
    'x-content-type-options': 'nosniff',
  };
}

/**
 * `_headers`: one rule per file path shape. Cloudflare applies every rule that matches and joins
 * repeated headers, so the patterns never overlap (`:name` matches exactly one path segment).
 */
export function headersFile(): string {
  const samples: [string, string][] = [
    ['/', ''],
    ...ROOT_FILES.map((f): [string, string] => [`/${f}`, f]),
    ['/:profile/', 'p/'],
    ...PROFILE_FILES.map((f): [string, string] => [`/:profile/${f}`, `p/${f}`]),
    ...VERSIONED_FILES.map((f): [string, string] => [`/:profile/:version/${f}`, `p/v1.0.0/${f}`]),
  ];
  const header = [
    '# Headers for static hosts (Cloudflare Pages / Workers static assets syntax), written by ccenv.',
    '# Installers are UTF-8 text; latest files are cached 5 minutes, versioned ones (v<version>/) forever.',
  ];
  const rules = samples.map(([pattern, sample]) => {
    const h = headersFor(sample);
    const names: Record<string, string> = { 'content-type': 'Content-Type', 'cache-control': 'Cache-Control', 'x-content-type-options': 'X-Content-Type-Options' };
    return [pattern, ...Object.entries(h).map(([k, v]) => `  ${names[k] ?? k}: ${v}`)].join('\n');
  });
  return `${header.join('\n')}\n${rules.join('\n')}\n`;
}
