/**
 * A generated "day": a small cluster in a random starting state, a random
 * workload, a random fault schedule and random kills of the scaler, as plain
 * data (so fast-check can shrink it) and the scenario it becomes.
 *
 * A day is compressed: `hours` of virtual time (default 4) with an autoscale
 * cycle every minute, on 3-8 workers; faults and kills fall before the last
 * `tailMinutes` (default 60), so every day ends with a fault-free stretch in
 * which the cluster must settle.
 */
import { BOOT_FAULTS, FAULT_KINDS } from '../sim/model/scenario';
import fc from 'fast-check';
import { parseAutoscaleConfig, type AutoscaleConfig } from '../core/autoscale-config';
import SHIPPED_CONFIG from '../config/autoscale.example.json' with { type: 'json' };
import { parseScenario, type Scenario, type ScenarioInput } from '../sim/model/scenario';

export const DAY_START = '2025-10-13T08:00:00Z';

/** A day may meet every fault the simulator knows. */
export const DAY_FAULT_KINDS = FAULT_KINDS;

export type DayFaultKind = (typeof DAY_FAULT_KINDS)[number];

interface WorkerInit {
  state: 'online' | 'stopped' | 'requested' | 'booting' | 'start_failed';
  uptimeMinutes: number;
  runningJobs: number;
  maintenance: boolean;
  /** Stopped workers only: known to Opencast from an earlier run (comes back with its flag). */
  registered: boolean;
  protected: boolean;
  instanceType: 'c5.9xlarge' | 'c5.xlarge';
  /** How its Opencast `org.opencastproject.server.url` is written (default private-dns, the original's assumption). */
  baseUrl?: DayBaseUrl;
}

/** The base_url forms a generated worker may have: every one the scaler must match (localhost is not: it cannot). */
type DayBaseUrl = 'private-dns' | 'name-port' | 'fqdn' | 'ip-port';

interface Burst {
  atMinute: number;
  count: number;
  durationMinutes: number;
  operation: 'encode' | 'composite' | 'inspect' | 'publish-engage';
}

interface FaultSpec {
  kind: DayFaultKind;
  atMinute: number;
  forMinutes: number;
  target?: string;
  /** A fault aimed at one worker: its index (the hostname depends on the day's name style). */
  worker?: number;
}

/**
 * How the day's workers are named. OpsWorks hostnames are DNS labels and the
 * original's rules need a `worker` prefix; with the ec2 provider the hostname
 * is the `Name` tag, which may hold anything (spaces, dots, non-ASCII, 255
 * characters): names our fixtures never used until they broke execution names.
 */
const NAME_STYLES = ['plain', 'hyphen-pairs', 'spaces', 'fqdn', 'mixed'] as const;
type NameStyle = (typeof NAME_STYLES)[number];
const OPSWORKS_NAME_STYLES: readonly NameStyle[] = ['plain', 'hyphen-pairs'];

/**
 * The scaler process dies: at the n-th state any execution enters (`step`), or
 * right after the n-th start, stop or maintenance call reached the cluster and
 * before its answer came back (`effect`). Its executions die with it; the next
 * scheduled cycle is the restarted scaler.
 */
interface KillSpec {
  at: 'step' | 'effect';
  ordinal: number;
}

/**
 * Opencast's registry as real clusters have it (issue 22 item 3): nodes besides the workers with their own max
 * load and jobs, stale rows of terminated instances, every node at Opencast's default URL, a node outside the
 * cluster tag, two instances with one Name tag, and a schedule of captures (which `capture-missed` empties).
 */
