// `ccenv serve`: serves a built dist/ folder (the CDN tree) over HTTP, or HTTPS with a given
// certificate, for trying the installers before uploading them — and for the e2e harness.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { startHttpServer, type RequestRecord } from '../http/server.js';
import { staticSite } from '../http/static-site.js';
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

export async function serveDirectory(opts: ServeOptions): Promise<ServeHandle> {
  const dir = path.resolve(opts.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`serve: not a folder: ${opts.dir}`);
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 8080;
  const server = await startHttpServer({
    // the headers a static host gets from dist/_headers
    sites: [staticSite('*', { dir, name: 'dist', headersFor })],
    listenHost: host,
    ...(opts.tls ? { tls: opts.tls, httpsPort: port } : { httpPort: port }),
    ...(opts.log ? { onRequest: (r: RequestRecord) => opts.log?.(formatRequest(r)) } : {}),
  }).catch((err: Error) => {
    throw new UserError(err.message); // a port in use, an address not here, a certificate that does not load
  });
  const actual = (opts.tls ? server.httpsPort : server.httpPort) as number;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { url: `${opts.tls ? 'https' : 'http'}://${shownHost}:${actual}/`, port: actual, close: () => server.close() };
}
