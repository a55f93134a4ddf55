// The program sandbox.ts starts inside the sandbox (bundled to one .mjs, run by the host's node):
// starts the fixture server on 127.0.0.1:443 (and :80) in the sandbox's private network, runs
// each step (optionally on a pseudo-terminal that answers prompts), and writes result.json.
//   node scenario-main.mjs <config.json>
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';
import { runInPty, type PtyAnswer } from './pty.js';
import type { PtyAnswerSpec, ScenarioConfig, ScenarioOutput, StepResult, StepSpec } from './scenario-types.js';
import { siteFromSpec } from './sites.js';

function toAnswer(a: PtyAnswerSpec): PtyAnswer {
  return { when: typeof a.when === 'string' ? a.when : new RegExp(a.when.regex, a.when.flags ?? ''), send: a.send };
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** argv prefix that drops to the step's uid/gid. */
let helpers: ScenarioConfig['helpers'] = { script: '/usr/bin/script', setpriv: '/usr/bin/setpriv' };

function asUser(step: StepSpec): string[] {
  if (step.uid === undefined) return [];
  const gid = step.gid ?? step.uid;
  return [helpers.setpriv, `--reuid=${step.uid}`, `--regid=${gid}`, '--clear-groups', '--'];
}

function runPlain(step: StepSpec): Promise<Omit<StepResult, 'name' | 'requests' | 'durationMs'>> {
  return new Promise((resolve) => {
    const argv = [...asUser(step), '/bin/sh', '-c', step.command];
    const child = spawn(argv[0] as string, argv.slice(1), {
      env: step.env,
      cwd: step.cwd,
      stdio: [step.stdin !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let transcript = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        /* gone */
      }
    }, step.timeoutMs);
    if (step.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // the command may not read it all
      child.stdin.end(step.stdin);
    }
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      transcript += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      transcript += d;
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ exitCode: null, signal: null, stdout, stderr, transcript, timedOut, error: String(err) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code, signal, stdout, stderr, transcript, timedOut, ...(timedOut ? { error: `timed out after ${step.timeoutMs} ms` } : {}) });
    });
  });
}

async function runOnTerminal(step: StepSpec): Promise<Omit<StepResult, 'name' | 'requests' | 'durationMs'>> {
  const pre = asUser(step);
  const command = pre.length > 0 ? `exec ${[...pre, '/bin/sh', '-c', step.command].map(shQuote).join(' ')}` : step.command;
  try {
    const r = await runInPty(command, { env: step.env, cwd: step.cwd, answers: (step.pty ?? []).map(toAnswer), timeoutMs: step.timeoutMs, script: helpers.script });
    return { exitCode: r.exitCode, signal: null, stdout: '', stderr: '', transcript: r.transcript, timedOut: false };
  } catch (err) {
    const msg = (err as Error).message;
    const i = msg.indexOf('transcript:\n');
    return {
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      transcript: i >= 0 ? msg.slice(i + 'transcript:\n'.length) : '',
      timedOut: msg.includes('timed out'),
      error: i >= 0 ? msg.slice(0, i).trim() : msg,
    };
  }
}

async function main(): Promise<void> {
  const configFile = process.argv[2];
  if (!configFile) throw new Error('usage: scenario-main <config.json>');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as ScenarioConfig;
  helpers = config.helpers;
  const resultFile = path.join(config.outDir, 'result.json');
  const requestsFile = path.join(config.outDir, 'requests.jsonl');
  const output: ScenarioOutput = { steps: [], requests: [], serverStartMs: 0 };
  let server: FixtureServer | undefined;
  try {
    const t0 = Date.now();
    server = await startFixtureServer({
      sites: config.sites.map(siteFromSpec),
      tls: config.tls,
      httpsPort: config.httpsPort,
      httpPort: config.httpPort,
      faults: config.faults,
      onRequest: (r) => appendFileSync(requestsFile, JSON.stringify(r) + '\n'),
    });
    output.serverStartMs = Date.now() - t0;
    for (const step of config.steps) {
      server.setLabel(step.name);
      server.setFaults([...config.faults, ...(step.faults ?? [])]);
      const before = server.requests().length;
      const started = Date.now();
      const r = step.pty !== undefined ? await runOnTerminal(step) : await runPlain(step);
      // Let responses still being written be recorded.
      await new Promise((res) => setTimeout(res, 20));
      output.steps.push({ name: step.name, ...r, durationMs: Date.now() - started, requests: server.requests().slice(before) });
      writeFileSync(resultFile, JSON.stringify({ ...output, requests: server.requests() }));
    }
  } catch (err) {
    output.error = (err as Error).stack ?? String(err);
  } finally {
    output.requests = server?.requests() ?? [];
    writeFileSync(resultFile, JSON.stringify(output));
    await server?.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`scenario-main: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(70);
  },
);
