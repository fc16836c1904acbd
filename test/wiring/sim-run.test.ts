/**
 * `sim run`'s loop itself: both engines reach the same kind of summary, and the
 * direct loop gives the event loop a turn every cycle (without one, the
 * in-process transports never leave the microtask queue and a week's worth of
 * HTTP bodies waits on immediates that never run: it ran out of memory).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultConfig, runSimulation } from '../../wiring/sim-run';
import { delaysAnswers, loadScenarioFile, parseScenario } from '../../sim/model/scenario';

const SMALL = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));

describe('runSimulation', () => {
  it.each(['direct', 'local'] as const)('lets the event loop run between cycles (%s engine)', async (engine) => {
    const scenario = await loadScenarioFile(SMALL);
    const turns: number[] = [];
    let cycle = 0;
    const tick = () => setImmediate(() => turns.push(cycle));
    tick();

    const result = await runSimulation({
      scenario,
      config: defaultConfig(),
      durationMs: 3 * 3_600_000,
      engine,
      onProgress: () => {
        cycle += 60;
        tick();
      },
    });

    expect(result.cycles).toBe(180);
    expect(result.failedCycles).toBe(0);
    // Each immediate ran within the hour it was scheduled in, not after the whole run.
    expect(turns.slice(0, 3)).toEqual([0, 60, 120]);
  });

  it('still lets a slow Opencast delay answers on the virtual clock (the activity context is on for such a scenario)', async () => {
    const base = await loadScenarioFile(SMALL);
    const scenario = parseScenario({ ...base, faults: [{ at: '+10m', kind: 'opencast-slow', forMinutes: 20 }] });
    expect(delaysAnswers(base)).toBe(false);
    expect(delaysAnswers(scenario)).toBe(true);

    const result = await runSimulation({ scenario, config: defaultConfig(), durationMs: 3_600_000 });

    expect(result.cycles).toBe(60);
    expect(result.failedCycles).toBe(0);
  });
});
