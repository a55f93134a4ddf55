// The scenarios as install.ps1 runs them: PowerShell 7 on Linux (the pwsh lane), over the host's
// root. The machine, the faults and what must hold afterwards are install.sh's (scenarios.ts: one
// exit-code contract, one settings outcome); what differs is how a user starts the script —
// `iex (irm URL)` or `& ([scriptblock]::Create((irm URL))) -Yes` in a pwsh window, or a saved file
// under `pwsh -File` — and that in a window a failure must not close it.
import type { PtyAnswer } from '../pty.js';
import { DEFAULT_TOOLS, type ScenarioResult, type ScenarioStep } from '../sandbox.js';
import { HOSTS } from '../sites.js';
import {
  CLAUDE_JSON, escapeRegExp, INVALID_SETTINGS, KEY, PROXY_ENV, quote, run, scenarioById, seed, SETTINGS, toolbox, USER_CLAUDE_JSON, USER_SETTINGS, questionAnswers,
  type CellInput, type CellOptions, type Check, type Launch, type Machine, type Scenario,
} from './scenarios.js';

/** Printed by the pwsh window after the installer returned or threw: the window stayed open. */
const CARRIED_ON = 'ccenv-matrix: the pwsh window carried on';
/** Where the `file` launch saves the script (outside HOME, which the checks inventory). */
const SAVED = '/tmp/install.ps1';

/**
 * A pwsh window in which the user types `code`. Under iex install.ps1 reports a failure by throwing
 * (an exit would close the window) after setting $LASTEXITCODE: the window shows the error, carries
 * on, and this step ends with that code — so the contract's exit codes are checked as for install.sh.
 * A script that never set $LASTEXITCODE (it did not run: a parse error) ends the step with 1.
 */
function inWindow(code: string): string {
  const session = [
    '$global:LASTEXITCODE = $null',
    `try { ${code} } catch { [Console]::Error.WriteLine($_.ToString()) }`,
    `'${CARRIED_ON}'`,
    'if ($null -eq $global:LASTEXITCODE) { exit 1 }',
    'exit $global:LASTEXITCODE',
  ].join('\n');
  return `pwsh -NoProfile -Command ${quote(session)}`;
}

/** The command that starts install.ps1 at `url` as a user would, with these flags (PowerShell's -Name form). */
export function ps1LaunchCommand(launch: Launch, url: string, flags: string[] = []): string {
  const args = flags.join(' ');
  switch (launch) {
    case 'iex':
      // The one-liner takes no flags: a scenario that needs some uses another launch.
      if (flags.length > 0) throw new Error(`matrix: iex (irm URL) takes no flags (${args})`);
      return inWindow(`iex (irm ${url})`);
    case 'scriptblock':
      return inWindow(`& ([scriptblock]::Create((irm ${url}))) -Yes${args ? ` ${args}` : ''}`);
    case 'file':
      return `pwsh -NoProfile -Command ${quote(`irm ${url} -OutFile ${SAVED}`)} && pwsh -NoProfile -File ${SAVED}${args ? ` ${args}` : ''}`;
    default:
      throw new Error(`matrix: ${launch} is not a way to start install.ps1`);
  }
}

// ---- the machine and the steps ----

function ps1Step(input: CellInput, opts: { name?: string; env?: Record<string, string>; pty?: PtyAnswer[]; flags?: string[] } = {}): ScenarioStep {
  return {
    name: opts.name ?? 'install',
    command: ps1LaunchCommand(input.launch, input.subject.installPs1Url, opts.flags),
    env: { ...PROXY_ENV, ...(opts.env ?? { CCENV_API_KEY: KEY }) },
    ...(opts.pty ? { pty: opts.pty } : {}),
    timeoutMs: input.golden ? 600_000 : 180_000,
  };
}

/** install.sh's machine plus the host's pwsh; a toolbox always (over the host root, no toolbox would be the host's PATH). */
function machine(input: CellInput, m: Machine): Omit<CellOptions, 'steps'> {
  return {
    system: 'host',
    registry: input.golden ? 'real' : 'stand-in',
    toolbox: { ...toolbox(m, input.fixtures), ...(input.fixtures.pwsh ? { pwsh: input.fixtures.pwsh } : {}) },
    collect: [SETTINGS, CLAUDE_JSON, PWSH_PROFILE],
    inventory: true,
  };
}

function cell(m: Machine, steps: (input: CellInput) => ScenarioStep[], faults?: (input: CellInput) => CellOptions['faults']): (input: CellInput) => CellOptions {
  return (input) => ({ ...machine(input, m), ...(faults ? { faults: faults(input) } : {}), steps: steps(input) });
}

// ---- what pwsh itself leaves, and the checks ----

