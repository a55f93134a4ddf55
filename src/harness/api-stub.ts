// An Anthropic-compatible Messages API on loopback, enough for Claude Code (`claude -p`): POST
// …/v1/messages answering JSON, or server-sent events when `stream: true`; …/v1/messages/
// count_tokens; GET …/v1/models. The prefix before /v1 is free (a provider's base URL such as
// https://open.bigmodel.cn/api/anthropic). Everything else gets an Anthropic-style 404 error; the
// fixture server records every request either way.
import { randomBytes } from 'node:crypto';
import type { FixtureRequest, FixtureResponse, Handler, RecordedRequest, Site } from './fixture-server.js';

export interface ApiStubOptions {
  /** The assistant's answer. Default: DEFAULT_REPLY. */
  reply?: string;
  /**
   * The key a request must carry (`Authorization: Bearer <key>` or `x-api-key: <key>`); others get
   * 401 authentication_error, as a real endpoint answers. Default: any key, but one is required.
   */
  expectKey?: string;
  /** Model names for GET /v1/models. */
  models?: string[];
  /** Pause between streamed events, as a real stream has (ms). Default 5. */
  delayMs?: number;
}

export const DEFAULT_REPLY = 'Hello from the ccenv API stub.';

type Json = Record<string, unknown>;

function jsonResponse(status: number, body: unknown, extra: Record<string, string> = {}): FixtureResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'request-id': `req_stub_${randomBytes(6).toString('hex')}`, ...extra },
    body: JSON.stringify(body),
  };
}

function apiError(status: number, type: string, message: string): FixtureResponse {
  return jsonResponse(status, { type: 'error', error: { type, message } });
}

/** The key a request carries: the Bearer token, else x-api-key. */
export function requestKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers['authorization'];
  const a = Array.isArray(auth) ? auth[0] : auth;
  if (a && /^Bearer\s+/i.test(a)) return a.replace(/^Bearer\s+/i, '');
  const x = headers['x-api-key'];
  return Array.isArray(x) ? x[0] : x;
}

function roughTokens(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / 4));
}

/** Splits the reply into a few deltas, as a real stream does. */
function pieces(text: string): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 3) out.push(words.slice(i, i + 3).join(''));
  return out.length > 0 ? out : [''];
}

function sse(event: string, data: Json): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

async function* messageEvents(id: string, model: string, reply: string, inputTokens: number, delayMs: number): AsyncGenerator<string> {
  const outTokens = roughTokens(reply);
  const pause = () => (delayMs > 0 ? new Promise((r) => setTimeout(r, delayMs)) : Promise.resolve());
  yield sse('message_start', {
    type: 'message_start',
    message: {
      id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  });
  yield sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  yield sse('ping', { type: 'ping' });
  for (const p of pieces(reply)) {
    await pause();
    yield sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } });
  }
  await pause();
  yield sse('content_block_stop', { type: 'content_block_stop', index: 0 });
  yield sse('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: outTokens },
  });
  yield sse('message_stop', { type: 'message_stop' });
}

