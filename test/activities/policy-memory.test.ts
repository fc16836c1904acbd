/**
 * The policy memory read back as Step Functions answers (activities/support/policy-memory.ts): ListExecutions
 * lists SUCCEEDED cycles by their stop (API_ListExecutions), and DescribeExecution may not show the end of the
 * newest yet ("eventually consistent", API_DescribeExecution).
 */
import { describe, expect, it } from 'vitest';
import { lastCycleMemory, recordMemory } from '../../activities/support/policy-memory';
import { AUTOSCALE_WORKFLOW } from '../../core/execution-names';
import type { JsonValue } from '../../engine/types';
import { FakeExecutions } from '../helpers/fakes';
import { NOW } from '../helpers/views';

const at = (secondsAgo: number) => new Date(NOW.getTime() - secondsAgo * 1000).toISOString();
const outputOf = (plannedSecondsAgo: number, idle: number): JsonValue =>
  ({ plan: { memory: recordMemory('idle-timer', new Date(at(plannedSecondsAgo)), { idle } as never) } }) as unknown as JsonValue;

function cycle(executions: FakeExecutions, name: string, startedAgo: number, stoppedAgo: number, output?: JsonValue): void {
  executions.add({ workflow: AUTOSCALE_WORKFLOW, name, input: {}, status: 'SUCCEEDED', startedAt: at(startedAgo), stoppedAt: at(stoppedAgo), ...(output !== undefined ? { output } : {}) });
}

describe('policy memory read as Step Functions answers', () => {
  it('is the memory of the cycle planned last, not of a slow one that ended after it', async () => {
    const executions = new FakeExecutions();
    cycle(executions, 'slow', 130, 5, outputOf(125, 1));
    cycle(executions, 'next', 70, 60, outputOf(65, 2));
    const memory = await lastCycleMemory(executions, 'idle-timer', NOW, 60);
    expect(memory?.at).toBe(at(65));
  });

  it("is the cycle before's when DescribeExecution does not show the newest one's end yet", async () => {
    const executions = new FakeExecutions();
    cycle(executions, 'before', 70, 60, outputOf(65, 1));
    cycle(executions, 'newest', 10, 3);
    const memory = await lastCycleMemory(executions, 'idle-timer', NOW, 60);
    expect(memory?.at).toBe(at(65));
  });

  it("is none when the newest readable cycle was another policy's (no older memory of this one)", async () => {
    const executions = new FakeExecutions();
    cycle(executions, 'mine', 130, 120, outputOf(125, 1));
    cycle(executions, 'other', 70, 60, { plan: { memory: recordMemory('queue', new Date(at(65)), {}) } } as unknown as JsonValue);
    expect(await lastCycleMemory(executions, 'idle-timer', NOW, 60)).toBeUndefined();
  });
});
