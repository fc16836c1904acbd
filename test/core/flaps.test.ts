/** One definition of a flap for the simulator's summary, the benchmark's churn and the live view. */
import { describe, expect, it } from 'vitest';
import { FLAP_WINDOW_MS, flapsByWorker, isFlap } from '../../core/flaps';

const T0 = Date.parse('2025-10-13T08:00:00Z');
const min = 60_000;

describe('flaps', () => {
  it('counts a run begun since the start and ended within the hour, not one running before or lasting the hour', () => {
    expect(isFlap({ hostname: 'w1', start: T0, end: T0 + 59 * min }, T0)).toBe(true);
    expect(isFlap({ hostname: 'w1', start: T0, end: T0 + FLAP_WINDOW_MS }, T0)).toBe(false);
    expect(isFlap({ hostname: 'w1', start: T0 - min, end: T0 + 5 * min }, T0)).toBe(false);
    expect(isFlap({ hostname: 'w1', start: T0 }, T0)).toBe(false);
  });

  it('names the workers that flapped, most first, in natural order', () => {
    const runs = [
      { hostname: 'worker10', start: T0, end: T0 + 10 * min },
      { hostname: 'worker2', start: T0, end: T0 + 10 * min },
      { hostname: 'worker3', start: T0, end: T0 + 10 * min },
      { hostname: 'worker3', start: T0 + 20 * min, end: T0 + 30 * min },
      { hostname: 'worker4', start: T0, end: T0 + 2 * FLAP_WINDOW_MS },
    ];
    expect(flapsByWorker(runs, T0)).toEqual([
      { hostname: 'worker3', times: 2 },
      { hostname: 'worker2', times: 1 },
      { hostname: 'worker10', times: 1 },
    ]);
  });
});
