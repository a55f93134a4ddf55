// install.cmd's downloads under the network contract (issue 20), run by Wine's cmd.exe against the
// loopback fixture server and its faults: curl.exe is the Wine shim in network mode (a real TCP
// connection to the server, plain HTTP, with curl's connect timeout, low-speed limit, resume and
// exit codes; src/harness/wine/shims/curl.c). CCENV_STALL_TIMEOUT=2 keeps each stalled attempt short.
// A Wine prefix of its own: these runs install Node and edit the user PATH.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { cachePath, ensureCacheDir } from '../../src/harness/cache.js';
import { startFixtureServer, type Fault, type FixtureServer, type RecordedRequest } from '../../src/harness/fixture-server.js';
import { CN_MIRRORS, siteFromSpec, standardSites } from '../../src/harness/sites.js';
import { ensureWinNodeMirror, type WinNodeMirror } from '../../src/harness/wine/node-win-mirror.js';
import { ensureWinePrefix, missingWine, resetUserFiles, setUserPath, startWineServer, windowsPath, wineEnv, type WinePrefix } from '../../src/harness/wine/prefix.js';
import { ensureConsoleProbe, ensureWineShims } from '../../src/harness/wine/shims.js';
import { runInPty } from '../../src/harness/pty.js';
import { findProgram } from '../../src/harness/tools.js';
import { repoPath } from '../../src/paths.js';
import { WINE_TEST_OPTIONS } from '../support/wine-test-options.js';

const skip = missingWine() ?? (findProgram('x86_64-w64-mingw32-gcc') ? undefined : 'no mingw');
const ORIGINAL_PATH = { type: 'REG_EXPAND_SZ', value: 'C:\\tools' };
/** zhipu's Node mirror (region cn); a failed download suggests the other region's. */
const MIRROR = CN_MIRRORS.nodeUrl;
const OTHER_MIRROR = 'https://nodejs.org/dist';

let prefix: WinePrefix;
let mirror: WinNodeMirror;
let server: FixtureServer;
let work: string;
let dirs: { shims: string; claude: string; node: string; spyNode: string; probe: string };
let spyLog: string;
let installer: string;
let zipName: string;
let zipSize: number;

beforeAll(async () => {
  if (skip) return;
  let shims: string;
  let probe: string;
  [prefix, mirror, shims, probe] = await Promise.all([ensureWinePrefix('downloads'), ensureWinNodeMirror(), ensureWineShims(), ensureConsoleProbe()]);
  await startWineServer(prefix);
  work = mkdtempSync(path.join(tmpdir(), 'ccenv-dl-cmd-'));
  const claude = path.join(work, 'claude-bin');
  mkdirSync(claude);
  writeFileSync(path.join(claude, 'claude.cmd'), '@echo off\r\necho 2.1.330 (Claude Code)\r\n');
  // Node.js present for the npm cases: the real node.exe with its npm, and beside it a folder whose
  // npm.cmd records its arguments and fails as npm does when the registry is unreachable.
  const nodeBin = await ensureCacheDir(cachePath('node-win-bin', mirror.version), async (tmp) => {
    execFileSync('bsdtar', ['-xf', mirror.zip, '-C', tmp, '--strip-components=1'], { stdio: 'ignore' });
  });
  const spyNode = path.join(work, 'spy-node');
  mkdirSync(spyNode);
  symlinkSync(path.join(nodeBin, 'node.exe'), path.join(spyNode, 'node.exe'));
  spyLog = path.join(work, 'npm-args.log');
  writeFileSync(
    path.join(spyNode, 'npm.cmd'),
    [
      '@echo off',
      `if defined CCENV_API_KEY (echo KEY SEEN>>"${windowsPath(spyLog)}")`,
      `echo %*>>"${windowsPath(spyLog)}"`,
      'echo npm error code ECONNREFUSED 1>&2',
      'echo npm error errno ECONNREFUSED 1>&2',
      'echo npm error FetchError: request to https://registry.example/@anthropic-ai%%2fclaude-code failed, reason: connect ECONNREFUSED 10.0.0.1:443 1>&2',
      'echo npm error A complete log of this run can be found in: C:\npm\_logs\debug.log 1>&2',
      'exit /b 1',
      '',
    ].join('\r\n'),
  );
  dirs = { shims: windowsPath(shims), claude: windowsPath(claude), node: windowsPath(nodeBin), spyNode: windowsPath(spyNode), probe: windowsPath(probe) };
  installer = path.join(work, 'install.cmd');
  copyFileSync(repoPath('dist', 'zhipu', 'install.cmd'), installer);
  zipName = path.basename(mirror.zip);
  zipSize = statSync(mirror.zip).size;
  server = await startFixtureServer({
    sites: standardSites({ nodeMirror: mirror.root, api: false }).map(siteFromSpec),
    httpPort: 0,
  });
}, 600_000);

