/**
 * Scenario files: the starting cluster, its workload and its faults, as JSON.
 * The zod schema is the single source: it validates, fills documented
 * defaults, and generates scenarios/scenario.schema.json. Every error names
 * the field by its JSON path (e.g. `workers[2].instanceType`).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../../core/errors';
import { documentError, pathText, unreadableText } from '../../core/config-problems';
import { parseJsonText } from '../../core/json-text';
import { SPAN, spanMs } from '../../core/duration';
import { DEFAULT_HOST_URL_TAG } from '../../core/settings';
import { BASE_URL_FORMS, baseUrlFor } from './cluster-types';
import { DEFAULT_LAGS } from './consistency';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
const OFFSET = new RegExp(`^[+-]${SPAN.source.slice(1)}`);
const AT = new RegExp(`${ISO.source}|${OFFSET.source}`);

const IsoTime = z
  .string()
  .regex(ISO, { message: 'expected an ISO-8601 time with zone, e.g. 2025-09-08T00:00:00Z', abort: true })
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a valid date');

/** An ISO time, or an offset from `start` such as `+10m`, `+2h`, `+1d`, `+1d2h30m`, `-5m`. */
const At = z
  .string()
  .regex(AT, { message: 'expected an ISO time (2025-09-08T09:00:00Z) or an offset from start like +10m, +2h, +1d', abort: true })
  .refine((s) => OFFSET.test(s) || !Number.isNaN(Date.parse(s)), 'not a valid date')
  .describe('ISO-8601 time, or an offset from `start` such as +10m, +2h, +1d, -5m');

const OPSWORKS_STATUSES = [
  'requested',
  'pending',
  'booting',
  'running_setup',
  'online',
  'stopping',
  'stopped',
  'start_failed',
  'setup_failed',
  'connection_lost',
  'terminated',
] as const;

export const FAULT_KINDS = [
  'schedule-unavailable',
  'schedule-stale',
  'schedule-missing',
  'opencast-down',
  'opencast-slow',
  'opencast-garbage',
  'aws-throttle',
  'aws-5xx',
  // AWS reads are eventually consistent, always (`consistency`, sim/model/consistency.ts); in the window every lag
  // is 5 s longer (target `stepfunctions` or `ec2` for one service's reads; none for both).
  'list-lag',
  // Lambda reuses an execution environment, then shuts it down; the next invocation initialises a fresh one
  // (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html). In the window every
  // invocation is cold (target: one activity's function, e.g. plan-cycle).
  'cold-start',
  'start-failure',
  'insufficient-capacity',
  'setup-failed',
  'connection-lost',
  'never-registers',
  'metrics-missing',
  'kill-scaler',
  // A node's org.opencastproject.server.url changes and its Opencast restarts: the old host row goes offline
  // (ServiceRegistryJpaImpl.unregisterHost on deactivate: its running jobs RESTART), a row under the new URL
  // registers (registerHost); at the window's end it moves back, and registerHost finds the old row, maintenance
  // flag and all. Target: one node (default every worker).
  'host-moved',
  // A capture agent offline: the captures scheduled to start in the window never arrive. The event keeps no
  // workflow and no recording state, so Event.updateEventStatus (opencast elasticsearch-index Event.java) leaves
  // it EVENTS.EVENTS.STATUS.SCHEDULED for ever. Target: one capture agent (room), default all.
  'capture-missed',
  // The system account's password is rotated at the window's start: Opencast's (org.opencastproject.security.digest.pass)
  // and the secret's AWSCURRENT version change at that instant
  // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html).
  'password-rotated',
  // Someone starts a boot or drain of the target worker by hand in the Step Functions console, which names an
  // execution with a UUID by default (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html:
  // "If you don't provide a name for the execution, Step Functions automatically generates a universally unique
  // identifier (UUID)"). Honoured by the soak's runner (reliability/run-day.ts), which starts it.
  'console-execution',
] as const;

