/**
 * A tiny seeded PRNG (mulberry32) and the few distributions the traces need.
 * Same seed, same sequence, on every platform: traces and generated ids are
 * reproducible, which `Math.random` never is.
 */

export type Random = () => number;

/** mulberry32: 32-bit state, uniform in [0, 1). */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: turns a name (cluster, hostname) into a seed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function uniform(rng: Random, min: number, max: number): number {
  return min + (max - min) * rng();
}

export function bernoulli(rng: Random, p: number): boolean {
  return rng() < p;
}

/** Standard normal by Box-Muller (one value per call; simplicity over speed). */
function normal(rng: Random): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Lognormal with the given median and shape sigma. */
export function lognormal(rng: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(rng));
}

/** Exponential with the given mean (inter-arrival times of a Poisson process). */
export function exponential(rng: Random, mean: number): number {
  return -mean * Math.log(1 - rng());
}

/** `digits` lower-case hex digits. */
export function hex(rng: Random, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) out += Math.floor(rng() * 16).toString(16);
  return out;
}

/** A version-4-shaped UUID (OpsWorks ids look like this). */
export function uuid(rng: Random): string {
  const variant = (8 + Math.floor(rng() * 4)).toString(16);
  return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${variant}${hex(rng, 3)}-${hex(rng, 12)}`;
}
