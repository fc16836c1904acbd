import { describe, expect, it } from 'vitest';
import { executionProgress } from '../../cli/execution-progress';
import type { HistoryEvent } from '../../engine/types';

const at = (m: number) => `2025-10-13T04:0${m}:00.000Z`;
const boot = (m: number, state: string, reason: string): HistoryEvent => ({ execution: 'boot-worker3-x', workflow: 'boot-worker', type: 'TaskSucceeded', state, at: at(m), reason });

describe('executionProgress', () => {
  it('prints a step once per change of reason, each execution on its own', () => {
    let out = '';
    const progress = executionProgress({ write: (s: string) => (out += s) });
    progress(boot(0, 'StartInstance', 'StartRequested: start of worker3 requested'));
    for (const m of [1, 2, 3]) progress(boot(m, 'CheckBoot', 'StartRequested: start of worker3 requested'));
    progress({ ...boot(3, 'CheckBoot', 'StartRequested: start of worker4 requested'), execution: 'boot-worker4-x' });
    progress(boot(4, 'CheckBoot', 'Booted: instance online and registered in Opencast'));
    expect(out.trimEnd().split('\n')).toEqual([
      '  2025-10-13T04:00:00.000Z  boot-worker3-x  StartInstance: StartRequested: start of worker3 requested',
      '  2025-10-13T04:03:00.000Z  boot-worker4-x  CheckBoot: StartRequested: start of worker4 requested',
      '  2025-10-13T04:04:00.000Z  boot-worker3-x  CheckBoot: Booted: instance online and registered in Opencast',
    ]);
  });

  it('leaves out the autoscale cycle (the command prints its outcome) and reads failures', () => {
    let out = '';
    const progress = executionProgress({ write: (s: string) => (out += s) });
    progress({ execution: 'autoscale-x', workflow: 'autoscale', type: 'TaskSucceeded', state: 'Plan', at: at(0), reason: 'nothing to do' });
    progress({ execution: 'drain-w-x', workflow: 'drain-worker', type: 'StateFailed', state: 'StopInstance', at: at(1), error: 'ThrottledError', cause: '{"errorType":"ThrottledError","errorMessage":"ec2: Rate exceeded"}' });
    expect(out).toBe('  2025-10-13T04:01:00.000Z  drain-w-x  StopInstance: ThrottledError: ec2: Rate exceeded\n');
  });

  it('says every retry, also of a failure it printed once', () => {
    let out = '';
    const progress = executionProgress({ write: (s: string) => (out += s) });
    const failed: HistoryEvent = { execution: 'scale-up-x', workflow: 'scale', type: 'StateFailed', state: 'Plan', at: at(0), error: 'DependencyError', cause: 'opsworks: DescribeInstances failed' };
    for (const attempt of [1, 2]) {
      progress({ ...failed, at: at(attempt - 1) });
      progress({ execution: 'scale-up-x', workflow: 'scale', type: 'Retried', state: 'Plan', at: at(attempt - 1), attempt });
    }
    expect(out.trimEnd().split('\n')).toEqual([
      '  2025-10-13T04:00:00.000Z  scale-up-x  Plan: DependencyError: opsworks: DescribeInstances failed',
      '  2025-10-13T04:00:00.000Z  scale-up-x  Plan: retrying after DependencyError (retry 1)',
      '  2025-10-13T04:01:00.000Z  scale-up-x  Plan: retrying after DependencyError (retry 2)',
    ]);
  });
});
