// Talking to the provider: whether its endpoint answers at all (no key sent), and one minimal
// request that tells a rejected key from an unreachable endpoint from a working setup.

import type * as Http from 'node:http';

export type Probe = { kind: 'answered'; status: number; ms: number } | { kind: 'unreachable'; reason: string; ms: number };

interface Response {
  status: number;
  body: string;
}

/**
 * node:http or node:https, loaded only when a request is made: loading TLS reads
 * NODE_EXTRA_CA_CERTS, whose warnings a plain configure run must not print. Not `import()`: the
 * program also runs through vm.runInThisContext (install.cmd), which has no dynamic import.
 */
function httpModule(tls: boolean): { request: typeof Http.request } {
  if (typeof process.getBuiltinModule === 'function') return process.getBuiltinModule(tls ? 'node:https' : 'node:http');
  return tls ? (require('node:https') as typeof Http) : (require('node:http') as typeof Http);
}

/** How long the connection (TCP and TLS) may take, at most: a silent host is given up early. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Why a request was given up: its own message names the phase and the limit. */
class GaveUp extends Error {}

/**
 * One request with two limits: the connection within min(CONNECT_TIMEOUT_MS, timeoutMs), and the
 * whole answer within timeoutMs (a server that trickles bytes is cut off too).
 */
function request(url: URL, method: string, headers: Record<string, string>, body: string | null, timeoutMs: number): Promise<Response> {
  const tls = url.protocol !== 'http:';
  const lib = httpModule(tls);
  const connectMs = Math.min(CONNECT_TIMEOUT_MS, timeoutMs);
  return new Promise((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    const settle = (fn: () => void): void => {
      for (const t of timers) clearTimeout(t);
      fn();
    };
    const req = lib.request(url, { method, headers: { ...headers, ...(body === null ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        // an error body is short; keep the first 64 kB of anything else
        if (size < 65536) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => settle(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })));
      res.on('error', (e) => settle(() => reject(e)));
    });
    const giveUp = (message: string) => () => req.destroy(new GaveUp(message));
    const connectTimer = setTimeout(giveUp(`no connection within ${seconds(connectMs)}`), connectMs);
    timers.push(connectTimer, setTimeout(giveUp(`no complete answer within ${seconds(timeoutMs)}`), timeoutMs));
    req.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once(tls ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (e) => settle(() => reject(e)));
    req.end(body ?? undefined);
  });
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function reasonOf(e: unknown): string {
  if (e instanceof GaveUp) return e.message;
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}${err.message && !err.message.includes(err.code) ? `: ${err.message}` : ''}` : String(err.message ?? e);
}

/** GET the base URL without a key: any HTTP status means the endpoint answers. */
export async function probeEndpoint(baseUrl: string, timeoutMs: number): Promise<Probe> {
  const started = Date.now();
  try {
    const r = await request(new URL(baseUrl), 'GET', { 'user-agent': 'ccenv-doctor' }, null, timeoutMs);
    return { kind: 'answered', status: r.status, ms: Date.now() - started };
  } catch (e) {
    return { kind: 'unreachable', reason: reasonOf(e), ms: Date.now() - started };
  }
}

export type CheckResult =
  | { kind: 'works'; status: number; ms: number }
  | { kind: 'rejected'; status: number; message: string }
  | { kind: 'refused'; status: number; message: string }
  | { kind: 'unreachable'; reason: string };

/** The provider's own explanation from an Anthropic-style error body, one line, at most 300 characters. */
function errorMessage(body: string): string {
  let text = body;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const e = parsed.error;
    text = typeof e === 'string' ? e : typeof e?.message === 'string' ? e.message : typeof parsed.message === 'string' ? parsed.message : body;
  } catch {
    /* not JSON: the text as it is */
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

export interface CheckRequest {
  baseUrl: string;
  /** ANTHROPIC_AUTH_TOKEN goes as a Bearer token, ANTHROPIC_API_KEY as x-api-key (as Claude Code sends them). */
  auth: { kind: 'token' | 'api-key'; value: string };
  model: string;
  timeoutMs: number;
}

/** One message of one token: 2xx works, 401/403 the key is rejected, anything else is the endpoint refusing. */
export async function checkEndpoint(c: CheckRequest): Promise<CheckResult> {
  let url: URL;
  try {
    url = new URL(`${c.baseUrl.replace(/\/+$/, '')}/v1/messages`);
  } catch {
    return { kind: 'unreachable', reason: 'not a URL' };
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
    'user-agent': 'ccenv-check',
    ...(c.auth.kind === 'token' ? { authorization: `Bearer ${c.auth.value}` } : { 'x-api-key': c.auth.value }),
  };
  const body = JSON.stringify({ model: c.model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] });
  const started = Date.now();
  try {
    const r = await request(url, 'POST', headers, body, c.timeoutMs);
    if (r.status >= 200 && r.status < 300) return { kind: 'works', status: r.status, ms: Date.now() - started };
    if (r.status === 401 || r.status === 403) return { kind: 'rejected', status: r.status, message: errorMessage(r.body) };
    return { kind: 'refused', status: r.status, message: errorMessage(r.body) };
  } catch (e) {
    return { kind: 'unreachable', reason: reasonOf(e) };
  }
}

export type McpProbe =
  | { kind: 'answers'; status: number; ms: number; server: string }
  | { kind: 'rejected'; status: number }
  | { kind: 'refused'; status: number; message: string }
  | { kind: 'unreachable'; reason: string };

/** The JSON-RPC result in a streamable-HTTP answer: a JSON body, or the data of an SSE event. */
function rpcResult(body: string): Record<string, unknown> | null {
  const candidates = [body, ...body.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5))];
  for (const text of candidates) {
    try {
      const parsed = JSON.parse(text) as { result?: unknown };
      if (parsed && typeof parsed.result === 'object' && parsed.result !== null) return parsed.result as Record<string, unknown>;
    } catch {
      /* not this one */
    }
  }
  return null;
}

/** An MCP `initialize` over streamable HTTP with the server's own headers, as Claude Code starts it. */
export async function probeMcp(url: string, headers: Record<string, string>, timeoutMs: number): Promise<McpProbe> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { kind: 'unreachable', reason: 'not a URL' };
  }
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'ccenv-doctor', version: '1' } },
  });
  const started = Date.now();
  try {
    const r = await request(target, 'POST', { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'user-agent': 'ccenv-doctor' }, body, timeoutMs);
    if (r.status === 401 || r.status === 403) return { kind: 'rejected', status: r.status };
    const result = r.status >= 200 && r.status < 300 ? rpcResult(r.body) : null;
    if (result) {
      const info = result['serverInfo'] as { name?: unknown } | undefined;
      return { kind: 'answers', status: r.status, ms: Date.now() - started, server: typeof info?.name === 'string' ? info.name : '-' };
    }
    return { kind: 'refused', status: r.status, message: errorMessage(r.body) };
  } catch (e) {
    return { kind: 'unreachable', reason: reasonOf(e) };
  }
}
