/**
 * A policy's memory survives Lambda: it travels in each autoscale execution's
 * output and the next plan step reads it back, so cold starts and execution
 * environments taking turns change no decision.
 */
import { describe, expect, it } from 'vitest';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import { lastCycleMemory, memoryOfOutput, MIN_MAX_AGE_MS } from '../../activities/support/policy-memory';
import type { ExecutionSummary, JsonValue } from '../../engine/types';
import { parseScenario, type ScenarioInput } from '../../sim/model/scenario';
import { runSimulation } from '../../wiring/sim-run';

const START = '2025-10-13T10:00:00Z';
const IDLE_TIMER = parseAutoscaleConfig({ strategies: [], policy: { name: 'idle-timer', idle_minutes: 5 } }, 'test');
const HEADROOM = parseAutoscaleConfig({ strategies: [], policy: { name: 'headroom' } }, 'test');

/** Three idle workers online, a floor of one, and a burst of encodes after 20 minutes. */
function scenario(extra: Partial<ScenarioInput> = {}) {
  return parseScenario({
    cluster: 'c',
    start: START,
    provider: 'ec2',
    billing: 'per-second',
    minWorkers: 1,
    opencast: { version: '15.0' },
    workers: [
      { hostname: 'worker{n}', count: 3, state: 'online', uptimeMinutes: 30 },
      { hostname: 'worker{n}', count: 3, from: 4, state: 'stopped' },
    ],
    others: [{ hostname: 'admin1', layer: 'admin' }],
    trace: { jobs: [{ at: '+20m', workflowOperation: 'encode', durationMinutes: 12, count: 30 }] },
    ...extra,
  });
}

const run = (config: typeof IDLE_TIMER, extra: Partial<ScenarioInput> = {}) =>
  runSimulation({ scenario: scenario(extra), config, durationMs: 60 * 60_000 });

describe('policy memory across Lambda cold starts', () => {
  it('drains a worker idle for idle_minutes although every invocation starts cold', async () => {
    const result = await run(IDLE_TIMER, { faults: [{ at: '+0m', kind: 'cold-start', forMinutes: 60 }] });
    const firstDrain = result.cycleLog.find((c) => c.action === 'stop');
    // The idle timers started at the first cycle and were carried through every cold start.
    expect(firstDrain?.at).toBe('2025-10-13T10:05:00.000Z');
    expect(result.lambda?.coldStarts).toBe(result.lambda?.invocations);
  });

  it.each([
    ['idle-timer', IDLE_TIMER],
    ['headroom', HEADROOM],
  ])('%s decides exactly the same with a cold start about every minute or two environments taking turns', async (_name, config) => {
    const warm = await run(config);
    const cold = await run(config, { lambda: { coldStartEveryMinutes: 1 } });
    const turns = await run(config, { lambda: { environments: 2 } });
    expect(cold.lambda!.coldStarts).toBeGreaterThan(30);
    expect(warm.lambda!.coldStarts).toBeLessThan(cold.lambda!.coldStarts);
    expect(warm.cycleLog.length).toBeGreaterThan(0);
    expect(cold.cycleLog).toEqual(warm.cycleLog);
    expect(turns.cycleLog).toEqual(warm.cycleLog);
    expect(cold.stats).toEqual(warm.stats);
    expect(turns.stats).toEqual(warm.stats);
  });
});

describe('lastCycleMemory', () => {
  const now = new Date('2025-10-13T10:30:00Z');
  const ref = { workflow: 'autoscale', name: 'autoscale-20251013T102900Z', executionArn: 'arn:aws:states:local:000000000000:execution:autoscale:autoscale-20251013T102900Z' };
  const outputAt = (at: string, policy = 'idle-timer'): JsonValue => ({ plan: { actions: [], memory: { at, policy, value: { idleSince: { worker1: '2025-10-13T10:00:00.000Z' } } } } });
  const port = (output: JsonValue | undefined) => ({
    list: async (): Promise<ExecutionSummary[]> => (output === undefined ? [] : [{ ref, status: 'SUCCEEDED', startedAt: '2025-10-13T10:29:00.000Z' }]),
    output: async () => output,
  });

  it.each([
    ['uses the memory of the last cycle a minute ago', outputAt('2025-10-13T10:29:00.000Z'), true],
    ['starts afresh when no cycle has finished yet', undefined, false],
    ['ignores memory another policy wrote (the config changed)', outputAt('2025-10-13T10:29:00.000Z', 'headroom'), false],
    ['ignores memory older than the limit (the schedule stopped)', outputAt(new Date(now.getTime() - MIN_MAX_AGE_MS - 60_000).toISOString()), false],
    ['ignores an output without memory (a cycle of an older version)', { plan: { actions: [] } }, false],
  ])('%s', async (_case, output, used) => {
    const memory = await lastCycleMemory(port(output as JsonValue | undefined), 'idle-timer', now, 60);
    expect(memory !== undefined).toBe(used);
    if (used) expect(memory?.value).toEqual({ idleSince: { worker1: '2025-10-13T10:00:00.000Z' } });
  });

  it('reads nothing from an output that is not an object', () => {
    expect(memoryOfOutput('truncated', 'idle-timer')).toBeUndefined();
    expect(memoryOfOutput({ plan: { memory: { at: 'yesterday', policy: 'idle-timer', value: {} } } }, 'idle-timer')).toBeUndefined();
  });
});
