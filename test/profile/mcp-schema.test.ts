// The MCP part of a profile: what Claude Code accepts, https only, and the key only as {key}, in a
// header or env value — never a literal key, never in a URL or an argument.

import { describe, expect, test } from 'vitest';
import { profileSchema } from '../../src/profile/schema.js';

const base = {
  id: 'acme',
  name: { en: 'Acme', zh: 'Acme' },
  baseUrl: 'https://api.acme.example/anthropic',
  keyUrl: 'https://acme.example/keys',
};

function problems(mcp: unknown): string[] {
  const r = profileSchema.safeParse({ ...base, mcp });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const http = (over: Record<string, unknown> = {}) => ({ servers: { search: { type: 'http', url: 'https://mcp.acme.example/search', headers: { Authorization: 'Bearer {key}' }, ...over } } });
const stdio = (over: Record<string, unknown> = {}) => ({ servers: { vision: { type: 'stdio', command: 'npx', args: ['-y', '@acme/vision'], env: { ACME_API_KEY: '{key}' }, ...over } } });

describe('mcp in a profile', () => {
  test('an http and a stdio server as providers document them are valid; the default is off', () => {
    expect(problems(http())).toEqual([]);
    expect(problems(stdio())).toEqual([]);
    const parsed = profileSchema.parse({ ...base, mcp: stdio() });
    expect(parsed.mcp?.enabledByDefault).toBe(false);
  });

  test.each([
    ['a name Claude Code refuses', { servers: { 'web search': http().servers.search } }, 'letters, digits'],
    ['an http:// URL', http({ url: 'http://mcp.acme.example/search' }), 'https://'],
    ['the key in the URL', http({ url: 'https://mcp.acme.example/search?key={key}' }), 'must not hold the key'],
    ['a literal key in the URL', http({ url: 'https://mcp.acme.example/search?token=sk0123456789abcdefABCDEF99' }), 'must not hold the key'],
    ['a literal key in a header', http({ headers: { Authorization: 'Bearer sk-0123456789abcdefABCDEF99' } }), '{key}'],
    ['a credential header without {key}', http({ headers: { 'X-Api-Key': 'please-fill-in' } }), '{key}'],
    ['a brace that is not {key}', http({ headers: { Authorization: 'Bearer {token}' } }), 'braces only as {key}'],
    ['the key in an argument', stdio({ args: ['--key', '{key}'] }), 'arguments are visible'],
    ['a literal key in an argument', stdio({ args: ['--key=sk0123456789abcdefABCDEF99'] }), 'literal API key'],
    ['a literal key in env', stdio({ env: { ACME_API_KEY: 'sk0123456789abcdefABCDEF99' } }), '{key}'],
    ['a command with a folder', stdio({ command: '/usr/local/bin/npx' }), 'program name'],
    ['a command with arguments', stdio({ command: 'npx -y' }), 'program name'],
    ['an unknown type', { servers: { x: { type: 'sse', url: 'https://a.example/sse' } } }, ''],
    ['no server', { servers: {} }, 'at least one'],
  ])('refused: %s', (_what, mcp, message) => {
    const found = problems(mcp);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(message);
  });

  test('non-secret env values stay free (a host, a mode)', () => {
    expect(problems(stdio({ env: { ACME_API_KEY: '{key}', ACME_MODE: 'CN', ACME_HOST: 'https://api.acme.example' } }))).toEqual([]);
  });
});
