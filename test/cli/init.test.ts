// `ccenv init` through the compiled CLI: flags alone, answers on stdin, refusals; every file it
// writes validates and builds.
import { describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../src/paths.js';
import { loadProfileFile } from '../../src/profile/load.js';
import { profileJsonSchema } from '../../src/profile/schema.js';

const CLI = path.join(REPO_ROOT, 'out', 'src', 'cli', 'main.js');
const ccenv = (cwd: string, args: string[], input?: string) =>
  execa('node', [CLI, ...args], { cwd, reject: false, ...(input === undefined ? { stdin: 'ignore' as const } : { input }) });
const tmp = () => mkdtempSync(path.join(tmpdir(), 'ccenv-init-'));

const FLAGS = ['--id', 'acme', '--name-en', 'Acme AI', '--name-zh', '艾克米', '--base-url', 'https://api.acme.example/anthropic', '--key-url', 'https://acme.example/keys'];

describe('ccenv init', () => {
  test('all flags with --yes: a valid file, a schema beside it for editors, installers that build', async () => {
    const dir = tmp();
    const r = await ccenv(dir, ['init', '--yes', ...FLAGS, '--region', 'cn', '--model-opus', 'acme-large', '--model-sonnet', 'acme-large', '--model-haiku', 'acme-small', '--source', 'https://acme.example/docs/claude-code']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const text = readFileSync(path.join(dir, 'acme.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./profile.schema.json');
    expect(JSON.parse(readFileSync(path.join(dir, 'profile.schema.json'), 'utf8'))).toEqual(profileJsonSchema());
    const p = loadProfileFile(path.join(dir, 'acme.yaml'));
    expect(p).toMatchObject({
      id: 'acme', name: { en: 'Acme AI', zh: '艾克米' }, region: 'cn', baseUrl: 'https://api.acme.example/anthropic',
      env: { API_TIMEOUT_MS: '3000000', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
      models: { enabledByDefault: true, opus: 'acme-large', sonnet: 'acme-large', haiku: 'acme-small' },
      npmRegistry: 'https://registry.npmmirror.com',
    });
    expect(p.provenance.baseUrl?.source).toBe('https://acme.example/docs/claude-code');
    const built = await ccenv(dir, ['build', '--profile', './acme.yaml', '--out', 'dist']);
    expect(built.exitCode, built.stderr).toBe(0);
    for (const f of ['install.sh', 'install.ps1', 'install.cmd']) expect(existsSync(path.join(dir, 'dist', 'acme', f))).toBe(true);
    expect(readFileSync(path.join(dir, 'dist', 'acme', 'install.sh'), 'utf8')).toContain("NPM_REGISTRY_DEFAULT='https://registry.npmmirror.com'");
  }, 120_000);

  test('answers typed on stdin; a wrong answer is asked again with the reason', async () => {
    const dir = tmp();
    const answers = ['Bad Id', 'beta', 'Beta', '贝塔', '', 'https://beta.example/anthropic/v1', 'https://beta.example/anthropic', 'https://beta.example/keys', 'beta-1', '', 'beta-mini', 'n', ''];
    const r = await ccenv(dir, ['init'], answers.join('\n') + '\n');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('must be lower-case letters, digits and dashes');
    expect(r.stderr).toContain('must not end in /v1');
    const p = loadProfileFile(path.join(dir, 'beta.yaml'));
    expect(p).toMatchObject({ id: 'beta', region: 'global', baseUrl: 'https://beta.example/anthropic', models: { enabledByDefault: false, opus: 'beta-1', sonnet: 'beta-1', haiku: 'beta-mini' } });
  });

  test('MCP servers from flags: an http one (key as Bearer {key}) and a stdio one (key in its variable); they validate and build', async () => {
    const dir = tmp();
    const r = await ccenv(dir, [
      'init', '--yes', ...FLAGS, '--no-schema', '--source', 'https://acme.example/docs/mcp',
      '--mcp-http', 'web-search=https://mcp.acme.example/search',
      '--mcp-stdio', 'vision=npx -y @acme/vision-mcp', '--mcp-key-env', 'vision=ACME_API_KEY', '--mcp-env', 'vision:ACME_MODE=CN',
      '--mcp-by-default',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const p = loadProfileFile(path.join(dir, 'acme.yaml'));
    expect(p.mcp).toEqual({
      enabledByDefault: true,
      servers: {
        'web-search': { type: 'http', url: 'https://mcp.acme.example/search', headers: { Authorization: 'Bearer {key}' }, provenance: { source: 'https://acme.example/docs/mcp', secondary: false, unverified: false } },
        vision: { type: 'stdio', command: 'npx', args: ['-y', '@acme/vision-mcp'], env: { ACME_API_KEY: '{key}', ACME_MODE: 'CN' }, provenance: { source: 'https://acme.example/docs/mcp', secondary: false, unverified: false } },
      },
    });
    const built = await ccenv(dir, ['build', '--profile', './acme.yaml', '--out', 'dist']);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'dist', 'acme', 'install.sh'), 'utf8')).toContain('MCP_ON_BY_DEFAULT=');
    // a name Claude Code refuses is refused here, with the rule
    const bad = await ccenv(dir, ['init', '--yes', ...FLAGS, '--force', '--mcp-http', 'web search=https://mcp.acme.example/s']);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain('letters, digits');
  }, 120_000);

  test('MCP servers typed at the questions', async () => {
    const dir = tmp();
    const answers = ['gamma', 'Gamma', '伽马', '', 'https://gamma.example/anthropic', 'https://gamma.example/keys', '', 'search', 'http://x', 'https://mcp.gamma.example/search', 'vision', 'npx -y @gamma/vision', 'GAMMA_API_KEY', '', 'y'];
    const r = await ccenv(dir, ['init', '--no-schema'], answers.join('\n') + '\n');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('an https:// URL, or a program name');
    const p = loadProfileFile(path.join(dir, 'gamma.yaml'));
    expect(p.mcp?.enabledByDefault).toBe(true);
    expect(p.mcp?.servers['search']).toMatchObject({ type: 'http', url: 'https://mcp.gamma.example/search', headers: { Authorization: 'Bearer {key}' } });
    expect(p.mcp?.servers['vision']).toMatchObject({ type: 'stdio', command: 'npx', args: ['-y', '@gamma/vision'], env: { GAMMA_API_KEY: '{key}' } });
  });

  test('--extends writes only what differs, and the result is the base plus that', async () => {
    const dir = tmp();
    const r = await ccenv(dir, ['init', '--yes', '--extends', 'zhipu', '--id', 'corp-glm', '--node-mirror', 'https://mirror.corp.example/node', '--no-schema']);
    expect(r.exitCode, r.stderr).toBe(0);
    const text = readFileSync(path.join(dir, 'corp-glm.yaml'), 'utf8');
    expect(text).not.toContain('baseUrl');
    expect(text).not.toContain('yaml-language-server');
    expect(existsSync(path.join(dir, 'profile.schema.json'))).toBe(false);
    const p = loadProfileFile(path.join(dir, 'corp-glm.yaml'));
    expect([p.baseUrl, p.node.mirror, p.npmRegistry]).toEqual(['https://open.bigmodel.cn/api/anthropic', 'https://mirror.corp.example/node', 'https://registry.npmmirror.com']);
  });

  test('--dir is created when missing; a folder that cannot be written is a clear error, exit 2', async () => {
    const dir = tmp();
    const made = await ccenv(dir, ['init', '--yes', ...FLAGS, '--dir', 'profiles/new']);
    expect(made.exitCode, made.stderr).toBe(0);
    expect(loadProfileFile(path.join(dir, 'profiles', 'new', 'acme.yaml')).id).toBe('acme');
    writeFileSync(path.join(dir, 'a-file'), '');
    const blocked = await ccenv(dir, ['init', '--yes', ...FLAGS, '--dir', 'a-file/sub']);
    expect(blocked.exitCode).toBe(2);
    expect(blocked.stderr).toMatch(/^ccenv init: cannot write a-file\/sub\/acme\.yaml \((ENOTDIR|EEXIST)\)$/m);
    expect(blocked.stderr).not.toContain('    at ');
  });

  test('--extends with a path from the current folder is written relative to the new file', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'base'));
    mkdirSync(path.join(dir, 'out'));
    writeFileSync(path.join(dir, 'base', 'team.yaml'), 'extends: zai\nid: team\nregion: cn\n');
    const r = await ccenv(dir, ['init', '--yes', '--extends', 'base/team.yaml', '--id', 'corp', '--dir', 'out', '--no-schema']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'out', 'corp.yaml'), 'utf8')).toContain('extends: ../base/team.yaml');
    const p = loadProfileFile(path.join(dir, 'out', 'corp.yaml'));
    expect([p.baseUrl, p.region]).toEqual(['https://api.z.ai/api/anthropic', 'cn']);
  });

  test('refusals, exit 2, nothing written: missing flags with --yes, no answers left, an invalid flag value, an existing file', async () => {
    const dir = tmp();
    const missing = await ccenv(dir, ['init', '--yes', '--id', 'x']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('missing --name-en, --name-zh, --base-url, --key-url');
    const eof = await ccenv(dir, ['init', '--id', 'x']);
    expect(eof.exitCode).toBe(2);
    expect(eof.stderr).toContain('no answer for --name-en (end of input)');
    const bad = await ccenv(dir, ['init', '--yes', ...FLAGS.map((v) => (v === 'https://api.acme.example/anthropic' ? 'http://api.acme.example/anthropic' : v))]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('acme.yaml: baseUrl: must be an https:// URL');
    const partial = await ccenv(dir, ['init', '--yes', ...FLAGS, '--model-opus', 'a']);
    expect(partial.exitCode).toBe(2);
    expect(partial.stderr).toContain('give --model-opus, --model-sonnet and --model-haiku together');
    expect(existsSync(path.join(dir, 'x.yaml')) || existsSync(path.join(dir, 'acme.yaml'))).toBe(false);
    writeFileSync(path.join(dir, 'acme.yaml'), 'mine\n');
    const exists = await ccenv(dir, ['init', '--yes', ...FLAGS]);
    expect(exists.exitCode).toBe(2);
    expect(exists.stderr).toContain('acme.yaml exists; pass --force');
    expect(readFileSync(path.join(dir, 'acme.yaml'), 'utf8')).toBe('mine\n');
    const forced = await ccenv(dir, ['init', '--yes', '--force', ...FLAGS]);
    expect(forced.exitCode).toBe(0);
    expect(loadProfileFile(path.join(dir, 'acme.yaml')).id).toBe('acme');
  });
});

