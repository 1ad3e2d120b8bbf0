import type { DriftClass } from '../reconcile/classify-drift.js';

/**
 * Healing is rate-limited per drift class (default at most 3 heals in 10 minutes): past that the class is flapping,
 * the agent stops healing it and says so once, and heals again once the window has room. Pure but for the clock.
 */
export interface HealLimit {
  /** Whether a heal of `c` may run now; records it when it may. */
  take(c: DriftClass, now: number): boolean;
  /** Whether `c` is over its limit now (flapping). */
  flapping(c: DriftClass, now: number): boolean;
}

export function healLimit(max = 3, windowMs = 10 * 60_000): HealLimit {
  const heals = new Map<DriftClass, number[]>();
  const recent = (c: DriftClass, now: number) => (heals.get(c) ?? []).filter((t) => now - t < windowMs);
  return {
    take(c, now) {
      const times = recent(c, now);
      if (times.length >= max) return false;
      heals.set(c, [...times, now]);
      return true;
    },
    flapping: (c, now) => recent(c, now).length >= max,
  };
}
