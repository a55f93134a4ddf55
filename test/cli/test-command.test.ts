// `ccenv test` through the compiled CLI, as a provider runs it on its own profile file: a provider
// whose host, Node mirror and model names are its own; the golden cell where the real Claude Code,
// installed by that profile's install.sh, calls that host with the key and the mapped model; an
// install.sh doctored by hand after the build is caught; no sandbox and bad names are exit 2.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../src/paths.js';

const CLI = path.join(REPO_ROOT, 'out', 'src', 'cli', 'main.js');
const work = mkdtempSync(path.join(tmpdir(), 'ccenv-test-cmd-'));
const ACME = `id: acme
name:
  en: Acme Coder
  zh: Acme 编码
region: global
baseUrl: https://llm.acme-ai.test/anthropic
keyUrl: https://console.acme-ai.test/keys
env:
  API_TIMEOUT_MS: "900000"
models:
  enabledByDefault: true
  opus: acme-large-2
  sonnet: acme-large-2
  haiku: acme-mini-1
node:
  minimum: 22
  mirror: https://mirror.acme-ai.test/node
`;
const profile = path.join(work, 'acme.yaml');
writeFileSync(profile, ACME);

const ccenv = (args: string[], env: Record<string, string> = {}) =>
  execa('node', [CLI, 'test', ...args], { cwd: work, reject: false, stdin: 'ignore', env: { CI: 'true', ...env }, all: true });

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('ccenv test', () => {
  test("a provider's own profile file: built, run in the sandbox; the real Claude Code calls its host with its key and model", async () => {
    const r = await ccenv(['--profile', 'acme.yaml', '--lanes', 'dash', '--scenarios', 'fresh,key-at-pty,user-settings']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toContain('against llm.acme-ai.test');
    expect(r.stdout).toMatch(/ok +\[ *\d+\/5\] dash \/ fresh \/ pipe/);
    expect(r.stdout).toContain('1 profile(s): 5 passed, 0 failed, 0 not executed');
    // the table holds only the lane and the scenarios run
    expect(r.stdout).toMatch(/^dash +ok3 +ok +ok$/m);
    const junit = readFileSync(path.join(work, 'ccenv-test', 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="acme (bwrap)" tests="5" failures="0"');
    expect(existsSync(path.join(work, 'ccenv-test', 'dist', 'acme', 'install.sh'))).toBe(true);
  }, 600_000);

  test('an install.sh changed by hand after the build: the cells that configure fail, naming the base URL; logs kept', async () => {
    const dist = path.join(work, 'doctored');
    const build = await execa('node', [CLI, 'build', '--profile', profile, '--out', dist, '--no-versioned', '--no-lint'], { cwd: work, reject: false, stdin: 'ignore' });
    expect(build.exitCode, build.stderr).toBe(0);
    const file = path.join(dist, 'acme', 'install.sh');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('https://llm.acme-ai.test/anthropic');
    writeFileSync(file, text.replaceAll('https://llm.acme-ai.test/anthropic', 'https://llm.elsewhere.test/anthropic'));
    const r = await ccenv(['--profile', profile, '--dist', dist, '--lanes', 'dash,bash', '--scenarios', 'node-and-claude,invalid-settings', '--out', 'doctored-results']);
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stdout).toContain('ANTHROPIC_BASE_URL is https://llm.elsewhere.test/anthropic, expected https://llm.acme-ai.test/anthropic');
    expect(r.stdout).toContain('1 profile(s): 2 passed, 2 failed, 0 not executed');
    const log = /dash \/ node-and-claude \/ pipe: log: (\S+dash__node-and-claude__pipe\.log)/.exec(r.stdout)?.[1];
    expect(log, r.stdout).toBeDefined();
    expect(readFileSync(log as string, 'utf8')).toContain('problem: .claude/settings.json: ANTHROPIC_BASE_URL is https://llm.elsewhere.test/anthropic');
    expect(readFileSync(path.join(work, 'doctored-results', 'junit.xml'), 'utf8')).toContain('failures="2"');
  }, 600_000);

  test('no sandbox on PATH: exit 2, naming what to install', async () => {
    const bin = path.join(work, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const r = await ccenv(['--profile', 'acme.yaml'], { PATH: bin });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toContain('no sandbox can run here');
    expect(r.stderr).toMatch(/apt install bubblewrap/);
    expect(r.stderr).toMatch(/podman|docker/);
  }, 60_000);

  test('no profile, an unknown lane, a broken profile: exit 2 with what to do', async () => {
    const none = await ccenv([]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('name the profile(s) to test');
    const lane = await ccenv(['--profile', 'acme.yaml', '--lanes', 'fish']);
    expect(lane.exitCode).toBe(2);
    expect(lane.stderr).toMatch(/unknown lane: fish; choose from dash, bash/);
    writeFileSync(path.join(work, 'bad.yaml'), ACME.replace('https://llm.acme-ai.test/anthropic', 'http://llm.acme-ai.test/anthropic'));
    const bad = await ccenv(['--profile', 'bad.yaml']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('https://');
  }, 60_000);
});
