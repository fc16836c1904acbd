/**
 * A function's environment as the stack sets it (infra/stack.ts), built from
 * resolved settings instead of the stack config: the settings as the MOSCALER_*
 * variables core/settings.ts reads, the autoscale config, the secret's ARN (never
 * the credentials), the state machines' ARNs and the activity it runs. The
 * simulated deployment gives it to each function's Lambda handler.
 */
import type { AutoscaleConfig } from '../core/autoscale-config';
import type { Settings } from '../core/settings';
import { ACTIVITY_VARIABLE } from './lambda-entry';
import { SECRET_ARN_VARIABLE } from './lambda-runtime';
import { workflowArnVariable } from './workflow-arns';

/** The settings as variables; resolveSettings of them (plus credentials) gives the same settings back, state dir aside. */
export function settingsEnvironment(settings: Settings): Record<string, string> {
  return {
    MOSCALER_CLUSTER: settings.cluster,
    MOSCALER_PROVIDER: settings.provider,
    MOSCALER_EC2_CLUSTER_TAG: settings.ec2Tags.cluster,
    MOSCALER_EC2_ROLE_TAG: settings.ec2Tags.role,
    MOSCALER_EC2_HOSTNAME_TAG: settings.ec2Tags.hostname,
    MOSCALER_OPENCAST_AUTH: settings.opencast.auth,
    ...(settings.opencast.url ? { MOSCALER_OPENCAST_URL: settings.opencast.url } : {}),
    MOSCALER_OPENCAST_TIMEOUT_MS: String(settings.opencast.timeoutMs),
    MOSCALER_QUEUE_SOURCE: settings.opencast.queueSource,
    ...(settings.opencast.caFile ? { MOSCALER_OPENCAST_CA_FILE: settings.opencast.caFile } : {}),
    // Lambda sets AWS_REGION itself; a function reaches AWS through its region's endpoints.
    ...(settings.aws.region ? { AWS_REGION: settings.aws.region } : {}),
    MOSCALER_MIN_WORKERS: String(settings.minWorkers),
    MOSCALER_IDLE_UPTIME_THRESHOLD: String(settings.idleUptimeThreshold),
    MOSCALER_BILLING: settings.billing,
    ...(settings.protectedWorkers.length > 0 ? { MOSCALER_PROTECTED_WORKERS: settings.protectedWorkers.join(',') } : {}),
    MOSCALER_PROTECT_TAG: `${settings.protectTag.key}=${settings.protectTag.value}`,
  };
}

export interface FunctionEnvironmentInput {
  settings: Settings;
  autoscaleConfig?: AutoscaleConfig;
  secretArn: string;
  /** Workflow name → state machine ARN. */
  stateMachineArns: Readonly<Record<string, string>>;
}

export function functionEnvironment(input: FunctionEnvironmentInput, activity: string): Record<string, string> {
  return {
    ...settingsEnvironment(input.settings),
    ...(input.autoscaleConfig ? { AUTOSCALE_CONFIG: JSON.stringify(input.autoscaleConfig) } : {}),
    [SECRET_ARN_VARIABLE]: input.secretArn,
    ...Object.fromEntries(Object.entries(input.stateMachineArns).map(([workflow, arn]) => [workflowArnVariable(workflow), arn])),
    [ACTIVITY_VARIABLE]: activity,
  };
}
