// --doctor and --check in the configure program itself: which settings file wins, what start-up
// files export, and one real request against a loopback endpoint answering 200, 401, 403, 500 or
// never; the key never appears in what is printed.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runDiagnosis, type Io } from '../../src/configure/main.js';
import { effectiveValues, settingsFiles, type SettingsSource } from '../../src/configure/settings-sources.js';
import { scanStartupFiles } from '../../src/configure/shell-exports.js';
import { resolvePaths } from '../../src/configure/paths.js';
import { testBakedProfile } from '../support/baked-profile.js';

const KEY = 'sk-doctor-0123456789abcdef';

/** A loopback endpoint: the path decides the answer (/ok, /401, /403, /500, /hang, /trickle). */
let server: http.Server;
let base: string;
const seen: { url: string; auth?: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization, body });
      const mode = (req.url ?? '').split('/')[1];
      if (mode === 'hang') return; // never answers
      if (mode === 'trickle') {
        // answers, then one byte every 200 ms, never finishing: only an overall limit ends it
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 200);
        res.on('close', () => clearInterval(timer));
        return;
      }
      const status = mode === 'ok' ? 200 : Number(mode);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{"type":"message","content":[]}' : JSON.stringify({ type: 'error', error: { type: 'x', message: `refused (${status}) for ${KEY}` } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

interface Machine {
  home: string;
  project: string;
  managed: string;
}

function machine(userEnv: Record<string, string> | null): Machine {
  const root = mkdtempSync(path.join(tmpdir(), 'ccenv-doctor-'));
  const m = { home: path.join(root, 'home'), project: path.join(root, 'project'), managed: path.join(root, 'etc', 'managed-settings.json') };
  mkdirSync(path.join(m.home, '.claude'), { recursive: true });
  mkdirSync(m.project, { recursive: true });
  if (userEnv) writeFileSync(path.join(m.home, '.claude', 'settings.json'), JSON.stringify({ env: userEnv }, null, 2));
  return m;
}

async function doctor(m: Machine, args: string[], env: Record<string, string> = {}, procVersion?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io & { managedSettings: string; procVersion?: string } = {
    argv: args,
    env: { PATH: '/nonexistent', CCENV_CHECK_TIMEOUT_MS: '1500', ...env },
    homedir: m.home,
    cwd: m.project,
    now: () => new Date(),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    managedSettings: m.managed,
    ...(procVersion ? { procVersion } : {}),
  };
  const code = await runDiagnosis(testBakedProfile(), io, 'linux');
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const userEnv = (url: string) => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_AUTH_TOKEN: KEY, API_TIMEOUT_MS: '3000000' });

describe('which settings file wins', () => {
  const src = (kind: SettingsSource['kind'], env: Record<string, string>): SettingsSource => ({ kind, path: `/${kind}.json`, exists: true, env });

  test('managed, then local project, then project, then user, then the environment', () => {
    const values = effectiveValues(
      [src('managed', { ANTHROPIC_MODEL: 'm' }), src('local', { ANTHROPIC_BASE_URL: 'l' }), src('project', { ANTHROPIC_BASE_URL: 'p', API_TIMEOUT_MS: '1' }), src('user', { ANTHROPIC_BASE_URL: 'u', ANTHROPIC_AUTH_TOKEN: 't', FOO: 'x' })],
      { ANTHROPIC_BASE_URL: 'e', ANTHROPIC_API_KEY: 'k', HOME: '/h' },
    );
    const by = Object.fromEntries(values.map((v) => [v.name, [v.winner.kind, ...v.shadowed.map((s) => s.kind)]]));
    expect(by).toEqual({
      ANTHROPIC_API_KEY: ['environment'],
      ANTHROPIC_AUTH_TOKEN: ['user'],
      ANTHROPIC_BASE_URL: ['local', 'project', 'user', 'environment'],
      ANTHROPIC_MODEL: ['managed'],
      API_TIMEOUT_MS: ['project'],
    });
  });

  test('in the home folder, ~/.claude/settings.json is the user file, not also a project file', () => {
    const paths = resolvePaths({}, '/home/u', '/home/u');
    expect(settingsFiles(paths, '/home/u', '/etc/m.json').map((f) => f.kind)).toEqual(['managed', 'local', 'user']);
    expect(settingsFiles(paths, '/work', '/etc/m.json').map((f) => f.kind)).toEqual(['managed', 'local', 'project', 'user']);
  });

  test('start-up files: export, plain, quoted, fish and csh forms; other variables ignored', () => {
    const m = machine(null);
    writeFileSync(path.join(m.home, '.bashrc'), 'export PATH=$PATH:/x\nexport ANTHROPIC_API_KEY="sk-old-key-12345"\n  ANTHROPIC_MODEL=opus # comment\n');
    mkdirSync(path.join(m.home, '.config', 'fish'), { recursive: true });
    writeFileSync(path.join(m.home, '.config', 'fish', 'config.fish'), "set -gx ANTHROPIC_BASE_URL 'https://x.example'\n");
    writeFileSync(path.join(m.home, '.zshrc'), 'setenv API_TIMEOUT_MS 5\n');
    const found = scanStartupFiles(m.home).map((e) => `${path.basename(e.where)}:${e.line} ${e.name}=${e.value}`);
    expect(found).toEqual(['.bashrc:2 ANTHROPIC_API_KEY=sk-old-key-12345', '.bashrc:3 ANTHROPIC_MODEL=opus', '.zshrc:1 API_TIMEOUT_MS=5', 'config.fish:1 ANTHROPIC_BASE_URL=https://x.example']);
  });
});

