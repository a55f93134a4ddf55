// install.sh's downloads under a failing network (issue 20's contract): a connect timeout, a stall
// limit (CCENV_STALL_TIMEOUT=2 here), 4 attempts 1/2/4 s apart for what may pass and none for what
// cannot (a name that does not resolve, a 404), a resume of what was kept, and one message on
// giving up. Each case is the real zhipu install.sh in a sandbox whose Node mirror (npmmirror.com)
// is the loopback fixture server injecting the fault, under curl, GNU wget and busybox wget. Node 20
// on PATH is too old, so Node 22 is downloaded; a stand-in claude skips npm. Times to give up are
// printed, never asserted. Each case has its own sandbox, server and HOME, and most of their time is
// waiting (stall limits, backoff, throttles): they run concurrently (vitest's maxConcurrency).
import { statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Fault, RecordedRequest } from '../../src/harness/fixture-server.js';
import { hostNodeBinary } from '../../src/harness/node-fixture.js';
import { ensureNodeMirror, nodeDistName, type NodeMirror } from '../../src/harness/node-mirror.js';
import { DEFAULT_TOOLS, PROXY_USER_ENV, runScenario, type ScenarioResult } from '../../src/harness/sandbox.js';
import { allShells } from '../../src/harness/shells.js';
import type { StepResult } from '../../src/harness/scenario-types.js';
import { CN_MIRRORS, HOSTS, standardSites } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';

const KEY = 'sk-download-0123456789';
/** install.sh fetched with the host's curl (absolute path), whatever the toolbox holds. */
const GET_SCRIPT = `/usr/bin/curl -fsSL https://${HOSTS.cdn}/zhipu/install.sh -o "$HOME/install.sh"`;
const ENV = { ...PROXY_USER_ENV, CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_STALL_TIMEOUT: '2' };
const MIRROR = CN_MIRRORS.nodeUrl.replace(/\/$/, '');
const SHASUMS = `${MIRROR}/latest-v22.x/SHASUMS256.txt`;

type Downloader = 'curl' | 'wget' | 'busybox';
const TOOLS: Record<Downloader, { tools: string[]; aliases?: Record<string, string> }> = {
  curl: { tools: DEFAULT_TOOLS },
  wget: { tools: DEFAULT_TOOLS.filter((t) => t !== 'curl') },
  busybox: { tools: DEFAULT_TOOLS.filter((t) => t !== 'curl' && t !== 'wget'), aliases: { wget: 'busybox' } },
};

let mirror: NodeMirror;
let tarball: string;
let tarballUrl: string;
let tarballSize: number;
beforeAll(async () => {
  mirror = await ensureNodeMirror();
  tarball = `${nodeDistName(mirror.version)}.tar.xz`;
  tarballUrl = `${MIRROR}/latest-v22.x/${tarball}`;
  tarballSize = statSync(path.join(mirror.root, `v${mirror.version}`, tarball)).size;
}, 1_800_000);

/** After the installer: any downloader (or busybox wget's TLS helper) still running is named. */
const LEFTOVERS =
  'sleep 1; for c in /proc/[0-9]*/comm; do { read -r n <"$c"; } 2>/dev/null || continue; ' +
  'case $n in curl | wget | busybox | openssl | ssl_client) echo "LEFT $n" ;; esac; done';

/** One run of install.sh (dash) with these faults; on a terminal when `pty` is given. */
async function install(
  dl: Downloader,
  faults: Fault[],
  o: { env?: Record<string, string>; pty?: true | { when: RegExp; send: string }[]; after?: string; shell?: string } = {},
): Promise<ScenarioResult> {
  const sh = o.shell ?? 'sh';
  const run = o.pty ? `trap : INT; ${sh} ./install.sh; echo "RC=$?"${o.after ?? ''}` : `${sh} ./install.sh; rc=$?; ${LEFTOVERS}; exit $rc`;
  return runScenario({
    sites: standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root, api: { expectKey: KEY } }),
    toolbox: { node: hostNodeBinary(), ...TOOLS[dl], scripts: { claude: '#!/bin/sh\necho "2.1.330 (Claude Code)"\n' } },
    steps: [
      { name: 'get', command: GET_SCRIPT },
      { name: 'install', command: run, env: { ...ENV, ...o.env }, faults, timeoutMs: 240_000, ...(o.pty ? { pty: o.pty } : {}) },
    ],
  });
}

