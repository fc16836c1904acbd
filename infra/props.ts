/**
 * What the deployed stack is given (`infra/config.json` or `-c` context keys),
 * validated at synth so that a bad config never reaches CloudFormation. The
 * settings the activities read from their environment go through core's
 * `resolveSettings` and the autoscale config through `parseAutoscaleConfig`:
 * the same rules as the CLI, so a value the stack accepts is one the Lambda
 * functions accept at cold start.
 */
import { z } from 'zod';
import { readCaBundle } from '../adapters/opencast/ca-bundle';
import { configErrorFrom, parseAutoscaleConfig, type AutoscaleConfig } from '../core/autoscale-config';
import { ConfigError } from '../core/errors';
import { DEFAULT_PROVIDER, resolveSettings, type Settings } from '../core/settings';

export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
type Weekday = (typeof WEEKDAYS)[number];

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Lambda's 4 KB for all environment variables, less what the ARNs the stack adds take (four, with a long prefix). */
const ENVIRONMENT_BUDGET = 3_250;

/** Scheduler rates that divide an hour evenly, so time-of-day windows partition the week into whole ticks. */
const SCHEDULE_MINUTES = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60];

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM (00:00 to 24:00)');

const minWorkersWindow = z
  .object({
    /** Shown in the schedule's description and the execution input's source. */
    name: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, - and _ (at most 32)'),
    days: z.array(z.enum(WEEKDAYS)).min(1),
    start: clockTime,
    end: clockTime,
    minWorkers: z.number().int().min(0).max(10_000),
  })
  .strict();

const scheduleSchema = z
  .object({
    /** One autoscale cycle every N minutes (EventBridge Scheduler's finest rate is one minute). */
    everyMinutes: z.number().int().refine((n) => SCHEDULE_MINUTES.includes(n), `must be one of ${SCHEDULE_MINUTES.join(', ')}`).default(1),
    /** IANA zone the windows' times are in; Scheduler follows its daylight-saving changes. */
    timeZone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. America/New_York)').default('UTC'),
    /** Deploy with the cycle switched off (e.g. a first deploy before the secret is filled in). */
    enabled: z.boolean().default(true),
    minWorkersWindows: z.array(minWorkersWindow).default([]),
  })
  .strict();

/** EC2 resource ids: a prefix and 8 (older resources) or 17 hex digits. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html */
const ec2Id = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`), `must be ${what} id (${prefix}- and 8 or 17 hex digits)`);

/** Lambda takes at most 16 subnets and 5 security groups per function (API_VpcConfig). */
const MAX_SUBNETS = 16;
const MAX_SECURITY_GROUPS = 5;

const arn = (service: string) => z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:.+`), `must be a ${service} ARN`);