describe('--doctor', () => {
  test('a project settings file and a ~/.bashrc export override the user settings: both are named; the key is masked', async () => {
    const m = machine(userEnv(`${base}/ok`));
    mkdirSync(path.join(m.project, '.claude'));
    writeFileSync(path.join(m.project, '.claude', 'settings.json'), JSON.stringify({ env: { ANTHROPIC_BASE_URL: 'https://elsewhere.example/api' } }));
    writeFileSync(path.join(m.home, '.bashrc'), 'export ANTHROPIC_API_KEY=sk-stale-from-bashrc-999\n');
    const before = seen.length;
    const r = await doctor(m, ['--doctor']);
    expect(r.code).toBe(0);
    const project = path.join(m.project, '.claude', 'settings.json');
    const bashrc = path.join(m.home, '.bashrc');
    expect(r.out).toContain(`ANTHROPIC_BASE_URL = https://elsewhere.example/api  (from project ${project})`);
    expect(r.out).toContain(`ignored: ${base}/ok in user ${path.join(m.home, '.claude', 'settings.json')}`);
    expect(r.out).toContain(`${bashrc}:1: ANTHROPIC_API_KEY=sk-s...-999 (in effect in new shells: no settings file sets it)`);
    expect(r.out).toContain(`ANTHROPIC_BASE_URL is https://elsewhere.example/api (from project ${project}), not Zhipu GLM Coding Plan's https://open.bigmodel.cn/api/anthropic.`);
    expect(r.out).toContain(`ANTHROPIC_API_KEY is set (${bashrc}:1)`);
    expect(r.out).toContain('ANTHROPIC_AUTH_TOKEN = sk-d...cdef  (from user');
    expect(r.out).toContain('To send one real request with the configured key, run again with --check.');
    expect(`${r.out}${r.err}`).not.toContain(KEY);
    expect(`${r.out}${r.err}`).not.toContain('sk-stale-from-bashrc-999');
    // the endpoint that wins is not the loopback one: --doctor asked nothing of it, and sends no key anywhere
    expect(seen.slice(before).every((q) => q.auth === undefined)).toBe(true);
  });

  test('managed settings win over everything, CLAUDE_CONFIG_DIR moves the user file, zh output', async () => {
    const m = machine(null);
    const custom = path.join(m.home, 'cfg');
    mkdirSync(custom);
    writeFileSync(path.join(custom, 'settings.json'), JSON.stringify({ env: userEnv(`${base}/ok`) }));
    mkdirSync(path.dirname(m.managed), { recursive: true });
    writeFileSync(m.managed, JSON.stringify({ env: { ANTHROPIC_AUTH_TOKEN: 'sk-managed-token-abcdef' } }));
    const r = await doctor(m, ['--doctor'], { CLAUDE_CONFIG_DIR: custom, CCENV_LANG: 'zh' });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`CLAUDE_CONFIG_DIR=${custom}：Claude Code 读取 ${path.join(custom, 'settings.json')}`);
    expect(r.out).toContain(`ANTHROPIC_AUTH_TOKEN = sk-m...cdef（来自 托管配置 ${m.managed}）`);
    expect(r.out).toContain(`ANTHROPIC_AUTH_TOKEN 来自 托管配置 ${m.managed}，而不是 ${path.join(custom, 'settings.json')}`);
  });

  test('nothing configured, an unreadable settings file, a timeout that overflows, an endpoint that does not answer', async () => {
    const m = machine(null);
    writeFileSync(path.join(m.home, '.claude', 'settings.json'), '{ "env": { "ANTHROPIC_AUTH_TOKEN": "x", } }');
    mkdirSync(path.join(m.project, '.claude'));
    writeFileSync(path.join(m.project, '.claude', 'settings.json'), '{ "env": { "API_TIMEOUT_MS": "3000000000" } }');
    const r = await doctor(m, ['--doctor'], { ANTHROPIC_BASE_URL: `${base}/hang` });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/user: .*settings\.json cannot be used: /);
    expect(r.out).toContain(`API_TIMEOUT_MS is 3000000000 (from project ${path.join(m.project, '.claude', 'settings.json')}): above 2147483647`);
    expect(r.out).toContain('No ANTHROPIC_AUTH_TOKEN is set anywhere');
    expect(r.out).toContain(`Endpoint ${base}/hang does not answer: no complete answer within 1500 ms`);
  });
});

