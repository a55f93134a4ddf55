// A small HTTPS (and optionally plain HTTP) server for many host names at once: it routes on the
// Host header and a path prefix to a site, records every request, and answers GET with a body
// honouring `Range: bytes=N-[M]` (206), as CDNs and Node mirrors do. `ccenv serve` runs it plain;
// the test harness composes its fault layer in through `shape` (src/harness/faults.ts).
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';

export interface SiteRequest {
  scheme: 'https' | 'http';
  method: string;
  /** Host header without the port, lower case. */
  host: string;
  /** Request target as sent (path and query). */
  url: string;
  /** Decoded path without the query. */
  path: string;
  /** Path below the site's prefix (starts with '/'). */
  subpath: string;
  /** The site's prefix ('' for none): '/dist' for a Node mirror at https://nodejs.org/dist. */
  prefix: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface SiteResponse {
  status: number;
  headers?: Record<string, string>;
  /** The whole body … */
  body?: string | Buffer;
  /** … or a file to stream … */
  file?: string;
  /** … or chunks written as they come (server-sent events). */
  stream?: AsyncIterable<string | Buffer>;
}

export type Handler = (req: SiteRequest) => SiteResponse | Promise<SiteResponse>;

export interface Site {
  /** Host name this site answers for; '*' answers for any host no other site claims. */
  host: string;
  /** Path prefix ('/dist'); the longest matching prefix of the host wins. */
  prefix?: string;
  /** A label for the request log ('node-mirror', 'npm-registry', 'api', 'cdn' …). */
  name: string;
  handler: Handler;
}

export interface RequestRecord {
  seq: number;
  time: string;
  scheme: 'https' | 'http';
  method: string;
  host: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The request body as UTF-8, cut at maxRecordedBody. */
  body: string;
  bodyBytes: number;
  status: number;
  responseBytes: number;
  /** The site that answered (its name), or null when no site claims the host. */
  site: string | null;
  durationMs: number;
  /** A free label the caller sets (the scenario step). */
  label?: string;
}

/** A body to send part of: a file or bytes in memory. */
export interface BodySource {
  file?: string;
  body?: Buffer;
}

/** How one request's answer departs from the plain one (the harness's faults); none: answer plainly. */
export interface Shaping {
  /** Answer without asking the site: 'reset' drops the connection, 'hang' never answers, or this response. */
  instead?: 'reset' | 'hang' | SiteResponse;
  /** Rewrites the site's response before it goes out. */
  rewrite?: (out: SiteResponse) => Promise<SiteResponse>;
  /** false: no Accept-Ranges and no 206, always the whole body. */
  ranges?: boolean;
  /** Sends bytes [start, end] of a body of known size its own way (and ends the response); the bytes sent. */
  write?: (res: http.ServerResponse, source: BodySource, start: number, end: number) => Promise<number>;
}

/** Decides per request (after routing, before the site answers) whether and how to shape the answer. */
export type Shaper = (req: { method: string; host: string; path: string }, record: RequestRecord) => Shaping | undefined;

export interface TlsOptions {
  cert: string;
  key: string;
  /**
   * Also serve busybox wget, whose TLS client speaks only TLS 1.2 with ciphers OpenSSL's default
   * security level rejects: caps the server at TLS 1.2 and allows every cipher (SECLEVEL=0).
   */
  legacy?: boolean;
}

export interface HttpServerOptions {
  sites: Site[];
  /** HTTPS listener; omit for HTTP only. */
  tls?: TlsOptions;
  /** HTTPS port (443 inside a sandbox; 0 picks a free one). Default 0. */
  httpsPort?: number;
  /** Plain HTTP port; undefined: no HTTP listener. */
  httpPort?: number;
  /** Address to listen on. Default 127.0.0.1. */
  listenHost?: string;
  maxRecordedBody?: number;
  onRequest?: (r: RequestRecord) => void;
  shape?: Shaper;
}

export interface HttpServer {
  httpsPort: number | undefined;
  httpPort: number | undefined;
  /** Every request so far, in arrival order (one still being answered has status 0 or its status). */
  requests(): RequestRecord[];
  /** Label recorded with each later request. */
  setLabel(label: string | undefined): void;
  close(): Promise<void>;
}

function hostOf(req: http.IncomingMessage): string {
  const raw = (req.headers.host ?? '').toLowerCase();
  if (raw.startsWith('[')) return raw.slice(0, raw.indexOf(']') + 1);
  return raw.replace(/:\d+$/, '');
}

function normPrefix(p: string | undefined): string {
  if (!p || p === '/') return '';
  return '/' + p.replace(/^\/+|\/+$/g, '');
}

function findSite(sites: Site[], host: string, path: string): Site | undefined {
  let best: Site | undefined;
  let bestLen = -1;
  for (const wanted of [host, '*']) {
    for (const s of sites) {
      if (s.host.toLowerCase() !== wanted) continue;
      const p = normPrefix(s.prefix);
      if (p !== '' && path !== p && !path.startsWith(p + '/')) continue;
      if (p.length > bestLen) {
        best = s;
        bestLen = p.length;
      }
    }
    if (best) return best;
  }
  return undefined;
}

/** A response's whole body in memory (a file read, a stream drained). */
export async function bodyOf(r: SiteResponse): Promise<Buffer> {
  if (r.body !== undefined) return Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8');
  if (r.file !== undefined) return readFileSync(r.file);
  if (r.stream !== undefined) {
    const parts: Buffer[] = [];
    for await (const c of r.stream) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c, 'utf8'));
    return Buffer.concat(parts);
  }
  return Buffer.alloc(0);
}