afterAll(async () => {
  if (skip) return;
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(async () => {
  if (skip) return;
  resetUserFiles(prefix);
  await setUserPath(prefix, ORIGINAL_PATH);
  rmSync(path.join(work, 'requests.log'), { force: true });
  server.setFaults([]);
  server.setLabel(undefined);
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** What the fixture server answered during this run. */
  requests: RecordedRequest[];
  /** What curl.exe was asked for (its own log: also the hosts that never reached the server). */
  curlLog: string[];
  /** Wall time of the whole run, for the report only (never asserted). */
  seconds: number;
}

/**
 * A Wine run that leaves this process's event loop free (runWine is synchronous, and the fixture
 * server answering curl.exe lives in this process); output through files, as runWine does.
 */
async function runWineAsync(args: string[], env: Record<string, string>, winPath: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = path.join(work, 'stdout');
  const err = path.join(work, 'stderr');
  const outFd = openSync(out, 'w');
  const errFd = openSync(err, 'w');
  try {
    const child = spawn('wine', args, { env: wineEnv(prefix, { env, path: winPath }), cwd: work, stdio: ['ignore', outFd, errFd] });
    const code = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
      child.once('error', reject);
      child.once('exit', (c, signal) => {
        clearTimeout(timer);
        resolve(c ?? (signal ? -1 : -1));
      });
    });
    return { code, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
  } finally {
    closeSync(outFd);
    closeSync(errFd);
  }
}

function runEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    CCENV_API_KEY: 'sk-download-test',
    CCENV_STALL_TIMEOUT: '2',
    CCENV_SHIM_NET: `127.0.0.1:${server.httpPort}`,
    CCENV_SHIM_NET_HOSTS: `nodejs.org,${CN_MIRRORS.nodeHost}`,
    CCENV_SHIM_LOG: windowsPath(path.join(work, 'requests.log')),
    ...env,
  };
}

/** install.cmd --yes with Node absent (the download runs) and a claude.cmd stand-in on PATH. */
async function install(label: string, faults: Fault[], env: Record<string, string> = {}, winPath?: string[]): Promise<Run> {
  server.setFaults(faults);
  server.setLabel(label);
  const started = Date.now();
  const r = await runWineAsync(['cmd', '/c', windowsPath(installer), '--yes'], runEnv(env), winPath ?? [dirs.shims, dirs.claude]);
  const seconds = (Date.now() - started) / 1000;
  // what the user saw and when it ended: the figures issue 20's closing note asks for
  console.log(`install.cmd under Wine, ${label}: exit ${r.code} after ${seconds.toFixed(1)} s\n--- stderr ---\n${r.stderr}`);
  const log = path.join(work, 'requests.log');
  return {
    ...r,
    seconds,
    requests: server.requests().filter((q) => q.label === label),
    curlLog: existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [],
  };
}

const zipPath = () => `/mirrors/node/latest-v22.x/${zipName}`;
const shasumsPath = '/mirrors/node/latest-v22.x/SHASUMS256.txt';
const nodeInstalled = () => existsSync(path.join(prefix.localAppData, 'ccenv', 'node', 'node.exe'));

