// The data a sandboxed scenario runner (scenario-main.ts) is given and hands back. Plain JSON.
import type { Fault, RecordedRequest } from './fixture-server.js';
import type { SiteSpec } from './sites.js';

/** A prompt answer as JSON: text to wait for, or a regular expression's source and flags. */
export interface PtyAnswerSpec {
  when: string | { regex: string; flags?: string };
  send: string;
}

export interface StepSpec {
  name: string;
  /** Run as `sh -c command` (dash, the sandbox's /bin/sh). */
  command: string;
  /** The step's whole environment (nothing else is inherited). */
  env: Record<string, string>;
  cwd: string;
  /**
   * Run on a pseudo-terminal (the process gets a controlling terminal, /dev/tty works) and answer
   * these prompts as they appear. Absent: no terminal at all, stdin from `stdin` or /dev/null.
   */
  pty?: PtyAnswerSpec[];
  stdin?: string;
  timeoutMs: number;
  /** Faults active during this step only (after the scenario's). */
  faults?: Fault[];
  /** Run as this uid/gid (host must be root). */
  uid?: number;
  gid?: number;
}

export interface ScenarioConfig {
  sites: SiteSpec[];
  tls: { cert: string; key: string; legacy: boolean };
  httpsPort: number;
  httpPort?: number;
  faults: Fault[];
  steps: StepSpec[];
  /** Folder (inside the sandbox) for result.json and requests.jsonl. */
  outDir: string;
  /** The host's util-linux `script` and `setpriv`, bound into the sandbox (a busybox rootfs has neither). */
  helpers: { script: string; setpriv: string };
}

export interface StepResult {
  name: string;
  exitCode: number | null;
  signal: string | null;
  /** Without a terminal: stdout and stderr apart; on a terminal both are in transcript only. */
  stdout: string;
  stderr: string;
  /** What a user would have seen: the terminal, or stdout and stderr interleaved as they came. */
  transcript: string;
  timedOut: boolean;
  /** An error of the runner itself (a prompt that never came, a timeout). */
  error?: string;
  durationMs: number;
  /** Requests the fixture server answered during this step. */
  requests: RecordedRequest[];
}

export interface ScenarioOutput {
  steps: StepResult[];
  requests: RecordedRequest[];
  /** Set when the runner failed before or between steps. */
  error?: string;
  serverStartMs: number;
}
