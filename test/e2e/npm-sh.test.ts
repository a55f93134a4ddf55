// install.sh's Claude Code step against the loopback registry: the platform package (the ~186 MB
// part) comes through install.sh's own download (resumed after a cut, verified against the
// registry's sha512) and npm takes it from its cache instead of fetching it again; a registry that
// cannot be reached or hangs ends in exit 7 with one message; npm is never silent for long.
// Each case has its own sandbox, server and HOME, and most of its time is npm's timeouts and
// backoff: the cases run concurrently.
import { beforeAll, describe, expect, test } from 'vitest';
import { ensureNodeMirror, type NodeMirror } from '../../src/harness/node-mirror.js';
import { CLAUDE_CODE_VERSION, ensureClaudeCodeSnapshot, type RegistrySnapshot } from '../../src/harness/npm-registry.js';
import { hostNodeBinary } from '../../src/harness/node-fixture.js';
import { PROXY_USER_ENV, runScenario } from '../../src/harness/sandbox.js';
import { CN_MIRRORS, standardSites } from '../../src/harness/sites.js';
import type { RecordedRequest } from '../../src/harness/fixture-server.js';
import { repoPath } from '../../src/paths.js';

const ONE_LINER = 'curl -fsSL https://cdn.ccenv.test/zhipu/install.sh | sh';
const PLATFORM_TGZ = `claude-code-linux-x64-${CLAUDE_CODE_VERSION}.tgz`;
const REGISTRY = `https://${CN_MIRRORS.registryHost}`;

let mirror: NodeMirror;
let snapshot: RegistrySnapshot;
let platformSize: number;

beforeAll(async () => {
  [mirror, snapshot] = await Promise.all([ensureNodeMirror(), ensureClaudeCodeSnapshot()]);
  const { statSync } = await import('node:fs');
  const pkg = snapshot.packages.find((p) => p.name === '@anthropic-ai/claude-code-linux-x64');
  platformSize = statSync(pkg!.tarball).size;
}, 1_800_000);

const sites = () => standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry: snapshot });

/** Requests for the platform tarball, with what each answered and who asked (curl or npm). */
function platformGets(requests: RecordedRequest[]) {
  return requests
    .filter((q) => q.method === 'GET' && q.url.endsWith(PLATFORM_TGZ))
    .map((q) => ({ status: q.status, bytes: q.responseBytes, range: q.headers.range ?? '', agent: String(q.headers['user-agent'] ?? '').split('/')[0] }));
}

