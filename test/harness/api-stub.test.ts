import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiCalls, apiStubSite, DEFAULT_REPLY } from '../../src/harness/api-stub.js';
import { startFixtureServer, type FixtureServer } from '../../src/harness/fixture-server.js';
import { ensureTestCa, type TestCa } from '../../src/harness/test-ca.js';
import { curl } from '../support/curl.js';

const HOST = 'open.bigmodel.cn';
const KEY = 'sk-stub-test-0001';

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((b) => b.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? '';
      const data = JSON.parse(lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')) as Record<string, unknown>;
      return { event, data };
    });
}

describe('Anthropic API stub', () => {
  let ca: TestCa;
  let server: FixtureServer;
  let port: number;

  beforeAll(async () => {
    ca = await ensureTestCa([HOST]);
    server = await startFixtureServer({ tls: { cert: ca.chain, key: ca.key }, sites: [apiStubSite(HOST, { expectKey: KEY })] });
    port = server.httpsPort as number;
  });
  afterAll(() => server?.close());

  const post = (path: string, body: unknown, headers: string[] = ['-H', `Authorization: Bearer ${KEY}`]) =>
    curl(`https://${HOST}:${port}${path}`, {
      port,
      cacert: ca.caCert,
      args: ['-N', '-H', 'content-type: application/json', '-H', 'anthropic-version: 2023-06-01', ...headers, '--data-binary', JSON.stringify(body)],
    });

  test('streams a message as server-sent events, in the Messages API order', async () => {
    const r = await post('/api/anthropic/v1/messages?beta=true', {
      model: 'glm-4.6', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hello' }],
    });
    expect(r.status).toBe(200);
    const events = parseSse(r.body);
    const names = events.map((e) => e.event).filter((n) => n !== 'ping');
    const deltas = names.filter((n) => n === 'content_block_delta').length;
    expect(deltas).toBeGreaterThan(1);
    expect(names).toEqual([
      'message_start', 'content_block_start', ...Array<string>(deltas).fill('content_block_delta'),
      'content_block_stop', 'message_delta', 'message_stop',
    ]);
    for (const e of events) expect(e.data.type).toBe(e.event);
    const text = events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => (e.data.delta as { text: string }).text)
      .join('');
    expect(text).toBe(DEFAULT_REPLY);
    expect((events[0]!.data.message as { model: string }).model).toBe('glm-4.6');
    expect((events.find((e) => e.event === 'message_delta')!.data.delta as { stop_reason: string }).stop_reason).toBe('end_turn');
  });

  test('answers JSON without stream; counts tokens; lists models', async () => {
    const r = await post('/v1/messages', { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
    const msg = JSON.parse(r.body) as { type: string; role: string; content: { type: string; text: string }[]; stop_reason: string };
    expect(msg).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn' });
    expect(msg.content).toEqual([{ type: 'text', text: DEFAULT_REPLY }]);
    const c = await post('/api/anthropic/v1/messages/count_tokens', { model: 'm', messages: [{ role: 'user', content: 'hello there' }] });
    expect(JSON.parse(c.body).input_tokens).toBeGreaterThan(0);
    const m = await curl(`https://${HOST}:${port}/api/anthropic/v1/models`, { port, cacert: ca.caCert, args: ['-H', `x-api-key: ${KEY}`] });
    expect(m.status).toBe(200);
    expect((JSON.parse(m.body) as { data: unknown[] }).data.length).toBeGreaterThan(0);
  });

  test('refuses a wrong or missing key (401), a bad body (400), an unknown path (404) — Anthropic-style errors', async () => {
    const wrong = await post('/v1/messages', { model: 'm', messages: [] }, ['-H', 'Authorization: Bearer nope']);
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect((await post('/v1/messages', { model: 'm', messages: [] }, [])).status).toBe(401);
    const viaXApiKey = await post('/v1/messages', { model: 'm', messages: [] }, ['-H', `x-api-key: ${KEY}`]);
    expect(viaXApiKey.status).toBe(200);
    expect((await post('/v1/messages', { messages: [] })).status).toBe(400);
    const hello = await curl(`https://${HOST}:${port}/api/anthropic/api/hello`, { port, cacert: ca.caCert, args: ['-I'] });
    expect(hello.status).toBe(200); // Claude Code's connectivity check
    const unknown = await post('/api/anthropic/v1/complete', { model: 'm' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  test('node https reads the stream incrementally (first event before the last)', async () => {
    const chunks: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, servername: HOST, path: '/api/anthropic/v1/messages', method: 'POST', ca: readFileSync(ca.caCert),
          headers: { host: HOST, 'content-type': 'application/json', authorization: `Bearer ${KEY}` } },
        (res) => {
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          res.setEncoding('utf8');
          res.on('data', (d: string) => chunks.push(d));
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'x', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'stream please' }] }));
    });
    expect(chunks.length).toBeGreaterThan(1);
    expect(parseSse(chunks.join('')).at(-1)!.event).toBe('message_stop');
  });

  test('apiCalls summarises what the stub received: key, authorization header, model, stream, prompt', () => {
    const calls = apiCalls(server.requests());
    const streamed = calls.find((c) => c.lastUserText === 'hello');
    expect(streamed).toMatchObject({
      method: 'POST', host: HOST, url: '/api/anthropic/v1/messages?beta=true', status: 200,
      authorization: `Bearer ${KEY}`, key: KEY, model: 'glm-4.6', stream: true, anthropicVersion: '2023-06-01',
    });
    expect(calls.find((c) => c.xApiKey === KEY)).toBeDefined();
    expect(calls.every((c) => !c.url.includes('count_tokens'))).toBe(true);
  });
});