const fetches = (s: StepResult, suffix: string): RecordedRequest[] => s.requests.filter((q) => q.url.endsWith(suffix));
const said = (s: StepResult) => s.stderr.split('\n').filter((l) => l.trim() !== '');
const report = (what: string, s: StepResult, n: number) =>
  console.log(`${what}: exit ${s.exitCode} after ${(s.durationMs / 1000).toFixed(1)} s, ${n} request(s)\n  ${said(s).join('\n  ')}`);

/** A download given up on: exit 3, nothing installed, and one line on stderr naming URL and reason. */
function expectGaveUp(s: StepResult, url: string, reason: string | RegExp, attempts: number) {
  expect(s.exitCode, s.transcript).toBe(3);
  const lines = said(s);
  expect(lines, s.stderr).toHaveLength(lines.some((l) => l.startsWith('Warning: downloading with busybox wget')) ? 2 : 1);
  const last = lines.at(-1)!;
  expect(last.startsWith(`Download failed: ${url} (`), last).toBe(true);
  if (typeof reason === 'string') expect(last).toContain(`(${reason}`);
  else expect(last).toMatch(reason);
  expect(last).toContain(`attempts: ${attempts})`);
  expect(last).toContain('CCENV_NODE_MIRROR=https://nodejs.org/dist');
  expect(last).toContain('HTTPS_PROXY=');
  expect(last).toContain('SSL_CERT_FILE=');
  expect(s.stdout).not.toContain('Verified');
  expect(s.stdout).not.toContain('LEFT ');
  // no progress line without a terminal
  expect(s.transcript).not.toContain('\r');
}

describe.concurrent.each(['curl', 'wget', 'busybox'] as const)('install.sh downloading Node.js with %s', (dl) => {
  test('a mirror that accepts the connection and never answers: 4 attempts, exit 3', async () => {
    const r = await install(dl, [{ host: CN_MIRRORS.nodeHost, path: '*/SHASUMS256.txt', kind: 'hang' }]);
    const s = r.steps[1]!;
    expectGaveUp(s, SHASUMS, 'connected, but no answer within 2 s', 4);
    expect(fetches(s, 'SHASUMS256.txt')).toHaveLength(4);
    report(`${dl} hang`, s, s.requests.length);
  }, 300_000);

  test('a mirror host name that does not resolve: one attempt, exit 3', async () => {
    const r = await install(dl, [], { env: { CCENV_NODE_MIRROR: 'https://mirror.ccenv-unresolvable.test/node' } });
    const s = r.steps[1]!;
    expectGaveUp(s, 'https://mirror.ccenv-unresolvable.test/node/latest-v22.x/SHASUMS256.txt', 'host name does not resolve', 1);
    expect(s.requests).toEqual([]);
    report(`${dl} unresolvable`, s, 0);
  }, 300_000);

  test('HTTP 404: one request, exit 3', async () => {
    const r = await install(dl, [{ host: CN_MIRRORS.nodeHost, path: '*/SHASUMS256.txt', kind: 'status', status: 404 }]);
    const s = r.steps[1]!;
    expectGaveUp(s, SHASUMS, 'HTTP 404', 1);
    expect(fetches(s, 'SHASUMS256.txt')).toHaveLength(1);
    report(`${dl} 404`, s, s.requests.length);
  }, 300_000);

  test('the tarball stalls at 60 %: stopped after the stall limit, resumed, given up after 4 attempts', async () => {
    const r = await install(dl, [{ host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'stall' }]);
    const s = r.steps[1]!;
    expectGaveUp(s, tarballUrl, 'stalled: under 1 KB/s for 2 s', 4);
    const tries = fetches(s, '.tar.xz');
    expect(tries).toHaveLength(4);
    // each retry asks only for what is missing
    expect(tries[1]!.headers.range).toBe(`bytes=${tries[0]!.responseBytes}-`);
    report(`${dl} stall`, s, tries.length);
  }, 300_000);

  test('the connection is cut at 60 %: the retry resumes (Range), the whole is verified and installed', async () => {
    const r = await install(dl, [{ host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'cut', times: 1 }]);
    const s = r.steps[1]!;
    expect(s.exitCode, s.transcript).toBe(0);
    expect(s.stdout).toContain(`Verified ${tarball} against SHASUMS256.txt`);
    const tries = fetches(s, '.tar.xz');
    expect(tries).toHaveLength(2);
    expect(tries[0]!.responseBytes).toBeLessThan(tarballSize * 0.7);
    expect(tries[1]!.headers.range).toBe(`bytes=${tries[0]!.responseBytes}-`);
    expect(tries[1]!.status).toBe(206);
    const served = tries.reduce((n, q) => n + q.responseBytes, 0);
    expect(served).toBe(tarballSize);
    expect(said(s).filter((l) => !l.startsWith('Warning: downloading with busybox'))).toEqual([]);
    expect(s.transcript).not.toContain('\r');
    console.log(`${dl} cut at 60 %: ${tries.map((q) => `${q.status} ${q.responseBytes} B${q.headers.range ? ` (${q.headers.range})` : ''}`).join(', ')}; ` +
      `${served} B served for a ${tarballSize} B file (${(served / tarballSize).toFixed(2)}x); install ${(s.durationMs / 1000).toFixed(1)} s`);
  }, 300_000);

  test('cut, then a server that ignores ranges: starts over, verified', async () => {
    const r = await install(dl, [
      { host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'cut', times: 1 },
      { host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'no-ranges' },
    ]);
    const s = r.steps[1]!;
    expect(s.exitCode, s.transcript).toBe(0);
    expect(s.stdout).toContain(`Verified ${tarball} against SHASUMS256.txt`);
    const tries = fetches(s, '.tar.xz');
    expect(tries.at(-1)!.status).toBe(200);
    expect(tries.at(-1)!.responseBytes).toBe(tarballSize);
    console.log(`${dl} cut, then no ranges: ${tries.map((q) => `${q.status} ${q.responseBytes} B${q.headers.range ? ` (${q.headers.range})` : ''}`).join(', ')}`);
  }, 300_000);
});