/** Fault kinds that break a boot (the scaler can still act while they last). */
export const BOOT_FAULTS: ReadonlySet<(typeof FAULT_KINDS)[number]> = new Set([
  'start-failure',
  'insufficient-capacity',
  'setup-failed',
  'connection-lost',
  'never-registers',
]);

/** Fault kinds whose answers arrive later on the virtual clock (a waiting activity must say so: engine/activity.ts). */
const DELAYING_FAULTS: ReadonlySet<(typeof FAULT_KINDS)[number]> = new Set(['opencast-slow']);

/** Does anything in this scenario answer late on the virtual clock? */
export function delaysAnswers(scenario: Pick<Scenario, 'faults'>): boolean {
  return scenario.faults.some((f) => DELAYING_FAULTS.has(f.kind));
}

/**
 * Bounds that keep a hostile or mistyped scenario from exhausting memory or
 * running for ever: far beyond any real cluster (Harvard's peak is ten workers
 * of 50), a term's workload, and a year of virtual time.
 */
const MAX_WORKERS = 1000;
const MAX_JOBS = 100_000;
const MAX_RUN_MS = 366 * 86_400_000;

const InstanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'expected an EC2 instance type such as c5.9xlarge');

/** `[Aa][Dd]...`: a pattern JSON Schema editors apply case-insensitively too (JSON Schema regexes take no flags). */
function anyCase(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))).join('');
}

/** One of `values` in any case (OpsWorks writes layer names `Admin`, `Workers`), read as lower case. */
function anyCaseEnum<const T extends readonly string[]>(values: T) {
  const pattern = new RegExp(`^(?:${values.map(anyCase).join('|')})$`);
  return z
    .string()
    .regex(pattern, `expected ${values.join(', ')} (any case)`)
    .transform((v) => v.toLowerCase() as T[number]);
}

/** A node's `org.opencastproject.server.url`: a form, or a literal http(s) URL (docs/host-matching.md). */
const BaseUrl = z
  .string()
  .refine(
    (v) => (BASE_URL_FORMS as readonly string[]).includes(v) || /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v),
    `expected one of ${BASE_URL_FORMS.join(', ')} or an http(s) URL`,
  )
  .describe(
    "Extra: its Opencast org.opencastproject.server.url: private-dns (default, http://<private DNS>), name-port (http://<hostname>:8080), fqdn (https://<hostname>.example.edu), ip-port (http://<private IP>:8080), localhost (http://localhost:8080, Opencast's default) or a literal URL",
  );

const WorkerSchema = z.strictObject({
  hostname: z.string().min(1).describe('The scaler expects `worker...`; with `count`, `{n}` is replaced by 1..count'),
  instanceType: InstanceType.default('c5.9xlarge'),
  state: z.enum(OPSWORKS_STATUSES).default('stopped').describe('OpsWorks status at `start`'),
  hasEc2: z.boolean().optional().describe('Has an EC2 instance already; default: true unless stopped'),
  uptimeMinutes: z.number().nonnegative().default(0).describe('Minutes since EC2 launch at `start` (running states)'),
  runningJobs: z.number().int().nonnegative().max(1000).default(0).describe('Jobs running on it at `start` (online, registered)'),
  maintenance: z.boolean().default(false).describe('Opencast maintenance flag (kept across restarts)'),
  registered: z.boolean().optional().describe('Known to Opencast; default: true when online'),
  count: z.number().int().min(1).max(MAX_WORKERS).optional().describe('Extra: this many identical workers'),
  from: z.number().int().nonnegative().optional().describe('Extra: first {n} with count (default 1)'),
  maxLoad: z.number().positive().optional().describe('Extra: Opencast max load; default the type\'s vCPU'),
  autoScalingType: z.enum(['load', 'timer']).optional().describe('Extra: OpsWorks time/load-based instance'),
  protected: z.boolean().optional().describe('Extra: tagged opencast:protected=true, so the scaler never drains it'),
  baseUrl: BaseUrl.optional(),
  baseUrlTag: z.boolean().optional().describe(`Extra: tagged ${DEFAULT_HOST_URL_TAG}=<its base_url>, the scaler's explicit match`),
});

