// A remote MCP server on loopback (streamable HTTP, MCP 2025-06-18), enough for Claude Code's
// `claude mcp list` health check and a tool call: JSON-RPC over POST answered with JSON —
// initialize (a session id in Mcp-Session-Id), notifications (202), tools/list (one tool),
// tools/call, ping. GET and DELETE get 405, as the spec allows a server without a stream. The site's
// prefix is the endpoint's path (a provider's https://open.bigmodel.cn/api/mcp/web_search_prime/mcp);
// the fixture server records every request with its headers, so a test sees the Authorization sent.
import { randomBytes } from 'node:crypto';
import { requestKey } from './api-stub.js';
import type { FixtureRequest, FixtureResponse, Handler, RecordedRequest, Site } from './fixture-server.js';

export interface McpStubOptions {
  /** The key a request must carry (`Authorization: Bearer <key>`); others get 401. Default: any, or none. */
  expectKey?: string;
  /** The one tool tools/list offers. Default MCP_STUB_TOOL. */
  toolName?: string;
  /** serverInfo.name in the initialize answer. */
  serverName?: string;
}

/** The endpoint path Zhipu's web search MCP server has (the stub's default prefix). */
export const MCP_STUB_PATH = '/api/mcp/web_search_prime/mcp';
export const MCP_STUB_TOOL = 'webSearchPrime';
export const MCP_PROTOCOL_VERSION = '2025-06-18';
const KNOWN_VERSIONS = ['2024-11-05', '2025-03-26', '2025-06-18'];

type Json = Record<string, unknown>;
type RpcMessage = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };

function json(status: number, body: unknown, extra: Record<string, string> = {}): FixtureResponse {
  return { status, headers: { 'content-type': 'application/json', ...extra }, body: JSON.stringify(body) };
}

function rpcError(id: unknown, code: number, message: string): Json {
  return { jsonrpc: '2.0', id: id ?? null, error: { code, message } };
}

function one(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

export function mcpStubHandler(opts: McpStubOptions = {}): Handler {
  const tool = opts.toolName ?? MCP_STUB_TOOL;
  const sessions = new Set<string>();

  const answer = (m: RpcMessage): Json | undefined => {
    const params = (typeof m.params === 'object' && m.params !== null ? m.params : {}) as Json;
    switch (m.method) {
      case 'initialize': {
        const asked = typeof params.protocolVersion === 'string' ? params.protocolVersion : '';
        return {
          protocolVersion: KNOWN_VERSIONS.includes(asked) ? asked : MCP_PROTOCOL_VERSION,
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: opts.serverName ?? 'ccenv-mcp-stub', version: '1.0.0' },
        };
      }
      case 'ping':
        return {};
      case 'tools/list':
        return {
          tools: [{
            name: tool,
            description: 'Searches the web (the ccenv MCP stub answers with a fixed text).',
            inputSchema: { type: 'object', properties: { search_query: { type: 'string' } }, required: ['search_query'] },
          }],
        };
      case 'tools/call': {
        if (params.name !== tool) return undefined;
        const args = (params.arguments ?? {}) as Json;
        return { content: [{ type: 'text', text: `ccenv MCP stub result for ${JSON.stringify(args.search_query ?? '')}` }], isError: false };
      }
      default:
        return undefined;
    }
  };

  return (req: FixtureRequest): FixtureResponse => {
    if (req.subpath.replace(/\/+$/, '') !== '') return json(404, { error: `Not found: ${req.method} ${req.path}` });
    if (req.method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: '' };
    const key = requestKey(req.headers);
    if (opts.expectKey !== undefined && key !== opts.expectKey) return json(401, rpcError(null, -32001, 'Unauthorized: a valid API key is required'));

    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      return json(400, rpcError(null, -32700, 'Parse error'));
    }
    const batch = Array.isArray(parsed);
    const messages = (batch ? parsed : [parsed]) as RpcMessage[];
    if (messages.length === 0 || messages.some((m) => typeof m !== 'object' || m === null || m.jsonrpc !== '2.0')) {
      return json(400, rpcError(null, -32600, 'Invalid Request'));
    }

    const init = messages.some((m) => m.method === 'initialize');
    const session = one(req.headers['mcp-session-id']);
    // a client must send back the session id initialize gave it (spec: 400 without, 404 unknown)
    if (!init && session === undefined) return json(400, rpcError(null, -32000, 'Bad Request: Mcp-Session-Id header is required'));
    if (!init && !sessions.has(session as string)) return json(404, rpcError(null, -32001, 'Session not found'));

    // notifications and the client's own responses carry no id to answer: 202, no body
    const requests = messages.filter((m) => typeof m.method === 'string' && m.id !== undefined && m.id !== null);
    if (requests.length === 0) return { status: 202, body: '' };
    const replies = requests.map((m) => {
      const result = answer(m);
      return result === undefined ? rpcError(m.id, -32601, `Method not found: ${String(m.method)}`) : { jsonrpc: '2.0', id: m.id, result };
    });
    const extra: Record<string, string> = {};
    if (init) {
      const id = randomBytes(12).toString('hex');
      sessions.add(id);
      extra['mcp-session-id'] = id;
    }
    return json(200, batch ? replies : replies[0], extra);
  };
}

export function mcpStubSite(host: string, opts: McpStubOptions & { prefix?: string; name?: string } = {}): Site {
  return { host, prefix: opts.prefix ?? MCP_STUB_PATH, name: opts.name ?? 'mcp', handler: mcpStubHandler(opts) };
}

export interface McpCall {
  /** The HTTP method and status. */
  method: string;
  status: number;
  host: string;
  url: string;
  /** The JSON-RPC methods in the body ('initialize', 'notifications/initialized' …), if any. */
  rpc: string[];
  authorization?: string;
  key?: string;
  sessionId?: string;
  protocolVersion?: string;
  userAgent?: string;
}

/** The requests the MCP stub (the site named `site`, default 'mcp') answered, JSON-RPC methods read out. */
export function mcpCalls(requests: RecordedRequest[], site = 'mcp'): McpCall[] {
  return requests
    .filter((r) => r.site === site)
    .map((r) => {
      let rpc: string[] = [];
      try {
        const body = JSON.parse(r.body) as unknown;
        rpc = (Array.isArray(body) ? body : [body])
          .map((m: RpcMessage) => m?.method)
          .filter((m): m is string => typeof m === 'string');
      } catch {
        /* no JSON body (GET) */
      }
      const call: McpCall = { method: r.method, status: r.status, host: r.host, url: r.url, rpc };
      const auth = one(r.headers['authorization']);
      if (auth !== undefined) call.authorization = auth;
      const key = requestKey(r.headers);
      if (key !== undefined) call.key = key;
      const s = one(r.headers['mcp-session-id']);
      if (s !== undefined) call.sessionId = s;
      const v = one(r.headers['mcp-protocol-version']);
      if (v !== undefined) call.protocolVersion = v;
      const ua = one(r.headers['user-agent']);
      if (ua !== undefined) call.userAgent = ua;
      return call;
    });
}
