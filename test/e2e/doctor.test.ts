// install.sh --doctor and --check in a sandbox whose only network is the loopback fixture server:
// zhipu's installer configures the key (Node 22 and a stand-in claude on PATH), then asks
// https://open.bigmodel.cn — the API stub — with the configured key: 200 works, 401 (a wrong key)
// and 403 are "key rejected", an endpoint that never answers is "unreachable". Then a project's
// .claude/settings.json and a ~/.bashrc export, which --doctor must name. The key never shows.
import { beforeAll, describe, expect, test } from 'vitest';
import { CLAUDE_ON_PATH_SCRIPT } from '../../src/harness/claude-stand-in.js';
import { ensureCurrentNode } from '../../src/harness/node-fixture.js';
import { PROXY_USER_ENV, runScenario } from '../../src/harness/sandbox.js';
import { HOSTS, standardSites } from '../../src/harness/sites.js';
import { repoPath } from '../../src/paths.js';

const KEY = 'sk-doctor-e2e-5d1c9a77';
const WRONG = 'sk-wrong-key-00000000';
const ONE_LINER = `curl -fsSL https://${HOSTS.cdn}/zhipu/install.sh | sh -s --`;
const ENV = { ...PROXY_USER_ENV, CCENV_CHECK_TIMEOUT_MS: '3000' };

let node: string;
beforeAll(async () => {
  node = await ensureCurrentNode();
}, 600_000);

describe('install.sh --check and --doctor', () => {
  test('200 works (exit 0), 401 and 403 are a rejected key (exit 2), no answer is unreachable (exit 3); --doctor names a project file and a ~/.bashrc export', async () => {
    const api = { host: HOSTS.api, path: '*/v1/messages' };
    const r = await runScenario({
      sites: standardSites({ dist: repoPath('dist'), api: { expectKey: KEY } }),
      toolbox: { node, scripts: { claude: CLAUDE_ON_PATH_SCRIPT } },
      steps: [
        { name: 'wrong key', command: `${ONE_LINER} --yes --check`, env: { ...ENV, CCENV_API_KEY: WRONG } },
        { name: 'right key', command: `${ONE_LINER} --yes --check`, env: { ...ENV, CCENV_API_KEY: KEY } },
        { name: '403', command: `${ONE_LINER} --check --doctor`, env: ENV, faults: [{ ...api, kind: 'status', status: 403, body: '{"type":"error","error":{"type":"permission_error","message":"plan expired"}}' }] },
        { name: 'hang', command: `${ONE_LINER} --doctor --check`, env: ENV, faults: [{ host: HOSTS.api, path: '*', kind: 'hang' }] },
        {
          name: 'doctor',
          command: [
            'mkdir -p "$HOME/proj/.claude"',
            `printf '%s' '{"env":{"ANTHROPIC_BASE_URL":"https://proxy.corp.example/anthropic"}}' >"$HOME/proj/.claude/settings.json"`,
            `printf 'export ANTHROPIC_API_KEY=sk-stale-bashrc-1234\\n' >>"$HOME/.bashrc"`,
            `cd "$HOME/proj" && ${ONE_LINER} --doctor`,
          ].join(' && '),
          env: ENV,
        },
      ],
    });
    const step = (name: string) => r.steps.find((s) => s.name === name)!;
    const all = r.steps.map((s) => s.transcript).join('\n');
    expect(all).not.toContain(KEY);
    expect(all).not.toContain(WRONG);

    const wrong = step('wrong key');
    expect(wrong.exitCode, wrong.transcript).toBe(2);
    expect(wrong.stderr).toMatch(/Check: https:\/\/open\.bigmodel\.cn\/api\/anthropic rejected the key sk-w\.\.\.0000 \(HTTP 401: /);
    expect(wrong.stderr).toContain('Get a valid key at https://open.bigmodel.cn/usercenter/proj-mgmt/apikeys');

    const right = step('right key');
    expect(right.exitCode, right.transcript).toBe(0);
    expect(right.stdout).toMatch(/Check: https:\/\/open\.bigmodel\.cn\/api\/anthropic accepted the key \(HTTP 200, \d+ ms, model claude-haiku-4-5\)/);
    const sent = r.apiCalls.filter((c) => c.status === 200);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((c) => c.authorization === `Bearer ${KEY}`)).toBe(true);

    const forbidden = step('403');
    expect(forbidden.exitCode, forbidden.transcript).toBe(2);
    expect(forbidden.stdout).toContain('ccenv doctor: Claude Code with Zhipu GLM Coding Plan (profile zhipu). Nothing is changed.');
    expect(forbidden.stderr).toContain('rejected the key sk-d...9a77 (HTTP 403: plan expired)');

    const hang = step('hang');
    expect(hang.exitCode, hang.transcript).toBe(3);
    expect(hang.stdout).toContain('Endpoint https://open.bigmodel.cn/api/anthropic does not answer: no complete answer within 3 s');
    expect(hang.stderr).toContain('Check: https://open.bigmodel.cn/api/anthropic cannot be reached: no complete answer within 3 s');

    const doctor = step('doctor');
    expect(doctor.exitCode, doctor.transcript).toBe(0);
    const out = doctor.stdout;
    expect(out).toMatch(/Node\.js v22\.\d+\.\d+: \/run\/ccenv\/path\/node/);
    expect(out).toContain('Claude Code 2.1.330: /run/ccenv/path/claude');
    expect(out).toContain('project: /home/user/proj/.claude/settings.json (sets ANTHROPIC_BASE_URL)');
    expect(out).toContain('ANTHROPIC_BASE_URL = https://proxy.corp.example/anthropic  (from project /home/user/proj/.claude/settings.json)');
    expect(out).toContain('ignored: https://open.bigmodel.cn/api/anthropic in user /home/user/.claude/settings.json');
    expect(out).toContain('ANTHROPIC_AUTH_TOKEN = sk-d...9a77  (from user /home/user/.claude/settings.json)');
    expect(out).toContain('/home/user/.bashrc:1: ANTHROPIC_API_KEY=sk-s...1234 (in effect in new shells: no settings file sets it)');
    expect(out).toContain('! ANTHROPIC_API_KEY is set (/home/user/.bashrc:1)');
    expect(out).toContain("! ANTHROPIC_BASE_URL is https://proxy.corp.example/anthropic (from project /home/user/proj/.claude/settings.json), not Zhipu GLM Coding Plan's https://open.bigmodel.cn/api/anthropic.");
    // the endpoint that wins does not exist in the sandbox: the diagnosis says so instead of hanging
    expect(out).toMatch(/Endpoint https:\/\/proxy\.corp\.example\/anthropic does not answer: /);
    expect(out).not.toContain('sk-stale-bashrc-1234');
    // --doctor changed nothing: the settings still hold what the right-key run wrote
    expect(doctor.requests.filter((q) => q.host === HOSTS.api && q.method === 'POST')).toEqual([]);
  }, 600_000);
});
