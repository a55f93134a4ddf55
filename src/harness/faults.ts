// The faults the harness injects into the HTTP server's answers, per host and path: a status, an
// HTML page instead of the file, tampered checksums, a corrupt, truncated or short body, a reset
// connection, a slow, stalled or cut transfer, no byte ranges. `ccenv test` scenarios need them;
// `ccenv serve` never loads this module.
import type http from 'node:http';
import { bodyOf, copyRange, type BodySource, type RequestRecord, type Shaper, type Shaping } from '../http/server.js';

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

/** Sends the first `at` of the range and then stops: `cut` closes the connection, `stall` waits for the client to go. */
function stopPartway(kind: 'stall' | 'cut', at: number) {
  return async (res: http.ServerResponse, source: BodySource, start: number, end: number): Promise<number> => {
    const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
    const total = end - start + 1;
    const sent = await copyRange(res, source, start, end, { limit: Math.floor(total * at) });
    if (sent < total && kind === 'cut') {
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      res.destroy();
    } else if (sent < total) {
      await closed; // the client (or close()) ends it
    } else if (!res.destroyed) {
      res.end();
    }
    return sent;
  };
}

async function throttled(bytesPerSecond: number, res: http.ServerResponse, source: BodySource, start: number, end: number): Promise<number> {
  const sent = await copyRange(res, source, start, end, { piece: Math.max(1, Math.floor(bytesPerSecond / 10)), pauseMs: 100 });
  if (!res.destroyed) res.end();
  return sent;
}

/** What one fault does to the server's answer. */
export function shapingFor(fault: Fault): Shaping {
  switch (fault.kind) {
    case 'reset':
    case 'hang':
      return { instead: fault.kind };
    case 'status':
      return { instead: { status: fault.status, headers: { 'content-type': 'text/plain' }, body: fault.body ?? `${fault.status}\n` } };
    case 'html':
      return { instead: { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: HTML_PAGE } };
    case 'tamper-shasums':
      return { rewrite: async (out) => ({ ...out, file: undefined, stream: undefined, body: tamperHashes((await bodyOf(out)).toString('utf8')) }) };
    case 'corrupt':
      return {
        rewrite: async (out) => {
          const b = Buffer.from(await bodyOf(out));
          if (b.length > 0) {
            const i = Math.floor(b.length / 2);
            b[i] = (b[i] as number) ^ 0xff;
          }
          return { ...out, file: undefined, stream: undefined, body: b };
        },
      };
    case 'truncate':
      return {
        rewrite: async (out) => ({ ...out, file: undefined, stream: undefined, body: Buffer.from(await bodyOf(out)) }),
        ranges: false,
        // the full Content-Length is already announced: half the body, then the connection closes
        write: async (res, source) => {
          const b = source.body as Buffer;
          const half = b.subarray(0, Math.floor(b.length / 2));
          res.write(half, () => res.destroy());
          return half.length;
        },
      };
    case 'short':
      return {
        rewrite: async (out) => {
          const b = await bodyOf(out);
          const keep = Math.max(0, Math.min(b.length, fault.bytes ?? Math.floor(b.length / 2)));
          return { ...out, file: undefined, stream: undefined, body: b.subarray(0, keep) };
        },
      };
    case 'throttle':
      return { write: (res, source, start, end) => throttled(fault.bytesPerSecond, res, source, start, end) };
    case 'stall':
    case 'cut':
      return { write: stopPartway(fault.kind, fault.at ?? 0.6) };
    case 'no-ranges':
      return { ranges: false };
  }
}

/** A request as the fixture server records it: with the fault it got, if any. */
export type RecordedRequest = RequestRecord & { fault?: Fault['kind'] };

/** Faults to inject, each applied to the requests it matches (the first that matches wins). */
export interface FaultSet {
  /** Replaces the active faults (counters of `times` restart). */
  set(faults: Fault[]): void;
  /** The server's shape hook: picks the fault and notes its kind in the request's record. */
  shaper: Shaper;
}

export function faultSet(initial: Fault[] = []): FaultSet {
  let active: { fault: Fault; used: number }[] = [];
  const set = (faults: Fault[]) => {
    active = faults.map((fault) => ({ fault, used: 0 }));
  };
  set(initial);
  const shaper: Shaper = (req, record) => {
    const hit = active.find((f) => (f.fault.times === undefined || f.used < f.fault.times) && matches(f.fault, req.method, req.host, req.path));
    if (!hit) return undefined;
    hit.used += 1;
    (record as RecordedRequest).fault = hit.fault.kind;
    return shapingFor(hit.fault);
  };
  return { set, shaper };
}