describe('--doctor inside WSL', () => {
  // A Windows npm reached through /mnt/c is the classic WSL mistake; root may create such a folder here.
  const canMount = typeof process.getuid === 'function' && process.getuid() === 0;
  test.skipIf(!canMount)('a Windows npm on PATH (/mnt/<drive>/…) is called out; the same on plain Linux is not', async () => {
    const hadDrive = existsSync('/mnt/c');
    const winDir = `/mnt/c/ccenv-doctor-${process.pid}-${Date.now()}`;
    mkdirSync(winDir, { recursive: true });
    writeFileSync(path.join(winDir, 'npm'), '#!/bin/sh\n', { mode: 0o755 });
    try {
      const m = machine(userEnv(`${base}/ok`));
      const wsl = await doctor(m, ['--doctor'], { PATH: `${winDir}:/usr/bin` }, 'Linux version 5.15.167.4-microsoft-standard-WSL2');
      expect(wsl.out).toContain(`! npm on PATH is the Windows one (${path.join(winDir, 'npm')})`);
      const linux = await doctor(m, ['--doctor'], { PATH: `${winDir}:/usr/bin` }, 'Linux version 6.1.0-28-amd64 (debian)');
      expect(linux.out).not.toContain('is the Windows one');
    } finally {
      rmSync(winDir, { recursive: true, force: true });
      if (!hadDrive) rmSync('/mnt/c', { recursive: true, force: true });
    }
  });
});

describe('--check', () => {
  const cases = [
    { path: 'ok', code: 0, says: /Check: .*\/ok accepted the key \(HTTP 200, \d+ ms, model claude-haiku-4-5\)\. Claude Code should work\./ },
    { path: '401', code: 2, says: /rejected the key sk-d\.\.\.cdef \(HTTP 401: refused \(401\) for sk-d\.\.\.cdef\)\. Get a valid key at https:\/\/open\.bigmodel\.cn\/usercenter\/proj-mgmt\/apikeys/ },
    { path: '403', code: 2, says: /rejected the key sk-d\.\.\.cdef \(HTTP 403: / },
    { path: '500', code: 1, says: /answered HTTP 500 for model claude-haiku-4-5: refused \(500\)/ },
    { path: 'hang', code: 3, says: /cannot be reached: no complete answer within 1500 ms\. Try another network .*HTTPS_PROXY .*NODE_EXTRA_CA_CERTS/ },
  ];
  for (const c of cases) {
    test(`endpoint answering ${c.path}: exit ${c.code}`, async () => {
      const m = machine(userEnv(`${base}/${c.path}`));
      const before = seen.length;
      const r = await doctor(m, ['--check']);
      expect(r.code).toBe(c.code);
      expect(`${r.out}\n${r.err}`).toMatch(c.says);
      expect(`${r.out}${r.err}`).not.toContain(KEY);
      const sent = seen.slice(before).find((q) => q.url === `/${c.path}/v1/messages`);
      expect(sent?.auth).toBe(`Bearer ${KEY}`);
      expect(JSON.parse(sent!.body)).toEqual({ model: 'claude-haiku-4-5', max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] });
    });
  }

  test('an answer that trickles and never ends is given up at the overall limit: exit 3, one message', async () => {
    const m = machine(userEnv(`${base}/trickle`));
    const r = await doctor(m, ['--check']);
    expect(r.code).toBe(3);
    expect(r.err.split('\n')).toEqual([expect.stringMatching(/^Check: .*\/trickle cannot be reached: no complete answer within 1500 ms\. .*HTTPS_PROXY .*NODE_EXTRA_CA_CERTS/)]);
  });

  test('a closed port fails at once; a host that accepts but never completes TLS is given up at the connect limit', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await doctor(machine(userEnv(`http://127.0.0.1:${port}`)), ['--check']);
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/cannot be reached: ECONNREFUSED\. Try another network/);
    // TCP connects, the TLS handshake never answers
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const r = await doctor(machine(userEnv(`https://127.0.0.1:${(silent.address() as AddressInfo).port}`)), ['--check']);
      expect(r.code).toBe(3);
      expect(r.err).toMatch(/cannot be reached: no connection within 1500 ms\. /);
    } finally {
      silent.close();
    }
  });

  test('a base URL that is not a URL: --check says so (exit 3), --doctor reports it without failing', async () => {
    const m = machine(userEnv('open.bigmodel.cn/api/anthropic'));
    const r = await doctor(m, ['--doctor', '--check']);
    expect(r.code).toBe(3);
    expect(r.out).toContain('Endpoint open.bigmodel.cn/api/anthropic does not answer: ');
    expect(r.err).toContain('Check: open.bigmodel.cn/api/anthropic cannot be reached: not a URL.');
  });

  test('the mapped Haiku model is the one asked for; no key configured is exit 5', async () => {
    const m = machine({ ...userEnv(`${base}/ok`), ANTHROPIC_DEFAULT_HAIKU_MODEL: 'glm-4.5-air' });
    const r = await doctor(m, ['--doctor', '--check']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('model glm-4.5-air');
    const none = await doctor(machine(null), ['--check']);
    expect(none.code).toBe(5);
    expect(none.err).toContain('no key is configured');
  });
});
