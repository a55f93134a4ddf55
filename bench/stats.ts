// Small helpers shared by the bench figures: medians, ratios, interleaved runs.
import { performance } from 'node:perf_hooks';

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The median (the mean of the middle two for an even count), to 0.1. */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return round(s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2);
}

export function ratio(a: number, b: number): number {
  return round(a / b, 2);
}

/** Milliseconds `fn` takes. */
export async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * Runs each of `variants` `runs` times, interleaved (a, b, a, b …) so that a change in the machine's
 * load hits all of them alike; `before` runs ahead of every timed run (untimed). Returns the times.
 */
export async function interleaved<K extends string>(
  runs: number,
  variants: Record<K, () => Promise<unknown>>,
  before?: (k: K) => Promise<unknown> | unknown,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(variants) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as unknown as Record<K, number[]>;
  for (let i = 0; i < runs; i++) {
    // alternate the order too, so neither always runs right after the other
    for (const k of i % 2 ? [...keys].reverse() : keys) {
      await before?.(k);
      out[k].push(await time(variants[k]));
    }
  }
  return out;
}

/** "1 234 ms" / "12.3 s" for the report. */
export function ms(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '–';
  if (x >= 10_000) return `${round(x / 1000, 1)} s`;
  if (x >= 1000) return `${round(x / 1000, 2)} s`;
  return `${round(x, x < 10 ? 1 : 0)} ms`;
}