const stackConfigSchema = z
  .object({
    cluster: z.string().min(1),
    /** Where to deploy; also the region of the OpsWorks stack or EC2 instances. */
    region: z.string(),
    /** Optional: without it the template is account-agnostic (resolved at deploy). */
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id').optional(),
    /** `ec2` (default) or the legacy `opsworks` (OpsWorks Stacks was disabled on 2024-05-26). */
    provider: z.enum(['opsworks', 'ec2']).default(DEFAULT_PROVIDER),
    /** The OpsWorks stack id: every OpsWorks permission is limited to this stack. Required for provider opsworks. */
    opsworksStackId: z.string().regex(/^[0-9a-f-]{36}$/, 'must be an OpsWorks stack id (a UUID)').optional(),
    opencastUrl: z.string().optional(),
    /** An existing secret holding {"user","password"}; without it the stack creates one for you to fill in. */
    opencastSecretArn: arn('secretsmanager').optional(),
    /** The user written into a secret the stack creates (its password is generated: set the real one after deploy). */
    opencastUser: z.string().min(1).default('opencast_system_account'),
    minWorkers: z.number().int().optional(),
    idleUptimeThreshold: z.number().int().optional(),
    /** Default `per-second` (core/settings.ts); `hourly` is the legacy choice. */
    billing: z.enum(['hourly', 'per-second']).optional(),
    /** Further settings with the CLI's meaning (see core/settings.ts); never credentials. */
    opencastAuth: z.enum(['digest', 'basic']).optional(),
    opencastTimeoutMs: z.number().int().optional(),
    queueSource: z.enum(['active-jobs', 'queued-job-count']).optional(),
    protectedWorkers: z.array(z.string().min(1)).optional(),
    protectTag: z.string().optional(),
    /** EC2 provider: the tag keys that find the cluster's instances, their role and hostname. */
    ec2ClusterTag: z.string().optional(),
    ec2RoleTag: z.string().optional(),
    ec2HostnameTag: z.string().optional(),
    /** The autoscale config (the CLI's `-c/--config` JSON), inline. */
    autoscale: z.unknown(),
    schedule: scheduleSchema.default({ everyMinutes: 1, timeZone: 'UTC', enabled: true, minWorkersWindows: [] }),
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => LOG_RETENTION_DAYS.includes(d), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`)
      .default(90),
    /** SNS topic the alarms notify; without it the alarms only show in the console. */
    alarmTopicArn: arn('sns').optional(),
    /**
     * The network the functions that call Opencast run in: the VPC, subnets and security groups
     * from which the Opencast admin node is reachable, by id (imported, never looked up: synth
     * stays offline). Without them the functions run outside any VPC and reach only a public Opencast.
     */
    vpcId: ec2Id('vpc', 'a VPC').optional(),
    subnetIds: z.array(ec2Id('subnet', 'a subnet')).min(1).max(MAX_SUBNETS).optional(),
    securityGroupIds: z.array(ec2Id('sg', 'a security group')).min(1).max(MAX_SECURITY_GROUPS).optional(),
    /**
     * Create interface endpoints for the AWS APIs the functions call (EC2, CloudWatch, Step Functions,
     * Secrets Manager) in `subnetIds`, one subnet per Availability Zone. Without them the subnets need
     * a route to a NAT gateway. docs/deploy.md says what each costs.
     */
    vpcEndpoints: z.boolean().default(false),
    /**
     * PEM file (from the repository root) of the CA that signed Opencast's https certificate, when it
     * is a private one: bundled with the functions and trusted for Opencast only.
     */
    opencastCaFile: z.string().min(1).optional(),
    /**
     * Customer-managed KMS keys (key ARNs, not aliases: IAM authorises a key's use by its key ARN) that
     * encrypt the workers' EBS volumes (provider ec2). The start function is granted what StartInstances
     * needs on them (infra/permissions.ts); without it such an instance goes pending → stopped. docs/deploy.md.
     */
    ebsKmsKeyArns: z.array(arn('kms').regex(/:key\/(mrk-[0-9a-f]{32}|[0-9a-f-]{36})$/, 'must be a KMS key ARN (…:key/<key id>), not an alias')).default([]),
    /** Prefix of every named resource (functions, state machines); default `moscaler-<cluster>-`. */
    resourcePrefix: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, - and _ (at most 40)').optional(),
  })
  .strict();

export type StackConfigInput = z.input<typeof stackConfigSchema>;

/** The imported network of the functions that call Opencast. */
export interface NetworkConfig {
  vpcId: string;
  subnetIds: string[];
  securityGroupIds: string[];
  /** Create interface endpoints for the AWS APIs in the subnets. */
  endpoints: boolean;
}

/** Where the functions find the CA bundle that is packaged with them (Lambda unpacks the code in /var/task). */
export const LAMBDA_CA_FILE = '/var/task/opencast-ca.pem';
export type ScheduleConfig = z.infer<typeof scheduleSchema>;
type MinWorkersWindow = z.infer<typeof minWorkersWindow>;

/** The validated config: what MoScalerStack is built from. */
export interface StackConfig {
  cluster: string;
  region: string;
  account?: string;
  provider: Settings['provider'];
  opsworksStackId?: string;
  opencastSecretArn?: string;
  opencastUser: string;
  /** The settings as the activities will resolve them from the environment below. */
  settings: Settings;
  autoscale: AutoscaleConfig;
  /** The activities' environment, except the ARNs only known inside the stack. */
  environment: Record<string, string>;
  schedule: ScheduleConfig;
  logRetentionDays: number;
  alarmTopicArn?: string;
  resourcePrefix: string;
  network?: NetworkConfig;
  /** The CA bundle to package with the functions: its path at synth. */
  opencastCaFile?: string;
  /** Customer-managed KMS keys of the workers' EBS volumes (provider ec2). */
  ebsKmsKeyArns?: string[];
}

/** Validates raw config (parsed JSON or context values); throws ConfigError naming the field under `where`. */
export function parseStackConfig(raw: unknown, where = 'config'): StackConfig {
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) throw configErrorFrom(where, parsed.error);
  const c = parsed.data;
  if (c.provider === 'opsworks' && !c.opsworksStackId) {
    throw new ConfigError(`${where}.opsworksStackId`, 'required for provider opsworks: the functions may act on this stack only');
  }
  if (c.provider === 'ec2' && c.opsworksStackId) {
    throw new ConfigError(`${where}.opsworksStackId`, 'only meaningful for provider opsworks');
  }
  if (c.provider !== 'ec2' && c.ebsKmsKeyArns.length > 0) {
    throw new ConfigError(`${where}.ebsKmsKeyArns`, 'only meaningful for provider ec2 (OpsWorks starts instances with its own service role)');
  }
  if (c.autoscale === undefined) throw new ConfigError(`${where}.autoscale`, 'required: the autoscale config (see config/autoscale.example.json)');
  const network = networkOf(c, where);
  if (c.opencastCaFile) readCaBundle(c.opencastCaFile, `${where}.opencastCaFile`);

  const environment = settingsEnvironment(c);
  // The same resolution the activities do at cold start (credentials come from the secret, so none here).
  const settings = withField(where, () => resolveSettings({ region: c.region }, environment, false));
  const autoscale = parseAutoscaleConfig(c.autoscale, `${where}.autoscale`);
  // Written out rather than left to defaults, so the function configuration shows the floor and billing in force.
  Object.assign(environment, {
    MOSCALER_PROVIDER: settings.provider,
    MOSCALER_MIN_WORKERS: String(settings.minWorkers),
    MOSCALER_IDLE_UPTIME_THRESHOLD: String(settings.idleUptimeThreshold),
    MOSCALER_BILLING: settings.billing,
    AUTOSCALE_CONFIG: JSON.stringify(autoscale),
  });
  checkWindows(c.schedule, `${where}.schedule.minWorkersWindows`);
  const size = Object.entries(environment).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > ENVIRONMENT_BUDGET) {
    throw new ConfigError(`${where}.autoscale`, `the functions' environment would take ${size} bytes; Lambda allows 4 KB in all (${ENVIRONMENT_BUDGET} here, the rest is ARNs)`);
  }

  return {
    cluster: settings.cluster,
    region: c.region,
    ...(c.account ? { account: c.account } : {}),
    provider: settings.provider,
    ...(c.opsworksStackId ? { opsworksStackId: c.opsworksStackId } : {}),
    ...(c.opencastSecretArn ? { opencastSecretArn: c.opencastSecretArn } : {}),
    opencastUser: c.opencastUser,
    settings,
    autoscale,
    environment,
    schedule: c.schedule,
    logRetentionDays: c.logRetentionDays,
    ...(c.alarmTopicArn ? { alarmTopicArn: c.alarmTopicArn } : {}),
    resourcePrefix: c.resourcePrefix ?? defaultPrefix(settings.cluster),
    ...(network ? { network } : {}),
    ...(c.opencastCaFile ? { opencastCaFile: c.opencastCaFile } : {}),
    ...(c.ebsKmsKeyArns.length > 0 ? { ebsKmsKeyArns: c.ebsKmsKeyArns } : {}),
  };
}