interface RegistrySpec {
  /** The admin's max load and running (workflow) jobs. */
  adminMaxLoad: number;
  adminJobs: number;
  /** An engage and an ingest node, with this max load and jobs each. */
  engage: boolean;
  ingest: boolean;
  nodeMaxLoad: number;
  nodeJobs: number;
  /** Host rows of terminated instances: offline, the last `staleOnline` of them online (died without unregistering). */
  staleHosts: number;
  staleOnline: number;
  /** Every node at http://localhost:8080 (org.opencastproject.server.url unset). */
  localhost: boolean;
  /** An ec2 day: a worker of another cluster registered in this Opencast, with these jobs (-1: none). */
  outsideJobs: number;
  /** An ec2 day with 2+ workers: the second has the first's Name tag. */
  sharedName: boolean;
  /** Rooms with scheduled captures (a lecture-week generator), 0: none. */
  rooms: number;
}

/** The original's strategies three ways, or the shipped default (config/autoscale.example.json: the schedule-aware policy). */
type Policy = 'queue' | 'queue+load' | 'metrics' | 'shipped';

export interface DaySpec {
  /** Scenario seed (generated ids). */
  seed: number;
  hours: number;
  tailMinutes: number;
  everySeconds: number;
  billing: 'hourly' | 'per-second';
  provider: 'opsworks' | 'ec2';
  minWorkers: number;
  policy: Policy;
  upIncrement: number;
  downIncrement: number;
  pauseCycles: number;
  workers: WorkerInit[];
  queued: number;
  bursts: Burst[];
  faults: FaultSpec[];
  kills: KillSpec[];
  /** Whose jobs the day's generated recordings carry: `independent` (sim/model/independent-workload.ts) on a third of the days; absent: the catalog. */
  workload?: 'catalog' | 'independent';
  names: NameStyle;
  /** Absent: the registry of the first soaks (one admin, a monitoring node, one URL each). */
  registry?: RegistrySpec;
}

export interface DayArbitraryOptions {
  hours?: number;
  tailMinutes?: number;
  minWorkers?: number;
  maxWorkers?: number;
  /** Fault kinds left out (e.g. one whose finding is still open, in the fast test of `npm test`). */
  withoutFaults?: readonly DayFaultKind[];
  /** Registry ingredients (default true); false gives the first soaks' registry. */
  registry?: boolean;
}

const workerArb: fc.Arbitrary<WorkerInit> = fc
  .record({
    state: fc.constantFrom<WorkerInit['state']>('online', 'online', 'online', 'stopped', 'stopped', 'stopped', 'requested', 'booting', 'start_failed'),
    uptimeMinutes: fc.integer({ min: 0, max: 300 }),
    runningJobs: fc.integer({ min: 0, max: 3 }),
    maintenance: fc.boolean(),
    maintenanceWeight: fc.integer({ min: 0, max: 5 }),
    registered: fc.boolean(),
    protected: fc.integer({ min: 0, max: 9 }),
    instanceType: fc.constantFrom<WorkerInit['instanceType']>('c5.9xlarge', 'c5.xlarge'),
    baseUrl: fc.constantFrom<DayBaseUrl>('private-dns', 'private-dns', 'private-dns', 'name-port', 'fqdn', 'ip-port'),
  })
  .map(({ maintenanceWeight, protected: p, ...w }) => {
    const online = w.state === 'online';
    const registered = online || (w.state === 'stopped' && w.registered);
    return {
      state: w.state,
      // A boot under way has run minutes, not hours (OpsWorks boots in about five).
      uptimeMinutes: online ? w.uptimeMinutes : w.state === 'booting' ? w.uptimeMinutes % 5 : 0,
      runningJobs: online ? w.runningJobs : 0,
      // Left in maintenance by a crash (online) or kept across a stop (stopped, registered): one worker in six.
      maintenance: registered && w.maintenance && maintenanceWeight === 0,
      registered: w.state === 'stopped' && w.registered,
      protected: p === 0,
      instanceType: w.instanceType,
      baseUrl: w.baseUrl,
    };
  });

const AWS_TARGETS = [undefined, undefined, 'opsworks', 'ec2', 'cloudwatch'] as const;
const METRIC_TARGETS = [undefined, 'load_1', 'MatterhornJobsQueued'] as const;

