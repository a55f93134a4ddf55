import { describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtinProfileIds, loadProfileFile, parseProfile, ProfileError, resolveProfile } from '../../src/profile/load.js';
import { profileJsonSchema } from '../../src/profile/schema.js';

const base = `
id: demo
name: { en: Demo, zh: 演示 }
baseUrl: https://api.demo.example/anthropic
keyUrl: https://demo.example/keys
`;

function errorOf(text: string, file = 'profiles/demo.yaml'): string {
  try {
    parseProfile(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ProfileError);
    return (err as Error).message;
  }
  throw new Error('expected the profile to be rejected');
}

describe('profile schema', () => {
  test('the zhipu profile reproduces the seed', () => {
    const p = resolveProfile('zhipu');
    expect(p.baseUrl).toBe('https://open.bigmodel.cn/api/anthropic');
    expect(p.keyUrl).toBe('https://open.bigmodel.cn/usercenter/proj-mgmt/apikeys');
    expect(p.env).toEqual({ API_TIMEOUT_MS: '3000000', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' });
    expect(p.name.zh).toContain('智谱');
    expect(p.models).toEqual({ enabledByDefault: false, opus: 'glm-4.6', sonnet: 'glm-4.6', haiku: 'glm-4.5-air' });
    expect(p.node.minimum).toBe(22);
  });

  test('every built-in profile is valid', () => {
    expect(builtinProfileIds()).toContain('zhipu');
    for (const id of builtinProfileIds()) expect(resolveProfile(id).id).toBe(id);
  });

  test('defaults: no models, Node 22 from nodejs.org', () => {
    const p = parseProfile(base, 'profiles/demo.yaml');
    expect(p.models).toBeUndefined();
    expect(p.node).toEqual({ minimum: 22, mirror: 'https://nodejs.org/dist' });
  });

  test('errors name the file and the field path', () => {
    const msg = errorOf(base.replace('https://api.demo.example/anthropic', 'http://api.demo.example/anthropic'));
    expect(msg).toContain('profiles/demo.yaml: baseUrl: must be an https:// URL');
    expect(errorOf(base + 'node: { minimum: "22" }\n')).toMatch(/profiles\/demo\.yaml: node\.minimum: /);
    expect(errorOf(base + 'env: { API_TIMEOUT_MS: 3000000 }\n')).toMatch(/env\.API_TIMEOUT_MS: /);
  });

  test('rejects what Claude Code cannot use', () => {
    expect(errorOf(base.replace('/anthropic\n', '/anthropic/v1\n'))).toContain('must not end in /v1');
    expect(errorOf(base + 'env: { API_TIMEOUT_MS: "3000000000" }\n')).toContain('2147483647');
    expect(errorOf(base + 'env: { ANTHROPIC_AUTH_TOKEN: "x" }\n')).toContain('env.ANTHROPIC_AUTH_TOKEN');
    expect(errorOf(base + 'env: { lower: "x" }\n')).toContain('env');
    expect(errorOf(base + 'colour: blue\n')).toContain('colour');
    expect(errorOf(base.replace('en: Demo', 'en: "De{mo}"'))).toContain('name.en');
    expect(errorOf(base, 'profiles/other.yaml')).toContain('must match the file name');
  });

  test('a pinned Node release: version at least the minimum, official tarball names, hex SHA-256s', () => {
    const hash = 'a'.repeat(64);
    const ok = parseProfile(base + `node:\n  pin:\n    version: "22.1.0"\n    sha256:\n      node-v22.1.0-linux-x64.tar.xz: ${hash}\n`, 'profiles/demo.yaml');
    expect(ok.node.pin?.sha256).toEqual({ 'node-v22.1.0-linux-x64.tar.xz': hash });
    expect(errorOf(base + `node:\n  pin:\n    version: "20.1.0"\n    sha256:\n      node-v20.1.0-linux-x64.tar.xz: ${hash}\n`)).toContain('node.pin.version: must be at least the minimum (22)');
    expect(errorOf(base + `node:\n  pin:\n    version: "22.1.0"\n    sha256:\n      node-v22.2.0-linux-x64.tar.xz: ${hash}\n`)).toContain('is not a 22.1.0 tarball');
    expect(errorOf(base + `node:\n  pin:\n    version: "22.1.0"\n    sha256:\n      node-v22.1.0-linux-x64.tar.xz: ABC\n`)).toContain('node.pin.sha256');
    expect(errorOf(base + `node:\n  pin:\n    version: "22.1.0"\n    sha256:\n      evil.sh: ${hash}\n`)).toContain('official tarball name');
  });

  test('YAML syntax errors and duplicate keys name the file', () => {
    expect(errorOf(base + 'id: again\n')).toContain('profiles/demo.yaml');
    expect(errorOf('id: [unclosed\n')).toContain('profiles/demo.yaml');
  });

  test('loadProfileFile reports an unreadable file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-prof-'));
    expect(() => loadProfileFile(path.join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: cannot read \(ENOENT\)/);
    writeFileSync(path.join(dir, 'demo.yaml'), base);
    expect(loadProfileFile(path.join(dir, 'demo.yaml')).id).toBe('demo');
  });

  test('unknown id lists the built-in profiles', () => {
    expect(() => resolveProfile('nosuch')).toThrow(/built-in profiles: .*zhipu/);
  });

  test('exports a JSON Schema', () => {
    const schema = profileJsonSchema() as { type: string; required: string[]; properties: Record<string, unknown> };
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'name', 'baseUrl', 'keyUrl']));
    expect(Object.keys(schema.properties)).toContain('models');
  });
});

test('profiles/profile.schema.json is the current export (make build writes it)', async () => {
  const { readFileSync } = await import('node:fs');
  const { repoPath } = await import('../../src/paths.js');
  expect(JSON.parse(readFileSync(repoPath('profiles', 'profile.schema.json'), 'utf8'))).toEqual(profileJsonSchema());
});