/**
 * The network keys go together: subnets and security groups belong to a VPC, a
 * function in a VPC needs subnets and a security group, endpoints need a VPC.
 */
function networkOf(c: z.infer<typeof stackConfigSchema>, where: string): NetworkConfig | undefined {
  if (!c.vpcId) {
    for (const key of ['subnetIds', 'securityGroupIds'] as const) {
      if (c[key]) throw new ConfigError(`${where}.vpcId`, `required with ${key}: give the VPC they belong to`);
    }
    if (c.vpcEndpoints) throw new ConfigError(`${where}.vpcEndpoints`, 'needs vpcId, subnetIds and securityGroupIds: the endpoints are made in that VPC');
    return undefined;
  }
  if (!c.subnetIds) throw new ConfigError(`${where}.subnetIds`, 'required with vpcId: the subnets the functions run in (private ones, from which Opencast is reachable)');
  if (!c.securityGroupIds) throw new ConfigError(`${where}.securityGroupIds`, 'required with vpcId: the security group(s) Opencast admits');
  for (const key of ['subnetIds', 'securityGroupIds'] as const) {
    const seen = new Set<string>();
    c[key]!.forEach((id, i) => {
      if (seen.has(id)) throw new ConfigError(`${where}.${key}.${i}`, `${id} is listed twice`);
      seen.add(id);
    });
  }
  return { vpcId: c.vpcId, subnetIds: c.subnetIds, securityGroupIds: c.securityGroupIds, endpoints: c.vpcEndpoints };
}

