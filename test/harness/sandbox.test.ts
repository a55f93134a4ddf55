import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROXY_USER_ENV, runScenario, SANDBOX_HOME, SANDBOX_TOOLBOX } from '../../src/harness/sandbox.js';
import type { SiteSpec } from '../../src/harness/sites.js';

// A stand-in installer: reads a key from the terminal like install.sh does under `curl | sh`.
const INSTALLER = `#!/bin/sh
main() {
    # echo off before the prompt: input typed (or pasted) as soon as it shows is not echoed
    stty -echo </dev/tty 2>/dev/null
    printf 'Enter your API key: ' >/dev/tty
    IFS= read -r key </dev/tty || { echo "no terminal" >&2; exit 5; }
    stty echo </dev/tty 2>/dev/null
    printf '\\n'
    mkdir -p "$HOME/.claude"
    printf '{"env":{"ANTHROPIC_AUTH_TOKEN":"%s"}}\\n' "$key" >"$HOME/.claude/settings.json"
    echo "configured key of length \${#key}"
}
main "$@"
`;

describe('sandbox', () => {
  let dist: string;
  let sites: SiteSpec[];

  beforeAll(() => {
    dist = mkdtempSync(path.join(tmpdir(), 'ccenv-dist-'));
    mkdirSync(path.join(dist, 'zhipu'));
    writeFileSync(path.join(dist, 'zhipu', 'install.sh'), INSTALLER);
    sites = [
      { kind: 'static', host: 'cdn.ccenv.test', dir: dist },
      { kind: 'api-stub', host: 'open.bigmodel.cn' },
    ];
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  test('only the mapped host names are reachable: no DNS, no route, no proxy', async () => {
    const r = await runScenario({
      sites,
      steps: [
        { name: 'mapped', command: 'curl -fsS https://cdn.ccenv.test/zhipu/install.sh >/dev/null && echo ok' },
        { name: 'dns', command: 'curl -sS https://registry.npmjs.org/ ; echo "rc=$?"; getent hosts example.com; echo "getent=$?"' },
        { name: 'ip', command: 'curl -sS --connect-timeout 5 https://1.1.1.1/ ; echo "rc=$?"; curl -sS --connect-timeout 5 http://10.0.0.1/ ; echo "rc=$?"' },
        { name: 'node', command: 'node -e "fetch(\'https://example.com/\').then(() => console.log(\'reached\'), (e) => console.log(\'failed\', e.cause && e.cause.code))"' },
        { name: 'links', command: 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; env' },
      ],
    });
    const [mapped, dns, ip, node, links] = r.steps;
    expect(mapped!.stdout).toBe('ok\n');
    expect(dns!.stdout).toContain('rc=6'); // could not resolve host
    expect(dns!.stdout).toContain('getent=2');
    expect(ip!.stdout).toMatch(/rc=7\n.*rc=7/s); // could not connect
    expect(node!.stdout).toMatch(/^failed (ENOTFOUND|EAI_AGAIN)/);
    expect(links!.stdout.split('\n')[0]).toBe('lo');
    expect(links!.stdout).not.toMatch(/^(https?_proxy|HTTPS?_PROXY|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE)=/m);
    expect(r.requests.map((q) => q.host)).toEqual(['cdn.ccenv.test']);
  });

  test('tools trust the test CA through the system bundle: curl, wget, busybox wget, node with NODE_EXTRA_CA_CERTS', async () => {
    const url = 'https://cdn.ccenv.test/zhipu/install.sh';
    const r = await runScenario({
      sites,
      steps: [
        { name: 'curl', command: `curl -fsS ${url} | head -1` },
        { name: 'wget', command: `wget -q -O - ${url} | head -1` },
        { name: 'busybox', command: `busybox wget -q -O - ${url} | head -1` },
        { name: 'node-extra-ca', command: `node -e "fetch('${url}').then(r => r.text()).then(t => console.log(t.split('\\n')[0]))"`, env: PROXY_USER_ENV },
        // an official Node build knows only its own CA list: without NODE_EXTRA_CA_CERTS it refuses
        { name: 'node-bundled-ca', command: `node --use-bundled-ca -e "fetch('${url}').then(() => console.log('trusted'), (e) => console.log('refused', e.cause && e.cause.code))"` },
      ],
    });
    for (const s of r.steps.slice(0, 4)) expect(s.stdout, `${s.name}: ${s.transcript}`).toBe('#!/bin/sh\n');
    expect(r.steps[4]!.stdout).toMatch(/^refused (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/);
  });

  test('a fresh, empty HOME; the host home, /tmp and /run are hidden; / is read-only', async () => {
    const r = await runScenario({
      sites,
      command: `echo "home=$HOME"; ls -A "$HOME" | wc -l; ls -A ${homedir()} | wc -l; ls -A /tmp; ls -A /run; touch /usr/ccenv-x 2>/dev/null && echo wrote || echo read-only; id -u`,
    });
    expect(r.exitCode).toBe(0);
    // /tmp is empty (the served folder is bound under /run/ccenv); /run holds only the runner's files
    expect(r.stdout).toBe(`home=${SANDBOX_HOME}\n0\n0\nccenv\nread-only\n${process.getuid?.() ?? 0}\n`);
  });

  test('curl | sh on a pseudo-terminal: the prompt is answered when it appears; files collected from HOME', async () => {
    const r = await runScenario({
      sites,
      command: 'curl -fsSL https://cdn.ccenv.test/zhipu/install.sh | sh',
      pty: [{ when: 'Enter your API key: ', send: 'sk-typed-at-the-prompt\r' }],
      collect: ['.claude/settings.json', '.missing'],
    });
    expect(r.exitCode, r.transcript).toBe(0);
    expect(r.transcript).toContain('configured key of length 22');
    expect(r.transcript).not.toContain('sk-typed-at-the-prompt'); // echo was off
    expect(r.files['.claude/settings.json']).toBe('{"env":{"ANTHROPIC_AUTH_TOKEN":"sk-typed-at-the-prompt"}}\n');
    expect(r.files['.missing']).toBeNull();
  });

  test('without a terminal there is no /dev/tty (the installer must not hang or prompt)', async () => {
    const r = await runScenario({ sites, command: 'curl -fsSL https://cdn.ccenv.test/zhipu/install.sh | sh' });
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toContain('no terminal');
  });

  test('a prompt that never comes fails the step with its transcript, and does not hang', async () => {
    const r = await runScenario({ sites, command: 'echo nothing to see', pty: [{ when: 'Password:', send: 'x\r' }], timeoutMs: 5_000 });
    expect(r.steps[0]!.error).toMatch(/exited \(0\) before prompt Password:/);
    expect(r.transcript).toContain('nothing to see');
  });

  test('plain HTTP only when asked; steps see their own env and are labelled in the request log', async () => {
    const cmd = 'curl -sS -o /dev/null -w "%{http_code}" http://cdn.ccenv.test/zhipu/install.sh; echo " rc=$?"; echo "x=$X"';
    const off = await runScenario({ sites, command: cmd, env: { X: 'one' } });
    expect(off.stdout).toBe('000 rc=7\nx=one\n'); // connection refused
    const on = await runScenario({ sites, http: true, steps: [{ name: 'first', command: cmd }, { name: 'second', command: cmd, env: { X: 'two' } }] });
    expect(on.steps.map((s) => s.stdout)).toEqual(['200 rc=0\nx=\n', '200 rc=0\nx=two\n']);
    expect(on.requests.map((q) => [q.scheme, q.label])).toEqual([['http', 'first'], ['http', 'second']]);
  });

  test('a toolbox PATH: the bare tools and the given node only (no npm, no claude)', async () => {
    const r = await runScenario({
      sites,
      toolbox: { node: process.execPath },
      command: 'echo "$PATH"; for c in node npm npx claude curl tar sha256sum; do command -v $c || echo "no $c"; done; node --version; curl -fsS https://cdn.ccenv.test/zhipu/install.sh | head -1',
    });
    expect(r.exitCode, r.transcript).toBe(0);
    expect(r.stdout).toBe(
      [SANDBOX_TOOLBOX, `${SANDBOX_TOOLBOX}/node`, 'no npm', 'no npx', 'no claude', `${SANDBOX_TOOLBOX}/curl`, `${SANDBOX_TOOLBOX}/tar`,
        `${SANDBOX_TOOLBOX}/sha256sum`, process.version, '#!/bin/sh', ''].join('\n'),
    );
    const bare = await runScenario({ sites, toolbox: {}, command: 'command -v node || echo "no node"' });
    expect(bare.stdout).toBe('no node\n');
  });

  test.runIf(process.getuid?.() === 0)('noexecTmp: /tmp is mounted noexec (a program copied there cannot run), still writable by all', async () => {
    const command = "cp /bin/true /tmp/t && /tmp/t; echo \"rc=$?\"; stat -c %a /tmp; grep ' /tmp ' /proc/self/mountinfo | grep -o noexec || echo exec";
    const on = await runScenario({ sites, noexecTmp: true, uid: 1000, command });
    expect(on.stdout, on.transcript).toBe('rc=126\n1777\nnoexec\n');
    const off = await runScenario({ sites, command });
    expect(off.stdout, off.transcript).toBe('rc=0\n1777\nexec\n');
  });

  test.runIf(process.getuid?.() === 0)('runs the steps as another user when asked (root host)', async () => {
    const r = await runScenario({
      sites, uid: 1000, toolbox: { node: process.execPath },
      command: 'id -u; id -g; touch "$HOME/f" && echo writable; curl -fsS https://cdn.ccenv.test/zhipu/install.sh | head -1; node -p 1+1',
    });
    expect(r.stdout, r.transcript).toBe('1000\n1000\nwritable\n#!/bin/sh\n2\n');
  });
});