/** The byte range a `Range: bytes=N-[M]` header asks for within size; undefined for none or one not satisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const m = /^bytes=(\d+)-(\d*)$/.exec((header ?? '').trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return undefined;
  return { start, end };
}

/** How copyRange paces a transfer: piece size, bytes to stop after, a pause after each piece. */
export interface Pace {
  piece?: number;
  limit?: number;
  pauseMs?: number;
}

/**
 * Writes bytes [start, end] of a file or buffer in pieces, minding back-pressure and stopping when the
 * client goes; does not end the response. The bytes written.
 */
export async function copyRange(res: http.ServerResponse, source: BodySource, start: number, end: number, pace: Pace = {}): Promise<number> {
  const total = end - start + 1;
  const stopAt = Math.min(total, pace.limit ?? total);
  const piece = pace.piece ?? 64 * 1024;
  const chunks: AsyncIterable<Buffer> =
    source.file !== undefined
      ? // pieces larger than a read's 64 KB would otherwise cap a throttle at 640 KB/s
        createReadStream(source.file, { start, end, highWaterMark: Math.max(64 * 1024, piece) })
      : (async function* () {
          yield (source.body as Buffer).subarray(start, end + 1);
        })();
  let sent = 0;
  const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
  outer: for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += piece) {
      if (res.destroyed) break outer;
      const part = chunk.subarray(i, Math.min(chunk.length, i + piece, i + (stopAt - sent)));
      if (part.length === 0) break outer;
      if (!res.write(part)) await Promise.race([new Promise((r) => res.once('drain', r)), closed]);
      sent += part.length;
      if (pace.pauseMs !== undefined) await Promise.race([sleep(pace.pauseMs), closed]);
      if (sent >= stopAt) break outer;
    }
  }
  return sent;
}

async function writeRange(res: http.ServerResponse, source: BodySource, start: number, end: number): Promise<number> {
  const sent = await copyRange(res, source, start, end);
  if (!res.destroyed) res.end();
  return sent;
}