const OtherSchema = z.strictObject({
  hostname: z.string().min(1),
  layer: anyCaseEnum(['admin', 'engage', 'ingest', 'monitoring', 'worker'] as const).describe(
    'admin, engage, ingest or monitoring, any case (OpsWorks writes Admin); worker only for a node outside the cluster (with `cluster`)',
  ),
  instanceType: InstanceType.default('m5.xlarge'),
  uptimeMinutes: z.number().nonnegative().default(10_080),
  baseUrl: BaseUrl.optional(),
  // Opencast registers every node with org.opencastproject.server.maxload, default its cores (ServiceRegistryJpaImpl.activate).
  maxLoad: z.number().positive().optional().describe("Extra: its Opencast max load; default the type's vCPU"),
  runningJobs: z
    .number()
    .int()
    .nonnegative()
    .max(1000)
    .default(0)
    .describe('Extra: jobs running on it at `start` (workflow jobs on admin, ingest on ingest, distribution on engage), 30, 60, 90 ... minutes long'),
  cluster: z
    .string()
    .min(1)
    .optional()
    .describe("Extra (provider ec2): its opencast:cluster tag; another cluster's name puts it outside this cluster while it stays registered in this Opencast"),
});

/**
 * A host row left behind by an instance that no longer exists (terminated, or a node renamed): Opencast keeps a
 * row per base_url for ever; unregisterHost only sets it offline (ServiceRegistryJpaImpl.unregisterHost), and a
 * crashed node's row stays online (reference/opencast-api.md section 3).
 */
const StaleHostSchema = z.strictObject({
  baseUrl: z.string().regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'expected an http(s) URL').describe('Its base_url'),
  maxLoad: z.number().positive().default(36),
  online: z.boolean().default(false).describe('true: a node that died without unregistering'),
  maintenance: z.boolean().default(false),
});

const QueueSchema = z
  .strictObject({
    queued: z.number().int().nonnegative().max(MAX_JOBS).default(0).describe('Jobs QUEUED at `start`'),
    queuedHighLoad: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe('Of those, high-load (encode, load 4, 20 min); the rest are publish jobs (load 0.1, 1 min)'),
  })
  .prefault({});

/** 1.x-2.0 used `matterhorn_system_account`, 2.1+ `opencast_system_account`; the password default is `CHANGE_ME`. */
function defaultOpencastUser(version: string): string {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major < 2 || (major === 2 && minor < 1) ? 'matterhorn_system_account' : 'opencast_system_account';
}

const OpencastSchema = z
  .strictObject({
    version: z.string().regex(/^\d+(\.\d+)*$/, 'expected a version such as 1.6, 2.3, 15.0').default('15.0'),
    user: z.string().min(1).optional().describe('Default: matterhorn_system_account (< 2.1) or opencast_system_account'),
    password: z.string().default('CHANGE_ME'),
    queuedJobCountEndpoint: z.boolean().default(false).describe("Extra: DCE fork's /workflow/queuedJobCount"),
    staleHosts: z.array(StaleHostSchema).max(MAX_WORKERS).default([]).describe('Extra: host rows of instances that no longer exist'),
  })
  .transform((o) => ({ ...o, user: o.user ?? defaultOpencastUser(o.version) }))
  .prefault({});

const DimensionSchema = z.strictObject({
  name: z.enum(['LayerId', 'InstanceId', 'StackId', 'InstanceType', 'AutoScalingGroupName', 'ImageId']),
  value: z.string().min(1).optional().describe('The literal dimension value'),
  layer: z.string().min(1).optional().describe('LayerId of the layer with this name or shortname, any case (e.g. Workers)'),
  hostname: z
    .string()
    .min(1)
    .optional()
    .describe('InstanceId of this instance: OpsWorks id in AWS/OpsWorks, else its EC2 id'),
});