describe.concurrent('install.sh downloading Node.js with curl: more faults', () => {
  test('every connection reset: tried 4 times, exit 3, one line', async () => {
    const r = await install('curl', [{ host: CN_MIRRORS.nodeHost, path: '*/SHASUMS256.txt', kind: 'reset' }]);
    const s = r.steps[1]!;
    expectGaveUp(s, SHASUMS, /\(the connection dropped before the end: curl: \(\d+\) [^;]+; attempts: 4\)/, 4);
    expect(fetches(s, 'SHASUMS256.txt')).toHaveLength(4);
    report('curl reset', s, s.requests.length);
  }, 300_000);

  test('a reset once: retried, installed', async () => {
    const r = await install('curl', [{ host: CN_MIRRORS.nodeHost, path: '*/SHASUMS256.txt', kind: 'reset', times: 1 }]);
    const s = r.steps[1]!;
    expect(s.exitCode, s.transcript).toBe(0);
    expect(fetches(s, 'SHASUMS256.txt')).toHaveLength(2);
    expect(said(s)).toEqual([]);
  }, 300_000);

  test('HTTP 503 is tried again; 4 times, then exit 3', async () => {
    const r = await install('curl', [{ host: CN_MIRRORS.nodeHost, path: '*/SHASUMS256.txt', kind: 'status', status: 503 }]);
    const s = r.steps[1]!;
    expectGaveUp(s, SHASUMS, 'HTTP 503', 4);
    expect(fetches(s, 'SHASUMS256.txt')).toHaveLength(4);
  }, 300_000);

  test('a trickle under 1 KB/s is a stall (each attempt resumes it)', async () => {
    const r = await install('curl', [{ host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'throttle', bytesPerSecond: 400 }]);
    const s = r.steps[1]!;
    expectGaveUp(s, tarballUrl, 'stalled: under 1 KB/s for 2 s', 4);
    const tries = fetches(s, '.tar.xz');
    expect(tries).toHaveLength(4);
    expect(tries[1]!.headers.range).toBe(`bytes=${tries[0]!.responseBytes}-`);
    report('curl 400 B/s', s, tries.length);
  }, 300_000);
});

