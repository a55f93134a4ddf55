// "Where the time goes": a run traced with `strace -f -ttt --seccomp-bpf -e trace=process` (only
// process calls stop the tracee, so the overhead is small), turned into the steps the traced shell
// ran: each child of the shell (a command, or a subshell and what it ran) with its wall time, and
// what is left for the shell itself (reading and parsing the script, builtins, forking).
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** strace's command line for a profile run writing to `log` (program and its arguments follow). */
export function straceArgv(log: string, strace = '/usr/bin/strace'): string[] {
  return [strace, '-f', '-q', '-ttt', '-s', '256', '--seccomp-bpf', '-e', 'trace=process', '-o', log];
}

export interface Step {
  /** What ran, e.g. "node --version", "curl …/SHASUMS256.txt", "npm install -g". */
  step: string;
  /** How many times. */
  count: number;
  /** Wall time, summed over its runs. */
  ms: number;
}

export interface Profile {
  totalMs: number;
  steps: Step[];
  /** Processes started (successful execve), by program name. */
  programs: Record<string, number>;
}

interface Proc {
  pid: number;
  parent?: number;
  start?: number;
  end?: number;
  /** Each successful execve, in order: when, and argv with argv[0] the program's path. */
  execs: { t: number; argv: string[] }[];
}

/** A JSON-ish strace string list: ["a", "b"...] → [a, b] (escapes undone; a truncated item ends in …). */
function parseArgv(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"(\.\.\.)?/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1]!.replace(/\\(.)/g, '$1') + (m[2] ? '…' : ''));
  return out;
}

export function parseTrace(text: string): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  const pending = new Map<number, { t: number; argv: string[] }>();
  const get = (pid: number): Proc => {
    let p = procs.get(pid);
    if (!p) procs.set(pid, (p = { pid, execs: [] }));
    return p;
  };
  for (const line of text.split('\n')) {
    const m = /^(\d+)\s+(\d+\.\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    const t = Number(m[2]) * 1000;
    const rest = m[3]!;
    const p = get(pid);
    p.start ??= t;
    // clone/fork/vfork, finished at once or resumed later: "= CHILD"; threads are children too,
    // but they never exec, and their time is their process's.
    const fork = /^(?:<\.\.\. )?(clone3?|fork|vfork)\b.*= (\d+)$/.exec(rest);
    if (fork && !/CLONE_THREAD/.test(rest)) {
      const c = get(Number(fork[2]));
      c.parent = pid;
      c.start = Math.min(c.start ?? t, t);
      continue;
    }
    if (fork) {
      procs.delete(Number(fork[2]));
      continue;
    }
    // execve, finished at once ("= 0") or resumed later (a vfork parent's line came in between)
    const ex = /^execve\("((?:[^"\\]|\\.)*)", \[(.*?)\](?:\.\.\.)?, .*?(?:\) = 0|<unfinished \.\.\.>)$/.exec(rest);
    if (ex) {
      const e = { t, argv: [ex[1]!, ...parseArgv(ex[2]!).slice(1)] };
      if (rest.endsWith('<unfinished ...>')) pending.set(pid, e);
      else p.execs.push(e);
      continue;
    }
    if (/^<\.\.\. execve resumed>/.test(rest)) {
      const e = pending.get(pid);
      pending.delete(pid);
      if (e && / = 0$/.test(rest)) p.execs.push(e);
      continue;
    }
    if (/^\+\+\+ (exited with|killed by)/.test(rest)) p.end = t;
  }
  return procs;
}

