// `ccenv serve`: serves a built dist/ folder (the CDN tree) over HTTP, or HTTPS with a given
// certificate, for trying the installers before uploading them — and for the e2e harness. A landing
// page built with --base-url shows the address it is served from instead, so a copied command works
// against this server; every other file is served byte for byte (its checksum holds).
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { startHttpServer, type Handler, type RequestRecord, type SiteRequest } from '../http/server.js';
import { staticHandler } from '../http/static-site.js';
import { headersFor } from './headers.js';

export interface ServeOptions {
  dir: string;
  host?: string;
  port?: number;
  /** Serve HTTPS with this certificate (PEM, may include the chain) and key. */
  tls?: { cert: string; key: string };
  /** Called with one line per request. */
  log?: (line: string) => void;
}

export interface ServeHandle {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function formatRequest(r: RequestRecord): string {
  return `${r.time} ${r.method} ${r.url} ${r.status} ${r.responseBytes}`;
}

/** The CDN address a profile's landing page was built with (its manifest.json's cdnBase), or null. */
function builtBase(pageFile: string): string | null {
  try {
    const m = JSON.parse(readFileSync(path.join(path.dirname(pageFile), 'manifest.json'), 'utf8')) as { cdnBase?: unknown };
    return typeof m.cdnBase === 'string' && m.cdnBase.length > 0 ? m.cdnBase : null;
  } catch {
    return null; // not a landing page (the root index, a foreign page): served as it is
  }
}

/** Where the visitor reached this server: its Host header when it is a plain host[:port], else the listening address. */
function servedOrigin(req: SiteRequest, fallback: string): string {
  const host = req.headers.host ?? '';
  return /^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(host) ? `${req.scheme}://${host}/` : fallback;
}

/** The served address of the tree a landing page belongs to: the folder above its profile folder. */
function treeUrl(root: string, pageFile: string, origin: string): string {
  const rel = path.relative(root, path.dirname(path.dirname(pageFile)));
  return origin + (rel ? `${rel.split(path.sep).map(encodeURIComponent).join('/')}/` : '');
}

/** The static tree, with each landing page's built-in CDN address replaced by this server's. */
function treeHandler(dir: string, fallback: () => string): Handler {
  const plain = staticHandler({ dir, headersFor });
  const root = realpathSync(dir); // the handler answers with real paths
  return async (req) => {
    const out = await plain(req);
    if (out.status !== 200 || !out.file || !out.file.endsWith('.html')) return out;
    const base = builtBase(out.file);
    if (!base) return out;
    const here = treeUrl(root, out.file, servedOrigin(req, fallback()));
    return { ...out, file: undefined, body: readFileSync(out.file, 'utf8').split(base).join(here) };
  };
}

export async function serveDirectory(opts: ServeOptions): Promise<ServeHandle> {
  const dir = path.resolve(opts.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`serve: not a folder: ${opts.dir}`);
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 8080;
  let url = ''; // known once listening; a request cannot come before
  const server = await startHttpServer({
    // the headers a static host gets from dist/_headers
    sites: [{ host: '*', name: 'dist', handler: treeHandler(dir, () => url) }],
    listenHost: host,
    ...(opts.tls ? { tls: opts.tls, httpsPort: port } : { httpPort: port }),
    ...(opts.log ? { onRequest: (r: RequestRecord) => opts.log?.(formatRequest(r)) } : {}),
  }).catch((err: Error) => {
    throw new UserError(err.message); // a port in use, an address not here, a certificate that does not load
  });
  const actual = (opts.tls ? server.httpsPort : server.httpPort) as number;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  url = `${opts.tls ? 'https' : 'http'}://${shownHost}:${actual}/`;
  return { url, port: actual, close: () => server.close() };
}