const MetricSchema = z.strictObject({
  namespace: z.string().min(1),
  metric: z.string().min(1),
  dimension: DimensionSchema,
  datapoints: z.array(z.strictObject({ at: At, value: z.number() })).min(1).max(MAX_JOBS),
});

const CloudWatchSchema = z
  .strictObject({
    opsworks: z
      .boolean()
      .optional()
      .describe('AWS/OpsWorks load_1 by LayerId, published by OpsWorks until it was disabled (2024-05-26); default: true for provider opsworks'),
    queueMetric: z
      .boolean()
      .optional()
      .describe("Harvard DCE's OpencastJobsQueued/MatterhornJobsQueued in AWS/OpsworksCustom, pushed by a script on the monitoring node; default: true for provider opsworks"),
    ec2Monitoring: z
      .enum(['basic', 'detailed'])
      .default('basic')
      .describe('AWS/EC2 CPUUtilization of each running instance: basic = 5-minute periods (free), detailed = 1-minute periods, also by InstanceType'),
    ec2Delay: z.boolean().default(true).describe('EC2 datapoints become readable 1-3 minutes after their period ends'),
  })
  .prefault({});

const ExplicitJobSchema = z.strictObject({
  at: At,
  workflowOperation: z.string().min(1).default('encode').describe('e.g. encode, composite, inspect, publish-engage'),
  load: z.number().positive().optional().describe("Default: the operation's Opencast default"),
  durationMinutes: z.number().positive().optional(),
  durationSeconds: z.number().positive().optional(),
  count: z.number().int().min(1).max(MAX_JOBS).default(1),
  recording: z.string().min(1).optional().describe('Jobs with the same recording run as one workflow, by stage'),
  stage: z.number().int().nonnegative().optional(),
});

/** Whose table a generator's recordings take their jobs from (sim/model/independent-workload.ts). */
const WorkloadSchema = z.discriminatedUnion('family', [
  z.strictObject({ family: z.literal('catalog').describe("job-catalog.ts: the anchors' table, the one the schedule-aware policy projects with") }),
  z.strictObject({
    family: z.literal('independent').describe('Each recording drawn independently of the policy\'s table: pace spread, workflow shapes, unscheduled uploads'),
    paceSigma: z.number().min(0).max(2).optional().describe('Sigma of ln(per-recording pace factor), median 1; default 0.25'),
    stageSigma: z.number().min(0).max(2).optional().describe('Sigma of ln(per-stage factor), median 1; default 0.15'),
    shapes: z
      .strictObject({
        standard: z.number().nonnegative().optional(),
        fast: z.number().nonnegative().optional(),
        'long-editor': z.number().nonnegative().optional(),
        retry: z.number().nonnegative().optional(),
      })
      .refine((w) => !Object.values(w).every((v) => v === 0) || Object.keys(w).length < 4, 'at least one shape needs a weight > 0')
      .optional()
      .describe('Relative weights of the workflow shapes; default standard 0.55, fast 0.15, long-editor 0.2, retry 0.1'),
    unscheduledShare: z.number().min(0).max(10).optional().describe("Unscheduled uploads on top, as a share of each day's scheduled recordings; default 0.5"),
    idleCapMinutes: z.number().positive().max(1440).optional().describe('Longest a recording takes on an idle cluster (slower draws are sped up to it); default 100'),
  }),
]);

const generatorBase = {
  seed: z.number().int().default(1),
  rooms: z.number().int().min(1).max(10_000).default(150),
  weeks: z.number().int().min(1).max(52).default(1),
  weekMultipliers: z.array(z.number().nonnegative()).optional().describe('Term multiplier per week'),
  twoStreamShare: z.number().min(0).max(1).optional(),
  adhocShare: z.number().nonnegative().optional(),
  utcOffsetMinutes: z.number().int().min(-840).max(840).optional().describe('Local time = UTC + this'),
  workload: WorkloadSchema.optional().describe('Extra: family of the recordings\' jobs; default catalog'),
};

const GeneratorSchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('lecture-week'), ...generatorBase }),
  z.strictObject({ name: z.literal('quiet-week'), ...generatorBase }),
  z.strictObject({
    name: z.literal('exam-spike'),
    ...generatorBase,
    spikeDay: z.number().int().nonnegative().optional(),
    spikeHour: z.number().min(0).max(23).optional(),
    spikeRecordings: z.number().int().nonnegative().max(MAX_JOBS).optional(),
    spikeWindowMinutes: z.number().positive().optional(),
  }),
]);

const TraceSchema = z
  .strictObject({
    jobs: z.array(ExplicitJobSchema).default([]),
    generator: GeneratorSchema.optional(),
  })
  .prefault({});

const FaultSchema = z.strictObject({
  at: At,
  kind: z.enum(FAULT_KINDS),
  forMinutes: z.number().positive(),
  target: z.string().min(1).optional().describe('Hostname, instance id, base_url or metric name; default: everything'),
});

/** Lambda's execution environments (wiring/lambda-environments.ts): how often a function starts cold. */
const LambdaSchema = z.strictObject({
  coldStartEveryMinutes: z
    .number()
    .positive()
    .max(7 * 24 * 60)
    .optional()
    .describe('Mean minutes an execution environment lives (exponential, seeded by `seed`); absent: only cold-start faults'),
  environments: z.number().int().min(1).max(10).default(1).describe('Environments alive per function, taking turns at random'),
});

/** A lag longer than AWS's advice to retry for "up to a few minutes" is not consistency but an outage. */
const MAX_LAG_MS = 10 * 60_000;

const LagRangeSchema = z
  .strictObject({
    minMs: z.number().nonnegative().max(MAX_LAG_MS),
    // No world is perfectly consistent: a range of zero is refused.
    maxMs: z.number().positive().max(MAX_LAG_MS),
  })
  .refine((r) => r.minMs <= r.maxMs, { message: 'minMs cannot exceed maxMs', path: ['minMs'] });

/** Eventual consistency of AWS reads, always on (sim/model/consistency.ts cites the AWS pages). */
const ConsistencySchema = z
  .strictObject({
    stepFunctions: LagRangeSchema.default({ ...DEFAULT_LAGS.stepFunctions }).describe(
      'ms after an execution starts or ends that ListExecutions and DescribeExecution show it (each change its own seeded draw)',
    ),
    ec2: LagRangeSchema.default({ ...DEFAULT_LAGS.ec2 }).describe('ms after an instance changes state that DescribeInstances shows it'),
  })
  .prefault({});

const TimingsSchema = z.strictObject({
  requestedMs: z.number().nonnegative().optional(),
  pendingMs: z.number().nonnegative().optional(),
  ec2PendingMs: z.number().nonnegative().optional(),
  bootingMs: z.number().nonnegative().optional(),
  setupMs: z.number().nonnegative().optional(),
  registerMs: z.number().nonnegative().optional(),
  shutdownMs: z.number().nonnegative().optional(),
  ec2StoppingMs: z.number().nonnegative().optional(),
  dispatchIntervalMs: z.number().nonnegative().optional(),
  sampleIntervalMs: z.number().positive().optional(),
});

