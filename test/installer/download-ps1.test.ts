// install.ps1's downloads under pwsh, in the sandbox whose only network is the loopback fixture
// server (real host names, real TLS): a mirror that never answers, one that stalls, a transfer cut
// at 60 % (resumed with Range: about 1.0x the bytes), a server that cannot resume (started over),
// a 404 (asked once), a host name that does not resolve (asked never again); the progress line on
// a terminal and none in a log; npm's sign of life and its one message on failure (exit 7).
// CCENV_STALL_TIMEOUT=2 keeps the stall cases short; nothing here asserts a time. The sandbox cases
// (each its own server and HOME, mostly waiting on stall limits and backoff) run concurrently.
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ensureClaudeStandIn } from '../../src/harness/claude-stand-in.js';
import type { Fault, RecordedRequest } from '../../src/harness/fixture-server.js';
import { DEFAULT_NODE_VERSION, ensureNodeMirror, nodeDistName, type NodeMirror } from '../../src/harness/node-mirror.js';
import { hostNodeBinary } from '../../src/harness/node-fixture.js';
import type { RegistrySnapshot } from '../../src/harness/npm-registry.js';
import { findPwsh, NO_PWSH } from '../../src/harness/powershell.js';
import type { PtyAnswer } from '../../src/harness/pty.js';
import { PROXY_USER_ENV, runScenario, type ScenarioResult } from '../../src/harness/sandbox.js';
import { CN_MIRRORS, standardSites } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';
import { REGION_DEFAULTS } from '../../src/profile/regions.js';
import type { FakeMachine } from '../support/fake-machine.js';
import { readyMachines } from '../support/installer-machine.js';
import { runPs1 } from '../support/run-ps1.js';

const PWSH = findPwsh();
const URL = 'https://cdn.ccenv.test/zhipu/install.ps1';
const TARBALL = `${nodeDistName(DEFAULT_NODE_VERSION)}.tar.xz`;
const TARBALL_URL = `${CN_MIRRORS.nodeUrl.replace(/\/$/, '')}/latest-v22.x/${TARBALL}`;
/** zhipu's mirrors are mainland China's; a failure suggests the others. */
const OTHER_NODE_MIRROR = REGION_DEFAULTS.global.nodeMirror;
const OTHER_REGISTRY = REGION_DEFAULTS.global.npmRegistry ?? 'https://registry.npmjs.org';

let mirror: NodeMirror;
let standIn: RegistrySnapshot;
let tarballBytes = 0;

const onTarball = (f: Partial<Fault> & Pick<Fault, 'kind'>): Fault => ({ host: CN_MIRRORS.nodeHost, path: `*/${TARBALL}`, ...f }) as Fault;

/** install.ps1 run from a file (exit codes reach the shell), printed as CODE=<n> at the end. */
async function install(o: { faults?: Fault[]; env?: Record<string, string>; pty?: PtyAnswer[] | true; installerEnv?: string } = {}): Promise<ScenarioResult> {
  return runScenario({
    sites: standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, registry: standIn }),
    toolbox: { node: hostNodeBinary(), pwsh: PWSH },
    command: `pwsh -NoProfile -Command "irm ${URL} -OutFile install.ps1" && ${o.installerEnv ?? ''} pwsh -NoProfile -File install.ps1 -Yes; echo "CODE=$?"`,
    env: { ...PROXY_USER_ENV, CCENV_API_KEY: 'sk-download-0123456789', CCENV_STALL_TIMEOUT: '2', ...o.env },
    ...(o.pty ? { pty: o.pty } : {}),
    faults: o.faults ?? [],
    timeoutMs: 300_000,
  });
}

const tarballRequests = (r: ScenarioResult): RecordedRequest[] => r.requests.filter((q) => q.url.endsWith(`/${TARBALL}`));
const bytesOf = (qs: RecordedRequest[]) => qs.reduce((n, q) => n + q.responseBytes, 0);