function faultArb(windowMinutes: number, workers: number, without: readonly DayFaultKind[] = []): fc.Arbitrary<FaultSpec> {
  return fc
    .record({
      kind: fc.constantFrom(...DAY_FAULT_KINDS.filter((k) => !without.includes(k))),
      atMinute: fc.integer({ min: 0, max: Math.max(0, windowMinutes - 1) }),
      forMinutes: fc.integer({ min: 1, max: 30 }),
      pick: fc.nat({ max: 99 }),
    })
    .map(({ kind, atMinute, forMinutes, pick }) => {
      // A boot fault only shows when a boot falls in its window: those last up to two hours, so that boots meet them.
      // A console execution is an instant; a capture agent stays offline for hours (the whole schedule of the window).
      const wanted =
        kind === 'kill-scaler' ? Math.min(12, forMinutes) : kind === 'console-execution' ? 1 : BOOT_FAULTS.has(kind) || kind === 'capture-missed' ? forMinutes * 4 : forMinutes;
      const length = Math.max(1, Math.min(wanted, windowMinutes - atMinute));
      const target =
        kind === 'aws-throttle' || kind === 'aws-5xx'
          ? AWS_TARGETS[pick % AWS_TARGETS.length]
          : kind === 'metrics-missing'
            ? METRIC_TARGETS[pick % METRIC_TARGETS.length]
            : kind === 'insufficient-capacity'
              ? // EC2 runs out of a type (in a zone): all starts, or one type's (one worker's below).
                [undefined, 'c5.9xlarge', 'c5.xlarge', undefined][pick % 4]
              : undefined;
      const aimed =
        kind === 'console-execution' ||
        (kind === 'insufficient-capacity' && pick % 4 === 3) ||
        ((kind === 'start-failure' || kind === 'setup-failed' || kind === 'connection-lost' || kind === 'never-registers' || kind === 'host-moved') && pick % 2 === 1);
      const worker = aimed ? pick % workers : undefined;
      return { kind, atMinute, forMinutes: length, ...(target ? { target } : {}), ...(worker !== undefined ? { worker } : {}) };
    });
}

/** Random days; every field shrinks towards a quiet day on a small cluster. */
export function dayArbitrary(options: DayArbitraryOptions = {}): fc.Arbitrary<DaySpec> {
  const hours = options.hours ?? 4;
  const tailMinutes = options.tailMinutes ?? 60;
  const minutes = hours * 60;
  const window = Math.max(1, minutes - tailMinutes);
  const maxWorkers = options.maxWorkers ?? 8;
  const minWorkerCount = options.minWorkers ?? 3;
  return fc.integer({ min: minWorkerCount, max: maxWorkers }).chain((n) =>
    fc.record({
      names: fc.constantFrom<NameStyle>(...NAME_STYLES),
      workload: fc.constantFrom<'catalog' | 'independent'>('catalog', 'catalog', 'independent'),
      seed: fc.nat({ max: 1_000_000 }),
      hours: fc.constant(hours),
      tailMinutes: fc.constant(tailMinutes),
      everySeconds: fc.constant(60),
      billing: fc.constantFrom<DaySpec['billing']>('per-second', 'hourly'),
      provider: fc.constantFrom<DaySpec['provider']>('opsworks', 'ec2'),
      minWorkers: fc.integer({ min: 0, max: 2 }),
      policy: fc.constantFrom<Policy>('queue', 'queue+load', 'metrics', 'shipped'),
      upIncrement: fc.integer({ min: 1, max: 3 }),
      downIncrement: fc.integer({ min: 1, max: 2 }),
      pauseCycles: fc.integer({ min: 0, max: 2 }),
      workers: fc.array(workerArb, { minLength: n, maxLength: n }),
      queued: fc.integer({ min: 0, max: 20 }),
      bursts: fc.array(
        fc.record({
          atMinute: fc.integer({ min: 0, max: Math.max(0, minutes - 30) }),
          count: fc.integer({ min: 1, max: 120 }),
          durationMinutes: fc.integer({ min: 1, max: 45 }),
          operation: fc.constantFrom<Burst['operation']>('encode', 'composite', 'inspect', 'publish-engage'),
        }),
        { maxLength: 6 },
      ),
      faults: fc.array(faultArb(window, n, options.withoutFaults), { maxLength: 6 }),
      kills: fc.array(fc.oneof(
        fc.record({ at: fc.constant<'step'>('step'), ordinal: fc.integer({ min: 1, max: 600 }) }),
        fc.record({ at: fc.constant<'effect'>('effect'), ordinal: fc.integer({ min: 1, max: 25 }) }),
      ), { maxLength: 3 }),
      registry: options.registry === false ? fc.constant(undefined) : registryArb,
    }),
  );
}