/** An IANA zone name the runtime knows (`America/New_York`, `Europe/Berlin`, `UTC`). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const TimeZone = z
  .string()
  .refine(isTimeZone, 'expected an IANA time zone name such as America/New_York, Europe/Berlin or UTC')
  .describe("Extra: IANA time zone the report and the live view show times in; default: the generator's utcOffsetMinutes as a fixed offset, else UTC");

const BaseScenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  cluster: z.string().min(1).describe('Cluster name: the opencast:cluster tag value (or the OpsWorks stack name)'),
  start: IsoTime.describe('Virtual time the scenario starts at'),
  timeZone: TimeZone.optional(),
  end: At.optional().describe('Extra: where a run stops; default start + the generator\'s weeks, or 1 day'),
  billing: z.enum(['hourly', 'per-second']).default('per-second'),
  // The world of 2026 (OpsWorks Stacks was disabled on 2024-05-26): a scenario of an OpsWorks cluster says so.
  provider: z
    .enum(['opsworks', 'ec2'])
    .default('ec2')
    .describe('Extra: which fleet API the cluster has: ec2 (default) tags every instance opencast:cluster, opencast:role and Name; opsworks is the legacy OpsWorks stack'),
  region: z.string().default('us-east-1').describe('Extra: AWS region of the stack'),
  seed: z.number().int().default(0).describe('Extra: seeds generated ids'),
  minWorkers: z.number().int().nonnegative().default(1).describe('Extra: the floor stats check against'),
  workers: z.array(WorkerSchema).default([]),
  others: z
    .array(OtherSchema)
    .prefault([{ hostname: 'admin1', layer: 'admin' }])
    .describe('Admin, engage and monitoring nodes (always online); default one admin'),
  queue: QueueSchema,
  opencast: OpencastSchema,
  metrics: z.array(MetricSchema).default([]).describe('Initial CloudWatch datapoints'),
  cloudwatch: CloudWatchSchema.describe('Extra: what publishes CloudWatch metrics in this world (a metric nobody publishes has no datapoints)'),
  trace: TraceSchema,
  faults: z.array(FaultSchema).default([]),
  consistency: ConsistencySchema.describe("Extra: how far AWS's eventually consistent reads trail the truth; a list-lag fault stretches every lag by 5 s"),
  lambda: LambdaSchema.optional().describe('Extra: how the functions\' execution environments live (cold starts)'),
  prices: z.record(z.string(), z.number().nonnegative()).optional().describe('Extra: $/h by instance type'),
  timings: TimingsSchema.optional().describe('Extra: model step durations (ms)'),
  cpuPerLoad: z
    .number()
    .positive()
    .max(10)
    .optional()
    .describe("Extra: CPU a job uses per unit of its Opencast load; a host whose jobs want more than its cores slows them all in proportion. Default: no slowdown"),
});

type Ctx = z.core.$RefinementCtx<z.output<typeof BaseScenarioSchema>>;

const NEEDS_EC2 = new Set(['pending', 'booting', 'running_setup', 'online', 'stopping', 'setup_failed', 'connection_lost']);

/** Cross-field rules, each reported at the field to fix. */
function checkScenario(s: z.output<typeof BaseScenarioSchema>, ctx: Ctx): void {
  // Checked first: the rules below expand every `count`.
  const workerCount = s.workers.reduce((n, w) => n + (w.count ?? 1), 0);
  if (workerCount > MAX_WORKERS) {
    ctx.addIssue({ code: 'custom', path: ['workers'], message: `at most ${MAX_WORKERS} workers in all (got ${workerCount})` });
    return;
  }
  const seen = new Map<string, string>();
  // EC2 does not keep Name tags unique (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html):
  // in an ec2 world two worker instances may share one; OpsWorks hostnames are unique in a stack.
  const sharedNames = s.provider === 'ec2';
  const claim = (hostname: string, path: (string | number)[]) => {
    const where = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').slice(1);
    const first = seen.get(hostname);
    if (first && !(sharedNames && first.startsWith('workers') && path[0] === 'workers')) {
      ctx.addIssue({ code: 'custom', path, message: `hostname ${hostname} is already used by ${first}${sharedNames ? '' : ' (only an ec2 world may give two workers one Name tag)'}` });
    } else if (!first) seen.set(hostname, where);
  };
  s.others.forEach((o, i) => claim(o.hostname, ['others', i, 'hostname']));
  s.others.forEach((o, i) => {
    if (o.layer === 'worker' && (o.cluster === undefined || o.cluster === s.cluster)) {
      ctx.addIssue({ code: 'custom', path: ['others', i, 'layer'], message: 'a worker of this cluster goes in workers; here only with another `cluster`' });
    }
    if (o.cluster !== undefined && s.provider !== 'ec2') {
      ctx.addIssue({ code: 'custom', path: ['others', i, 'cluster'], message: 'only with provider ec2 (the cluster is a tag)' });
    }
    if (o.runningJobs > 0 && o.layer === 'monitoring') {
      ctx.addIssue({ code: 'custom', path: ['others', i, 'runningJobs'], message: 'a monitoring node runs no Opencast' });
    }
  });
  // Opencast keys its hosts by base_url: two nodes with one URL are one host row. Only Opencast's default
  // (localhost, what every node has when the key is unset) is accepted twice: it is how clusters get that way.
  const urls = new Map<string, string>();
  const claimUrl = (hostname: string, form: string | undefined, path: (string | number)[]) => {
    if (form === undefined || form === 'private-dns' || form === 'ip-port' || form === 'localhost') return;
    const url = baseUrlFor(form, { hostname, privateDns: '' }).toLowerCase();
    const first = urls.get(url);
    if (first) ctx.addIssue({ code: 'custom', path, message: `base_url ${url} is also ${first}'s: Opencast would register both as one host` });
    else urls.set(url, hostname);
  };
  s.others.forEach((o, i) => claimUrl(o.hostname, o.baseUrl, ['others', i, 'baseUrl']));
  if (!s.others.some((o) => o.layer === 'admin')) {
    ctx.addIssue({ code: 'custom', path: ['others'], message: 'needs an admin node (layer "admin"): Opencast is reached through it' });
  }
  s.workers.forEach((w, i) => {
    const at = (field: string) => ['workers', i, field];
    if ((w.count ?? 1) > 1 && !w.hostname.includes('{n}')) {
      ctx.addIssue({ code: 'custom', path: at('hostname'), message: 'with count > 1 the hostname needs {n}' });
    }
    for (const name of expandHostnames(w)) {
      claim(name, at('hostname'));
      claimUrl(name, w.baseUrl, at('baseUrl'));
    }
    if (w.hasEc2 === false && s.provider === 'ec2') {
      // Only OpsWorks defers creating the EC2 instance; a plain EC2 cluster is made of EC2 instances.
      ctx.addIssue({ code: 'custom', path: at('hasEc2'), message: 'with provider ec2 every worker is an EC2 instance' });
    } else if (w.hasEc2 === false && NEEDS_EC2.has(w.state)) {
      ctx.addIssue({ code: 'custom', path: at('hasEc2'), message: `a worker in state ${w.state} has an EC2 instance` });
    }
    const registered = w.registered ?? w.state === 'online';
    if (w.runningJobs > 0 && !(w.state === 'online' && registered)) {
      ctx.addIssue({ code: 'custom', path: at('runningJobs'), message: 'only an online, registered worker runs jobs' });
    }
    if (w.maintenance && !registered) {
      ctx.addIssue({ code: 'custom', path: at('maintenance'), message: 'maintenance needs a host registered in Opencast' });
    }
  });
  if (s.end !== undefined && resolveAt(s.end, Date.parse(s.start)) <= Date.parse(s.start)) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
  } else if (s.end !== undefined && !(resolveAt(s.end, Date.parse(s.start)) - Date.parse(s.start) <= MAX_RUN_MS)) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be at most 366 days after start' });
  }
  if (s.queue.queuedHighLoad > s.queue.queued) {
    ctx.addIssue({ code: 'custom', path: ['queue', 'queuedHighLoad'], message: 'cannot exceed queue.queued' });
  }
  const hostnames = new Set(seen.keys());
  s.metrics.forEach((m, i) => {
    const d = m.dimension;
    const given = [d.value, d.layer, d.hostname].filter((x) => x !== undefined).length;
    const at = ['metrics', i, 'dimension'];
    if (given > 1) ctx.addIssue({ code: 'custom', path: at, message: 'give one of value, layer or hostname' });
    if (given === 0 && d.name !== 'StackId') ctx.addIssue({ code: 'custom', path: [...at, 'value'], message: `required for ${d.name}` });
    if (d.layer !== undefined && d.name !== 'LayerId') ctx.addIssue({ code: 'custom', path: [...at, 'layer'], message: 'only for LayerId' });
    if (d.hostname !== undefined && d.name !== 'InstanceId') ctx.addIssue({ code: 'custom', path: [...at, 'hostname'], message: 'only for InstanceId' });
    if (d.hostname !== undefined && !hostnames.has(d.hostname)) {
      ctx.addIssue({ code: 'custom', path: [...at, 'hostname'], message: `no instance named ${d.hostname}` });
    }
  });
  s.trace.jobs.forEach((j, i) => {
    if ((j.durationMinutes === undefined) === (j.durationSeconds === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['trace', 'jobs', i, 'durationMinutes'], message: 'give durationMinutes or durationSeconds' });
    }
  });
}