/** A short name for what a process ran: "node --version", "npm install", "curl …/file". */
export function describe(argv: string[]): string {
  const prog = path.basename(argv[0] ?? '?');
  const args = argv.slice(1);
  switch (prog) {
    case 'node': {
      // npm's bin is a node script: "node …/npm install" is npm
      const script = args.find((a) => !a.startsWith('-'));
      if (script && /\/npm(-cli\.js)?$/.test(script)) return describe(['npm', ...args.slice(args.indexOf(script) + 1)]);
      if (args.includes('--version')) return 'node --version';
      if (args[0] === '-') return 'node - (the configure program)';
      return `node ${args[0] ?? ''}`.trim();
    }
    case 'npm':
      return `npm ${args.filter((a) => !a.startsWith('-') || a === '-g').slice(0, 2).join(' ')}`;
    case 'curl':
    case 'wget': {
      const url = args.filter((a) => /^https?:/.test(a)).pop() ?? '';
      return `${prog} …/${url.split('/').pop() ?? ''}`;
    }
    case 'tar':
      return `tar ${args[0] ?? ''}`;
    case 'claude':
    case 'uname':
      return `${prog} ${args.join(' ')}`.trim();
    default:
      return prog;
  }
}

function descendants(procs: Map<number, Proc>, pid: number): Proc[] {
  const kids = [...procs.values()].filter((p) => p.parent === pid);
  return kids.flatMap((k) => [k, ...descendants(procs, k.pid)]);
}

const base = (argv: string[]) => path.basename(argv[0] ?? '?');

/**
 * The steps of the shell that is the first process of the trace to exec `shellName` (or the first
 * process at all): its direct children, named by what they ran, in order of first appearance; and,
 * when the shell ends by exec-ing a program (`exec node …`), that program as a step of its own.
 */
export function profileOf(text: string, shellName?: string): Profile {
  const procs = parseTrace(text);
  const all = [...procs.values()];
  const shell = (shellName ? all.find((p) => p.execs.some((e) => base(e.argv) === shellName)) : undefined) ?? all[0];
  if (!shell || shell.start === undefined) return { totalMs: 0, steps: [], programs: {} };
  const programs: Record<string, number> = {};
  const shellExec = shell.execs.find((e) => !shellName || base(e.argv) === shellName);
  const start = shellExec?.t ?? shell.start;
  const own = shell.execs.filter((e) => e.t >= start);
  for (const e of [...own, ...descendants(procs, shell.pid).flatMap((p) => p.execs)]) programs[base(e.argv)] = (programs[base(e.argv)] ?? 0) + 1;
  const end = shell.end ?? start;
  // The shell may end by becoming another program (exec): from then on its time is that program's.
  const becomes = shell.execs.find((e) => e.t > start);
  const shellEnd = becomes?.t ?? end;
  const steps: Step[] = [];
  const add = (step: string, ms: number) => {
    const s = steps.find((x) => x.step === step);
    if (s) {
      s.count++;
      s.ms += ms;
    } else steps.push({ step, count: 1, ms });
  };
  const children = all.filter((p) => p.parent === shell.pid).sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  let childMs = 0;
  for (const c of children) {
    const cStart = c.start ?? 0;
    const cEnd = c.end ?? cStart;
    const ms = cEnd - cStart;
    // still running when the shell became another program: it runs alongside that program (dash's
    // writer of a long here-document); only its part before the exec is taken from the shell's time
    const alongside = becomes !== undefined && cEnd > shellEnd;
    childMs += Math.max(0, Math.min(cEnd, shellEnd) - cStart);
    const last = c.execs[c.execs.length - 1];
    let name: string;
    if (last) name = describe(last.argv);
    else {
      // a subshell: $(…), ( … ), a pipeline element, or dash feeding a long here-document
      const ran = [...new Set(descendants(procs, c.pid).flatMap((d) => d.execs.slice(-1)).map((e) => describe(e.argv)))];
      name = ran.length ? `subshell: ${ran.join(' | ')}` : alongside ? 'here-document writer' : 'subshell (builtins only)';
    }
    add(alongside ? `${name} (runs alongside; not in the total)` : name, ms);
  }
  steps.push({ step: 'the shell itself (read, parse, builtins, fork)', count: 1, ms: shellEnd - start - childMs });
  if (becomes) steps.push({ step: `${describe(becomes.argv)} (exec, replacing the shell)`, count: 1, ms: end - becomes.t });
  for (const s of steps) s.ms = Math.round(s.ms * 10) / 10;
  return { totalMs: Math.round((end - start) * 10) / 10, steps, programs };
}

export function profileOfFile(file: string, shellName?: string): Profile {
  return profileOf(readFileSync(file, 'utf8'), shellName);
}