/** Each ingredient on some of the days; shrinks towards the first soaks' registry. */
const registryArb: fc.Arbitrary<RegistrySpec> = fc.record({
  adminMaxLoad: fc.constantFrom(4, 4, 2, 8, 16),
  adminJobs: fc.integer({ min: 0, max: 3 }),
  engage: fc.boolean(),
  ingest: fc.boolean(),
  nodeMaxLoad: fc.constantFrom(4, 2, 8),
  nodeJobs: fc.integer({ min: 0, max: 2 }),
  staleHosts: fc.constantFrom(0, 0, 1, 2, 3),
  staleOnline: fc.constantFrom(0, 0, 0, 1),
  localhost: fc.integer({ min: 0, max: 7 }).map((n) => n === 7),
  outsideJobs: fc.constantFrom(-1, -1, -1, 0, 1, 2),
  sharedName: fc.integer({ min: 0, max: 2 }).map((n) => n === 2),
  rooms: fc.constantFrom(0, 0, 1, 3, 6),
});

/** The day with each worker's Name: the second takes the first's when the day shares one (ec2 only). */
export function workerNames(day: Pick<DaySpec, 'workers' | 'names' | 'provider' | 'registry'>): string[] {
  const shared = day.registry?.sharedName === true && day.provider === 'ec2' && day.workers.length >= 2;
  return day.workers.map((_, i) => hostnameOf(shared && i === 1 ? 0 : i, day.names, day.provider));
}

/** The hostname of the day's worker `index` in a name style (an OpsWorks day keeps the styles OpsWorks allows). */
function hostnameOf(index: number, style: NameStyle = 'plain', provider: DaySpec['provider'] = 'ec2'): string {
  const n = index + 1;
  const chosen = provider === 'opsworks' && !OPSWORKS_NAME_STYLES.includes(style) ? 'hyphen-pairs' : style;
  const own = chosen === 'mixed' ? (provider === 'opsworks' ? OPSWORKS_NAME_STYLES : NAME_STYLES.slice(0, -1))[index % (provider === 'opsworks' ? 2 : 4)]! : chosen;
  switch (own) {
    case 'plain':
      return `worker${n}`;
    case 'hyphen-pairs':
      // worker-1, worker-1-b, worker-2, worker-2-b: each a prefix of the next.
      return `worker-${Math.ceil(n / 2)}${n % 2 === 0 ? '-b' : ''}`;
    case 'spaces':
      return `opencast worker ${n}`;
    default:
      return `wörker-${n}.transcode-pool.opencast-processing.ec2.internal.media.example.edu/${'x'.repeat(40)}:${n}`;
  }
}

/**
 * An independent-workload day: its lecture-week recordings (six rooms when the day has none) drawn from the
 * family the policies did not write, with unscheduled uploads on top (sim/model/independent-workload.ts).
 */