describe.skipIf(skip)('install.cmd downloads under Wine (network contract)', WINE_TEST_OPTIONS, () => {
  test('a transfer cut at 60 % resumes with a Range request: about 1.0x the bytes, verified, installed', async () => {
    const r = await install('cut', [{ kind: 'cut', at: 0.6, path: zipPath(), times: 1 }]);
    expect(r.code, r.stderr).toBe(0);
    const zips = r.requests.filter((q) => q.url === zipPath());
    expect(zips).toHaveLength(2);
    expect(zips[0]?.headers.range).toBeUndefined();
    const first = zips[0]?.responseBytes ?? 0;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(zipSize);
    expect(zips[1]?.headers.range).toBe(`bytes=${first}-`);
    expect(zips[1]?.status).toBe(206);
    const total = zips.reduce((n, q) => n + q.responseBytes, 0);
    expect(total).toBe(zipSize);
    expect(r.stderr).toMatch(/Attempt 1 of 4 failed; trying again in 1 s \(curl: \(18\) /);
    expect(r.stdout).toContain(`Verified ${zipName} against SHASUMS256.txt`);
    expect(nodeInstalled()).toBe(true);
  });

  test('a stall at 60 % is given up after the stall limit and resumed', async () => {
    const r = await install('stall', [{ kind: 'stall', at: 0.6, path: zipPath(), times: 1 }]);
    expect(r.code, r.stderr).toBe(0);
    const zips = r.requests.filter((q) => q.url === zipPath());
    expect(zips).toHaveLength(2);
    expect(zips[1]?.headers.range).toBe(`bytes=${zips[0]?.responseBytes}-`);
    expect(zips.reduce((n, q) => n + q.responseBytes, 0)).toBe(zipSize);
    expect(r.stderr).toContain('Operation too slow. Less than 1000 bytes/sec transferred the last 2 seconds');
    expect(nodeInstalled()).toBe(true);
  });

  test('a server that cannot resume (200 to a Range request): the next attempt starts over, still verified', async () => {
    const r = await install('no-ranges', [
      { kind: 'cut', at: 0.6, path: zipPath(), times: 1 },
      { kind: 'no-ranges', path: zipPath() },
    ]);
    expect(r.code, r.stderr).toBe(0);
    const zips = r.requests.filter((q) => q.url === zipPath());
    expect(zips).toHaveLength(3);
    expect(zips[1]?.headers.range).toMatch(/^bytes=\d+-$/);
    expect(zips[1]?.status).toBe(200);
    expect(zips[2]?.headers.range).toBeUndefined();
    expect(r.stderr).toContain("curl: (33) HTTP server doesn't seem to support byte ranges");
    expect(nodeInstalled()).toBe(true);
  });

  test('a throttled mirror (above the limit) finishes in one request, no retry; stderr a file: no progress bar', async () => {
    // the console probe on PATH answers as Windows PowerShell would: stderr is redirected here
    const r = await install('throttle', [{ kind: 'throttle', bytesPerSecond: 16 * 1024 * 1024, path: zipPath() }], {}, [dirs.shims, dirs.claude, dirs.probe]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests.filter((q) => q.url === zipPath())).toHaveLength(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('#');
    expect(nodeInstalled()).toBe(true);
  });

  test('at a console (a pseudo-terminal) the zip shows curl\'s progress bar, SHASUMS256.txt none', async () => {
    server.setFaults([{ kind: 'throttle', bytesPerSecond: 16 * 1024 * 1024, path: zipPath() }]);
    server.setLabel('pty');
    const env = wineEnv(prefix, { env: runEnv(), path: [dirs.shims, dirs.claude, dirs.probe] });
    const r = await runInPty(`wine cmd /c '${windowsPath(installer)}' --yes`, { env, cwd: work, answers: [], timeoutMs: 240_000 });
    const shown = r.transcript.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    console.log(`install.cmd under Wine on a pseudo-terminal (throttled zip), exit ${r.exitCode}; transcript without escapes:\n${shown}`);
    expect(r.exitCode, shown).toBe(0);
    expect(shown).toMatch(/#{72} 100\.0%/);
    // the bar comes after the zip's step line and before its verification, never around SHASUMS256.txt
    const bar = shown.indexOf('100.0%');
    expect(shown.indexOf('Downloading the latest Node.js 22.x')).toBeLessThan(bar);
    expect(shown.indexOf(`Verified ${zipName}`)).toBeGreaterThan(bar);
    expect(shown.split('100.0%').length - 1).toBe(1);
    expect(nodeInstalled()).toBe(true);
  });

  test('a server that accepts and never answers: 4 attempts, then exit 3 with one message', async () => {
    const r = await install('hang', [{ kind: 'hang', path: shasumsPath }]);
    expect(r.code).toBe(3);
    expect(r.requests.filter((q) => q.url === shasumsPath)).toHaveLength(4);
    expect(r.stderr.match(/Attempt \d of 4 failed/g)).toEqual(['Attempt 1 of 4 failed', 'Attempt 2 of 4 failed', 'Attempt 3 of 4 failed']);
    expect(r.stderr).toContain(`Download failed: ${MIRROR}/latest-v22.x/SHASUMS256.txt (attempts: 4): connected, but no answer within 2 s.`);
    expect(r.stderr).toContain('  curl.exe said: curl: (28) Operation too slow.');
    expect(r.stderr).toContain(`Try another mirror (set CCENV_NODE_MIRROR=${OTHER_MIRROR}), a proxy (set HTTPS_PROXY=`);
    expect(r.stderr).toContain('Windows certificate store');
    expect(r.stderr.split('Download failed').length - 1).toBe(1);
    expect(nodeInstalled()).toBe(false);
  });

  test('a transfer that stalls every time: 4 attempts, each resuming, then exit 3 "stalled"', async () => {
    const r = await install('stall-always', [{ kind: 'stall', at: 0.6, path: shasumsPath }]);
    expect(r.code).toBe(3);
    const sums = r.requests.filter((q) => q.url === shasumsPath);
    expect(sums).toHaveLength(4);
    // each retry asks for what is still missing
    let have = 0;
    for (const q of sums) {
      expect(q.headers.range).toBe(have === 0 ? undefined : `bytes=${have}-`);
      have += q.responseBytes;
    }
    expect(have).toBeGreaterThan(0);
    expect(have).toBeLessThan(statSync(mirror.shasums).size);
    expect(r.stderr).toContain(`Download failed: ${MIRROR}/latest-v22.x/SHASUMS256.txt (attempts: 4): stalled: under 1 KB/s for 2 s.`);
    expect(r.stderr.split('Download failed').length - 1).toBe(1);
    expect(nodeInstalled()).toBe(false);
  });

  test('HTTP 404: one request, exit 3, no retry', async () => {
    const r = await install('404', [{ kind: 'status', status: 404, path: shasumsPath }]);
    expect(r.code).toBe(3);
    expect(r.requests).toHaveLength(1);
    expect(r.stderr).not.toContain('Attempt');
    expect(r.stderr).toContain(`Download failed: ${MIRROR}/latest-v22.x/SHASUMS256.txt (attempts: 1): HTTP 404.`);
    expect(r.stderr).toContain('curl: (22) The requested URL returned error: 404');
  });

  test('HTTP 503 is retried: 4 requests, then exit 3 naming the status', async () => {
    const r = await install('503', [{ kind: 'status', status: 503, path: shasumsPath }]);
    expect(r.code).toBe(3);
    expect(r.requests).toHaveLength(4);
    expect(r.stderr).toContain('(attempts: 4): HTTP 503.');
  });

  test('a host name that does not resolve: one attempt, exit 3, no screen of repeated errors', async () => {
    const r = await install('dns', [], { CCENV_NODE_MIRROR: 'https://mirror.invalid/node' });
    expect(r.code).toBe(3);
    expect(r.curlLog).toEqual(['https://mirror.invalid/node/latest-v22.x/SHASUMS256.txt 6']);
    expect(r.requests).toHaveLength(0);
    expect(r.stderr).toContain('Download failed: https://mirror.invalid/node/latest-v22.x/SHASUMS256.txt: the host name does not resolve (not retried).');
    expect(r.stderr.match(/Could not resolve host/g)).toHaveLength(1);
  });

  test('a certificate that is not trusted (curl.exe exit 60): not retried, exit 3, the Windows certificate store named', async () => {
    const r = await install('cert', [], { CCENV_SHIM_UNTRUSTED: '1' });
    expect(r.code).toBe(3);
    expect(r.curlLog).toHaveLength(1);
    expect(r.stderr).toContain("the server's certificate is not trusted");
    expect(r.stderr).toContain('SEC_E_UNTRUSTED_ROOT');
    expect(r.stderr).toContain('Windows certificate store');
  });

  test('npm gets explicit fetch limits (fetch-timeout twice the stall limit) and never the key; unreachable: exit 7, one message naming the registry and what to try', async () => {
    rmSync(spyLog, { force: true });
    const r = await install('npm-spy', [], { CCENV_NPM_REGISTRY: 'https://registry.example/' }, [dirs.shims, dirs.spyNode]);
    expect(r.code, r.stdout + r.stderr).toBe(7);
    const args = readFileSync(spyLog, 'utf8');
    expect(args).not.toContain('KEY SEEN');
    expect(args).toContain('install -g @anthropic-ai/claude-code --no-fund --no-audit --loglevel=error --fetch-timeout=4000 --fetch-retries=3 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=10000 --registry "https://registry.example/"');
    expect(r.stdout).toContain('npm prints nothing while it downloads and installs Claude Code');
    expect(r.stderr).toBe(
      'npm could not install Claude Code from the registry https://registry.example/: FetchError: request to https://registry.example/@anthropic-ai/claude-code failed, reason: connect ECONNREFUSED 10.0.0.1:443. ' +
        'Try another registry (set CCENV_NPM_REGISTRY=https://registry.npmjs.org), a proxy (set HTTPS_PROXY=http://proxy-host:port), or, behind a proxy that inspects TLS, ' +
        "your company's CA for Node.js (set NODE_EXTRA_CA_CERTS=C:\\path\\to\\ca.pem); then run install.cmd again.\r\n",
    );
  });

  test("a user's npm_config_fetch_retries wins over ours; real npm under Wine failing to connect: exit 7 with npm's line, not its log", async () => {
    const r = await install('npm-real', [], { CCENV_NPM_REGISTRY: 'https://localhost:9/', npm_config_fetch_retries: '0' }, [dirs.shims, dirs.node]);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/^npm could not install Claude Code from the registry https:\/\/localhost:9\/: .*(request to|connect|ECONN|UNKNOWN)/);
    expect(r.stderr).toContain('set CCENV_NPM_REGISTRY=https://registry.npmjs.org');
    expect(r.stderr.split(/\r?\n/).filter(Boolean)).toHaveLength(1);
  });
});
