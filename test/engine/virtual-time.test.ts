import { readFile } from 'node:fs/promises';
import { timers as realTimers } from '@sinonjs/fake-timers';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualTimeStallError } from '../../engine/errors';
import { LocalEngine } from '../../engine/local-engine';
import type { JsonValue } from '../../engine/types';
import { VirtualTime } from '../../engine/virtual-time';
import { idleWhile } from '../../engine/activity';
import { fixtureHandlers, fixtureWorkflows } from '../fixtures/engine-handlers';

const T0 = '2024-03-04T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

/** A Task with a 1 s timeout whose activity takes real time (I/O plus a real 50 ms timer). */
const slowTask = {
  StartAt: 'Slow',
  States: { Slow: { Type: 'Task', Resource: '${SlowFunctionArn}', TimeoutSeconds: 1, End: true } },
};

describe('VirtualTime', () => {
  let vt: VirtualTime | undefined;
  afterEach(() => {
    vt?.uninstall();
    vt = undefined;
  });

  it('fakes Date and timers but leaves setImmediate real', async () => {
    vt = VirtualTime.install({ start: T0 });

    expect(new Date().toISOString()).toBe(T0);
    await new Promise((resolve) => setImmediate(resolve));
    let fired = false;
    setTimeout(() => (fired = true), 5_000);

    const outcome = await vt.run();

    expect(fired).toBe(true);
    expect(outcome).toMatchObject({ reason: 'idle', steps: 1 });
    expect(vt.now().toISOString()).toBe(at(5));
  });

  it('interleaves concurrent executions on one clock', async () => {
    vt = VirtualTime.install({ start: T0 });
    const e = new LocalEngine({ workflows: fixtureWorkflows(), handlers: fixtureHandlers().handlers, hooks: vt.hooks });

    const first = await e.start('wait-hour', { n: 1 }, { name: 'first' });
    const outcome = await vt.run({ deadline: at(1800) });
    const second = await e.start('wait-hour', { n: 2 }, { name: 'second' });
    await vt.run({ until: () => e.activeCount === 0 });

    expect(outcome.reason).toBe('deadline');
    expect(outcome.now.toISOString()).toBe(at(1800));
    expect((await e.wait(first)).output).toMatchObject({ stampedAt: at(3600) });
    expect((await e.wait(second)).output).toMatchObject({ stampedAt: at(5400) });
  });

  it('does not move the clock while an activity is still working in real time', async () => {
    vt = VirtualTime.install({ start: T0 });
    const handlers = {
      slow: async (event: JsonValue) => {
        await readFile(new URL('../../package.json', import.meta.url));
        await new Promise((resolve) => realTimers.setTimeout(resolve, 50));
        return event;
      },
    };
    const e = new LocalEngine({ workflows: { slow: slowTask }, handlers, hooks: vt.hooks });

    const result = await vt.drive(e.wait(await e.start('slow', { ok: true }, { name: 'slow-1' })));

    // Had the loop advanced past the in-flight handler, the 1 s Task timeout would have fired.
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { ok: true }, stoppedAt: T0 });
  });

  it('reports an activity that waits on a virtual timer as a stall', async () => {
    vt = VirtualTime.install({ start: T0, stallMs: 200 });
    const handlers = { slow: () => new Promise<JsonValue>((resolve) => setTimeout(() => resolve(null), 10)) };
    const e = new LocalEngine({ workflows: { slow: slowTask }, handlers, hooks: vt.hooks });
    const ref = await e.start('slow', {}, { name: 'stuck' });

    await expect(vt.run({ until: () => e.activeCount === 0 })).rejects.toThrow(VirtualTimeStallError);
    await expect(vt.run({ until: () => e.activeCount === 0 })).rejects.toThrow(/slow\/stuck\/Slow/);
    void ref;
  });

  it.each([true, false])('lets an activity that waits idly on a virtual timer move the clock only with the activity context (%s)', async (context) => {
    vt = VirtualTime.install({ start: T0, stallMs: 200, activityContext: context });
    const handlers = { slow: () => idleWhile(new Promise<JsonValue>((resolve) => setTimeout(() => resolve({ waited: true }), 10_000))) };
    const e = new LocalEngine({ workflows: { slow: slowTask }, handlers, hooks: vt.hooks });
    const ref = await e.start('slow', {}, { name: 'idle-wait' });

    if (context) {
      // Known to wait idly, the activity lets the clock move: its Task's 1 s timeout fires first.
      expect(await vt.drive(e.wait(ref))).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    } else {
      // Without the context nobody knows who waits: the loop says so instead of moving the clock.
      await expect(vt.run({ until: () => e.activeCount === 0 })).rejects.toThrow(VirtualTimeStallError);
    }
  });

  it('drive() fails when the virtual deadline comes first', async () => {
    vt = VirtualTime.install({ start: T0 });
    const e = new LocalEngine({ workflows: fixtureWorkflows(), handlers: fixtureHandlers().handlers, hooks: vt.hooks });
    const ref = await e.start('wait-hour', {}, { name: 'late' });

    await expect(vt.drive(e.wait(ref), { deadline: at(60) })).rejects.toThrow(/virtual deadline 2024-03-04T10:01:00.000Z/);
  });
});
