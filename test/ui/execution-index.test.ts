/**
 * The live view counts idle cycles, flaps and drain ends over every execution
 * it read, not over the newest 200 it keeps digests of: the page once said
 * "about 200" idle cycles of 2,352.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionSummary, HistoryEvent, WorkflowEngine } from '../../engine/types';
import { ExecutionIndex } from '../../ui/execution-index';
import { buildTimeline } from '../../ui/state';
import { workerExecutionName } from '../../core/execution-names';

const T0 = Date.parse('2025-10-13T04:00:00Z');

/** Autoscale cycles one a minute, all finished, each deciding nothing for one of two reasons; `visible` grows as time passes. */
function cycles() {
  const all: Array<{ summary: ExecutionSummary; events: HistoryEvent[] }> = [];
  let visible = 0;
  const add = (n: number) => {
    for (let i = 0; i < n; i++) {
      const k = all.length;
      const at = new Date(T0 + k * 60_000).toISOString();
      const name = `autoscale-${k}`;
      const paused = k % 4 === 0;
      const output = { action: 'none', outcome: paused ? 'Paused' : 'AtTarget', reason: paused ? `paused ${k}` : `target 2 worker(s); at the target ${k}`, actions: [] };
      all.push({
        summary: { ref: { workflow: 'autoscale', name, executionArn: `arn:${name}` }, status: 'SUCCEEDED', startedAt: at, stoppedAt: at },
        events: [
          { execution: name, workflow: 'autoscale', type: 'ExecutionStarted', at, input: {} },
          { execution: name, workflow: 'autoscale', type: 'TaskSucceeded', state: 'Plan', at, output },
          { execution: name, workflow: 'autoscale', type: 'ExecutionSucceeded', at, output },
        ],
      });
    }
    visible = all.length;
  };
  let historyReads = 0;
  const engine = {
    kind: 'local',
    list: async () => all.slice(0, visible).map((c) => c.summary).reverse(),
    history: async (ref: { executionArn: string }) => {
      historyReads += 1;
      return all.find((c) => c.summary.ref.executionArn === ref.executionArn)!.events;
    },
  } as unknown as WorkflowEngine;
  return { engine, add, reads: () => historyReads };
}

describe('ExecutionIndex', () => {
  it('counts every idle cycle it read, by reason, though it keeps the digests of the newest 10 only', async () => {
    const world = cycles();
    const index = new ExecutionIndex(world.engine, { keepPerWorkflow: 10 });
    // The page refreshes as the run goes: each cycle is read once, when it is new.
    for (let step = 0; step < 47; step++) {
      world.add(5);
      await index.refresh();
    }
    expect(index.all()).toHaveLength(10);
    expect(world.reads()).toBe(235);
    const timeline = buildTimeline(index.all(), index.allFacts());
    expect(timeline.idleCycles).toBe(235);
    expect(timeline.unread).toBe(0);
    expect(timeline.idleReasons).toEqual([
      { code: 'AtTarget', count: 176, reason: 'target 2 worker(s); at the target 234' },
      { code: 'Paused', count: 59, reason: 'paused 232' },
    ]);
  });

  it('says how many listed executions it never read when it starts on a long history', async () => {
    const world = cycles();
    world.add(30);
    const index = new ExecutionIndex(world.engine, { keepPerWorkflow: 10 });
    await index.refresh();
    const timeline = buildTimeline(index.all(), index.allFacts());
    expect(timeline.idleCycles).toBe(10);
    expect(timeline.unread).toBe(20);
  });
});

describe('ExecutionIndex.forWorker', () => {
  it('finds the executions keyed by instance when two instances share a Name tag, and only those of that name', async () => {
    // Prepare: two instances named "worker 1" (their executions are keyed by instance id) and a "worker 1-b".
    const at = new Date(T0);
    const names = [
      workerExecutionName('drain', 'worker 1', at, 'i-0aaa'),
      workerExecutionName('boot', 'worker 1', at, 'i-0bbb'),
      workerExecutionName('drain', 'worker 1-b', at),
    ];
    const runs = names.map((name) => ({
      summary: { ref: { workflow: name.startsWith('boot') ? 'boot-worker' : 'drain-worker', name, executionArn: `arn:${name}` }, status: 'SUCCEEDED', startedAt: at.toISOString(), stoppedAt: at.toISOString() } as ExecutionSummary,
      events: [{ execution: name, workflow: 'drain-worker', type: 'ExecutionStarted', at: at.toISOString(), input: {} }] as HistoryEvent[],
    }));
    const engine = {
      kind: 'local',
      list: async () => runs.map((r) => r.summary),
      history: async (ref: { executionArn: string }) => runs.find((r) => r.summary.ref.executionArn === ref.executionArn)!.events,
    } as unknown as WorkflowEngine;
    const index = new ExecutionIndex(engine);
    await index.refresh();

    // Act
    const mine = await index.forWorker('worker 1', ['i-0aaa', 'i-0bbb']);

    // Assess: both instances' executions, not the other worker's; without the ids none can be told apart.
    expect(mine.map((d) => d.name).sort()).toEqual([names[0], names[1]].sort());
    expect(await index.forWorker('worker 1')).toEqual([]);
  });
});
