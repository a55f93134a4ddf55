// Bare machines differ in what they can download and unpack with: wget instead of curl, no xz.
// The installer must pick what is there, and still verify before unpacking.
import { beforeAll, describe, expect, test } from 'vitest';
import { ensureNodeMirror, nodeDistName, type NodeMirror } from '../../src/harness/node-mirror.js';
import { hostNodeBinary } from '../../src/harness/node-fixture.js';
import { DEFAULT_TOOLS, PROXY_USER_ENV, runScenario } from '../../src/harness/sandbox.js';
import { CN_MIRRORS, standardSites } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';

let mirror: NodeMirror;
beforeAll(async () => {
  mirror = await ensureNodeMirror();
}, 1_800_000);

/** Installs Node only: no npm registry is served, so the Claude Code step fails fast afterwards. */
async function installNode(tools: string[], fetch: string) {
  return runScenario({
    sites: standardSites({ dist: repoPath('dist'), nodeMirror: mirror.root }),
    toolbox: { node: hostNodeBinary(), tools },
    command: `${fetch} | sh; echo "RC=$?"; ls /home/user/custom-node`,
    env: { ...PROXY_USER_ENV, CCENV_API_KEY: 'sk-dl-123456', CCENV_INSTALL_DIR: '/home/user/custom-node', npm_config_fetch_retries: '0' },
    timeoutMs: 300_000,
  });
}

describe('downloaders and archives', () => {
  test('wget without curl, into CCENV_INSTALL_DIR', async () => {
    const r = await installNode(DEFAULT_TOOLS.filter((t) => t !== 'curl'), 'wget -qO- https://cdn.ccenv.test/zhipu/install.sh');
    const base = nodeDistName(mirror.version);
    expect(r.stdout).toContain(`Verified ${base}.tar.xz against SHASUMS256.txt`);
    expect(r.stdout).toContain(`Node.js v${mirror.version} installed in /home/user/custom-node/${base}`);
    const nodeFetches = r.requests.filter((q) => q.host === CN_MIRRORS.nodeHost);
    expect(nodeFetches.map((q) => q.url)).toEqual([`${CN_MIRRORS.nodePrefix}/latest-v22.x/SHASUMS256.txt`, `${CN_MIRRORS.nodePrefix}/latest-v22.x/${base}.tar.xz`]);
    expect(nodeFetches.every((q) => /wget/i.test(String(q.headers['user-agent'])))).toBe(true);
    expect(r.stdout).toMatch(/^env$/m);
  }, 600_000);

  test('no xz: the .tar.gz is fetched and verified', async () => {
    const r = await installNode(DEFAULT_TOOLS.filter((t) => t !== 'xz'), 'curl -fsSL https://cdn.ccenv.test/zhipu/install.sh');
    const base = nodeDistName(mirror.version);
    expect(r.stdout).toContain(`Verified ${base}.tar.gz against SHASUMS256.txt`);
    expect(r.requests.filter((q) => q.host === CN_MIRRORS.nodeHost).map((q) => q.url)).toEqual([
      `${CN_MIRRORS.nodePrefix}/latest-v22.x/SHASUMS256.txt`,
      `${CN_MIRRORS.nodePrefix}/latest-v22.x/${base}.tar.gz`,
    ]);
  }, 600_000);
});
