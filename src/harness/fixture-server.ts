// One loopback server for a whole scenario: HTTPS (and optionally plain HTTP) answering for many
// real host names at once, routing on the Host header to a site (static files such as the CDN or a
// Node mirror, the npm registry, the API stub). It records every request and can inject faults
// (a status, an HTML page instead of the file, tampered checksums, a corrupt, truncated or short body,
// a reset connection, a slow, stalled or cut transfer, no byte ranges) per host and path. GET answers
// with a body honour `Range: bytes=N-[M]` (206), as CDNs and Node mirrors do, so clients can resume.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';

export interface FixtureRequest {
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

export interface FixtureResponse {
  status: number;
  headers?: Record<string, string>;
  /** The whole body … */
  body?: string | Buffer;
  /** … or a file to stream … */
  file?: string;
  /** … or chunks written as they come (server-sent events). */
  stream?: AsyncIterable<string | Buffer>;
}

export type Handler = (req: FixtureRequest) => FixtureResponse | Promise<FixtureResponse>;

export interface Site {
  /** Host name this site answers for; '*' answers for any host no other site claims. */
  host: string;
  /** Path prefix ('/dist'); the longest matching prefix of the host wins. */
  prefix?: string;
  /** A label for the request log ('node-mirror', 'npm-registry', 'api', 'cdn' …). */
  name: string;
  handler: Handler;
}

export interface FaultMatch {
  /** Host name (exact, lower case); any when absent. */
  host?: string;
  /** Path glob: `*` matches any run of characters (`/dist/*\/SHASUMS256.txt`); any when absent. */
  path?: string;
  /** Method (GET, HEAD …); any when absent. */
  method?: string;
}

export type Fault = FaultMatch & {
  /** Apply only to the first N matching requests (then answer normally: for retry tests). */
  times?: number;
} & (
    | { kind: 'status'; status: number; body?: string }
    /** 200 text/html: what a captive portal, a CDN error page or a wrong mirror URL serves. */
    | { kind: 'html' }
    /** Rewrites every 64-hex-digit hash in the body (a tampered SHASUMS256.txt). */
    | { kind: 'tamper-shasums' }
    /** Flips one byte in the middle of the body, keeping its length. */
    | { kind: 'corrupt' }
    /** Announces the full length, sends the first half and closes the connection. */
    | { kind: 'truncate' }
    /**
     * A complete-looking answer that is cut short: only the first `bytes` of the body (default half),
     * with a Content-Length of that many, so the client sees no error (a proxy or cache that stored a
     * cut download). Only a checksum can tell.
     */
    | { kind: 'short'; bytes?: number }
    /** Closes the connection without an answer. */
    | { kind: 'reset' }
    /** Accepts the request and never answers (the connection stays open until the client gives up). */
    | { kind: 'hang' }
    /** Sends the body at most `bytesPerSecond` (a congested link). */
    | { kind: 'throttle'; bytesPerSecond: number }
    /** Sends the first `at` of the body (a fraction, default 0.6) and then nothing, keeping the connection open. */
    | { kind: 'stall'; at?: number }
    /** Sends the first `at` of the body (a fraction, default 0.6) and closes the connection (a dropped link). */
    | { kind: 'cut'; at?: number }
    /** Ignores Range headers: answers 200 with the whole body (a server that cannot resume). */
    | { kind: 'no-ranges' }
  );

export interface RecordedRequest {
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
  /** The fault injected, if any. */
  fault?: Fault['kind'];
  durationMs: number;
  /** A free label the caller sets (the scenario step). */
  label?: string;
}

export interface TlsOptions {
  cert: string;
  key: string;
  /**
   * Also serve busybox wget, whose TLS client speaks only TLS 1.2 with ciphers OpenSSL's default
   * security level rejects: caps the server at TLS 1.2 and allows every cipher (SECLEVEL=0).
   */
  legacy?: boolean;
}

export interface FixtureServerOptions {
  sites: Site[];
  /** HTTPS listener; omit for HTTP only. */
  tls?: TlsOptions;
  /** HTTPS port (443 inside a sandbox; 0 picks a free one). Default 0. */
  httpsPort?: number;
  /** Plain HTTP port; undefined: no HTTP listener. */
  httpPort?: number;
  /** Address to listen on. Default 127.0.0.1. */
  listenHost?: string;
  faults?: Fault[];
  maxRecordedBody?: number;
  onRequest?: (r: RecordedRequest) => void;
}

export interface FixtureServer {
  httpsPort: number | undefined;
  httpPort: number | undefined;
  /** Every request so far, in arrival order (one still being answered has status 0 or its status). */
  requests(): RecordedRequest[];
  /** Replaces the active faults (counters of `times` restart). */
  setFaults(faults: Fault[]): void;
  /** Label recorded with each later request. */
  setLabel(label: string | undefined): void;
  close(): Promise<void>;
}

const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Welcome</title></head>\n<body><h1>Sign in to continue</h1>' +
  '<p>This network requires you to sign in.</p></body></html>\n';

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function matches(f: FaultMatch, method: string, host: string, path: string): boolean {
  if (f.host !== undefined && f.host.toLowerCase() !== host) return false;
  if (f.method !== undefined && f.method.toUpperCase() !== method) return false;
  if (f.path !== undefined && !globToRegExp(f.path).test(path)) return false;
  return true;
}

/** Rewrites each 64-hex-digit run (a SHA-256) by rotating its first digit. */
export function tamperHashes(text: string): string {
  return text.replace(/\b[0-9a-f]{64}\b/g, (h) => ((parseInt(h[0] as string, 16) + 1) % 16).toString(16) + h.slice(1));
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

async function bodyOf(r: FixtureResponse): Promise<Buffer> {
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

type Pacing = { kind: 'throttle'; bytesPerSecond: number } | { kind: 'stall' | 'cut'; at: number } | undefined;

/** Writes bytes [start, end] of a file or buffer, paced or stopped as the fault says; the bytes written. */
async function sendPaced(res: http.ServerResponse, source: { file?: string; body?: Buffer }, start: number, end: number, pacing: Pacing): Promise<number> {
  const total = end - start + 1;
  const stopAt = pacing && pacing.kind !== 'throttle' ? Math.floor(total * pacing.at) : total;
  const piece = pacing?.kind === 'throttle' ? Math.max(1, Math.floor(pacing.bytesPerSecond / 10)) : 64 * 1024;
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
      if (pacing?.kind === 'throttle') await Promise.race([sleep(100), closed]);
      if (sent >= stopAt) break outer;
    }
  }
  if (sent < total && pacing?.kind === 'cut') {
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    res.destroy();
  } else if (sent < total && pacing?.kind === 'stall') {
    await closed; // the client (or close()) ends it
  } else if (!res.destroyed) {
    res.end();
  }
  return sent;
}

export async function startFixtureServer(opts: FixtureServerOptions): Promise<FixtureServer> {
  const log: RecordedRequest[] = [];
  let faults: { fault: Fault; used: number }[] = [];
  const setFaults = (fs: Fault[]) => {
    faults = fs.map((fault) => ({ fault, used: 0 }));
  };
  setFaults(opts.faults ?? []);
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
    const record: RecordedRequest = {
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
      const active = faults.find((f) => (f.fault.times === undefined || f.used < f.fault.times) && matches(f.fault, method, host, path));
      if (active) {
        active.used += 1;
        record.fault = active.fault.kind;
      }
      const fault = active?.fault;
      if (fault?.kind === 'reset') {
        record.status = 0;
        req.socket.destroy();
        finish();
        return;
      }
      if (fault?.kind === 'hang') {
        record.status = 0;
        finish();
        return;
      }
      let out: FixtureResponse;
      if (fault?.kind === 'status') {
        out = { status: fault.status, headers: { 'content-type': 'text/plain' }, body: fault.body ?? `${fault.status}\n` };
      } else if (fault?.kind === 'html') {
        out = { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: HTML_PAGE };
      } else if (!site) {
        out = { status: 404, headers: { 'content-type': 'text/plain' }, body: `no fixture site for host ${host}\n` };
      } else {
        const prefix = normPrefix(site.prefix);
        const subpath = path.slice(prefix.length) || '/';
        out = await site.handler({ scheme, method, host, url, path, subpath, prefix, query: parsed.searchParams, headers: req.headers, body });
        if (fault?.kind === 'tamper-shasums') {
          out = { ...out, file: undefined, stream: undefined, body: tamperHashes((await bodyOf(out)).toString('utf8')) };
        } else if (fault?.kind === 'corrupt' || fault?.kind === 'truncate') {
          const b = Buffer.from(await bodyOf(out));
          if (fault.kind === 'corrupt' && b.length > 0) {
            const i = Math.floor(b.length / 2);
            b[i] = (b[i] as number) ^ 0xff;
          }
          out = { ...out, file: undefined, stream: undefined, body: b };
        } else if (fault?.kind === 'short') {
          const b = await bodyOf(out);
          const keep = Math.max(0, Math.min(b.length, fault.bytes ?? Math.floor(b.length / 2)));
          out = { ...out, file: undefined, stream: undefined, body: b.subarray(0, keep) };
        }
      }
      const headers: Record<string, string> = { ...(out.headers ?? {}) };
      let size: number | undefined;
      if (out.body !== undefined) size = Buffer.byteLength(out.body);
      else if (out.file !== undefined) size = statSync(out.file).size;
      const whole = out.status === 200 && size !== undefined && fault?.kind !== 'truncate';
      if (whole && fault?.kind !== 'no-ranges') headers['accept-ranges'] = 'bytes';
      const range = whole && method === 'GET' && fault?.kind !== 'no-ranges' ? parseRange(req.headers.range, size as number) : undefined;
      if (range) {
        out = { ...out, status: 206 };
        headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
        headers['content-length'] = String(range.end - range.start + 1);
      } else if (size !== undefined) {
        headers['content-length'] = String(size);
      }
      record.status = out.status;
      res.writeHead(out.status, headers);
      const paced: Pacing =
        fault?.kind === 'throttle' ? fault : fault?.kind === 'stall' || fault?.kind === 'cut' ? { kind: fault.kind, at: fault.at ?? 0.6 } : undefined;
      if (method !== 'HEAD' && size !== undefined && (range || paced)) {
        const body = out.body === undefined ? undefined : Buffer.isBuffer(out.body) ? out.body : Buffer.from(out.body, 'utf8');
        const from = range?.start ?? 0;
        const to = range?.end ?? (size as number) - 1;
        record.responseBytes = await sendPaced(res, { file: out.file, body }, from, to, paced);
      } else if (method === 'HEAD') {
        res.end();
      } else if (fault?.kind === 'truncate') {
        const b = out.body as Buffer;
        const half = b.subarray(0, Math.floor(b.length / 2));
        record.responseBytes = half.length;
        res.write(half, () => res.destroy());
        finish();
        return;
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
        res.end(`fixture server error: ${(err as Error).stack ?? String(err)}\n`);
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
  if (servers.length === 0) throw new Error('fixture server: give tls (HTTPS) and/or httpPort');

  return {
    httpsPort,
    httpPort,
    requests: () => [...log],
    setFaults,
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
