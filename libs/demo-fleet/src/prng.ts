/** A uniform pseudo-random number generator on [0, 1). */
export type Prng = () => number;

/**
 * mulberry32: tiny, fast and seeded, so a seed always gives the same sequence. The simulator's synthetic
 * telemetry and the tests' generated streams and fuzz bodies use it, so a failing case replays.
 */
export function createPrng(seed: number): Prng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