describe.concurrent('install.sh: Claude Code through a verified, resumable download handed to npm', () => {
  test('on a terminal, the platform tarball cut at 60 % is resumed (not fetched again), npm takes it from its cache, claude runs', async () => {
    const r = await runScenario({
      sites: sites(),
      toolbox: { node: hostNodeBinary() },
      faults: [{ host: CN_MIRRORS.registryHost, path: `*/${PLATFORM_TGZ}`, kind: 'cut', at: 0.6, times: 1 }],
      steps: [
        { name: 'install', command: ONE_LINER, env: { ...PROXY_USER_ENV, CCENV_API_KEY: 'sk-npm-sh-123456', CCENV_YES: '1' }, pty: true, timeoutMs: 600_000 },
        { name: 'use', command: '. "$HOME/.profile" && claude --version && npm ls -g --depth=0', timeoutMs: 120_000 },
        // an ordinary npm global install, as Claude Code's own doctor sees it
        { name: 'doctor', command: '. "$HOME/.profile" && claude doctor', pty: true, timeoutMs: 120_000 },
      ],
    });
    const [install, use, doctor] = r.steps;
    console.log(install!.transcript);
    const gets = platformGets(install!.requests);
    console.log(JSON.stringify(gets), 'size', platformSize);
    expect(install!.exitCode, install!.transcript).toBe(0);
    expect(install!.transcript).toContain(`Downloading Claude Code ${CLAUDE_CODE_VERSION}: ${REGISTRY}/@anthropic-ai/claude-code-linux-x64/-/${PLATFORM_TGZ}`);
    expect(install!.transcript).toContain(`Verified ${PLATFORM_TGZ} against the registry's sha512`);
    // curl fetched it twice (60 %, then the rest from where it stopped); npm never asked for it
    expect(gets.map((g) => [g.agent, g.status])).toEqual([
      ['curl', 200],
      ['curl', 206],
    ]);
    expect(gets[1]!.range).toBe(`bytes=${gets[0]!.bytes}-`);
    const fetched = gets.reduce((n, g) => n + g.bytes, 0);
    expect(fetched).toBe(platformSize);
    // npm installed the exact version the pre-fetch read, the wrapper package from the registry
    expect(install!.requests.some((q) => q.url.endsWith(`/claude-code-${CLAUDE_CODE_VERSION}.tgz`) && q.status === 200)).toBe(true);
    // the npm progress line was drawn on the terminal
    expect(install!.transcript).toMatch(/\r {2}npm: .* … \d+ s/);
    expect(install!.transcript).toContain(`Claude Code ${CLAUDE_CODE_VERSION} installed`);
    expect(use!.exitCode, use!.transcript).toBe(0);
    expect(use!.stdout).toContain(`${CLAUDE_CODE_VERSION} (Claude Code)`);
    expect(use!.stdout).toContain(`@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`);
    expect(doctor!.exitCode, doctor!.transcript).toBe(0);
    expect(doctor!.transcript).toContain(`Running: npm-global (${CLAUDE_CODE_VERSION})`);
    expect(doctor!.transcript).toContain('No installation issues found');
    console.log(`bytes of the platform tarball fetched: ${fetched} of ${platformSize} (${(fetched / platformSize).toFixed(2)}x)`);
  }, 900_000);

  test('not on a terminal: a tampered platform tarball is not used (npm fetches it itself); npm slow to answer → a "still installing" line every 30 s', async () => {
    const r = await runScenario({
      sites: sites(),
      toolbox: { node: hostNodeBinary() },
      faults: [
        { host: CN_MIRRORS.registryHost, path: `*/${PLATFORM_TGZ}`, kind: 'corrupt', times: 1 },
        // npm's first request for the packument hangs: its idle limit (2 x 16 s) and a retry
        { host: CN_MIRRORS.registryHost, path: '/@anthropic-ai/claude-code', kind: 'hang', times: 1 },
      ],
      steps: [
        {
          name: 'install',
          command: `${ONE_LINER} && . "$HOME/.profile" && claude --version`,
          env: { ...PROXY_USER_ENV, CCENV_API_KEY: 'sk-npm-sh-123456', CCENV_YES: '1', CCENV_STALL_TIMEOUT: '16' },
          timeoutMs: 600_000,
        },
      ],
    });
    const install = r.steps[0]!;
    console.log(install.transcript);
    const gets = platformGets(install.requests);
    console.log(JSON.stringify(gets));
    expect(install.exitCode, install.transcript).toBe(0);
    expect(install.stderr).toContain(`${REGISTRY}/@anthropic-ai/claude-code-linux-x64/-/${PLATFORM_TGZ} does not match the registry's sha512`);
    expect(install.stderr).toContain('it was not used. npm downloads Claude Code by itself.');
    expect(install.stdout).not.toContain('Verified claude-code-linux-x64');
    // curl's copy (corrupted) was refused; npm fetched the tarball itself, whole
    expect(gets.map((g) => [g.agent, g.status, g.bytes])).toEqual([
      ['curl', 200, platformSize],
      ['npm', 200, platformSize],
    ]);
    expect(install.stdout).toMatch(/^still installing Claude Code \(30 s\) …$/m);
    // no progress line without a terminal
    expect(install.transcript).not.toContain('\r');
    expect(install.stdout).toContain(`${CLAUDE_CODE_VERSION} (Claude Code)`);
  }, 900_000);
});

