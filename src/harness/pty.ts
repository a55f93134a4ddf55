// A pseudo-terminal driver: runs a command with a real terminal (util-linux `script`) and
// answers each prompt when its text appears in the transcript — never by sleeping.
import { spawn } from 'node:child_process';

export interface PtyAnswer {
  /** Text (or pattern) to wait for, searched after the previous answer's match. */
  when: string | RegExp;
  /** What to type: include '\r' for Enter, '\x03' for Ctrl-C. */
  send: string;
  /**
   * Send again while the terminal stays silent this long (last answer only). For Ctrl-C: a shell
   * that gets SIGINT in the instant between printing a prompt and starting `read` (bash) may only
   * run its trap once `read` returns, so a second Ctrl-C is what a user would press too.
   */
  resendIfSilentMs?: number;
}

export interface PtyResult {
  exitCode: number | null;
  /** Everything the terminal showed (what a user would see). */
  transcript: string;
}

export interface PtyOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  answers: PtyAnswer[];
  timeoutMs?: number;
  /** util-linux `script` (default /usr/bin/script). */
  script?: string;
  /**
   * Answer cursor-position queries (ESC[6n) as a terminal does (ESC[1;1R); default true.
   * PowerShell asks before each prompt and around each key it reads, and waits for the answer.
   */
  answerCursorQueries?: boolean;
}

function find(haystack: string, from: number, needle: string | RegExp): number {
  if (typeof needle === 'string') {
    const i = haystack.indexOf(needle, from);
    return i < 0 ? -1 : i + needle.length;
  }
  const re = new RegExp(needle.source, needle.flags.replace('g', '') + 'g');
  re.lastIndex = from;
  const m = re.exec(haystack);
  return m ? m.index + m[0].length : -1;
}

/** Runs `sh -c command` on a fresh pseudo-terminal (its own session and controlling tty). */
export function runInPty(command: string, opts: PtyOptions): Promise<PtyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.script ?? '/usr/bin/script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {
      env: { ...opts.env, SHELL: '/bin/sh' },
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let transcript = '';
    let cursor = 0;
    let next = 0;
    let resendTimer: NodeJS.Timeout | undefined;
    const armResend = (answer: PtyAnswer) => {
      if (resendTimer) clearTimeout(resendTimer);
      if (answer.resendIfSilentMs === undefined || next < opts.answers.length) return;
      resendTimer = setTimeout(() => {
        child.stdin.write(answer.send);
        armResend(answer);
      }, answer.resendIfSilentMs);
    };
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        /* already gone */
      }
      reject(new Error(`pty: timed out waiting for ${String(opts.answers[next]?.when ?? 'exit')}; transcript:\n${transcript}`));
    }, opts.timeoutMs ?? 30_000);
    const pump = () => {
      while (next < opts.answers.length) {
        const answer = opts.answers[next] as PtyAnswer;
        const end = find(transcript, cursor, answer.when);
        if (end < 0) return;
        cursor = end;
        next += 1;
        child.stdin.write(answer.send);
        armResend(answer);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (opts.answerCursorQueries !== false) {
        for (let i = d.indexOf('\x1b[6n'); i >= 0; i = d.indexOf('\x1b[6n', i + 1)) child.stdin.write('\x1b[1;1R');
      }
      transcript += d;
      const last = opts.answers[next - 1];
      if (resendTimer && last) armResend(last);
      pump();
    });
    child.stderr.on('data', (d: Buffer) => {
      transcript += d.toString('utf8');
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      if (resendTimer) clearTimeout(resendTimer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (resendTimer) clearTimeout(resendTimer);
      if (next < opts.answers.length) {
        reject(new Error(`pty: exited (${code}) before prompt ${String(opts.answers[next]?.when)}; transcript:\n${transcript}`));
        return;
      }
      resolve({ exitCode: code, transcript });
    });
  });
}