/** `moscaler-<cluster>-` with the cluster name reduced to what resource names allow. */
export function defaultPrefix(cluster: string): string {
  const slug = cluster.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24);
  return `moscaler-${slug || 'cluster'}-`;
}

/** The config as the MOSCALER_* variables core/settings.ts reads (only those that are set). */
function settingsEnvironment(c: z.infer<typeof stackConfigSchema>): Record<string, string> {
  const env: Record<string, string | undefined> = {
    MOSCALER_CLUSTER: c.cluster,
    MOSCALER_PROVIDER: c.provider,
    MOSCALER_OPENCAST_URL: c.opencastUrl,
    MOSCALER_MIN_WORKERS: c.minWorkers?.toString(),
    MOSCALER_IDLE_UPTIME_THRESHOLD: c.idleUptimeThreshold?.toString(),
    MOSCALER_BILLING: c.billing,
    MOSCALER_OPENCAST_AUTH: c.opencastAuth,
    MOSCALER_OPENCAST_TIMEOUT_MS: c.opencastTimeoutMs?.toString(),
    MOSCALER_QUEUE_SOURCE: c.queueSource,
    MOSCALER_PROTECTED_WORKERS: c.protectedWorkers?.join(','),
    MOSCALER_PROTECT_TAG: c.protectTag,
    MOSCALER_EC2_CLUSTER_TAG: c.ec2ClusterTag,
    MOSCALER_EC2_ROLE_TAG: c.ec2RoleTag,
    MOSCALER_EC2_HOSTNAME_TAG: c.ec2HostnameTag,
    MOSCALER_OPENCAST_CA_FILE: c.opencastCaFile ? LAMBDA_CA_FILE : undefined,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Maps core's variable names in errors back to the config key the user wrote. */
const FIELD_OF_VARIABLE: Record<string, string> = {
  MOSCALER_CLUSTER: 'cluster',
  '--cluster': 'cluster',
  '--region': 'region',
  MOSCALER_PROVIDER: 'provider',
  MOSCALER_OPENCAST_URL: 'opencastUrl',
  MOSCALER_MIN_WORKERS: 'minWorkers',
  MOSCALER_IDLE_UPTIME_THRESHOLD: 'idleUptimeThreshold',
  MOSCALER_BILLING: 'billing',
  MOSCALER_OPENCAST_AUTH: 'opencastAuth',
  MOSCALER_OPENCAST_TIMEOUT_MS: 'opencastTimeoutMs',
  MOSCALER_QUEUE_SOURCE: 'queueSource',
  MOSCALER_PROTECT_TAG: 'protectTag',
  MOSCALER_EC2_CLUSTER_TAG: 'ec2ClusterTag',
  MOSCALER_EC2_ROLE_TAG: 'ec2RoleTag',
  MOSCALER_EC2_HOSTNAME_TAG: 'ec2HostnameTag',
};

function withField<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ConfigError) {
      const key = FIELD_OF_VARIABLE[error.field] ?? error.field;
      throw new ConfigError(`${where}.${key}`, error.message.slice(error.field.length + 2), { cause: error });
    }
    throw error;
  }
}

/** Minutes since midnight; 24:00 is the end of the day. */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
}

/**
 * Windows must have distinct names, be non-empty, start and end on a tick of the schedule, and not
 * overlap on any day: two floors at once would make two cycles decide
 * differently in the same minute.
 */
function checkWindows(schedule: ScheduleConfig, where: string): void {
  const taken = new Map<string, string>();
  const names = new Set<string>();
  schedule.minWorkersWindows.forEach((w, i) => {
    // The name labels the window's schedules and their input: one name, one floor.
    if (names.has(w.name)) throw new ConfigError(`${where}.${i}`, `another window is already named "${w.name}"`);
    names.add(w.name);
    const start = minutesOf(w.start);
    const end = minutesOf(w.end);
    if (start >= end) throw new ConfigError(`${where}.${i}`, `start ${w.start} must be before end ${w.end} (split a window that crosses midnight in two)`);
    for (const t of [start, end]) {
      if (t % schedule.everyMinutes !== 0) {
        throw new ConfigError(`${where}.${i}`, `${w.start}-${w.end} must start and end on a multiple of everyMinutes (${schedule.everyMinutes})`);
      }
    }
    for (const day of new Set(w.days)) {
      for (let t = start; t < end; t += schedule.everyMinutes) {
        const other = taken.get(`${day}@${t}`);
        if (other !== undefined) throw new ConfigError(`${where}.${i}`, `overlaps window "${other}" on ${day}`);
        taken.set(`${day}@${t}`, w.name);
      }
    }
  });
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
