// Deterministic random JSON for property tests (seeded, so a failure can be replayed).

/** A small deterministic PRNG, so a failure can be replayed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ['', 'a', 'env', 'é', '你好', '\u2028', 'q"uote', 'back\\slash', 'tab\there', '\ud83d\ude00', '\u0000'];
const NUMBERS = ['0', '-0', '1', '-12.5e+3', '3.0', '1E2', '12345678901234567890', '0.1'];

export function randomValue(r: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const roll = r();
  if (depth < 3 && roll < 0.25) {
    const obj: Record<string, unknown> = {};
    const n = Math.floor(r() * 4);
    for (let i = 0; i < n; i++) obj[pick(STRINGS) + String(i)] = randomValue(r, depth + 1);
    return obj;
  }
  if (depth < 3 && roll < 0.4) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  if (roll < 0.6) return pick(STRINGS);
  if (roll < 0.8) return Number(pick(NUMBERS));
  return pick([true, false, null]);
}
