// What `ccenv test` shows while cells run: on a terminal one line rewritten in place (cells done
// of total, elapsed, the cells running); in a log one line per finished cell and, while a slow
// cell runs, a "still running" line every 30 s so a CI log never looks hung.
import type { Cell } from './cells.js';
import type { CellResult } from './run.js';

export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

const HEARTBEAT_MS = 30_000;

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

export class Progress {
  private readonly running = new Map<string, number>();
  private done = 0;
  private failed = 0;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private lastLineLength = 0;
  private lastHeartbeat = Date.now();

  constructor(
    private readonly sink: ProgressSink,
    private readonly total: number,
    private readonly label: string,
  ) {
    this.timer = setInterval(() => this.tick(), sink.isTTY ? 1000 : 5000);
    this.timer.unref();
  }

  start(cell: Cell): void {
    this.running.set(cell.id, Date.now());
    this.redraw();
  }

  finish(r: CellResult): void {
    this.running.delete(r.id);
    this.done += 1;
    if (r.status === 'fail') this.failed += 1;
    const mark = r.status === 'pass' ? 'ok  ' : r.status === 'fail' ? 'FAIL' : 'skip';
    const why = r.status === 'fail' ? `: ${r.problems[0] ?? ''}` : r.status === 'not-executed' ? ` (not executed: ${r.problems[0] ?? ''})` : '';
    this.clear();
    this.sink.write(`${mark} ${this.counter()} ${r.id} ${(r.durationMs / 1000).toFixed(1)} s${why}\n`);
    this.redraw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private counter(): string {
    const w = String(this.total).length;
    return `[${String(this.done).padStart(w)}/${this.total}]`;
  }

  private status(): string {
    const names = [...this.running.entries()].map(([id, t]) => `${id} (${formatElapsed(Date.now() - t)})`);
    return `${this.label} ${this.counter()} ${formatElapsed(Date.now() - this.started)}${this.failed ? `, ${this.failed} failed` : ''}${names.length ? ` · running ${names.join(', ')}` : ''}`;
  }

  private tick(): void {
    if (this.sink.isTTY) return this.redraw();
    if (this.running.size > 0 && Date.now() - this.lastHeartbeat >= HEARTBEAT_MS) {
      this.lastHeartbeat = Date.now();
      this.sink.write(`… ${this.status()}\n`);
    }
  }

  private clear(): void {
    if (!this.sink.isTTY || this.lastLineLength === 0) return;
    this.sink.write(`\r${' '.repeat(this.lastLineLength)}\r`);
    this.lastLineLength = 0;
  }

  private redraw(): void {
    if (!this.sink.isTTY) return;
    const cols = Math.max(40, (process.stdout.columns || 100) - 1);
    const line = this.status().slice(0, cols);
    this.clear();
    this.sink.write(line);
    this.lastLineLength = line.length;
  }
}
