// How install.sh calls npm (a stand-in that records its arguments and environment): the key is
// not in npm's environment, the registry is passed through, proxies and CA settings are kept.
import { afterAll, describe, expect, test } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { shellByName } from '../../src/harness/shells.js';
import { runInstaller } from '../support/run-installer.js';
import type { FakeMachine } from '../support/fake-machine.js';
import { envOf, readyMachine, ZHIPU_SCRIPT } from '../support/installer-machine.js';

const KEY = 'sk-npm-canary-31415';
const machines: FakeMachine[] = [];
afterAll(() => machines.forEach((m) => m.dispose()));

/** A machine with Node but no claude; `npm install -g` "installs" a stand-in claude. */
async function machineWithFakeNpm(): Promise<FakeMachine> {
  const m = await readyMachine();
  machines.push(m);
  rmSync(path.join(m.bin, 'claude'));
  m.addExecutable(
    'npm',
    [
      '#!/bin/sh',
      `log='${m.root}/npm.log'`,
      'echo "ARGS $*" >>"$log"',
      'env | sed "s/^/ENV /" >>"$log"',
      `if [ "$1" = config ]; then printf 'prefix=%s\\ncache=%s\\nregistry=https://registry.npmjs.org/\\n' '${m.root}' '${m.root}/npm-cache'; exit 0; fi`,
      `printf '#!/bin/sh\\necho "2.1.330 (Claude Code)"\\n' >'${m.bin}/claude'`,
      `chmod +x '${m.bin}/claude'`,
    ].join('\n') + '\n',
  );
  return m;
}

