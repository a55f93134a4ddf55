import { describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/errors.js';
import { builtinProfileIds, loadProfileFile, parseProfile, resolveProfile } from '../../src/profile/load.js';
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
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
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
    expect(p.models).toEqual({ enabledByDefault: false, opus: 'glm-4.7', sonnet: 'glm-4.7', haiku: 'glm-4.5-air' });
    expect(p.node.minimum).toBe(22);
    // a China profile: Node and npm from the China mirror
    expect(p.region).toBe('cn');
    expect(p.node.mirror).toBe('https://npmmirror.com/mirrors/node');
    expect(p.npmRegistry).toBe('https://registry.npmmirror.com');
  });

  test('every built-in profile is valid', () => {
    expect(builtinProfileIds()).toContain('zhipu');
    for (const id of builtinProfileIds()) expect(resolveProfile(id).id).toBe(id);
  });

  test('defaults: no models, region global: Node 22 from nodejs.org, npm\'s own registry', () => {
    const p = parseProfile(base, 'profiles/demo.yaml');
    expect(p.models).toBeUndefined();
    expect(p.region).toBe('global');
    expect(p.node).toEqual({ minimum: 22, mirror: 'https://nodejs.org/dist' });
    expect(p.npmRegistry).toBeUndefined();
    expect(p.provenance).toEqual({});
  });

  test('region cn: the China mirrors, unless the profile names its own', () => {
    const cn = parseProfile(base + 'region: cn\n', 'profiles/demo.yaml');
    expect([cn.node.mirror, cn.npmRegistry]).toEqual(['https://npmmirror.com/mirrors/node', 'https://registry.npmmirror.com']);
    const own = parseProfile(base + 'region: cn\nnode: { mirror: "https://m.example/node" }\nnpmRegistry: https://npm.example\n', 'profiles/demo.yaml');
    expect([own.node.mirror, own.npmRegistry]).toEqual(['https://m.example/node', 'https://npm.example']);
  });

  test('a model mapping names all three models', () => {
    expect(errorOf(base + 'models: { opus: a, sonnet: b }\n')).toContain('models.haiku: is required');
    const p = parseProfile(base + 'models: { opus: a, sonnet: b, haiku: c }\n', 'profiles/demo.yaml');
    expect(p.models).toEqual({ enabledByDefault: false, opus: 'a', sonnet: 'b', haiku: 'c' });
  });

  test('extra env: CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC only "1", no deprecated or reserved names, timeout 1..2147483647', () => {
    expect(errorOf(base + 'env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "0" }\n')).toContain('even "0"');
    expect(errorOf(base + 'env: { ANTHROPIC_SMALL_FAST_MODEL: x }\n')).toContain('env.ANTHROPIC_SMALL_FAST_MODEL: may not be set here: ANTHROPIC_SMALL_FAST_MODEL is deprecated');
    expect(errorOf(base + 'env: { ANTHROPIC_DEFAULT_OPUS_MODEL: x }\n')).toContain('comes from models.opus');
    expect(errorOf(base + 'env: { API_TIMEOUT_MS: "0" }\n')).toContain('env.API_TIMEOUT_MS');
    expect(errorOf(base + 'env: { API_TIMEOUT_MS: "2147483648" }\n')).toContain('env.API_TIMEOUT_MS');
    expect(parseProfile(base + 'env: { API_TIMEOUT_MS: "2147483647" }\n', 'profiles/demo.yaml').env).toEqual({ API_TIMEOUT_MS: '2147483647' });
  });

  test('provenance: a source per fact, with secondary/unverified flags', () => {
    const p = parseProfile(base + 'provenance:\n  keyUrl: { source: https://demo.example/docs, unverified: true }\n', 'profiles/demo.yaml');
    expect(p.provenance.keyUrl).toEqual({ source: 'https://demo.example/docs', secondary: false, unverified: true });
    expect(errorOf(base + 'provenance:\n  colour: { source: x }\n')).toContain('provenance');
    expect(errorOf(base + 'provenance:\n  keyUrl: {}\n')).toContain('provenance.keyUrl.source');
  });

  test('errors name the file and the field path', () => {
    const msg = errorOf(base.replace('https://api.demo.example/anthropic', 'http://api.demo.example/anthropic'));
    expect(msg).toContain('profiles/demo.yaml: baseUrl: must be an https:// URL');
    expect(errorOf(base + 'node: { minimum: "22" }\n')).toMatch(/profiles\/demo\.yaml: node\.minimum: /);
    expect(errorOf(base + 'env: { DISABLE_TELEMETRY: true }\n')).toMatch(/env\.DISABLE_TELEMETRY: must be a string: write "1" or "true" in quotes/);
    expect(errorOf(base + 'env: { EXTRA: "a\\nb" }\n')).toContain('env.EXTRA: must be a single line');
  });

  test('a whole number in env is stored as the decimal string settings.json needs; the timeout limit still holds', () => {
    const p = parseProfile(base + 'env: { API_TIMEOUT_MS: 3000000, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: 1, NEG: -5 }\n', 'profiles/demo.yaml');
    expect(p.env).toEqual({ API_TIMEOUT_MS: '3000000', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', NEG: '-5' });
    expect(errorOf(base + 'env: { API_TIMEOUT_MS: 2147483648 }\n')).toContain('env.API_TIMEOUT_MS: must be a whole number of milliseconds from 1 to 2147483647');
    expect(errorOf(base + 'env: { API_TIMEOUT_MS: 0 }\n')).toContain('from 1 to 2147483647');
    expect(errorOf(base + 'env: { API_TIMEOUT_MS: 1.5 }\n')).toContain('env.API_TIMEOUT_MS: must be a whole number or a string');
    expect(errorOf(base + 'env: { API_TIMEOUT_MS: .inf }\n')).toContain('env.API_TIMEOUT_MS: must be a whole number or a string');
    expect(errorOf(base + 'env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: 0 }\n')).toContain('must be "1"');
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

  test('a pinned Node release: version at least the minimum, official tarball and Windows zip names, hex SHA-256s', () => {
    const hash = 'a'.repeat(64);
    const ok = parseProfile(base + `node:\n  pin:\n    version: "22.1.0"\n    sha256:\n      node-v22.1.0-linux-x64.tar.xz: ${hash}\n`, 'profiles/demo.yaml');
    expect(ok.node.pin?.sha256).toEqual({ 'node-v22.1.0-linux-x64.tar.xz': hash });
    expect(errorOf(base + `node:\n  pin:\n    version: "20.1.0"\n    sha256:\n      node-v20.1.0-linux-x64.tar.xz: ${hash}\n`)).toContain('node.pin.version: must be at least the minimum (22)');
    expect(errorOf(base + `node:\n  pin:\n    version: "22.1.0"\n    sha256:\n      node-v22.2.0-linux-x64.tar.xz: ${hash}\n`)).toContain('is not a 22.1.0 tarball');
    expect(errorOf(base + `node:\n  pin:\n    version: "22.1.0"\n    sha256:\n      node-v22.1.0-linux-x64.tar.xz: ABC\n`)).toContain('node.pin.sha256');
    expect(errorOf(base + `node:\n  pin:\n    version: "22.1.0"\n    sha256:\n      evil.sh: ${hash}\n`)).toContain('official tarball or Windows zip name');
    // The zips install.ps1 and install.cmd download on Windows; not the other Windows files.
    const win = parseProfile(base + `node:\n  pin:\n    version: "22.1.0"\n    sha256:\n      node-v22.1.0-win-x64.zip: ${hash}\n      node-v22.1.0-win-arm64.zip: ${hash}\n`, 'profiles/demo.yaml');
    expect(Object.keys(win.node.pin?.sha256 ?? {})).toEqual(['node-v22.1.0-win-x64.zip', 'node-v22.1.0-win-arm64.zip']);
    for (const name of ['node-v22.1.0-win-x86.zip', 'node-v22.1.0-win-x64.7z', 'node-v22.1.0-x64.msi', 'node-v22.1.0-linux-x64.zip']) {
      expect(errorOf(base + `node:\n  pin:\n    version: "22.1.0"\n    sha256:\n      ${name}: ${hash}\n`)).toContain('official tarball or Windows zip name');
    }
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
    const schema = profileJsonSchema() as { type: string; else: { required: string[] }; then: { required: string[] }; properties: Record<string, unknown> };
    expect(schema.type).toBe('object');
    // a full profile needs its endpoint and names; one that extends another needs only its id
    expect(schema.else.required).toEqual(expect.arrayContaining(['id', 'name', 'baseUrl', 'keyUrl']));
    expect(schema.then.required).toEqual(['id', 'extends']);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['extends', 'models', 'region', 'provenance']));
  });
});

test('profiles/profile.schema.json is the current export (make build writes it)', async () => {
  const { readFileSync } = await import('node:fs');
  const { repoPath } = await import('../../src/paths.js');
  expect(JSON.parse(readFileSync(repoPath('profiles', 'profile.schema.json'), 'utf8'))).toEqual(profileJsonSchema());
});
