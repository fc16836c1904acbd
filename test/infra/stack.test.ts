/**
 * The synthesised template: what gets deployed is the workflow files as they
 * are, one function per activity they name, a schedule that starts the
 * autoscale cycle, logs, alarms, the secret only by reference, and nothing
 * cdk-nag objects to without a written reason.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { kebabCase } from '../../engine/arn';
import { placeholdersOf, readDefinitionFile, substitute, workflowFiles } from '../../engine/definition';
import type { JsonValue } from '../../engine/types';
import { buildApp } from '../../infra/build-app';
import { parseStackConfig } from '../../infra/props';
import { CONSOLE_REFUSALS, PROJECT_ROOT } from '../../infra/stack';
import { FUNCTION_TIMEOUT_MARGIN_SECONDS } from '../../engine/function-timeout';
import { evaluate, type Scope } from './template-values';
import { BASE_INPUT, resourcesOf, synth } from './synth';

const SCOPE: Scope = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
const FILES = workflowFiles(`${PROJECT_ROOT}/infra/workflows`);
const fnArn = (activity: string) => `arn:aws:lambda:us-east-1:111122223333:function:moscaler-c-${activity}`;
const smArn = (workflow: string) => `arn:aws:states:us-east-1:111122223333:stateMachine:moscaler-c-${workflow}`;
const activitiesInAsl = [
  ...new Set(
    Object.values(FILES).flatMap((f) =>
      placeholdersOf(readDefinitionFile(f)).flatMap((k) => (/^(.+)FunctionArn$/.exec(k) ? [kebabCase(k.replace(/FunctionArn$/, ''))] : [])),
    ),
  ),
].sort();

describe('state machines', () => {
  const s = synth();
  const machines = resourcesOf(s, 'AWS::StepFunctions::StateMachine');

  it('has one Standard state machine per workflow file, named <prefix><workflow>', () => {
    expect(machines.map(([, r]) => r.Properties.StateMachineName).sort()).toEqual(Object.keys(FILES).map((w) => `moscaler-c-${w}`).sort());
    for (const [, r] of machines) expect(r.Properties.StateMachineType).toBe('STANDARD');
  });

  it.each(Object.entries(FILES))('deploys %s exactly as the file says, placeholders filled with the right function and workflow', (workflow, file) => {
    const [, r] = machines.find(([, m]) => m.Properties.StateMachineName === `moscaler-c-${workflow}`)!;
    const raw = readDefinitionFile(file);
    // The same text, not a copy that could drift.
    expect(JSON.parse(r.Properties.DefinitionString)).toEqual(raw);

    const deployed = Object.fromEntries(
      Object.entries(r.Properties.DefinitionSubstitutions as Record<string, unknown>).map(([k, v]) => [k, evaluate(v, s, SCOPE)]),
    );
    const expected = Object.fromEntries(
      placeholdersOf(raw).map((key) => {
        const fn = /^(.+)FunctionArn$/.exec(key);
        return [key, fn ? fnArn(kebabCase(fn[1]!)) : smArn(kebabCase(key.replace(/StateMachineArn$/, '')))];
      }),
    );
    expect(deployed).toEqual(expected);
    expect(substitute(workflow, raw, deployed)).toEqual(substitute(workflow, raw as JsonValue, expected));
  });

  it('logs every state with its data to a log group with a retention', () => {
    for (const [, r] of machines) {
      expect(r.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
      const logGroupId = r.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
      expect(s.json.Resources[logGroupId]?.Properties).toMatchObject({ RetentionInDays: 90 });
    }
  });
});

describe('functions', () => {
  const s = synth();
  const functions = resourcesOf(s, 'AWS::Lambda::Function');

  it('has one function per activity the workflows name, and no other', () => {
    expect(functions.map(([, r]) => r.Properties.FunctionName).sort()).toEqual(activitiesInAsl.map((a) => `moscaler-c-${a}`));
  });

  it('runs each activity file on Node 24 with its own log group, never longer than its Tasks allow', () => {
    for (const [, r] of functions) {
      const activity = String(r.Properties.FunctionName).replace('moscaler-c-', '');
      expect(r.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Description: `mo-scaler activity ${activity} (activities/${activity}.ts)`,
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
      expect(s.json.Resources[r.Properties.LoggingConfig.LogGroup.Ref]?.Properties).toEqual({
        LogGroupName: `/aws/lambda/moscaler-c-${activity}`,
        RetentionInDays: 90,
      });
      const taskTimeouts = Object.values(FILES).flatMap((f) => tasksCalling(readDefinitionFile(f), activity));
      // Before every Task that calls it: its own timeout (Sandbox.Timedout, retried) comes first.
      expect(r.Properties.Timeout).toBe(Math.min(...taskTimeouts) - FUNCTION_TIMEOUT_MARGIN_SECONDS);
    }
  });

  it('times every function out before any Task of the deployed state machines that calls it', () => {
    const timeoutOf = new Map(functions.map(([id, r]) => [id, r.Properties.Timeout as number]));
    let checked = 0;
    for (const [, machine] of resourcesOf(s, 'AWS::StepFunctions::StateMachine')) {
      const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt'?: [string, string] }>;
      walk(JSON.parse(String(machine.Properties.DefinitionString)) as JsonValue, (state, name) => {
        const key = typeof state.Resource === 'string' ? /^\$\{(.+FunctionArn)\}$/.exec(state.Resource)?.[1] : undefined;
        if (state.Type !== 'Task' || !key) return;
        const fnId = substitutions[key]?.['Fn::GetAtt']?.[0];
        const timeout = timeoutOf.get(fnId ?? '');
        expect(timeout, `${name} calls ${key}`).toBeTypeOf('number');
        expect(state.TimeoutSeconds as number, name).toBeGreaterThan(timeout!);
        checked += 1;
      });
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it('gives the activities their settings and ARNs, the secret only by its ARN', () => {
    for (const [, r] of functions) {
      const env = r.Properties.Environment.Variables as Record<string, unknown>;
      expect(Object.keys(env).sort()).toEqual(
        [
          'AUTOSCALE_CONFIG',
          'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
          'MOSCALER_ACTIVITY',
          // The plan step lists running cycles, whatever the policy.
          'MOSCALER_AUTOSCALE_STATE_MACHINE_ARN',
          'MOSCALER_BILLING',
          'MOSCALER_BOOT_WORKER_STATE_MACHINE_ARN',
          'MOSCALER_CLUSTER',
          'MOSCALER_DRAIN_WORKER_STATE_MACHINE_ARN',
          'MOSCALER_IDLE_UPTIME_THRESHOLD',
          'MOSCALER_MIN_WORKERS',
          'MOSCALER_OPENCAST_SECRET_ARN',
          'MOSCALER_PROVIDER',
          'NODE_OPTIONS',
          'POWERTOOLS_METRICS_NAMESPACE',
          'POWERTOOLS_SERVICE_NAME',
        ].sort(),
      );
      expect(env).toMatchObject({ MOSCALER_CLUSTER: 'c', MOSCALER_PROVIDER: 'opsworks', MOSCALER_MIN_WORKERS: '1', MOSCALER_BILLING: 'per-second' });
      expect(JSON.parse(String(env.AUTOSCALE_CONFIG))).toEqual(s.config.autoscale);
      expect(evaluate(env.MOSCALER_BOOT_WORKER_STATE_MACHINE_ARN, s, SCOPE)).toBe(smArn('boot-worker'));
      expect(evaluate(env.MOSCALER_DRAIN_WORKER_STATE_MACHINE_ARN, s, SCOPE)).toBe(smArn('drain-worker'));
      expect(evaluate(env.MOSCALER_AUTOSCALE_STATE_MACHINE_ARN, s, SCOPE)).toBe(smArn('autoscale'));
      expect(env.MOSCALER_OPENCAST_SECRET_ARN).toEqual({ Ref: resourcesOf(s, 'AWS::SecretsManager::Secret')[0]![0] });
      // Lambda's limit for all variables together, with the ARNs as deployed.
      const size = Object.entries(env).reduce((n, [k, v]) => n + k.length + evaluate(v, s, SCOPE).length, 0);
      expect(size).toBeLessThan(4096);
    }
  });

  it('passes optional settings through with their CLI variable names', () => {
    const t = synth({ opencastUrl: 'https://admin.example.edu/', billing: 'per-second', minWorkers: 3, queueSource: 'queued-job-count' });
    t.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          MOSCALER_OPENCAST_URL: 'https://admin.example.edu/',
          MOSCALER_BILLING: 'per-second',
          MOSCALER_MIN_WORKERS: '3',
          MOSCALER_QUEUE_SOURCE: 'queued-job-count',
        }),
      },
    });
  });
});

describe('Opencast credentials', () => {
  it('creates a secret with a generated placeholder password: no credential in the template', () => {
    const s = synth();
    s.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    s.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'moscaler-c-opencast',
      GenerateSecretString: { SecretStringTemplate: '{"user":"opencast_system_account"}', GenerateStringKey: 'password' },
      SecretString: Match.absent(),
    });
    const text = JSON.stringify(s.json);
    expect(text).not.toMatch(/MATTERHORN_PASS|OPENCAST_PASS|"password"\s*:/i);
  });

  it('references an existing secret by ARN and creates none', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:opencast/prod-AbCdEf';
    const s = synth({ opencastSecretArn: arn });
    s.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    for (const [, r] of resourcesOf(s, 'AWS::Lambda::Function')) {
      expect(r.Properties.Environment.Variables.MOSCALER_OPENCAST_SECRET_ARN).toBe(arn);
    }
    s.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: arn }]) },
    });
  });
});

describe('schedule', () => {
  it('starts the autoscale state machine every minute by default', () => {
    const s = synth();
    const schedules = resourcesOf(s, 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    const [, schedule] = schedules[0]!;
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Input: '{"everySeconds":60}', RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } },
    });
    expect(evaluate(schedule.Properties.Target.Arn, s, SCOPE)).toBe(smArn('autoscale'));
    const role = s.json.Resources[schedule.Properties.Target.RoleArn['Fn::GetAtt'][0]]!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    const statements = policiesOfRole(s, schedule.Properties.Target.RoleArn['Fn::GetAtt'][0]);
    expect(statements.map((st) => [st.Action, resourcesAsStrings(st, s)])).toEqual([['states:StartExecution', [smArn('autoscale')]]]);
  });

  it('raises the floor in the lecture window and leaves it to MOSCALER_MIN_WORKERS outside', () => {
    const s = synth({
      schedule: { timeZone: 'America/New_York', minWorkersWindows: [{ name: 'lectures', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '08:00', end: '18:00', minWorkers: 4 }] },
    });
    const schedules = resourcesOf(s, 'AWS::Scheduler::Schedule').map(([, r]) => r.Properties);
    expect(schedules.map((p) => [p.ScheduleExpression, p.Target.Input]).sort()).toEqual(
      [
        ['cron(* * ? * SUN,SAT *)', '{"everySeconds":60}'],
        ['cron(* 0-7,18-23 ? * MON-FRI *)', '{"everySeconds":60}'],
        ['cron(* 8-17 ? * MON-FRI *)', '{"everySeconds":60,"minWorkers":4}'],
      ].sort(),
    );
    for (const p of schedules) {
      expect(p.ScheduleExpressionTimezone).toBe('America/New_York');
      expect(evaluate(p.Target.Arn, s, SCOPE)).toBe(smArn('autoscale'));
    }
  });

  it('can be deployed switched off', () => {
    synth({ schedule: { enabled: false } }).template.hasResourceProperties('AWS::Scheduler::Schedule', { State: 'DISABLED' });
  });
});

describe('alarms', () => {
  const s = synth({ alarmTopicArn: 'arn:aws:sns:us-east-1:111122223333:ops' });
  const alarms = resourcesOf(s, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);

  it('alarms on failed or timed-out executions of every workflow', () => {
    for (const workflow of Object.keys(FILES).filter((w) => w !== 'scale')) {
      const alarm = alarms.find((a) => a.AlarmName === `moscaler-c-${workflow}-failed`);
      expect(alarm?.Metrics.map((m: { MetricStat?: { Metric: { MetricName: string } } }) => m.MetricStat?.Metric.MetricName).filter(Boolean).sort()).toEqual(
        ['ExecutionsFailed', 'ExecutionsTimedOut'],
      );
      // A missing series counts as zero, or a lone failure would never add up to an alarm.
      expect(alarm?.Metrics.find((m: { Expression?: string }) => m.Expression)?.Expression).toBe('FILL(failed, 0) + FILL(timedOut, 0)');
      expect(alarm?.AlarmActions).toEqual(['arn:aws:sns:us-east-1:111122223333:ops']);
    }
  });

  it("leaves the console's refused requests out of the scale alarm, counted from the scale log", () => {
    const filter = resourcesOf(s, 'AWS::Logs::MetricFilter')
      .map(([, r]) => r.Properties)
      .find((p) => String(p.FilterPattern).includes('ExecutionFailed'))!;
    expect(filter.FilterPattern).toContain('$.type = "ExecutionFailed"');
    for (const error of CONSOLE_REFUSALS) expect(filter.FilterPattern).toContain(`$.details.error = "${error}"`);
    expect(s.json.Resources[filter.LogGroupName.Ref]!.Properties.LogGroupName).toBe('/aws/vendedlogs/states/moscaler-c-scale');
    const alarm = alarms.find((a) => a.AlarmName === 'moscaler-c-scale-failed');
    expect(alarm?.Metrics.find((m: { Expression?: string }) => m.Expression)?.Expression).toBe('FILL(failed, 0) - FILL(refused, 0) + FILL(timedOut, 0)');
    expect(alarm?.Metrics.find((m: { Id: string }) => m.Id === 'refused')?.MetricStat.Metric).toMatchObject({
      MetricName: filter.MetricTransformations[0].MetricName,
      Namespace: filter.MetricTransformations[0].MetricNamespace,
    });
    expect(alarm?.AlarmActions).toEqual(['arn:aws:sns:us-east-1:111122223333:ops']);
  });

  it('counts workers released from maintenance from the autoscale log and alarms when it persists', () => {
    const releaseStates = Object.entries(tasksByState(readDefinitionFile(FILES.autoscale!)))
      .filter(([, activity]) => activity === 'release-maintenance')
      .map(([state]) => state);
    expect(releaseStates.length).toBeGreaterThan(0);
    const filters = resourcesOf(s, 'AWS::Logs::MetricFilter').filter(([, r]) => String(r.Properties.FilterPattern).includes('TaskStateEntered'));
    expect(filters).toHaveLength(1);
    const [, filter] = filters[0]!;
    for (const state of releaseStates) expect(filter.Properties.FilterPattern).toContain(`$.details.name = "${state}"`);
    expect(filter.Properties.FilterPattern).toContain('$.type = "TaskStateEntered"');
    const logGroup = s.json.Resources[filter.Properties.LogGroupName.Ref]!;
    expect(logGroup.Properties.LogGroupName).toBe('/aws/vendedlogs/states/moscaler-c-autoscale');
    expect(alarms.find((a) => a.AlarmName === 'moscaler-c-stranded-in-maintenance')).toMatchObject({
      MetricName: filter.Properties.MetricTransformations[0].MetricName,
      Namespace: filter.Properties.MetricTransformations[0].MetricNamespace,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });

  it('alarms when the scheduled cycle stops starting', () => {
    expect(alarms.find((a) => a.AlarmName === 'moscaler-c-autoscale-not-running')).toMatchObject({
      MetricName: 'ExecutionsStarted',
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });
});

describe('cdk-nag (AWS Solutions)', () => {
  it.each(['opsworks', 'ec2'] as const)('reports nothing unacknowledged for provider %s', (provider) => {
    const s = synth({ provider });
    const report = s.nag.validateScope(s.app);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('makes synth fail on a finding nobody acknowledged (the check is live)', () => {
    const { app, stack } = buildApp(parseStackConfig(BASE_INPUT, 'test'), { context: { 'aws:cdk:bundling-stacks': [] } });
    new Role(stack, 'Careless', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
      new PolicyStatement({ actions: ['ec2:StopInstances'], resources: ['*'] }),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  });

  it('gives every acknowledgement a written reason', () => {
    const s = synth({ provider: 'ec2' });
    const acks = s.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => m.data as Record<string, string>));
    const entries = acks.flatMap((a) => Object.entries(a));
    expect(entries.length).toBeGreaterThan(0);
    for (const [id, reason] of entries) {
      expect(id).toMatch(/AwsSolutions-/);
      expect(reason.length, id).toBeGreaterThan(60);
    }
  });
});

/** Task states calling an activity → their TimeoutSeconds. */
function tasksCalling(definition: JsonValue, activity: string): number[] {
  const out: number[] = [];
  walk(definition, (state) => {
    if (state.Type === 'Task' && state.Resource === `\${${pascal(activity)}FunctionArn}`) out.push(state.TimeoutSeconds as number);
  });
  return out;
}

