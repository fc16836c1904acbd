/**
 * The stack is derived from the workflow files: a new activity or workflow
 * appears without a CDK change, and a placeholder nothing can fill fails synth.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors';
import { WorkflowDefinitionError } from '../../engine/errors';
import { PROJECT_ROOT } from '../../infra/stack';
import { loadCatalog } from '../../infra/workflow-catalog';
import { resourcesOf, synth } from './synth';

const REAL_WORKFLOWS = join(PROJECT_ROOT, 'infra/workflows');
const REAL_ACTIVITIES = join(PROJECT_ROOT, 'activities');

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the real workflows and activities plus `extra` workflow files and stub activity files for every name given. */
function fixture(extra: Record<string, unknown>, activities: string[]) {
  // Under the repository: NodejsFunction wants entries under its project root. test-artifacts/ is git-ignored.
  mkdirSync(join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
  const root = mkdtempSync(join(PROJECT_ROOT, 'test-artifacts', 'catalog-'));
  made.push(root);
  const workflowsDir = join(root, 'workflows');
  const activitiesDir = join(root, 'activities');
  cpSync(REAL_WORKFLOWS, workflowsDir, { recursive: true });
  cpSync(REAL_ACTIVITIES, activitiesDir, { recursive: true });
  for (const [file, definition] of Object.entries(extra)) writeFileSync(join(workflowsDir, file), JSON.stringify(definition));
  for (const name of activities) writeFileSync(join(activitiesDir, `${name}.ts`), 'export const handler = async () => ({});\n');
  return { workflowsDir, activitiesDir };
}

const task = (resource: string) => ({ StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, TimeoutSeconds: 45, End: true } } });

describe('loadCatalog', () => {
  it('finds every workflow and the activities their placeholders name', () => {
    const catalog = loadCatalog(REAL_WORKFLOWS, REAL_ACTIVITIES);
    expect(catalog.workflows.map((w) => w.name)).toEqual(['autoscale', 'boot-worker', 'drain-worker', 'scale']);
    expect(catalog.activities.find((a) => a.name === 'set-maintenance')?.workflows.sort()).toEqual(['boot-worker', 'drain-worker']);
    expect(catalog.workflows.find((w) => w.name === 'autoscale')?.stateMachines).toEqual({
      BootWorkerStateMachineArn: 'boot-worker',
      DrainWorkerStateMachineArn: 'drain-worker',
    });
  });

  it('fails on a placeholder without an activity file, an unknown workflow, or an unknown kind', () => {
    const missing = fixture({ 'audit.asl.json': task('${AuditClusterFunctionArn}') }, []);
    expect(() => loadCatalog(missing.workflowsDir, missing.activitiesDir)).toThrow(/audit-cluster\.ts, which does not exist/);
    const child = fixture({ 'audit.asl.json': { StartAt: 'S', States: { S: { Type: 'Pass', Parameters: { arn: '${NopeStateMachineArn}' }, End: true } } } }, []);
    expect(() => loadCatalog(child.workflowsDir, child.activitiesDir)).toThrow(WorkflowDefinitionError);
    const kind = fixture({ 'audit.asl.json': task('${BucketName}') }, []);
    expect(() => loadCatalog(kind.workflowsDir, kind.activitiesDir)).toThrow(/fills only/);
  });
});

describe('a new activity in a workflow file', () => {
  it('becomes a function with the read-only default grants and is wired into its workflow', () => {
    const dirs = fixture({ 'audit.asl.json': task('${AuditClusterFunctionArn}') }, ['audit-cluster']);
    const s = synth({}, dirs);
    const fn = resourcesOf(s, 'AWS::Lambda::Function').find(([, r]) => r.Properties.FunctionName === 'moscaler-c-audit-cluster');
    // 5 s under its Task's 45: the function's own timeout comes first.
    expect(fn?.[1].Properties.Timeout).toBe(40);
    const roleId = fn![1].Properties.Role['Fn::GetAtt'][0];
    const actions = resourcesOf(s, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((st: { Action: string | string[] }) => [st.Action].flat()))
      .filter((a: string) => !a.startsWith('logs:'))
      .sort();
    expect(actions).toEqual(['ec2:DescribeInstances', 'opsworks:DescribeInstances', 'opsworks:DescribeLayers', 'opsworks:DescribeStacks', 'secretsmanager:GetSecretValue']);
    s.template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'moscaler-c-audit' });
  });
});

describe('resource names', () => {
  it('fails synth when a prefix makes a function name longer than Lambda allows', () => {
    expect(() => synth({ resourcePrefix: 'x'.repeat(40) + '-' }).template).toThrow(ConfigError);
  });
});