function withDayWorkload(input: ScenarioInput, day: DaySpec): ScenarioInput {
  if (day.workload !== 'independent') return input;
  const generator = input.trace?.generator ?? { name: 'lecture-week' as const, rooms: 6, seed: day.seed, utcOffsetMinutes: 0 };
  return { ...input, trace: { ...input.trace, generator: { ...generator, workload: { family: 'independent' } } } };
}

/** The scenario a day runs on (validated like any scenario file). */
export function dayScenario(day: DaySpec, opencast: { user?: string; password?: string } = {}): Scenario {
  const names = workerNames(day);
  const reg = day.registry;
  const local = reg?.localhost === true;
  const node = (hostname: string, layer: string, maxLoad: number, runningJobs: number) => ({
    hostname,
    layer,
    maxLoad,
    ...(runningJobs > 0 ? { runningJobs } : {}),
    ...(local ? { baseUrl: 'localhost' } : {}),
  });
  const others = reg
    ? [
        node('admin1', 'admin', reg.adminMaxLoad, reg.adminJobs),
        ...(reg.engage ? [node('engage1', 'engage', reg.nodeMaxLoad, reg.nodeJobs)] : []),
        ...(reg.ingest ? [node('ingest1', 'ingest', reg.nodeMaxLoad, reg.nodeJobs)] : []),
        { hostname: 'monitoring1', layer: 'monitoring' },
        ...(reg.outsideJobs >= 0 && day.provider === 'ec2'
          ? [{ hostname: 'elsewhere-worker1', layer: 'worker', cluster: 'elsewhere', instanceType: 'c5.xlarge', ...(reg.outsideJobs > 0 ? { runningJobs: reg.outsideJobs } : {}) }]
          : []),
      ]
    : [
        { hostname: 'admin1', layer: 'admin' },
        { hostname: 'monitoring1', layer: 'monitoring' },
      ];
  const staleHosts = Array.from({ length: reg?.staleHosts ?? 0 }, (_, i) => ({
    baseUrl: `http://ip-10-0-99-${10 + i}.ec2.internal`,
    ...(i >= (reg?.staleHosts ?? 0) - (reg?.staleOnline ?? 0) ? { online: true } : {}),
  }));
  const input: ScenarioInput = {
    description: 'reliability day',
    cluster: 'reliability',
    start: DAY_START,
    end: `+${day.hours}h`,
    billing: day.billing,
    provider: day.provider,
    seed: day.seed,
    minWorkers: day.minWorkers,
    workers: day.workers.map((w, i) => ({
      hostname: names[i]!,
      instanceType: w.instanceType,
      state: w.state,
      uptimeMinutes: w.uptimeMinutes,
      runningJobs: w.runningJobs,
      maintenance: w.maintenance,
      ...(w.registered ? { registered: true } : {}),
      ...(w.protected ? { protected: true } : {}),
      // Two workers with one Name share their name-derived URL forms: the second keeps its private DNS one.
      ...(local ? { baseUrl: 'localhost' } : w.baseUrl && w.baseUrl !== 'private-dns' && !(i > 0 && names[i] === names[0]) ? { baseUrl: w.baseUrl } : {}),
    })),
    others,
    queue: { queued: day.queued, queuedHighLoad: Math.floor(day.queued / 2) },
    opencast: {
      version: '15.0',
      ...(opencast.user ? { user: opencast.user } : {}),
      ...(opencast.password ? { password: opencast.password } : {}),
      ...(staleHosts.length > 0 ? { staleHosts } : {}),
    },
    trace: {
      jobs: day.bursts.map((b) => ({ at: `+${b.atMinute}m`, workflowOperation: b.operation, durationMinutes: b.durationMinutes, count: b.count })),
      ...(reg && reg.rooms > 0 ? { generator: { name: 'lecture-week' as const, rooms: reg.rooms, seed: day.seed, utcOffsetMinutes: 0 } } : {}),
    },
    faults: day.faults.map((f) => {
      const target = f.worker !== undefined ? names[f.worker % names.length] : f.target;
      return { at: `+${f.atMinute}m`, kind: f.kind, forMinutes: f.forMinutes, ...(target ? { target } : {}) };
    }),
  };
  return parseScenario(withDayWorkload(input, day), 'generated day');
}

