/**
 * `no-access-denied`: every call IAM denied a function of the shipped stack on a deployed day
 * (sim/aws/iam-authorizer.ts records them) is a violation naming the caller, action and resource.
 */
import { describe, expect, it } from 'vitest';
import { InvariantChecker } from '../../reliability/invariants';

const T0 = Date.parse('2025-10-13T10:00:00Z');

describe('no-access-denied', () => {
  it('reports each denial with who was denied what, and nothing without one', () => {
    const checker = new InvariantChecker({ minWorkers: 1, everyMs: 60_000, faultsEnd: () => T0 });
    checker.checkAccess([]);
    expect(checker.violations).toEqual([]);

    checker.checkAccess([{ at: T0 + 60_000, caller: 'moscaler-plan-cycle', action: 'states:DescribeExecution', resource: 'arn:aws:states:us-east-1:123456789012:execution:moscaler-boot-worker:5d4e' }]);

    expect(checker.violations).toEqual([
      {
        invariant: 'no-access-denied',
        at: '2025-10-13T10:01:00.000Z',
        detail: 'moscaler-plan-cycle denied states:DescribeExecution on arn:aws:states:us-east-1:123456789012:execution:moscaler-boot-worker:5d4e',
      },
    ]);
  });
});