describe.concurrent('every shell of the matrix', () => {
  // wget always runs in the background, watched (the stall limit is ours): the poll loop, the kill
  // of a stalled attempt (and of busybox's TLS helper), wait and the resume, in each shell. busybox
  // wget, as GNU wget's own --read-timeout ends the attempt before the watch would; Debian's busybox
  // has no -T, so only the watch's kill can end it: the resume proves the kill.
  for (const shell of allShells()) {
    test(`${shell.name}: busybox wget, the tarball stalled once at 60 %: killed, resumed, verified`, async () => {
      const r = await install('busybox', [{ host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'stall', times: 1 }], { shell: shell.argv.join(' ') });
      const s = r.steps[1]!;
      expect(s.exitCode, s.transcript).toBe(0);
      expect(s.stdout).toContain(`Verified ${tarball} against SHASUMS256.txt`);
      expect(s.stdout).not.toContain('LEFT ');
      // no "Terminated" or other job message for the killed attempt: only the busybox warning
      expect(said(s).filter((l) => !l.startsWith('Warning: downloading with busybox wget'))).toEqual([]);
      const tries = fetches(s, '.tar.xz');
      expect(tries.map((q) => q.headers.range ?? '')).toEqual(['', `bytes=${tries[0]!.responseBytes}-`]);
      console.log(`${shell.name}: ${(s.durationMs / 1000).toFixed(1)} s, ${tries.map((q) => `${q.status} ${q.responseBytes} B`).join(', ')}`);
    }, 300_000);
  }
});

describe.concurrent('the progress line on a terminal', () => {
  // "\r  12.3 MB / 30.1 MB  41 %  2.1 MB/s", rewritten in place, padded
  const LINE = /^ {2}\d+(\.\d)? (MB|KB|B) \/ \d+\.\d MB {2}\d{1,3} %( {2}\d+(\.\d)? (MB|KB|B)\/s)? *$/;

  for (const dl of ['curl', 'wget'] as const) {
    test(`${dl}: the tarball from a mirror throttled to 2 MB/s`, async () => {
      const r = await install(dl, [{ host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'throttle', bytesPerSecond: 2_000_000 }], { pty: true });
      const s = r.steps[1]!;
      expect(s.transcript).toContain('RC=0');
      const t = s.transcript;
      const from = t.indexOf('Downloading the latest Node.js');
      const to = t.indexOf(`Verified ${tarball}`);
      expect(from).toBeGreaterThanOrEqual(0);
      expect(to).toBeGreaterThan(from);
      const region = t.slice(from, to);
      // the tarball's updates (SHASUMS256.txt, 292 bytes, is done before the first one is due)
      const updates = region.split('\r').map((u) => u.replace(/\n$/, '')).filter((u) => /\/ \d+\.\d MB {2}\d+ %/.test(u));
      expect(updates.length, region).toBeGreaterThanOrEqual(3);
      for (const u of updates) expect(u, JSON.stringify(u)).toMatch(LINE);
      // the last update is the whole file, and the line is finished before the next message
      expect(updates.at(-1)).toContain('100 %');
      expect(region).toMatch(/100 %[^\r\n]*\r?\n$/);
      // nothing but \r and text: no other escape codes
      expect(region).not.toContain('\x1b');
      console.log(`${dl} progress capture (${updates.length} updates):\n${region.replace(/\r\n/g, '\n').replace(/\r/g, '\\r\n')}`);
    }, 300_000);
  }

  test('Ctrl-C during the download: exit 130, the downloader ended, no partial file left', async () => {
    const r = await install('curl', [{ host: CN_MIRRORS.nodeHost, path: '*.tar.xz', kind: 'throttle', bytesPerSecond: 500_000 }], {
      pty: [{ when: /MB {2}\d+ %/, send: '\x03' }],
      after: `; ${LEFTOVERS}; ls -A /tmp | sed "s/^/TMP /"; ls -A "$HOME" | sed "s/^/HOME /"`,
    });
    const s = r.steps[1]!;
    expect(s.transcript).toContain('RC=130');
    expect(s.transcript).not.toContain('LEFT ');
    expect(s.transcript).not.toMatch(/^TMP /m);
    expect(s.transcript).not.toContain('HOME .ccenv');
    console.log(`Ctrl-C: ${JSON.stringify(s.transcript.slice(s.transcript.indexOf('Downloading')))}`);
  }, 300_000);
});
