import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiStubSite } from '../../src/harness/api-stub.js';
import { startFixtureServer, type FixtureServer } from '../../src/harness/fixture-server.js';
import { MCP_STUB_PATH, MCP_STUB_TOOL, mcpCalls, mcpStubSite } from '../../src/harness/mcp-stub.js';

const HOST = 'open.bigmodel.cn';
const KEY = 'sk-mcp-stub-test-0001';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

/** One plain-HTTP request to the loopback server with a Host header (fetch cannot set one). */
function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: HOST, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('MCP stub (streamable HTTP)', () => {
  let server: FixtureServer;
  let port: number;

  beforeAll(async () => {
    // beside the API stub on the same host, as in a scenario: the longer prefix wins
    server = await startFixtureServer({ httpPort: 0, sites: [apiStubSite(HOST), mcpStubSite(HOST, { expectKey: KEY })] });
    port = server.httpPort as number;
  });
  afterAll(() => server?.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    send(port, 'POST', MCP_STUB_PATH, { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${KEY}`, ...headers }, JSON.stringify(body));

  test('initialize → session, notification → 202, tools/list and ping with the session; each request recorded with its key', async () => {
    const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    expect(init.status).toBe(200);
    const session = init.headers['mcp-session-id'];
    expect(session).toMatch(/^[0-9a-f]{24}$/);
    expect(init.json()).toEqual({
      jsonrpc: '2.0', id: 1,
      result: { protocolVersion: '2025-06-18', capabilities: { tools: { listChanged: false } }, serverInfo: { name: 'ccenv-mcp-stub', version: '1.0.0' } },
    });
    const s = { 'mcp-session-id': session as string, 'mcp-protocol-version': '2025-06-18' };
    const note = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, s);
    expect([note.status, note.text]).toEqual([202, '']);
    const list = (await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, s)).json() as { result: { tools: { name: string }[] } };
    expect(list.result.tools.map((t) => t.name)).toEqual([MCP_STUB_TOOL]);
    expect((await post({ jsonrpc: '2.0', id: 3, method: 'ping' }, s)).json()).toEqual({ jsonrpc: '2.0', id: 3, result: {} });
    const call = (await post({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: MCP_STUB_TOOL, arguments: { search_query: 'ccenv' } } }, s)).json() as { result: { content: { text: string }[] } };
    expect(call.result.content[0]!.text).toBe('ccenv MCP stub result for "ccenv"');
    expect((await post({ jsonrpc: '2.0', id: 5, method: 'resources/list' }, s)).json()).toMatchObject({ id: 5, error: { code: -32601 } });

    const calls = mcpCalls(server.requests());
    expect(calls.map((c) => [c.rpc, c.status])).toEqual([
      [['initialize'], 200], [['notifications/initialized'], 202], [['tools/list'], 200], [['ping'], 200], [['tools/call'], 200], [['resources/list'], 200],
    ]);
    expect(calls.every((c) => c.host === HOST && c.authorization === `Bearer ${KEY}` && c.key === KEY)).toBe(true);
    expect(calls.slice(1).every((c) => c.sessionId === session && c.protocolVersion === '2025-06-18')).toBe(true);
  });

  test('answers an unknown protocol version with its own; refuses a wrong key, a missing or unknown session, GET, bad JSON', async () => {
    const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2099-01-01' } });
    expect((init.json() as { result: { protocolVersion: string } }).result.protocolVersion).toBe('2025-06-18');
    expect((await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }, { authorization: 'Bearer sk-wrong' })).status).toBe(401);
    expect((await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' })).status).toBe(400);
    expect((await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': 'nope' })).status).toBe(404);
    const get = await send(port, 'GET', MCP_STUB_PATH, { accept: 'text/event-stream', authorization: `Bearer ${KEY}` });
    expect([get.status, get.headers['allow']]).toEqual([405, 'POST']);
    expect((await send(port, 'POST', MCP_STUB_PATH, { authorization: `Bearer ${KEY}` }, '{')).status).toBe(400);
    // the rest of the host is still the Anthropic API stub
    expect((await send(port, 'GET', '/api/anthropic/v1/models', { authorization: `Bearer ${KEY}` })).status).toBe(200);
    expect(server.requests().at(-1)!.site).toBe('api');
  });
});