export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const log: RequestRecord[] = [];
  let label: string | undefined;
  let seq = 0;
  const maxBody = opts.maxRecordedBody ?? 1024 * 1024;

  const handle = (scheme: 'https' | 'http') => async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const host = hostOf(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const parsed = new URL(url, 'http://x');
    let path: string;
    try {
      path = decodeURIComponent(parsed.pathname);
    } catch {
      path = parsed.pathname;
    }
    const site = findSite(opts.sites, host, path);
    const record: RequestRecord = {
      seq: ++seq,
      time: new Date(started).toISOString(),
      scheme,
      method,
      host,
      url,
      headers: req.headers,
      body: body.subarray(0, maxBody).toString('utf8'),
      bodyBytes: body.length,
      status: 0,
      responseBytes: 0,
      site: site?.name ?? null,
      durationMs: 0,
      ...(label !== undefined ? { label } : {}),
    };
    log.push(record); // in arrival order; status and sizes are filled in as the answer goes out
    const finish = () => {
      record.durationMs = Date.now() - started;
      opts.onRequest?.(record);
    };
    try {
      const shaping = opts.shape?.({ method, host, path }, record);
      if (shaping?.instead === 'reset') {
        req.socket.destroy();
        finish();
        return;
      }
      if (shaping?.instead === 'hang') {
        finish();
        return;
      }
      let out: SiteResponse;
      if (shaping?.instead !== undefined) {
        out = shaping.instead;
      } else if (!site) {
        out = { status: 404, headers: { 'content-type': 'text/plain' }, body: `no site for host ${host}\n` };
      } else {
        const prefix = normPrefix(site.prefix);
        const subpath = path.slice(prefix.length) || '/';
        out = await site.handler({ scheme, method, host, url, path, subpath, prefix, query: parsed.searchParams, headers: req.headers, body });
        if (shaping?.rewrite) out = await shaping.rewrite(out);
      }
      const headers: Record<string, string> = { ...(out.headers ?? {}) };
      let size: number | undefined;
      if (out.body !== undefined) size = Buffer.byteLength(out.body);
      else if (out.file !== undefined) size = statSync(out.file).size;
      const ranges = out.status === 200 && size !== undefined && shaping?.ranges !== false;
      if (ranges) headers['accept-ranges'] = 'bytes';
      const range = ranges && method === 'GET' ? parseRange(req.headers.range, size as number) : undefined;
      if (range) {
        out = { ...out, status: 206 };
        headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
        headers['content-length'] = String(range.end - range.start + 1);
      } else if (size !== undefined) {
        headers['content-length'] = String(size);
      }
      record.status = out.status;
      res.writeHead(out.status, headers);
      if (method === 'HEAD') {
        res.end();
      } else if (size !== undefined && (range || shaping?.write)) {
        const bytes = out.body === undefined ? undefined : Buffer.isBuffer(out.body) ? out.body : Buffer.from(out.body, 'utf8');
        const write = shaping?.write ?? writeRange;
        record.responseBytes = await write(res, { file: out.file, body: bytes }, range?.start ?? 0, range?.end ?? size - 1);
      } else if (out.body !== undefined) {
        record.responseBytes = size ?? 0;
        res.end(out.body);
      } else if (out.file !== undefined) {
        record.responseBytes = size ?? 0;
        await pipeline(createReadStream(out.file), res);
      } else if (out.stream !== undefined) {
        res.flushHeaders();
        for await (const c of out.stream) {
          record.responseBytes += Buffer.byteLength(c);
          res.write(c);
        }
        res.end();
      } else {
        res.end();
      }
    } catch (err) {
      record.status = record.status || 500;
      if (!res.headersSent) {
        record.status = 500;
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`server error: ${(err as Error).stack ?? String(err)}\n`);
      } else {
        res.destroy();
      }
    }
    finish();
  };

  const listenHost = opts.listenHost ?? '127.0.0.1';
  const servers: http.Server[] = [];
  const listen = (server: http.Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, listenHost, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });

  let httpsPort: number | undefined;
  let httpPort: number | undefined;
  if (opts.tls) {
    const tlsOpts: https.ServerOptions = {
      cert: readFileSync(opts.tls.cert),
      key: readFileSync(opts.tls.key),
      ...(opts.tls.legacy ? { maxVersion: 'TLSv1.2' as const, ciphers: 'ALL:@SECLEVEL=0' } : {}),
    };
    const s = https.createServer(tlsOpts, (req, res) => void handle('https')(req, res));
    servers.push(s);
    httpsPort = await listen(s, opts.httpsPort ?? 0);
  }
  if (opts.httpPort !== undefined) {
    const s = http.createServer((req, res) => void handle('http')(req, res));
    servers.push(s);
    httpPort = await listen(s, opts.httpPort);
  }
  if (servers.length === 0) throw new Error('http server: give tls (HTTPS) and/or httpPort');

  return {
    httpsPort,
    httpPort,
    requests: () => [...log],
    setLabel: (l) => {
      label = l;
    },
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}
