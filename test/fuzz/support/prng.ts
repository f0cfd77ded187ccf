// A small seeded PRNG for the fuzz tests (mulberry32): the same seed gives the same inputs on any
// machine, so a failure printed as `seed N` reproduces with `npm run fuzz -- --seed N`.

/** A deterministic random source; all methods draw from one 32-bit state. */
export interface Prng {
  readonly seed: number;
  /** A uniformly distributed unsigned 32-bit integer. */
  u32(): number;
  /** An integer in [0, n) (n ≥ 1). */
  below(n: number): number;
  /** An integer in [low, high] inclusive. */
  between(low: number, high: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/** mulberry32 (Tommy Ettinger): period 2^32, good enough for mutation choices, fast, tiny. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const u32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const below = (n: number): number => (n <= 1 ? 0 : Math.floor((u32() / 2 ** 32) * n));
  return {
    seed: seed >>> 0,
    u32,
    below,
    between: (low, high) => low + below(high - low + 1),
    chance: (p) => u32() / 2 ** 32 < p,
    pick: (items) => items[below(items.length)]!,
  };
}

/** The seed for iteration `i` of a run started with `seed`: each iteration reproducible alone. */
export function iterationSeed(seed: number, i: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(i + 1, 0x85ebca6b)) >>> 0;
}