const ScenarioSchema = BaseScenarioSchema.superRefine(checkScenario);

export type Scenario = z.output<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ScenarioWorker = Scenario['workers'][number];

/** Hostnames of a worker entry (`count` copies, `{n}` = 1..count). */
export function expandHostnames(worker: Pick<ScenarioWorker, 'hostname' | 'count' | 'from'>): string[] {
  const count = worker.count ?? 1;
  const from = worker.from ?? 1;
  if (!worker.hostname.includes('{n}')) return [worker.hostname];
  return Array.from({ length: count }, (_, i) => worker.hostname.replaceAll('{n}', String(from + i)));
}

/** Validate and fill defaults; throws ConfigError naming the file, then the first bad field and its fix. */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = ScenarioSchema.safeParse(input);
  if (result.success) return result.data;
  throw documentError(source, result.error.issues, ScenarioSchema, (path) => pathText(path) || '(root)');
}

/** Read and validate a scenario file; a file that cannot be read says why. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`scenario ${path}`, unreadableText((cause as { code?: unknown }).code), { cause });
  }
  return parseScenario(parseJsonText(text, `scenario ${path}`), `scenario ${path}`);
}

/**
 * The zone to show this scenario's times in: its `timeZone`; else the trace
 * generator's whole-hour `utcOffsetMinutes` as the IANA fixed-offset zone
 * (`Etc/GMT+4` is UTC-4: the POSIX sign is inverted); else UTC.
 */