describe.skipIf(!PWSH)(`install.ps1 downloads under pwsh${PWSH ? '' : ` — ${NO_PWSH}`}`, { concurrent: true }, () => {
  beforeAll(async () => {
    [mirror, standIn] = await Promise.all([ensureNodeMirror(), ensureClaudeStandIn()]);
    tarballBytes = statSync(mirror.tarXz).size;
  }, 1_800_000);

  test('a mirror that accepts the connection and never answers: given up after 20 s, tried again, installed', async () => {
    const r = await install({ faults: [onTarball({ kind: 'hang', times: 1 })] });
    expect(r.stdout, r.transcript).toContain('CODE=0');
    expect(r.stdout).toMatch(/no answer within 20 s; trying again in 1 s \(attempt 2 of 4\)/);
    expect(tarballRequests(r).map((q) => q.status)).toEqual([0, 200]);
    expect(r.stdout).toContain(`Verified ${TARBALL} against SHASUMS256.txt`);
  }, 600_000);

  test('a transfer that stalls at 60 % every time: each attempt resumes where the last stopped, then exit 3 with one message', async () => {
    const r = await install({ faults: [onTarball({ kind: 'stall' })] });
    expect(r.stdout, r.transcript).toContain('CODE=3');
    const asked = tarballRequests(r);
    expect(asked).toHaveLength(4);
    // every retry asks for the rest of what it holds: the offsets grow
    const offsets = asked.map((q) => Number(/^bytes=(\d+)-$/.exec(String(q.headers.range ?? 'bytes=0-'))?.[1]));
    expect(offsets[0]).toBe(0);
    for (let i = 1; i < 4; i++) expect(offsets[i]).toBe((offsets[i - 1] as number) + (asked[i - 1] as RecordedRequest).responseBytes);
    expect(asked.slice(1).map((q) => q.status)).toEqual([206, 206, 206]);
    expect(r.stdout.match(/stalled: under 1 KB\/s for 2 s; trying again/g)).toHaveLength(3);
    const failures = r.stderr.split('\n').filter((l) => l.includes('Download failed'));
    expect(failures).toEqual([
      `Download failed: ${TARBALL_URL} (stalled: under 1 KB/s for 2 s). Try another mirror:  $env:CCENV_NODE_MIRROR = '${OTHER_NODE_MIRROR}'  or a proxy:  $env:HTTPS_PROXY = 'http://proxy.example:8080'  Behind a proxy that inspects TLS, add your company's CA to the Windows certificate store (Trusted Root Certification Authorities). Then run this installer again.`,
    ]);
    expect(r.stdout + r.stderr).not.toContain('Exception');
  }, 600_000);

  test('a connection cut at 60 %: the retry asks for the rest (Range) and gets 206; about 1.0x the bytes; verified; no progress line in a log', async () => {
    const r = await install({ faults: [onTarball({ kind: 'cut', times: 1 })] });
    expect(r.stdout, r.transcript).toContain('CODE=0');
    const [first, second, ...more] = tarballRequests(r);
    expect(more).toEqual([]);
    expect(first?.status).toBe(200);
    expect(first?.responseBytes).toBe(Math.floor(tarballBytes * 0.6));
    expect(second?.headers.range).toBe(`bytes=${first?.responseBytes}-`);
    expect(second?.status).toBe(206);
    expect(bytesOf([first!, second!])).toBe(tarballBytes);
    expect(r.stdout).toMatch(/the connection closed after [\d.]+ MB of [\d.]+ MB; trying again in 1 s \(attempt 2 of 4\)/);
    expect(r.stdout).toContain(`Verified ${TARBALL} against SHASUMS256.txt`);
    // not a terminal: no line rewritten in place, no figures
    expect(r.stdout + r.stderr).not.toContain('\r');
    expect(r.stdout + r.stderr).not.toMatch(/MB\/s/);
  }, 600_000);

  test('a server that cannot resume (200 to a Range request): started over, verified', async () => {
    const r = await install({ faults: [onTarball({ kind: 'cut', times: 1 }), onTarball({ kind: 'no-ranges' })] });
    expect(r.stdout, r.transcript).toContain('CODE=0');
    const [first, second, ...more] = tarballRequests(r);
    expect(more).toEqual([]);
    expect(second?.headers.range).toBe(`bytes=${first?.responseBytes}-`);
    expect(second?.status).toBe(200);
    expect(second?.responseBytes).toBe(tarballBytes);
    expect(r.stdout).toContain(`Verified ${TARBALL} against SHASUMS256.txt`);
  }, 600_000);

  test('a 404: asked once, exit 3, one message naming the URL, HTTP 404 and the other mirror', async () => {
    const r = await install({ faults: [{ host: CN_MIRRORS.nodeHost, path: '*/SHASUMS256.txt', kind: 'status', status: 404 }] });
    expect(r.stdout, r.transcript).toContain('CODE=3');
    expect(r.requests.filter((q) => q.url.endsWith('/SHASUMS256.txt'))).toHaveLength(1);
    expect(r.stdout).not.toContain('trying again');
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^Download failed: https://npmmirror\\.com/mirrors/node/latest-v22\\.x/SHASUMS256\\.txt \\(HTTP 404\\)\\. Try another mirror:  \\$env:CCENV_NODE_MIRROR = '${OTHER_NODE_MIRROR.replace(/\./g, '\\.')}'`)),
    ]);
  }, 600_000);

  test('a host name that does not resolve: not tried again, exit 3, one message', async () => {
    const r = await install({ env: { CCENV_NODE_MIRROR: 'https://mirror.does-not-resolve.invalid/node' } });
    expect(r.stdout, r.transcript).toContain('CODE=3');
    expect(r.stdout).not.toContain('trying again');
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Download failed: https:\/\/mirror\.does-not-resolve\.invalid\/node\/latest-v22\.x\/SHASUMS256\.txt \(host name does not resolve\)\. Try another mirror/),
    ]);
  }, 600_000);

  test('a certificate that is not trusted (no CA at all for the installer): not tried again, exit 3, one message', async () => {
    // OpenSSL's trust store, which .NET reads on Linux, emptied for the installer only
    const r = await install({ installerEnv: 'SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/nonexistent' });
    expect(r.stdout, r.transcript).toContain('CODE=3');
    expect(r.stdout).not.toContain('trying again');
    expect(r.requests.filter((q) => q.url.endsWith('/SHASUMS256.txt'))).toHaveLength(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Download failed: https:\/\/npmmirror\.com\/mirrors\/node\/latest-v22\.x\/SHASUMS256\.txt \(certificate not trusted: .*\)\. Try another mirror:.*Windows certificate store/),
    ]);
  }, 600_000);

  test('on a terminal: the download line rewritten in place (bytes, %, rate), npm a line with its time; finished with a newline', async () => {
    const r = await install({
      faults: [
        onTarball({ kind: 'throttle', bytesPerSecond: Math.ceil(tarballBytes / 4) }),
        // npm's first request for the package hangs: its own timeout (2 x 2 s) and retry, while the line ticks
        { host: CN_MIRRORS.registryHost, path: '/@anthropic-ai/claude-code', kind: 'hang', times: 1 },
      ],
      pty: true,
    });
    expect(r.transcript).toContain('CODE=0');
    const progress = [...r.transcript.matchAll(/\r {2}([\d.]+) MB \/ ([\d.]+) MB {2}(\d+) % {2}[\d.]+ (?:MB|KB|B)\/s/g)];
    expect(progress.length).toBeGreaterThanOrEqual(3);
    const percents = progress.map((m) => Number(m[3]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents[percents.length - 1]).toBe(100);
    // the line is ended before the next message (pwsh's host adds its own colour resets, not ours)
    expect(r.transcript).toMatch(/100 % {2}[\d.]+ (?:MB|KB|B)\/s *\r?\n(?:\x1b\[[\d;]*m)*Verified /);
    // npm's own update check is off: the registry sees the package only
    expect(r.requests.filter((q) => q.host === CN_MIRRORS.registryHost && q.url === '/npm')).toEqual([]);
    const ticks = [...r.transcript.matchAll(/\r {2}npm: installing Claude Code \.\.\. (\d+) s/g)].map((m) => Number(m[1]));
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
  }, 600_000);

  test('npm cannot reach the registry: exit 7 and one message naming it, CCENV_NPM_REGISTRY, HTTPS_PROXY and NODE_EXTRA_CA_CERTS', async () => {
    // npm_config_fetch_retries of the user's wins over ours (and keeps this short)
    const r = await install({ env: { CCENV_NPM_REGISTRY: 'https://registry.does-not-resolve.invalid/', npm_config_fetch_retries: '0' } });
    expect(r.stdout, r.transcript).toContain('CODE=7');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm could not install Claude Code from https:\/\/registry\.does-not-resolve\.invalid\/: .*(?:ENOTFOUND|EAI_AGAIN) registry\.does-not-resolve\.invalid\. Try another registry/);
    expect(lines[0]).toContain(`$env:CCENV_NPM_REGISTRY = '${OTHER_REGISTRY}'`);
    expect(lines[0]).toContain('$env:HTTPS_PROXY');
    expect(lines[0]).toContain('$env:NODE_EXTRA_CA_CERTS');
  }, 600_000);
});

