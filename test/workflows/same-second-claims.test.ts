/**
 * Two boots or two drains of one worker started within ListExecutions' lag: one by
 * hand in the console (a UUID name), one by the scaler (its own name). Neither
 * listing shows the other at first, since ListExecutions is eventually consistent
 * (sim/aws/list-lag.ts). Found by soak seed 20261227: both drains went on. Each one now
 * waits out the lag and checks again, and the one started first goes on (core/claim.ts).
 */
import { describe, expect, it } from 'vitest';
import { workerExecutionName } from '../../core/execution-names';
import type { ExecutionRef, HistoryEvent, WorkflowName } from '../../engine/types';
import { recordEffects } from '../../reliability/effects';
import type { EffectRecord } from '../../reliability/invariants';
import { ENGINES, simWorkflows, type SimWorkflows } from './helpers';

const START = '2025-10-13T10:00:00Z';
const CONSOLE_NAME = '5d4e2c1a-9b7f-4c3e-8a21-0f6b2d9e7c41';
const online = (hostname: string, uptimeMinutes = 55) => ({ hostname, instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes });
const stopped = (hostname: string) => ({ hostname, instanceType: 'c5.9xlarge', state: 'stopped', hasEc2: true });

const states = (history: readonly HistoryEvent[]) => history.filter((e) => e.type === 'StateEntered').map((e) => e.state ?? '');

/** Starts `first`, then `second` `gapMs` later, both on worker1; runs until both have ended. Returns the states each entered, and every call on the cluster. */
async function race(sim: SimWorkflows, workflow: WorkflowName, first: string, second: string, gapMs: number): Promise<[string[], string[], EffectRecord[]]> {
  const effects: EffectRecord[] = [];
  recordEffects(sim.cluster, (e) => effects.push(e));
  const a = await sim.engine.start(workflow, { hostname: 'worker1' }, { name: first });
  if (gapMs > 0) await sim.vt.run({ deadline: sim.vt.clock.now + gapMs });
  const b = await sim.engine.start(workflow, { hostname: 'worker1' }, { name: second });
  const ended = async (ref: ExecutionRef) => (await sim.vt.drive(sim.engine.wait(ref))).status;
  expect([await ended(a), await ended(b)]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  return [states(await sim.engine.history(a)), states(await sim.engine.history(b)), effects];
}

const scalerName = (kind: 'boot' | 'drain') => workerExecutionName(kind, 'worker1', new Date(START));

describe.each(ENGINES)('two executions of one worker started within the listing lag (engine %s)', (kind) => {
  it.each([
    ['the same instant: the lesser name goes on', 0, CONSOLE_NAME, scalerName('drain')],
    ['the console 400 ms first', 400, CONSOLE_NAME, scalerName('drain')],
    ['the scaler 400 ms first', 400, scalerName('drain'), CONSOLE_NAME],
  ])('drains, %s; the other yields, and the worker is stopped once', async (_, gapMs, first, second) => {
    const sim = simWorkflows(
      { cluster: 'c', start: START, billing: 'per-second', workers: [online('worker1'), online('worker2')], others: [{ hostname: 'admin1', layer: 'admin' }] } as never,
      {},
      undefined,
      kind,
    );
    const [winner, loser, effects] = await race(sim, 'drain-worker', first, second, gapMs);
    // One actor: a single maintenance-on and a single stop.
    expect(effects.map((e) => `${e.op} ${e.hostname}`)).toEqual(['maintenance-on worker1', 'stop worker1']);
    // At the same instant the names order them: the UUID (a digit first) before `drain-…`.
    expect(winner).toContain('MaintenanceOn');
    expect(winner.at(-1)).toBe('Stopped');
    expect(loser.slice(0, 5)).toEqual(['Init', 'BeginDrain', 'SkipOrSettle', 'SettleListing', 'ClaimDrain']);
    expect(loser).not.toContain('MaintenanceOn');
    expect(loser.at(-1)).toBe('SkippedDrainInProgress');
  }, 60_000);

  it('boots at the same instant: one starts the instance, the other yields', async () => {
    const sim = simWorkflows(
      { cluster: 'c', start: START, billing: 'per-second', workers: [online('worker2'), stopped('worker1')], others: [{ hostname: 'admin1', layer: 'admin' }] } as never,
      {},
      undefined,
      kind,
    );
    const [scaler, byHand, effects] = await race(sim, 'boot-worker', scalerName('boot'), CONSOLE_NAME, 0);
    // One actor: a single start; the boot by hand (the lesser name) goes on although it was started second.
    expect([scaler.at(-1), byHand.at(-1)]).toEqual(['SkippedBootInProgress', 'Booted']);
    expect(effects.filter((e) => e.op === 'start').map((e) => e.hostname)).toEqual(['worker1']);
    expect(scaler.slice(0, 5)).toEqual(['Init', 'BeginBoot', 'SkipOrSettle', 'SettleListing', 'StartInstance']);
  }, 60_000);
});