export function apiStubHandler(opts: ApiStubOptions = {}): Handler {
  const reply = opts.reply ?? DEFAULT_REPLY;
  const models = opts.models ?? ['claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5'];
  return (req: FixtureRequest): FixtureResponse => {
    const p = req.subpath.replace(/\/+$/, '');
    // Claude Code's connectivity check (HEAD <base URL>/api/hello) when non-essential traffic is on
    if (/\/api\/hello$/.test(p)) return jsonResponse(200, { message: 'hello' });
    const isMessages = /\/v1\/messages$/.test(p);
    const isCount = /\/v1\/messages\/count_tokens$/.test(p);
    const isModels = /\/v1\/models$/.test(p);
    if (!isMessages && !isCount && !isModels) return apiError(404, 'not_found_error', `Not found: ${req.method} ${req.path}`);
    const key = requestKey(req.headers);
    if (!key) return apiError(401, 'authentication_error', 'x-api-key or Authorization header is required');
    if (opts.expectKey !== undefined && key !== opts.expectKey) return apiError(401, 'authentication_error', 'invalid x-api-key');
    if (isModels) {
      if (req.method !== 'GET') return apiError(405, 'invalid_request_error', 'use GET');
      const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
      return jsonResponse(200, { data, has_more: false, first_id: models[0] ?? null, last_id: models[models.length - 1] ?? null });
    }
    if (req.method !== 'POST') return apiError(405, 'invalid_request_error', 'use POST');
    let body: Json;
    try {
      body = JSON.parse(req.body.toString('utf8')) as Json;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
    } catch {
      return apiError(400, 'invalid_request_error', 'the request body is not a JSON object');
    }
    if (typeof body.model !== 'string' || body.model === '') return apiError(400, 'invalid_request_error', 'model: Field required');
    if (!Array.isArray(body.messages)) return apiError(400, 'invalid_request_error', 'messages: Field required');
    const inputTokens = roughTokens([body.system, body.messages, body.tools]);
    if (isCount) return jsonResponse(200, { input_tokens: inputTokens });
    const id = `msg_stub_${randomBytes(8).toString('hex')}`;
    if (body.stream === true) {
      return {
        status: 200,
        headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_stub_${randomBytes(6).toString('hex')}` },
        stream: messageEvents(id, body.model, reply, inputTokens, opts.delayMs ?? 5),
      };
    }
    return jsonResponse(200, {
      id, type: 'message', role: 'assistant', model: body.model,
      content: [{ type: 'text', text: reply }],
      stop_reason: 'end_turn', stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: roughTokens(reply), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  };
}

export function apiStubSite(host: string, opts: ApiStubOptions & { prefix?: string; name?: string } = {}): Site {
  return { host, prefix: opts.prefix, name: opts.name ?? 'api', handler: apiStubHandler(opts) };
}

export interface ApiCall {
  method: string;
  host: string;
  url: string;
  status: number;
  authorization?: string;
  xApiKey?: string;
  /** The key the request carried (Bearer token, else x-api-key). */
  key?: string;
  model?: string;
  stream?: boolean;
  /** The text of the last user message, when it is text. */
  lastUserText?: string;
  anthropicVersion?: string;
  userAgent?: string;
}

function one(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

function lastUserText(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: string; content?: unknown };
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      const texts = m.content
        .filter((c: { type?: string }) => c?.type === 'text')
        .map((c: { text?: string }) => c.text ?? '');
      return texts.length > 0 ? texts[texts.length - 1] : undefined;
    }
    return undefined;
  }
  return undefined;
}

/** The Messages API calls among recorded requests (of the site named `site`, default 'api'). */
export function apiCalls(requests: RecordedRequest[], site = 'api'): ApiCall[] {
  return requests
    .filter((r) => r.site === site && /\/v1\/messages(\?|$)/.test(r.url))
    .map((r) => {
      let body: Json = {};
      try {
        body = JSON.parse(r.body) as Json;
      } catch {
        /* not JSON */
      }
      const call: ApiCall = { method: r.method, host: r.host, url: r.url, status: r.status };
      const auth = one(r.headers['authorization']);
      if (auth !== undefined) call.authorization = auth;
      const x = one(r.headers['x-api-key']);
      if (x !== undefined) call.xApiKey = x;
      const key = requestKey(r.headers);
      if (key !== undefined) call.key = key;
      if (typeof body.model === 'string') call.model = body.model;
      if (typeof body.stream === 'boolean') call.stream = body.stream;
      const t = lastUserText(body.messages);
      if (t !== undefined) call.lastUserText = t;
      const v = one(r.headers['anthropic-version']);
      if (v !== undefined) call.anthropicVersion = v;
      const ua = one(r.headers['user-agent']);
      if (ua !== undefined) call.userAgent = ua;
      return call;
    });
}