// Beside the sandbox cases, but its own two in turn: readyMachines disposes every machine after each test.
describe.skipIf(!PWSH)(`install.ps1 runs npm (a stand-in recording what it gets)${PWSH ? '' : ` — ${NO_PWSH}`}`, { concurrent: true }, () => {
  const machine = readyMachines();
  const KEY = 'sk-npm-ps1-canary-2718';

  /** Node present, no claude; `npm install` records its arguments and environment, waits, then "installs" claude. */
  async function withNpm(waitSeconds: number): Promise<FakeMachine> {
    const m = await machine();
    rmSync(path.join(m.bin, 'claude'), { force: true });
    m.addExecutable(
      'npm',
      [
        '#!/bin/sh',
        `if [ "$1" = prefix ]; then echo '${m.root}'; exit 0; fi`,
        `echo "ARGS $*" >>'${m.root}/npm.log'`,
        `env | sed "s/^/ENV /" >>'${m.root}/npm.log'`,
        `sleep ${waitSeconds}`,
        `printf '#!/bin/sh\\necho "2.1.330 (Claude Code)"\\n' >'${m.bin}/claude'`,
        `chmod +x '${m.bin}/claude'`,
        'echo "added 1 package"',
      ].join('\n') + '\n',
    );
    return m;
  }

  test.sequential("npm's fetch limits on its command line (fetch-timeout twice the stall limit); a user's npm_config_fetch_* wins; no key in npm's environment", async () => {
    const m = await withNpm(0);
    const r = await runPs1(m, { file: repoPath('dist', 'zhipu', 'install.ps1'), env: { CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_STALL_TIMEOUT: '2', npm_config_fetch_retry_maxtimeout: '30000' } });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const log = readFileSync(path.join(m.root, 'npm.log'), 'utf8');
    const args = log.split('\n').filter((l) => l.startsWith('ARGS '));
    expect(args).toEqual([
      'ARGS install -g @anthropic-ai/claude-code --no-fund --no-audit --loglevel=error --registry https://registry.npmmirror.com --fetch-timeout=4000 --fetch-retries=3 --fetch-retry-mintimeout=2000',
    ]);
    expect(log).toContain('ENV npm_config_fetch_retry_maxtimeout=30000');
    expect(log).toContain('ENV npm_config_update_notifier=false');
    expect(log).not.toContain(KEY);
    expect(log).not.toContain('CCENV_API_KEY');
    expect(r.stdout).toContain('added 1 package');
    expect(r.stdout).toContain('Claude Code 2.1.330 installed');
  });

  test.sequential('not a console (a log): npm that runs 31 s gets one "still installing" line at 30 s and no line rewritten in place', async () => {
    const m = await withNpm(31);
    const r = await runPs1(m, { file: repoPath('dist', 'zhipu', 'install.ps1'), env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.match(/^still installing Claude Code \(30 s\) \.\.\.$/gm)).toHaveLength(1);
    expect(r.stdout + r.stderr).not.toContain('\r');
    expect(r.stdout).not.toContain('npm: installing');
  }, 120_000);
});
