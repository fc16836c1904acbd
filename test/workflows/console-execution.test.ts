/**
 * A boot started by hand from the Step Functions console gets a UUID name by
 * default (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html:
 * "If you don't provide a name for the execution, a universally unique identifier (UUID) is
 * automatically generated"). The functions that keep two workflows off one worker describe such an
 * execution to read which worker its input names (activities/support/acting-on.ts), so their roles
 * must allow DescribeExecution on the boot and drain executions, not only on the autoscale ones.
 *
 * On the deployed path (the AWS engine, simulated Step Functions, each function with its own role as
 * the stack synthesises it, evaluated by the IAM engine) the cycle must go on scaling while it runs.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../engine/types';
import { simWorkflows } from './helpers';

const START = '2025-10-13T10:00:00Z';
const CONSOLE_NAME = '5d4e2c1a-9b7f-4c3e-8a21-0f6b2d9e7c41';
const online = (hostname: string) => ({ hostname, instanceType: 'c5.9xlarge', state: 'online', uptimeMinutes: 55 });
const stopped = (hostname: string) => ({ hostname, instanceType: 'c5.9xlarge', state: 'stopped', hasEc2: true });
const failures = (history: HistoryEvent[]) => history.filter((e) => e.error !== undefined).map((e) => `${e.state ?? e.type}: ${e.error}`);

describe('a boot started from the console (UUID name), on the deployed stack', () => {
  it('is attributed to its worker, and autoscaling goes on: the cycle succeeds and boots another worker, with no call denied', { timeout: 120_000 }, async () => {
    // Prepare
    const sim = simWorkflows(
      { cluster: 'c', start: START, billing: 'hourly', workers: [online('worker1'), stopped('worker2'), stopped('worker3')], others: [{ hostname: 'admin1', layer: 'admin' }], queue: { queued: 60, queuedHighLoad: 60 } } as never,
      {},
      undefined,
      'aws',
    );
    const iam = await sim.deployment!.iam;
    expect(iam, 'IAM is on for the deployed path').toBeDefined();
    const console = await sim.engine.start('boot-worker', { hostname: 'worker2' }, { name: CONSOLE_NAME });
    // Two minutes on: ListExecutions shows it by then (it is eventually consistent), and it still runs (a boot takes longer).
    await sim.vt.run({ deadline: Date.parse(START) + 2 * 60_000 });

    // Act
    const cycle = await sim.engine.start('autoscale', {}, { name: 'autoscale-with-console-boot' });
    const result = await sim.vt.drive(sim.engine.wait(cycle));
    await sim.vt.run({ until: () => sim.idle() });
    await sim.vt.run({ deadline: sim.vt.clock.now + 5 * 60_000 });

    // Assess
    expect(failures(await sim.engine.history(cycle))).toEqual([]);
    expect(result.status).toBe('SUCCEEDED');
    const boots = await sim.engine.list({ workflow: 'boot-worker' });
    // The cycle saw worker2 booting (the console's execution, by its input) and chose worker3.
    expect(boots.map((b) => [b.ref.name, b.status]).sort()).toEqual([
      [CONSOLE_NAME, 'SUCCEEDED'],
      [expect.stringMatching(/^boot-worker3-/), 'SUCCEEDED'],
    ].sort());
    expect(await sim.engine.input(console)).toEqual({ hostname: 'worker2' });
    expect(iam!.denials).toEqual([]);
    expect(iam!.checked).toBeGreaterThan(0);
  });
});