export function scenarioTimeZone(scenario: Pick<Scenario, 'timeZone' | 'trace'>): string {
  if (scenario.timeZone) return scenario.timeZone;
  const offset = scenario.trace.generator?.utcOffsetMinutes;
  if (offset === undefined || offset === 0 || offset % 60 !== 0 || Math.abs(offset) > 12 * 60) return 'UTC';
  const hours = -offset / 60;
  return `Etc/GMT${hours > 0 ? '+' : '-'}${Math.abs(hours)}`;
}

/** Epoch ms where a run of this scenario stops. */
export function scenarioEnd(scenario: Scenario): number {
  const start = Date.parse(scenario.start);
  if (scenario.end !== undefined) return resolveAt(scenario.end, start);
  const weeks = scenario.trace.generator?.weeks;
  return start + (weeks !== undefined ? weeks * 7 : 1) * 86_400_000;
}

/** Epoch ms of an `at` value: ISO time, or offset from `start` (epoch ms). */
export function resolveAt(at: string, start: number): number {
  if (!OFFSET.test(at)) return Date.parse(at);
  const sign = at.startsWith('-') ? -1 : 1;
  return start + sign * spanMs(at.slice(1));
}

/** The JSON Schema of scenario files (what scenarios/scenario.schema.json holds). */
function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, title: 'mo-scaler simulator scenario' };
}

/** The schema file's exact text (2-space JSON and a final newline). */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

