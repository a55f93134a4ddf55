// How install.sh calls npm (a stand-in that records its arguments and environment): the key is
// not in npm's environment, the registry is passed through, proxies and CA settings are kept.
import { afterAll, describe, expect, test } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { shellByName } from '../../src/harness/shells.js';
import { runInstaller } from '../../src/harness/run-installer.js';
import type { FakeMachine } from '../../src/harness/fake-machine.js';
import { envOf, readyMachine, ZHIPU_SCRIPT } from './support.js';

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
      `if [ "$1" = prefix ]; then echo '${m.root}'; exit 0; fi`,
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
    expect(log).toContain('ARGS install -g @anthropic-ai/claude-code --no-fund --no-audit --loglevel=error --registry https://registry.npmmirror.com/');
    expect(log).not.toContain(KEY);
    expect(log).not.toContain('CCENV_API_KEY');
    expect(log).toContain('ENV NODE_EXTRA_CA_CERTS=/etc/corp-ca.pem');
    expect(log).toContain('ENV npm_config_cafile=/etc/corp-ca.pem');
    expect(log).toContain('ENV HTTPS_PROXY=http://proxy.corp:3128');
    expect(r.stdout).toContain('Claude Code 2.1.330 installed');
    expect(envOf(m)['ANTHROPIC_AUTH_TOKEN']).toBe(KEY);
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
