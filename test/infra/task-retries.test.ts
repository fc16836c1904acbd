/**
 * Every Task that calls one of our functions retries what AWS documents as
 * transient for Lambda Task states
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html),
 * the throttling and dependency errors our handlers throw, and a function's own
 * timeout (Sandbox.Timedout: every activity observes before it acts, so a retry
 * is safe). Errors a retry cannot fix (ConfigError, ScalingError, InternalError, PermissionError)
 * are left to the Catch, or fail the cycle.
 */
import { describe, expect, it } from 'vitest';
import { readDefinitionFile, walkStates, workflowFiles } from '../../engine/definition';

const INFRA_DIR = new URL('../../infra/workflows/', import.meta.url).pathname;
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
];
const OURS_RETRIED = ['ThrottledError', 'DependencyError', 'ProtocolError', 'Sandbox.Timedout', 'States.Timeout'];
const NEVER_RETRIED = ['ConfigError', 'WorkerNotFoundError', 'ScalingError', 'InternalError', 'PermissionError', 'States.ALL'];

const lambdaTasks = Object.entries(workflowFiles(INFRA_DIR)).flatMap(([workflow, file]) => {
  const tasks: Array<[string, string[]]> = [];
  walkStates(readDefinitionFile(file), ({ name, state }) => {
    if (state.Type !== 'Task' || !/FunctionArn\}$/.test(String(state.Resource))) return;
    const retried = ((state.Retry ?? []) as Array<{ ErrorEquals: string[] }>).flatMap((r) => r.ErrorEquals);
    tasks.push([`${workflow} ${name}`, retried]);
  });
  return tasks;
});

describe('Task retries', () => {
  it('finds the Tasks that call functions', () => {
    expect(lambdaTasks.length).toBeGreaterThanOrEqual(12);
  });

  it.each(lambdaTasks)('%s retries the Lambda service errors, throttling, dependency failures and its own timeout', (_task, retried) => {
    expect(retried).toEqual(expect.arrayContaining([...LAMBDA_SERVICE_ERRORS, ...OURS_RETRIED]));
    expect(retried.filter((e) => NEVER_RETRIED.includes(e))).toEqual([]);
  });
});
