/**
 * MoScalerStack: the workflows in infra/workflows as Step Functions state
 * machines, one Lambda function per activity they call, the schedule of the
 * autoscale cycle, the Opencast credentials in Secrets Manager, logs, alarms
 * and least-privilege roles. Everything is derived from the workflow files
 * and the validated config (infra/props.ts).
 */
import { resolve } from 'node:path';
import { ArnFormat, Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { pascalCase } from '../engine/arn';
import { ConfigError } from '../core/errors';
import { ActivityFunction, localEsbuild } from './activity-function';
import { MoScalerAlarms } from './alarms';
import { MoScalerDashboard } from './dashboard';
import { FunctionNetwork } from './network';
import { acknowledge } from './nag';
import { capabilitiesOf, grantsFor } from './permissions';
import { mayRemember } from '../core/policies';
import { LAMBDA_CA_FILE, type StackConfig } from './props';
import { CycleSchedules } from './schedules';
import { loadCatalog, type Catalog } from './workflow-catalog';
import { WorkflowStateMachine } from './workflow-state-machine';

/** The repository root (this file is infra/stack.ts). */
export const PROJECT_ROOT = resolve(import.meta.dirname, '..');

/** The workflow the schedule starts. */
const SCHEDULED_WORKFLOW = 'autoscale';
/** The workflow operators start by hand in the console (docs/console.md). */
const CONSOLE_WORKFLOW = 'scale';
/** Errors its Plan refuses a request with (a bad field, an unknown worker, a rule it breaks), before doing anything: not incidents. */
export const CONSOLE_REFUSALS: readonly string[] = ['ConfigError', 'WorkerNotFoundError', 'ScalingError'];
/** The activity that puts a worker stranded in maintenance back in service (one Task per stranded worker). */
const RELEASE_ACTIVITY = 'release-maintenance';
/** The plan steps (plan-scale runs plan-cycle's): they read the last cycle's serving memory whatever the policy. */
const READS_SERVING_MEMORY: ReadonlySet<string> = new Set(['plan-cycle', 'plan-scale']);

const LAMBDA_NAME_MAX = 64;
const STATE_MACHINE_NAME_MAX = 80;

export interface MoScalerStackProps extends StackProps {
  config: StackConfig;
  /** Defaults: `<repo>/infra/workflows`, `<repo>/activities`. */
  workflowsDir?: string;
  activitiesDir?: string;
}

export class MoScalerStack extends Stack {
  readonly catalog: Catalog;
  readonly functions: Record<string, ActivityFunction> = {};
  readonly workflows: Record<string, WorkflowStateMachine> = {};
  readonly secret: ISecret;
  readonly network?: FunctionNetwork;

  constructor(scope: Construct, id: string, props: MoScalerStackProps) {
    super(scope, id, {
      ...props,
      env: { region: props.config.region, ...(props.config.account ? { account: props.config.account } : {}) },
      description: `mo-scaler: autoscales the Opencast workers of cluster ${props.config.cluster}`,
    });
    const config = props.config;
    const prefix = config.resourcePrefix;
    this.catalog = loadCatalog(props.workflowsDir ?? resolve(PROJECT_ROOT, 'infra/workflows'), props.activitiesDir ?? resolve(PROJECT_ROOT, 'activities'));
    checkNames(prefix, this.catalog);
    localEsbuild(PROJECT_ROOT);
    const retention = config.logRetentionDays as RetentionDays;

    this.secret = this.opencastSecret(config);

    // ARNs built from the fixed names, not Refs: functions read them and workflows may start themselves, so Refs would cycle.
    const stateMachineArns = Object.fromEntries(
      this.catalog.workflows.map((w) => [
        w.name,
        this.formatArn({ service: 'states', resource: 'stateMachine', resourceName: `${prefix}${w.name}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ]),
    );
    const children = [...new Set(this.catalog.workflows.flatMap((w) => Object.values(w.stateMachines)))].sort();
    // A policy that remembers reads its memory from the last autoscale execution's output (policy-memory.ts); the plan
    // steps read it whatever the policy, for when each worker was last seen serving (activities/support/serving-memory.ts).
    const cycles = SCHEDULED_WORKFLOW in stateMachineArns;
    const remembers = mayRemember(config.autoscale.policy) && cycles;
    // The namespace of the metrics the stack derives from logs and the cycles publish (EMF); one service dimension.
    const metricsNamespace = `MoScaler/${prefix.replace(/-+$/, '')}`;
    const environment: Record<string, string> = {
      ...config.environment,
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      POWERTOOLS_SERVICE_NAME: config.cluster,
      MOSCALER_OPENCAST_SECRET_ARN: this.secret.secretArn,
      ...Object.fromEntries(children.map((w) => [`MOSCALER_${w.toUpperCase().replace(/-/g, '_')}_STATE_MACHINE_ARN`, stateMachineArns[w]!])),
      // The plan step lists running cycles (and, for a policy that remembers, reads the last one's output).
      ...(SCHEDULED_WORKFLOW in stateMachineArns ? { MOSCALER_AUTOSCALE_STATE_MACHINE_ARN: stateMachineArns[SCHEDULED_WORKFLOW]! } : {}),
      // The SDK's Node-version support warning at each cold start: nothing to act on inside Lambda.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      NODE_OPTIONS: '--enable-source-maps',
    };

    const scopeOfGrants = {
      provider: config.provider,
      cluster: config.cluster,
      clusterTagKey: config.settings.ec2Tags.cluster,
      ...(config.opsworksStackId
        ? { opsworksStackArn: `arn:${Aws.PARTITION}:opsworks:${this.region}:${Aws.ACCOUNT_ID}:stack/${config.opsworksStackId}/` }
        : {}),
      ...(config.provider === 'ec2' ? { ec2InstanceArns: `arn:${Aws.PARTITION}:ec2:${this.region}:${Aws.ACCOUNT_ID}:instance/*` } : {}),
      secretArn: this.secret.secretArn,
      childStateMachineArns: children.map((w) => stateMachineArns[w]!),
      childExecutionArns: children.map((w) => this.formatArn({ service: 'states', resource: 'execution', resourceName: `${prefix}${w}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
      ...(config.ebsKmsKeyArns ? { ebsKmsKeyArns: config.ebsKmsKeyArns } : {}),
      ...(SCHEDULED_WORKFLOW in stateMachineArns ? { autoscaleStateMachineArn: stateMachineArns[SCHEDULED_WORKFLOW]! } : {}),
      ...(cycles
        ? {
            autoscaleExecutionArns: this.formatArn({ service: 'states', resource: 'execution', resourceName: `${prefix}${SCHEDULED_WORKFLOW}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          }
        : {}),
    };
    if (config.network) this.network = new FunctionNetwork(this, 'Network', { config: config.network, provider: config.provider });
    for (const spec of this.catalog.activities) {
      // The functions that call Opencast run where its admin node is reachable, and carry its CA.
      const callsOpencast = capabilitiesOf(spec.name).includes('opencast');
      this.functions[spec.name] = new ActivityFunction(this, `${pascalCase(spec.name)}Activity`, {
        spec,
        functionName: `${prefix}${spec.name}`,
        // A function without the bundled CA must not be told to read it (the wiring reads it at cold start).
        environment: callsOpencast ? environment : withoutCaFile(environment),
        grants: grantsFor(
          capabilitiesOf(spec.name).filter((c) => c !== 'cycle-memory' || remembers || (cycles && READS_SERVING_MEMORY.has(spec.name))),
          scopeOfGrants,
        ),
        logRetention: retention,
        projectRoot: PROJECT_ROOT,
        ...(this.network && callsOpencast ? { network: this.network } : {}),
        ...(config.opencastCaFile && callsOpencast ? { caFile: { source: config.opencastCaFile, bundledAs: LAMBDA_CA_FILE.split('/').pop()! } } : {}),
      });
    }

    const fns: Record<string, IFunction> = Object.fromEntries(Object.entries(this.functions).map(([k, v]) => [k, v.fn]));
    for (const spec of this.catalog.workflows) {
      this.workflows[spec.name] = new WorkflowStateMachine(this, `${pascalCase(spec.name)}Workflow`, {
        spec,
        stateMachineName: `${prefix}${spec.name}`,
        functions: fns,
        stateMachineArns,
        logRetention: retention,
      });
    }
    // Children first, so a parent never starts a state machine that does not exist yet.
    for (const spec of this.catalog.workflows) {
      for (const child of Object.values(spec.stateMachines)) {
        if (child !== spec.name) this.workflows[spec.name]!.node.addDependency(this.workflows[child]!);
      }
    }

    const scheduled = this.workflows[SCHEDULED_WORKFLOW];
    if (!scheduled) throw new ConfigError('infra/workflows', `no ${SCHEDULED_WORKFLOW}.asl.json: the schedule has nothing to start`);
    new CycleSchedules(this, 'Schedule', { stateMachine: scheduled.stateMachine, schedule: config.schedule });

    const machines: Record<string, StateMachine> = Object.fromEntries(Object.entries(this.workflows).map(([k, v]) => [k, v.stateMachine]));
    const alarms = new MoScalerAlarms(this, 'Alarms', {
      prefix,
      namespace: metricsNamespace,
      cycleMetrics: { namespace: metricsNamespace, service: config.cluster, everyMinutes: config.schedule.everyMinutes },
      stateMachines: machines,
      ...(config.schedule.enabled ? { scheduled: { workflow: SCHEDULED_WORKFLOW, everyMinutes: config.schedule.everyMinutes } } : {}),
      stranded: {
        logGroup: scheduled.logGroup,
        releaseStates: Object.entries(scheduled.spec.tasks)
          .filter(([, t]) => t.activity === RELEASE_ACTIVITY)
          .map(([state]) => state),
      },
      // The console's scale: a request Plan refuses changed nothing; the operator sees it red in the console.
      ...(this.workflows[CONSOLE_WORKFLOW] ? { rejections: { workflow: CONSOLE_WORKFLOW, logGroup: this.workflows[CONSOLE_WORKFLOW].logGroup, errors: CONSOLE_REFUSALS } } : {}),
      ...(config.alarmTopicArn ? { alarmTopicArn: config.alarmTopicArn } : {}),
    });

    const dashboard = new MoScalerDashboard(this, 'Dashboard', {
      dashboardName: prefix.replace(/-+$/, ''),
      namespace: metricsNamespace,
      service: config.cluster,
      stateMachines: machines,
      alarms: alarms.alarms,
    });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName, description: 'CloudWatch dashboard of the cycles: queue, workers by state, actions, metric gaps' });

    for (const [name, wf] of Object.entries(this.workflows)) {
      new CfnOutput(this, `${pascalCase(name)}StateMachineArn`, { value: wf.stateMachine.stateMachineArn, description: `state machine of workflow ${name}` });
    }
    new CfnOutput(this, 'ResourcePrefix', { value: prefix, description: 'moscaler --engine aws finds the state machines as <prefix><workflow>' });
    new CfnOutput(this, 'OpencastSecretArn', { value: this.secret.secretArn, description: 'put {"user","password"} here' });
  }

  /** The existing secret named in the config, or a new one whose password the operator sets after deploy. */
  private opencastSecret(config: StackConfig): ISecret {
    if (config.opencastSecretArn) return Secret.fromSecretCompleteArn(this, 'OpencastCredentials', config.opencastSecretArn);
    const secret = new Secret(this, 'OpencastCredentials', {
      secretName: `${config.resourcePrefix}opencast`,
      description: `Opencast system account for mo-scaler (${config.cluster}): {"user","password"}; set the real password after deploy`,
      // A random placeholder: the template never holds the password, and the functions fail with AuthError until it is set.
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ user: config.opencastUser }),
        generateStringKey: 'password',
        excludePunctuation: true,
        passwordLength: 32,
      },
    });
    acknowledge(
      secret,
      'AwsSolutions-SMG4',
      "The password is Opencast's (its system account); rotating it here without changing it in Opencast would lock the scaler out. Rotate it in Opencast, then put the new value here.",
    );
    return secret;
  }
}

function withoutCaFile(environment: Record<string, string>): Record<string, string> {
  const { MOSCALER_OPENCAST_CA_FILE: _, ...rest } = environment;
  return rest;
}

/** Lambda and Step Functions name limits, checked at synth with the real names. */
function checkNames(prefix: string, catalog: Catalog): void {
  for (const a of catalog.activities) {
    if (prefix.length + a.name.length > LAMBDA_NAME_MAX) {
      throw new ConfigError('config.resourcePrefix', `"${prefix}${a.name}" is longer than Lambda's ${LAMBDA_NAME_MAX} characters; choose a shorter resourcePrefix`);
    }
  }
  for (const w of catalog.workflows) {
    if (prefix.length + w.name.length > STATE_MACHINE_NAME_MAX) {
      throw new ConfigError('config.resourcePrefix', `"${prefix}${w.name}" is longer than Step Functions' ${STATE_MACHINE_NAME_MAX} characters`);
    }
  }
}