/**
 * The autoscale policy of a day: the queue alone, the queue with layer load, CloudWatch only (as the original's
 * example config), or the shipped default, whose schedule-aware policy reads the simulator's External API (a day's
 * workload is unscheduled bursts, so it plans for them in full; the schedule faults make it fall back to headroom)
 * and drains busy workers through maintenance.
 */
export function dayConfig(day: DaySpec): AutoscaleConfig {
  if (day.policy === 'shipped') return parseAutoscaleConfig({ ...SHIPPED_CONFIG, pause_cycles: day.pauseCycles }, 'config/autoscale.example.json');
  const queue = { method: 'queued_jobs', name: 'queue', settings: { up_threshold: 3, down_threshold: 1 } };
  const load = {
    method: 'cloudwatch',
    name: 'layer load',
    settings: { metric: 'load_1', namespace: 'AWS/OpsWorks', layer_name: 'Workers', up_threshold: 20, down_threshold: 4, sample_count: 3 },
  };
  const queuedMetric = {
    method: 'cloudwatch',
    name: 'queued jobs metric',
    settings: { metric: 'MatterhornJobsQueued', namespace: 'AWS/OpsworksCustom', instance_name: 'monitoring1', up_threshold: 4, down_threshold: 1 },
  };
  const strategies = day.policy === 'queue' ? [queue] : day.policy === 'queue+load' ? [queue, load] : [load, queuedMetric];
  return parseAutoscaleConfig(
    { strategies, up_increment: day.upIncrement, down_increment: day.downIncrement, pause_cycles: day.pauseCycles },
    'generated day',
  );
}

/** One line for logs and failure reports. */
export function describeDay(day: DaySpec): string {
  const states = day.workers
    .map((w) => `${w.state}${w.maintenance ? '+m' : ''}${w.protected ? '+p' : ''}${w.runningJobs ? `+${w.runningJobs}j` : ''}${w.baseUrl && w.baseUrl !== 'private-dns' ? `@${w.baseUrl}` : ''}`)
    .join(',');
  const faults = day.faults.map((f) => `${f.kind}@${f.atMinute}+${f.forMinutes}${f.target ? `:${f.target}` : f.worker !== undefined ? `:#${f.worker}` : ''}`).join(' ');
  const kills = day.kills.map((k) => `${k.at}#${k.ordinal}`).join(' ');
  return `${day.provider}/${day.billing} names=${day.names} min=${day.minWorkers} ${day.policy} [${states}] registry: ${registryText(day)} faults: ${faults || '-'} kills: ${kills || '-'}`;
}

/** The day's registry ingredients in a few words. */
function registryText(day: DaySpec): string {
  const r = day.registry;
  if (!r) return '-';
  const parts = [`admin ${r.adminMaxLoad}/${r.adminJobs}j`];
  if (r.engage || r.ingest) parts.push(`${[r.engage && 'engage', r.ingest && 'ingest'].filter(Boolean).join('+')} ${r.nodeMaxLoad}/${r.nodeJobs}j`);
  if (r.staleHosts > 0) parts.push(`${r.staleHosts} stale (${Math.min(r.staleOnline, r.staleHosts)} online)`);
  if (r.localhost) parts.push('all at localhost');
  if (r.outsideJobs >= 0 && day.provider === 'ec2') parts.push(`outside node ${r.outsideJobs}j`);
  if (r.sharedName && day.provider === 'ec2' && day.workers.length >= 2) parts.push('shared Name');
  if (r.rooms > 0) parts.push(`${r.rooms} rooms`);
  return parts.join(', ');
}