describe('ccenv list', () => {
  test('every built-in profile with its region, mapping and caveats; --json for scripts', async () => {
    const table = await ccenv(REPO_ROOT, ['list']);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/^deepseek\s+global\s+https:\/\/api\.deepseek\.com\/anthropic\s+-\s+-\s+DeepSeek\s+keyUrl unverified$/m);
    expect(table.stdout).toMatch(/^zhipu\s+cn\s+https:\/\/open\.bigmodel\.cn\/api\/anthropic\s+glm-4\.7\/glm-4\.5-air \(offered\)\s+web-search-prime,web-reader,zread,zai-mcp-server \(offered\)/m);
    const json = JSON.parse((await ccenv(REPO_ROOT, ['list', '--json'])).stdout) as { id: string; caveats: string[]; nodeMirror: string }[];
    expect(json.map((p) => p.id)).toEqual(['dashscope', 'dashscope-coding', 'dashscope-intl', 'deepseek', 'kimi-coding', 'minimax', 'minimax-cn', 'moonshot', 'moonshot-intl', 'zai', 'zhipu']);
    expect(json.find((p) => p.id === 'moonshot')?.caveats).toEqual(expect.arrayContaining(['baseUrl secondary', 'keyUrl unverified']));
    expect(json.find((p) => p.id === 'minimax-cn')?.nodeMirror).toBe('https://npmmirror.com/mirrors/node');
  });
});
