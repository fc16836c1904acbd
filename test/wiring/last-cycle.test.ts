import { describe, expect, it } from 'vitest';
import type { ExecutionSummary, HistoryEvent, ListFilter } from '../../engine/types';
import { lastCycle } from '../../wiring/last-cycle';

const cycle = (name: string, startedAt: string, stoppedAt?: string): ExecutionSummary => ({
  ref: { workflow: 'autoscale', name, executionArn: `arn:aws:states:us-east-1:1:execution:autoscale:${name}` },
  status: stoppedAt ? 'SUCCEEDED' : 'RUNNING',
  startedAt,
  ...(stoppedAt ? { stoppedAt } : {}),
});

/** ListExecutions as AWS orders it: running by start, closed by stop, the latest change first, `maxResults` of them. */
function awsOrdered(executions: ExecutionSummary[]) {
  const changed = (e: ExecutionSummary) => Date.parse(e.stoppedAt ?? e.startedAt);
  return {
    list: async (filter: ListFilter) =>
      executions
        .filter((e) => e.ref.workflow === filter.workflow)
        .sort((a, b) => changed(b) - changed(a))
        .slice(0, filter.maxResults),
    history: async (): Promise<HistoryEvent[]> => [],
  };
}

describe('lastCycle', () => {
  it('takes the cycle begun last, not the one ListExecutions lists first (a retried cycle that ended after it)', async () => {
    const retried = cycle('autoscale-20251013T100000Z', '2025-10-13T10:00:00Z', '2025-10-13T10:04:30Z');
    const newest = cycle('autoscale-20251013T100400Z', '2025-10-13T10:04:00Z', '2025-10-13T10:04:05Z');
    const older = cycle('autoscale-20251013T100300Z', '2025-10-13T10:03:00Z', '2025-10-13T10:03:04Z');
    expect((await lastCycle(awsOrdered([older, newest, retried])))?.name).toBe('autoscale-20251013T100400Z');
  });
});