function tasksByState(definition: JsonValue): Record<string, string> {
  const out: Record<string, string> = {};
  walk(definition, (state, name) => {
    const m = typeof state.Resource === 'string' ? /^\$\{(.+)FunctionArn\}$/.exec(state.Resource) : null;
    if (state.Type === 'Task' && m) out[name] = kebabCase(m[1]!);
  });
  return out;
}

function walk(definition: JsonValue, visit: (state: Record<string, unknown>, name: string) => void): void {
  const states = (definition as { States?: Record<string, Record<string, unknown>> }).States ?? {};
  for (const [name, state] of Object.entries(states)) {
    visit(state, name);
    if (state.ItemProcessor) walk(state.ItemProcessor as JsonValue, visit);
    if (state.Iterator) walk(state.Iterator as JsonValue, visit);
    for (const b of (state.Branches as JsonValue[] | undefined) ?? []) walk(b, visit);
  }
}

function pascal(kebab: string): string {
  return kebab.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

function policiesOfRole(s: ReturnType<typeof synth>, roleId: string): Statement[] {
  return resourcesOf(s, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}

function resourcesAsStrings(st: Statement, s: ReturnType<typeof synth>): string[] {
  return (Array.isArray(st.Resource) ? st.Resource : [st.Resource]).map((r) => evaluate(r, s, SCOPE));
}