/** The profile install.ps1 puts node and claude on PATH in (pwsh's CurrentUserAllHosts). */
const PWSH_PROFILE = '.config/powershell/profile.ps1';
/** pwsh's own caches and history: not the installer's doing. */
const PWSH_OWN = /^(\.cache\/powershell|\.local\/share\/powershell)(\/|$)/;

/** The result as install.sh's checks should see it: without what pwsh itself wrote into HOME. */
export function withoutPwshOwn(r: ScenarioResult): ScenarioResult {
  const paths = Object.keys(r.inventory);
  // The folders holding pwsh's files (.cache, .local, .local/share) go too, unless they hold more.
  const holders = new Set(paths.filter((p) => PWSH_OWN.test(p)).flatMap((p) => p.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  const others = paths.filter((p) => !PWSH_OWN.test(p) && !holders.has(p));
  const kept = paths.filter((p) => !PWSH_OWN.test(p) && (!holders.has(p) || others.some((q) => q.startsWith(`${p}/`))));
  return { ...r, inventory: Object.fromEntries(kept.map((p) => [p, r.inventory[p]!])) };
}

/** The subject as install.sh's checks should see it: the script fetched is install.ps1. */
function ps1Input(input: CellInput): CellInput {
  return { ...input, subject: { ...input.subject, installPath: input.subject.installPs1Path, installUrl: input.subject.installPs1Url } };
}

/** Every step started in a pwsh window left it open (install.ps1 threw, never exited). */
const windowCarriedOn: Check = (r) => {
  const closed = r.steps.filter((s) => s.name !== 'seed' && s.name !== 'use' && !s.transcript.includes(CARRIED_ON));
  return closed.length === 0 ? undefined : `the pwsh window closed during ${closed.map((s) => s.name).join(', ')} (install.ps1 exited instead of throwing)`;
};

/** The key in no step's output (install.sh's checks look at some scenarios only). */
const keyNeverShown: Check = (r) => {
  const shown = r.steps.filter((s) => s.transcript.includes(KEY) || s.stdout.includes(KEY) || s.stderr.includes(KEY));
  return shown.length === 0 ? undefined : `the key appears in the output of ${shown.map((s) => s.name).join(', ')}`;
};

/** The profile pwsh starts with, as the cell left it. */
function profileIs(text: string | null): Check {
  return (r) => (r.files[PWSH_PROFILE] === text ? undefined : `${PWSH_PROFILE} is ${r.files[PWSH_PROFILE] === null ? 'missing' : JSON.stringify(r.files[PWSH_PROFILE]?.slice(0, 200))}, expected ${text === null ? 'none' : JSON.stringify(text)}`);
}

/** install.sh's check of this scenario, then these. */
function ps1Check(id: string, extra: Check[] = []): Scenario['check'] {
  const sh = scenarioById(id).check;
  return (r, input) => {
    const own = input.launch === 'file' ? [keyNeverShown] : [keyNeverShown, windowCarriedOn];
    return [...sh(withoutPwshOwn(r), ps1Input(input)), ...run([...own, ...extra])(r, input)];
  };
}

/** The new pwsh window the installer tells the user to open: its profile puts claude on PATH. */
const useStep: ScenarioStep = { name: 'use', command: `pwsh -Command ${quote('(Get-Command claude).Source; claude -p hello')}`, env: PROXY_ENV, timeoutMs: 180_000 };

const claudeFromCcenv: Check = (r) => {
  const use = r.steps.find((s) => s.name === 'use');
  return use?.stdout.split('\n')[0]?.startsWith('/home/user/.ccenv/') ? undefined : `claude in a new pwsh window is ${JSON.stringify(use?.stdout.split('\n')[0])}, not the one under ~/.ccenv`;
};

/** The profile line install.ps1 adds names its folder; a new window finds node there. */
const profileAdded: Check = (r) => (r.files[PWSH_PROFILE]?.includes('.ccenv') ? undefined : `${PWSH_PROFILE} does not put ~/.ccenv on PATH`);

/** The hidden prompt is answered once PowerShell reads keys: its cursor query follows the prompt. */
function readingKeys(prompt: string | RegExp): RegExp {
  return new RegExp(`${typeof prompt === 'string' ? escapeRegExp(prompt) : prompt.source}[^\\n]*\\x1b\\[6n`);
}

function faultCell(id: string, fault: (input: CellInput) => NonNullable<CellOptions['faults']>[number]): Scenario {
  return { id, title: scenarioById(id).title, build: cell('bare', (input) => [ps1Step(input)], (input) => [fault(input)]), check: ps1Check(id) };
}

/** Files under HOME changed by the second run, pwsh's own left out (install.sh's rerun check reads these lines). */
const CHANGED_SINCE = `find "$HOME" -newer /tmp/before ! -type d ! -path "$HOME/.cache/powershell/*" ! -path "$HOME/.local/share/powershell/*" | sed 's/^/CHANGED /'`;

export const PS1_SCENARIOS: Scenario[] = [
  {
    id: 'fresh',
    title: scenarioById('fresh').title,
    build: cell('bare', (input) => [ps1Step(input), ...(input.golden ? [useStep] : [])]),
    check: (r, input) => ps1Check('fresh', [profileAdded, ...(input.golden ? [claudeFromCcenv] : [])])(r, input),
  },
  {
    id: 'node-too-old',
    title: scenarioById('node-too-old').title,
    build: cell('node-old', (input) => [ps1Step(input)]),
    check: ps1Check('node-too-old', [profileAdded]),
  },
  {
    id: 'node-and-claude',
    title: scenarioById('node-and-claude').title,
    build: cell('node-and-claude', (input) => [ps1Step(input)]),
    check: ps1Check('node-and-claude', [profileIs(null)]),
  },
  {
    id: 'no-xz',
    title: scenarioById('no-xz').title,
    // install.ps1 on Linux or macOS takes the .tar.gz when there is no xz.
    build: (input) => ({ ...cell('bare', (i) => [ps1Step(i)])(input), toolbox: { tools: DEFAULT_TOOLS.filter((t) => t !== 'xz'), ...(input.fixtures.pwsh ? { pwsh: input.fixtures.pwsh } : {}) } }),
    check: ps1Check('no-xz', [profileAdded]),
  },
  {
    id: 'user-settings',
    title: scenarioById('user-settings').title,
    build: cell('node-and-claude', (input) => [seed({ [SETTINGS]: USER_SETTINGS, [CLAUDE_JSON]: USER_CLAUDE_JSON }), ps1Step(input)]),
    check: ps1Check('user-settings'),
  },
  {
    id: 'invalid-settings',
    title: scenarioById('invalid-settings').title,
    build: cell('node-and-claude', (input) => [seed({ [SETTINGS]: INVALID_SETTINGS }), ps1Step(input)]),
    check: ps1Check('invalid-settings'),
  },
  {
    id: 'no-terminal-no-key',
    title: scenarioById('no-terminal-no-key').title,
    build: cell('node-and-claude', (input) => [ps1Step(input, { env: {} })]),
    check: ps1Check('no-terminal-no-key'),
  },
  {
    id: 'key-at-pty',
    title: scenarioById('key-at-pty').title,
    build: cell('node-and-claude', (input) => [
      ps1Step(input, { env: {}, pty: [{ when: readingKeys(input.subject.prompt), send: `${KEY}\r` }, ...questionAnswers(input.subject.profile, readingKeys)] }),
    ]),
    check: ps1Check('key-at-pty', [(r, input) => (r.transcript.includes(input.subject.prompt) ? undefined : `no prompt ${JSON.stringify(input.subject.prompt)} on the terminal`)]),
  },
  {
    id: 'rerun',
    title: scenarioById('rerun').title,
    build: cell('node-and-claude', (input) => [
      ps1Step(input),
      { ...ps1Step(input, { name: 'again' }), command: `touch /tmp/before && sleep 1 && ${ps1LaunchCommand(input.launch, input.subject.installPs1Url)} && ${CHANGED_SINCE}` },
    ]),
    check: ps1Check('rerun'),
  },
  {
    id: 'uninstall',
    title: scenarioById('uninstall').title,
    build: cell('node-and-claude', (input) => [
      seed({ [SETTINGS]: USER_SETTINGS, [CLAUDE_JSON]: USER_CLAUDE_JSON }),
      ps1Step(input),
      ps1Step(input, { name: 'uninstall', flags: ['-Uninstall'], env: {} }),
    ]),
    check: ps1Check('uninstall'),
  },
  faultCell('tampered-tarball', (input) => ({ host: input.subject.nodeHost, path: '*.tar.*', kind: 'corrupt' })),
  faultCell('mirror-404', (input) => ({ host: input.subject.nodeHost, path: '*/SHASUMS256.txt', kind: 'status', status: 404 })),
  faultCell('mirror-html', (input) => ({ host: input.subject.nodeHost, path: '*/SHASUMS256.txt', kind: 'html' })),
  {
    id: 'truncated-script',
    title: scenarioById('truncated-script').title,
    build: cell('node-and-claude', (input) => [ps1Step(input)], (input) => [{ host: HOSTS.cdn, path: input.subject.installPs1Path, kind: 'truncate' }]),
    check: ps1Check('truncated-script'),
  },
];
