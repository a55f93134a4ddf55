// Serves a folder read-only, the way a CDN or a Node.js dist mirror does: files by path below
// the site's prefix, a content type from the extension, a folder asked without its trailing slash
// redirected to it (when it has an index page), 404 for anything else (paths leaving the root).
// Symbolic links inside the folder are followed (latest-v22.x → v22.23.3).
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Handler, Site, SiteRequest, SiteResponse } from './server.js';

const TYPES: [RegExp, string][] = [
  [/\.sh$/, 'text/x-shellscript; charset=utf-8'],
  [/\.ps1$/, 'text/plain; charset=utf-8'],
  [/\.cmd$/, 'text/plain; charset=utf-8'],
  [/\.(txt|asc|sig)$|SHASUMS256|SHA256SUMS/, 'text/plain; charset=utf-8'],
  [/\.json$/, 'application/json'],
  [/\.html?$/, 'text/html; charset=utf-8'],
  [/\.tar\.gz$|\.tgz$/, 'application/gzip'],
  [/\.tar\.xz$/, 'application/x-xz'],
  [/\.zip$/, 'application/zip'],
  [/\.msi$/, 'application/x-msi'],
];

export function contentTypeFor(file: string): string {
  for (const [re, type] of TYPES) if (re.test(file)) return type;
  return 'application/octet-stream';
}

/** Resolves a request path inside root; undefined for anything outside it or not a regular file. */
export function resolveInside(root: string, subpath: string): string | undefined {
  const realRoot = realpathSync(root);
  const rel = path.posix.normalize('/' + subpath).replace(/^\/+/, '');
  if (rel.split('/').includes('..')) return undefined;
  const candidate = path.join(realRoot, rel);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return undefined;
  }
  // Links may point anywhere inside the served tree.
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return undefined;
  try {
    if (!statSync(real).isFile()) return undefined;
  } catch {
    return undefined;
  }
  return real;
}

/**
 * Where `/acme` should go when `acme/` is a folder with an index page: `/acme/` below the same
 * prefix, the query kept, as static hosts answer; undefined when the path is not such a folder.
 */
export function folderRedirect(req: SiteRequest, dir: string): string | undefined {
  const rel = path.posix.normalize('/' + req.subpath).replace(/^\/+/, '');
  if (rel === '' || rel.endsWith('/') || !resolveInside(dir, `${rel}/index.html`)) return undefined;
  const q = req.url.indexOf('?');
  // built from the normalized path, never the raw target: '//evil.example/x' must stay on this host
  const location = `${req.prefix}/${rel.split('/').map(encodeURIComponent).join('/')}/`;
  return q === -1 ? location : location + req.url.slice(q);
}

export interface StaticSiteOptions {
  dir: string;
  /** Serve `index.html` for a folder path ending in '/'. Default true. */
  index?: boolean;
  /** Extra headers for every file. */
  headers?: Record<string, string>;
  /** Headers by the path asked for (posix, relative to the folder; a folder path ends in '/'). */
  headersFor?: (relPath: string) => Record<string, string>;
}

export function staticHandler(opts: StaticSiteOptions): Handler {
  return (req: SiteRequest): SiteResponse => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain' }, body: 'method not allowed\n' };
    }
    const asked = req.subpath;
    let sub = asked;
    if (sub.endsWith('/') && opts.index !== false) sub += 'index.html';
    const file = resolveInside(opts.dir, sub);
    const folder = !file && opts.index !== false ? folderRedirect(req, opts.dir) : undefined;
    if (folder) return { status: 301, headers: { location: folder, 'content-type': 'text/plain' }, body: `Moved to ${folder}\n` };
    if (!file) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found\n' };
    const own = opts.headersFor?.(path.posix.normalize('/' + asked).replace(/^\/+/, '')) ?? {};
    return { status: 200, headers: { 'content-type': contentTypeFor(file), ...(opts.headers ?? {}), ...own }, file };
  };
}

export function staticSite(host: string, opts: StaticSiteOptions & { prefix?: string; name?: string }): Site {
  return { host, prefix: opts.prefix, name: opts.name ?? 'static', handler: staticHandler(opts) };
}
