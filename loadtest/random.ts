import type { Random } from '../src/util/random.js';

export { seededRandom, type Random } from '../src/util/random.js';

/** A uniformly drawn number in [min, max]. */
export function between(random: Random, min: number, max: number): number {
  return min + (max - min) * random();
}