describe('npm install -g @anthropic-ai/claude-code', () => {
  test('runs without the key in its environment, with the registry and the CA/proxy settings', async () => {
    const m = await machineWithFakeNpm();
    const r = await runInstaller({
      shell: shellByName('dash'),
      machine: m,
      script: ZHIPU_SCRIPT(),
      env: {
        CCENV_API_KEY: KEY,
        CCENV_YES: '1',
        CCENV_NPM_REGISTRY: 'https://registry.npmmirror.com/',
        NODE_EXTRA_CA_CERTS: '/etc/corp-ca.pem',
        npm_config_cafile: '/etc/corp-ca.pem',
        HTTPS_PROXY: 'http://proxy.corp:3128',
      },
    });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const log = readFileSync(path.join(m.root, 'npm.log'), 'utf8');
    expect(log).toContain('ARGS config get -g prefix cache registry\n');
    // npm's fetch limits explicit: twice the 30 s stall limit idle, 3 retries 2-10 s apart
    expect(log).toContain(
      'ARGS install -g @anthropic-ai/claude-code --no-fund --no-audit --loglevel=http --registry https://registry.npmmirror.com/ --fetch-timeout=60000 --fetch-retries=3 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=10000\n',
    );
    expect(log).not.toContain(KEY);
    expect(log).not.toContain('CCENV_API_KEY');
    expect(log).toContain('ENV NODE_EXTRA_CA_CERTS=/etc/corp-ca.pem');
    expect(log).toContain('ENV npm_config_cafile=/etc/corp-ca.pem');
    expect(log).toContain('ENV HTTPS_PROXY=http://proxy.corp:3128');
    expect(r.stdout).toContain('Claude Code 2.1.330 installed');
    expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
  });

  test("a user's npm_config_fetch_* wins over ours; CCENV_STALL_TIMEOUT sets the idle limit", async () => {
    const m = await machineWithFakeNpm();
    const r = await runInstaller({
      shell: shellByName('dash'),
      machine: m,
      script: ZHIPU_SCRIPT(),
      env: { CCENV_API_KEY: KEY, CCENV_YES: '1', npm_config_fetch_retries: '0', CCENV_STALL_TIMEOUT: '5' },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const install = readFileSync(path.join(m.root, 'npm.log'), 'utf8').split('\n').find((l) => l.startsWith('ARGS install'));
    expect(install).toContain('--fetch-timeout=10000 --fetch-retry-mintimeout=2000');
    expect(install).not.toContain('--fetch-retries');
  });

  test('a plain-http registry is refused unless CCENV_ALLOW_HTTP=1', async () => {
    const m = await machineWithFakeNpm();
    const env = { CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_NPM_REGISTRY: 'http://npm.intranet/' };
    const refused = await runInstaller({ shell: shellByName('dash'), machine: m, script: ZHIPU_SCRIPT(), env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('Refusing plain http: http://npm.intranet/');
    const allowed = await runInstaller({ shell: shellByName('dash'), machine: m, script: ZHIPU_SCRIPT(), env: { ...env, CCENV_ALLOW_HTTP: '1' } });
    expect(allowed.exitCode).toBe(0);
  });

  test('--upgrade reinstalls even when claude works', async () => {
    const m = await machineWithFakeNpm();
    m.addClaudeStandIn();
    const r = await runInstaller({ shell: shellByName('bash'), machine: m, script: ZHIPU_SCRIPT(), args: ['--upgrade', '--yes'], env: { CCENV_API_KEY: KEY } });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(path.join(m.root, 'npm.log'), 'utf8')).toContain('ARGS install -g @anthropic-ai/claude-code');
  });
});

/** A machine whose npm install fails, printing `output` as npm 10 does (to stderr). */
async function machineWithFailingNpm(output: string): Promise<FakeMachine> {
  const m = await readyMachine();
  machines.push(m);
  rmSync(path.join(m.bin, 'claude'));
  m.addExecutable(
    'npm',
    [
      '#!/bin/sh',
      `if [ "$1" = config ]; then printf 'prefix=%s\\n' '${m.root}'; exit 0; fi`,
      "cat >&2 <<'EOF'",
      output,
      'EOF',
      'exit 1',
    ].join('\n') + '\n',
  );
  return m;
}

describe('npm failing', () => {
  const noise = Array.from({ length: 25 }, (_, i) => `npm http fetch GET 404 https://registry.npmmirror.com/@anthropic-ai%2fclaude-code-win32-x${i} 12ms (cache skip)`).join('\n');

  test('on the network: exit 7, one message naming the registry, npm\'s own line and what to try', async () => {
    const m = await machineWithFailingNpm(
      [
        noise,
        'npm error code ENOTFOUND',
        'npm error syscall getaddrinfo',
        'npm error errno ENOTFOUND',
        'npm error network request to https://registry.npmmirror.com/@anthropic-ai%2fclaude-code failed, reason: getaddrinfo ENOTFOUND registry.npmmirror.com',
        'npm error network This is a problem related to network connectivity.',
        'npm error network In most cases you are behind a proxy or have bad network settings.',
        'npm error network',
        "npm error network If you are behind a proxy, please make sure that the",
        "npm error network 'proxy' config is set properly.  See: 'npm help config'",
        'npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log',
      ].join('\n'),
    );
    const r = await runInstaller({ shell: shellByName('dash'), machine: m, script: ZHIPU_SCRIPT(), env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } });
    expect(r.exitCode, r.stderr).toBe(7);
    expect(r.stderr.trim().split('\n')).toEqual([
      'npm could not install Claude Code from https://registry.npmmirror.com: network request to https://registry.npmmirror.com/@anthropic-ai%2fclaude-code failed, reason: getaddrinfo ENOTFOUND registry.npmmirror.com. ' +
        'Try another registry: CCENV_NPM_REGISTRY=https://registry.npmjs.org, or a proxy: HTTPS_PROXY=http://host:port. ' +
        "Behind a proxy that inspects TLS, point Node at your company's CA: NODE_EXTRA_CA_CERTS=/path/to/ca.pem. Then run this installer again.",
    ]);
  });

  test('a certificate npm does not trust: the same one message, naming the certificate error', async () => {
    const m = await machineWithFailingNpm(
      ['npm error code SELF_SIGNED_CERT_IN_CHAIN', 'npm error errno SELF_SIGNED_CERT_IN_CHAIN', 'npm error request to https://registry.npmjs.org/@anthropic-ai%2fclaude-code failed, reason: self-signed certificate in certificate chain'].join('\n'),
    );
    const r = await runInstaller({ shell: shellByName('dash'), machine: m, script: ZHIPU_SCRIPT(), env: { CCENV_API_KEY: KEY, CCENV_YES: '1', CCENV_NPM_REGISTRY: 'https://registry.npmjs.org' } });
    expect(r.exitCode, r.stderr).toBe(7);
    // already on the other region's registry: the profile's own is suggested
    expect(r.stderr).toContain('from https://registry.npmjs.org: request to https://registry.npmjs.org/@anthropic-ai%2fclaude-code failed, reason: self-signed certificate in certificate chain.');
    expect(r.stderr).toContain('CCENV_NPM_REGISTRY=https://registry.npmmirror.com,');
    expect(r.stderr).toContain('NODE_EXTRA_CA_CERTS=');
  });

  test('not the network (a full disk): npm\'s last lines, without its request log, then exit 7', async () => {
    const m = await machineWithFailingNpm([noise, 'npm error code ENOSPC', 'npm error syscall write', 'npm error nospc ENOSPC: no space left on device, write'].join('\n'));
    const r = await runInstaller({ shell: shellByName('dash'), machine: m, script: ZHIPU_SCRIPT(), env: { CCENV_API_KEY: KEY, CCENV_YES: '1' } });
    expect(r.exitCode, r.stderr).toBe(7);
    expect(r.stderr).toContain('npm error nospc ENOSPC: no space left on device, write');
    expect(r.stderr).not.toContain('npm http fetch');
    expect(r.stderr).toContain('npm install -g @anthropic-ai/claude-code failed (its last lines are above).');
  });
});