describe.concurrent('install.sh: interrupted while npm runs', () => {
  // On a terminal Ctrl-C reaches npm too (node restores SIGINT); a TERM or HUP for the installer
  // alone must not leave npm running on its own: the installer ends it.
  test('TERM to the installer ends npm: exit 130, no npm process left behind', async () => {
    // npm sets its process title: "npm install @anthropic-ai/claude-code …"
    const npmRunning = 'for p in /proc/[0-9]*; do { tr "\\0" " " <"$p/cmdline"; } 2>/dev/null; echo; done | grep -c "[n]pm install"';
    const r = await runScenario({
      sites: sites(),
      toolbox: { node: hostNodeBinary() },
      // npm's packument never comes: npm would wait for its idle limit, then try again
      faults: [{ host: CN_MIRRORS.registryHost, path: '/@anthropic-ai/claude-code', kind: 'hang' }],
      command: [
        'curl -fsSL https://cdn.ccenv.test/zhipu/install.sh >i.sh',
        'sh i.sh & pid=$!',
        `n=0; until [ "$(${npmRunning})" -gt 0 ] || [ $n -ge 600 ]; do sleep 0.5; n=$((n + 1)); done`,
        'kill -TERM $pid; wait $pid; echo "exit=$?"',
        `sleep 2; echo "left=$(${npmRunning})"`,
      ].join('\n'),
      env: { ...PROXY_USER_ENV, CCENV_API_KEY: 'sk-npm-sh-123456', CCENV_YES: '1' },
      timeoutMs: 300_000,
    });
    expect(r.stdout, r.transcript).toContain('exit=130');
    expect(r.stderr).toContain('Interrupted; the Claude Code settings were not changed.');
    expect(r.stdout).toContain('left=0');
  }, 600_000);
});

describe.concurrent('install.sh: a registry that cannot be reached → exit 7, one message', () => {
  const cases = [
    { name: 'hangs (accepts, never answers)', env: {}, faults: [{ host: CN_MIRRORS.registryHost, kind: 'hang' as const }], registry: REGISTRY, npmLine: /network timeout|ETIMEDOUT|ESOCKETTIMEDOUT|timeout/i },
    { name: 'does not resolve', env: { CCENV_NPM_REGISTRY: 'https://registry.nowhere.test' }, faults: [], registry: 'https://registry.nowhere.test', npmLine: /getaddrinfo (EAI_AGAIN|ENOTFOUND) registry\.nowhere\.test/ },
  ];
  for (const c of cases) {
    test(`a registry that ${c.name}`, async () => {
      const r = await runScenario({
        sites: sites(),
        toolbox: { node: hostNodeBinary() },
        faults: c.faults,
        command: ONE_LINER,
        env: { ...PROXY_USER_ENV, CCENV_API_KEY: 'sk-npm-sh-123456', CCENV_YES: '1', CCENV_STALL_TIMEOUT: '2', ...c.env },
        timeoutMs: 600_000,
      });
      const step = r.steps[0]!;
      console.log(`registry that ${c.name}: exit ${r.exitCode} after ${(step.durationMs / 1000).toFixed(1)} s (whole install)\n${r.transcript}`);
      expect(r.exitCode, r.transcript).toBe(7);
      // the pre-fetch gave up quietly; npm's failure is the one message
      expect(r.stdout).toContain(`Could not read ${c.registry}/@anthropic-ai/claude-code/latest; npm downloads Claude Code by itself.`);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`npm could not install Claude Code from ${c.registry}: `);
      expect(lines[0]).toMatch(c.npmLine);
      expect(lines[0]).toContain('CCENV_NPM_REGISTRY=https://registry.npmjs.org, or a proxy: HTTPS_PROXY=');
      expect(lines[0]).toContain('NODE_EXTRA_CA_CERTS=');
      expect(r.transcript).not.toContain('sk-npm-sh-123456');
    }, 900_000);
  }
});

