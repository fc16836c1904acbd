/**
 * A missing IAM permission fails its Task at once: the shipped workflows retry
 * DependencyError (a transient outside failure) but no Retry names
 * PermissionError, so a Plan denied by IAM fails on its first attempt under that
 * name, and a boot's StartInstance denied goes straight to its Catch.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DependencyError, PermissionError } from '../../core/errors';
import { readDefinitionFile, workflowFiles } from '../../engine/definition';
import { functionTimeouts } from '../../engine/function-timeout';
import { LocalEngine } from '../../engine/local-engine';
import type { LambdaHandler } from '../../engine/task-handlers';
import type { JsonValue } from '../../engine/types';
import { VirtualTime } from '../../engine/virtual-time';
import { WORKFLOW_DIR } from '../../wiring/local-workflows';

const DENIED = () =>
  new PermissionError('stepfunctions', 'DescribeExecution denied (AccessDeniedException): the caller\'s IAM role or user lacks states:DescribeExecution on arn:aws:states:us-east-1:123456789012:execution:moscaler-boot-worker:5d4e', {
    action: 'states:DescribeExecution',
    resource: 'arn:aws:states:us-east-1:123456789012:execution:moscaler-boot-worker:5d4e',
  });

let vt: VirtualTime;
beforeEach(() => {
  vt = VirtualTime.install({ start: '2025-10-13T10:00:00Z' });
});
afterEach(() => vt.uninstall());

/** The shipped workflows with one activity failing as given; every other activity is never reached in these runs. */
function shipped(activity: string, failure: () => Error) {
  const definitions = Object.fromEntries(Object.entries(workflowFiles(WORKFLOW_DIR)).map(([w, f]) => [w, readDefinitionFile(f)])) as Record<string, JsonValue>;
  const calls: string[] = [];
  const handlers = Object.fromEntries(
    Object.keys(functionTimeouts(Object.values(definitions))).map((a) => [
      a,
      (async () => {
        calls.push(a);
        if (a === activity) throw failure();
        throw new Error(`${a} is not part of this run`);
      }) as unknown as LambdaHandler,
    ]),
  );
  return { engine: new LocalEngine({ workflows: definitions, handlers, hooks: vt.hooks }), calls };
}

describe('PermissionError in the shipped workflows', () => {
  it('fails the autoscale Plan on its first attempt, under its own name and with the missing permission', async () => {
    const { engine, calls } = shipped('plan-cycle', DENIED);
    const result = await vt.drive(engine.wait(await engine.start('autoscale', {}, { name: 'denied' })));
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PermissionError');
    expect(result.cause).toContain('lacks states:DescribeExecution on arn:aws:states:');
    expect(calls).toEqual(['plan-cycle']);
  });

  it('where a DependencyError is retried three times', async () => {
    const { engine, calls } = shipped('plan-cycle', () => new DependencyError('stepfunctions', 'DescribeExecution failed on the AWS side (InternalFailure, HTTP 500)'));
    const result = await vt.drive(engine.wait(await engine.start('autoscale', {}, { name: 'transient' })));
    expect(result.error).toBe('DependencyError');
    expect(calls).toEqual(['plan-cycle', 'plan-cycle', 'plan-cycle', 'plan-cycle']);
  });

  it('sends a boot whose StartInstance is denied to its Catch at once', async () => {
    const { engine, calls } = shipped('start-worker', DENIED);
    const ref = await engine.start('boot-worker', { hostname: 'worker2' }, { name: 'boot-denied' });
    await vt.drive(engine.wait(ref));
    const history = await engine.history(ref);
    expect(calls[0]).toBe('start-worker');
    expect(calls.filter((c) => c === 'start-worker')).toHaveLength(1);
    expect(history.filter((e) => e.type === 'StateEntered').map((e) => e.state)).toContain('BootFailed');
  });
});
