// --doctor's question to an http MCP server: `initialize`, with the server's own headers, over
// streamable HTTP (a JSON answer or an SSE event), told apart from a refused key and a non-MCP page.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { probeMcp } from '../../src/configure/endpoint.js';

const KEY = 'sk-probe-0123456789abcdef';
let base = '';
const seen: Array<{ auth: string | undefined; accept: string | undefined; method: unknown }> = [];

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const rpc = JSON.parse(body || '{}') as { id?: number; method?: string };
    seen.push({ auth: req.headers.authorization, accept: req.headers.accept, method: rpc.method });
    const result = { jsonrpc: '2.0', id: rpc.id, result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'stub-search', version: '1.0' } } };
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid token"}');
    } else if (req.url === '/json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    } else if (req.url === '/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`event: message\ndata: ${JSON.stringify(result)}\n\n`);
    } else {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>');
    }
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('probeMcp', () => {
  test('a JSON answer: the server answers, with its name; the headers went as given', async () => {
    const r = await probeMcp(`${base}/json`, { Authorization: `Bearer ${KEY}` }, 5000);
    expect(r).toMatchObject({ kind: 'answers', status: 200, server: 'stub-search' });
    const last = seen[seen.length - 1]!;
    expect(last.method).toBe('initialize');
    expect(last.auth).toBe(`Bearer ${KEY}`);
    expect(last.accept).toContain('text/event-stream');
  });

  test('an SSE answer counts the same', async () => {
    expect(await probeMcp(`${base}/sse`, { Authorization: `Bearer ${KEY}` }, 5000)).toMatchObject({ kind: 'answers', server: 'stub-search' });
  });

  test('a wrong key is "rejected", a page that is no MCP server is "refused", a closed port "unreachable"', async () => {
    expect(await probeMcp(`${base}/json`, { Authorization: 'Bearer sk-wrong' }, 5000)).toEqual({ kind: 'rejected', status: 401 });
    expect(await probeMcp(`${base}/other`, { Authorization: `Bearer ${KEY}` }, 5000)).toMatchObject({ kind: 'refused', status: 404 });
    expect(await probeMcp('http://127.0.0.1:1/mcp', {}, 5000)).toMatchObject({ kind: 'unreachable' });
  });
});
