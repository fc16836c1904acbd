/**
 * Runs one generated day: the simulated cluster on virtual time, an autoscale
 * execution every cycle with the boots and drains it starts (the real ASL,
 * activities, adapters and wire protocols, as `moscaler sim run`), the fault
 * schedule, and the scaler killed where the day says. After every cycle the
 * invariants are checked on the cluster and the running executions; at the end,
 * on the whole history. Nothing is printed: the result carries the counts.
 */
import { SIM_CREDENTIALS, SIM_REGION } from '../adapters/aws/clients';
import { CLAIM_STEPS } from '../core/claim';
import { autoscaleExecutionName } from '../core/execution-names';
import { createLocalWorkflows } from '../wiring/local-workflows';
import { scenarioEnv, simLambda, simListLag } from '../wiring/sim-runtime';
import { createRuntime, type Runtime } from '../wiring/runtime';
import { resolveSettings, type Settings } from '../core/settings';
import type { LocalEngine } from '../engine/local-engine';
import { refOf } from '../engine/store';
import type { HistoryEvent, JsonValue } from '../engine/types';
import { VirtualTime } from '../engine/virtual-time';
import { createAwsRouter } from '../sim/aws/router';
import { fromFakeTimers, type VirtualClock } from '../sim/model/clock';
import type { SimCluster } from '../sim/model/cluster';
import { createSimCluster, faultWindows } from '../sim/model/create';
import { baseUrlFor, type WorkerSnapshot } from '../sim/model/cluster-types';
import { BOOT_FAULTS } from '../sim/model/scenario';
import { BOOT_TIMEOUT_MINUTES } from '../core/serving';
import { createOpencastRouter } from '../sim/opencast/router';
import { createSdkRequestHandler } from '../sim/wire/sdk-request-handler';
import { RouterDispatcher } from '../sim/wire/undici-dispatcher';
import { dayConfig, dayScenario, DAY_FAULT_KINDS, workerNames, type DayFaultKind, type DaySpec } from './day';
import { createSimDeployment } from '../wiring/sim-deployment';
import { hashString, mulberry32, uuid } from '../sim/model/prng';
import { recordEffects } from './effects';
import { InvariantChecker, type EffectRecord, type ExecutionFacts, type Violation } from './invariants';

interface DayCredentials {
  opencastUser: string;
  opencastPassword: string;
  awsAccessKeyId: string;
  awsSecretAccessKey: string;
}

export interface DayOptions {
  /** Credentials the simulated services are reached with (default: the simulator's fixed ones). */
  credentials?: DayCredentials;
  /** Virtual time allowed after the day for executions to end. Default 4 h. */
  settleMs?: number;
  /** Keep the full history in the result (the secrets test reads it). */
  keepHistory?: boolean;
}

export interface DayCounts {
  cycles: number;
  skippedCycles: number;
  failedCycles: number;
  executions: Record<string, Record<string, number>>;
  faults: Record<DayFaultKind, number>;
  faultMinutes: Record<DayFaultKind, number>;
  kills: { step: number; effect: number; scheduledSteps: number; scheduledEffects: number };
  starts: number;
  stops: number;
  maintenanceOn: number;
  maintenanceOff: number;
  retries: number;
  jobsCreated: number;
  jobsCompleted: number;
  interruptions: number;
  virtualMs: number;
  /** The day's Opencast registry ingredients, each 1 when the day has it (the soak sums them). */
  registry: Record<RegistryIngredient, number>;
}

/** What the soak counts of a day's registry (issue 22 item 3). */
export const REGISTRY_INGREDIENTS = [
  'nodes with own max load and jobs',
  'stopped workers registered',
  'stopped workers not registered',
  'stale host rows',
  'every node at localhost',
  'node outside the cluster',
  'two instances, one Name',
  'scheduled captures',
  'deployed stack (secret read)',
] as const;
type RegistryIngredient = (typeof REGISTRY_INGREDIENTS)[number];

/**
 * A day with a rotated password runs on the simulated deployed stack: only there is the secret read (and re-read).
 * So does one day in five besides, so that every ingredient meets the stack's own IAM roles (issue 22 item 5).
 */
function runsDeployed(day: DaySpec): boolean {
  return day.faults.some((f) => f.kind === 'password-rotated') || day.seed % 5 === 0;
}

function registryCounts(day: DaySpec): Record<RegistryIngredient, number> {
  const r = day.registry;
  const stopped = day.workers.filter((w) => w.state === 'stopped');
  const names = workerNames(day);
  return {
    'nodes with own max load and jobs': r && (r.engage || r.ingest || r.adminJobs > 0 || r.adminMaxLoad !== 4) ? 1 : 0,
    'stopped workers registered': stopped.filter((w) => w.registered).length,
    'stopped workers not registered': stopped.filter((w) => !w.registered).length,
    'stale host rows': r?.staleHosts ?? 0,
    'every node at localhost': r?.localhost ? 1 : 0,
    'node outside the cluster': r && r.outsideJobs >= 0 && day.provider === 'ec2' ? 1 : 0,
    'two instances, one Name': new Set(names).size < names.length ? 1 : 0,
    'scheduled captures': r && r.rooms > 0 ? 1 : 0,
    'deployed stack (secret read)': runsDeployed(day) ? 1 : 0,
  };
}

export interface DayResult {
  day: DaySpec;
  violations: Violation[];
  counts: DayCounts;
  realMs: number;
  history?: HistoryEvent[];
  /** Every execution's input and output (when keepHistory). */
  records?: { name: string; input: JsonValue; output?: JsonValue; error?: string; cause?: string }[];
}

const WORKER_WORKFLOWS = new Set(['boot-worker', 'drain-worker']);

function runtimeFor(cluster: SimCluster, settings: Settings, clock: VirtualClock, credentials?: DayCredentials): Runtime {
  const dispatcher = new RouterDispatcher(createOpencastRouter(cluster));
  return createRuntime(
    { ...settings, aws: { region: settings.aws.region ?? SIM_REGION } },
    {
      requestHandler: createSdkRequestHandler(createAwsRouter(cluster)),
      credentials: credentials
        ? { accessKeyId: credentials.awsAccessKeyId, secretAccessKey: credentials.awsSecretAccessKey }
        : SIM_CREDENTIALS,
      // As wiring/sim-runtime.ts: one attempt, so throttling and 5xx reach the workflows' own Retry.
      maxAttempts: 1,
      dispatcher,
      now: () => new Date(clock.now()),
      onClose: () => dispatcher.close(),
    },
  );
}

export async function runDay(day: DaySpec, options: DayOptions = {}): Promise<DayResult> {
  const began = performance.now();
  const credentials = options.credentials;
  const scenario = dayScenario(day, credentials ? { user: credentials.opencastUser, password: credentials.opencastPassword } : {});
  const config = dayConfig(day);
  const start = Date.parse(scenario.start);
  const every = day.everySeconds * 1000;
  const end = start + day.hours * 3_600_000;
  const tailStart = end - day.tailMinutes * 60_000;
  const settings = resolveSettings({}, { ...scenarioEnv(scenario), MOSCALER_MIN_WORKERS: String(day.minWorkers) });
  const windows = faultWindows(scenario);
  const windowsEnd = Math.max(start, ...windows.map((w) => w.until));
  const names = workerNames(day);

  const deployed = runsDeployed(day);
  // A function's first invocation builds its environment (and the stack's IAM policies) in real time.
  const vt = VirtualTime.install({ start, ...(deployed ? { stallMs: 180_000 } : {}) });
  const clock = fromFakeTimers(vt.clock);
  const cluster = createSimCluster(scenario, clock);
  const deployment = deployed ? createSimDeployment({ cluster, scenario, settings, autoscaleConfig: config, hooks: vt.hooks }) : undefined;
  const runtime = deployment?.runtime ?? runtimeFor(cluster, settings, clock, credentials);
  const killTimes: number[] = [];
  // What keeps the scaler from acting: its own faults and kills, not the boot faults (their effect is what it must clean up).
  // (A console execution and a missed capture do not keep it from acting either.)
  const blocking = windows.filter((w) => !BOOT_FAULTS.has(w.kind) && w.kind !== 'metrics-missing' && w.kind !== 'console-execution' && w.kind !== 'capture-missed');
  const checker = new InvariantChecker({
    minWorkers: day.minWorkers,
    everyMs: every,
    faultsEnd: () => Math.max(windowsEnd, ...killTimes),
    bootTimeoutMs: BOOT_TIMEOUT_MINUTES * 60_000,
    // The scaler starts with the day: what an instance billed before is not its doing.
    blockedWindows: () => [{ from: start, until: start }, ...blocking, ...killTimes.map((k) => ({ from: k, until: k }))],
    exempt: new Set(day.workers.flatMap((w, i) => (w.protected ? [names[i]!] : []))),
  });
  const effects: EffectRecord[] = [];
  const stepKills = new Set(day.kills.filter((k) => k.at === 'step').map((k) => k.ordinal));
  const effectKills = new Set(day.kills.filter((k) => k.at === 'effect').map((k) => k.ordinal));
  const kills = { step: 0, effect: 0, scheduledSteps: stepKills.size, scheduledEffects: effectKills.size };
  let steps = 0;
  let engine: LocalEngine | undefined;
  // Workers seen on a host row other nodes share (every node at localhost): left out of no-unserved-billing. One
  // node's graceful shutdown or host move takes that row offline for all (ServiceRegistryJpaImpl.deactivate ->
  // unregisterHost by base_url), and no row or job names the instance behind it, so the scaler cannot tell which
  // instance is unserved and must not stop any (fail closed, issue 23 item 2: boot-worker and the Plan say so and
  // ask for MOSCALER_HOST_URLS). Soak seed 20261213 on 7c4cc70 (test/reliability/registry-regressions.test.ts).
  const onSharedRow = new Set<string>();

  /** The process dies: every execution it runs dies with it, wherever it is (even mid-call). */
  const kill = (kind: 'step' | 'effect', why: string): void => {
    if (!engine || clock.now() >= tailStart) return;
    kills[kind] += 1;
    killTimes.push(clock.now());
    for (const record of engine.store.list()) {
      if (record.status === 'RUNNING') void engine.stop(refOf(record), { error: 'Killed', cause: why }).catch(() => undefined);
    }
  };

  recordEffects(cluster, (effect) => {
    effects.push(effect);
    checker.onEffect(effect);
    if (effectKills.has(effect.seq)) kill('effect', `scaler killed right after call #${effect.seq} (${effect.op} ${effect.hostname})`);
  });
  engine = deployment?.service ?? createLocalWorkflows({
    runtime,
    settings,
    autoscaleConfig: config,
    hooks: vt.hooks,
    // The activities live as Lambda's do: a `cold-start` fault of the day starts each invocation afresh.
    lambda: simLambda(scenario, cluster),
    listLagMs: simListLag(cluster),
    onEvent: (event) => {
      if (event.type === 'StateEntered' && stepKills.has(++steps)) kill('step', `scaler killed at step ${steps} (${event.execution} ${event.state ?? ''})`);
    },
  });
  const running = engine;

  const facts = new Map<string, ExecutionFacts>();
  const factsOf = (record: ReturnType<LocalEngine['store']['list']>[number]): ExecutionFacts => {
    const known = facts.get(record.name);
    if (known && known.status !== 'RUNNING') return known;
    const input = record.input as Record<string, JsonValue> | null;
    // Its claim steps: the first check, and the one after the listing settled (core/claim.ts); either may yield.
    const claims = running.store
      .history(record.workflow, record.name)
      .filter((e) => e.type === 'TaskSucceeded' && e.state !== undefined && CLAIM_STEPS.has(e.state))
      .map((e) => e.output as Record<string, JsonValue> | undefined);
    const first = claims[0];
    // The worker id its first step resolved (an EC2 or OpsWorks id), as the model's instance key.
    const id = typeof first?.id === 'string' ? first.id : undefined;
    const instance = id === undefined ? undefined : cluster.instances.find((i) => i.opsworksId === id || i.ec2Id === id)?.opsworksId;
    const value: ExecutionFacts = {
      workflow: record.workflow,
      name: record.name,
      ...(typeof input?.hostname === 'string' ? { hostname: input.hostname } : {}),
      status: record.status,
      startedAt: Date.parse(record.startedAt),
      ...(record.stoppedAt ? { stoppedAt: Date.parse(record.stoppedAt) } : {}),
      duplicate: claims.some((c) => c?.duplicate === true),
      ...(claims.length < 2 && !claims.some((c) => c?.duplicate === true) ? { unclaimed: true } : {}),
      ...(instance ? { instances: [instance] } : {}),
      ...(!first && record.status !== 'RUNNING' && record.stoppedAt === record.startedAt ? { refused: true } : {}),
    };
    facts.set(record.name, value);
    return value;
  };
  const workerExecutions = () => [...WORKER_WORKFLOWS].flatMap((workflow) => running.store.list({ workflow })).map(factsOf);

  // `console-execution`: someone starts a boot (of a stopped worker) or a drain (of a running one) by hand, named
  // as the console names it by default: a UUID.
  const consoleRng = mulberry32(hashString(`console:${day.seed}`));
  const consoleStarts = windows.filter((w) => w.kind === 'console-execution').sort((a, b) => a.from - b.from);
  const startByHand = async (target: string | undefined): Promise<void> => {
    const instance = cluster.instances.find((i) => i.hostname === (target ?? names[0]));
    if (!instance) return;
    const workflow = instance.status === 'stopped' || instance.status === 'start_failed' ? 'boot-worker' : 'drain-worker';
    const input = { hostname: instance.hostname, requestedBy: 'console', reason: 'started by hand in the Step Functions console' };
    await running.start(workflow, input, { name: uuid(consoleRng) }).catch(() => undefined);
  };

  let cycles = 0;
  let skippedCycles = 0;
  try {
    for (let t = start; t < end; t += every) {
      if (cluster.faultActive('kill-scaler')) {
        // The scaler process is down: its executions died with it, and no cycle runs until it is back.
        skippedCycles += 1;
        if (running.activeCount > 0) killTimes.push(t);
        for (const record of running.store.list()) {
          if (record.status === 'RUNNING') await running.stop(refOf(record), { error: 'Killed', cause: 'kill-scaler fault' });
        }
      } else {
        cycles += 1;
        checker.cycleStarted(t);
        await running.start('autoscale', { everySeconds: day.everySeconds }, { name: autoscaleExecutionName(new Date(t)) });
      }
      while (consoleStarts.length > 0 && consoleStarts[0]!.from < t + every) {
        const w = consoleStarts.shift()!;
        await vt.run({ deadline: Math.max(t, w.from) });
        await startByHand(w.target);
      }
      await vt.run({ deadline: t + every });
      const data = cluster.runData();
      const urls = cluster.instances.map((i) => i.baseUrl);
      const sharedRows = new Set(urls.filter((u, i) => u !== undefined && urls.indexOf(u) !== i));
      const executions = workerExecutions();
      const lastEnded = new Map<string, number>();
      for (const e of executions) {
        if (e.hostname && !e.duplicate && e.stoppedAt !== undefined) lastEnded.set(e.hostname, Math.max(lastEnded.get(e.hostname) ?? 0, e.stoppedAt));
      }
      checker.afterCycle(t + every, {
        // A worker whose host row other nodes share (every node at localhost) is no worker's the scaler can
        // settle: releasing that row's maintenance would act on every node at once. Issue 23 item 5 has it say so.
        workers: data.workers.filter((w) => !sharedRows.has(w.baseUrl)),
        interruptions: data.counters.interruptions,
        running: executions.filter((e) => e.status === 'RUNNING'),
        lastEnded,
      });
      for (const w of data.workers) if (sharedRows.has(w.baseUrl)) onSharedRow.add(w.hostname);
      const up = new Set(cluster.instances.filter((i) => i.ec2State === 'running').map((i) => i.opsworksId));
      for (const hostname of twinsOnNameRow(data.workers.filter((w) => up.has(w.opsworksId)))) onSharedRow.add(hostname);
      checker.checkUnserved(t + every, cluster.unservedStretches().filter((u) => u.to === undefined && !onSharedRow.has(u.hostname)));
    }
    await vt.run({ until: () => running.activeCount === 0, deadline: end + (options.settleMs ?? 4 * 3_600_000) });

    const records = running.store.list();
    const history = await running.history({});
    const faultedAround = (from: number, to: number) =>
      windows.some((w) => w.from <= to && w.until >= from) || killTimes.some((k) => k >= from && k <= to);
    const cycleFacts = records
      .filter((r) => r.workflow === 'autoscale')
      .map((r) => {
        const from = Date.parse(r.startedAt);
        const to = r.stoppedAt ? Date.parse(r.stoppedAt) : vt.clock.now;
        return { name: r.name, status: r.status, startedAt: from, stoppedAt: to, faulted: faultedAround(from - every, to) };
      });
    const data = cluster.runData();
    checker.finish({ at: vt.clock.now, effects, executions: workerExecutions(), history, cycles: cycleFacts });
    checker.checkAccess((await deployment?.iam)?.denials ?? []);
    // Every stretch, exactly; after the last cycle's minute no cycle runs, so time past it does not count.
    checker.checkUnserved(vt.clock.now, cluster.unservedStretches().filter((u) => !onSharedRow.has(u.hostname)), end);

    const executions: Record<string, Record<string, number>> = {};
    for (const r of records) {
      const byStatus = (executions[r.workflow] ??= {});
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    }
    const faults = Object.fromEntries(DAY_FAULT_KINDS.map((k) => [k, 0])) as Record<DayFaultKind, number>;
    const faultMinutes = Object.fromEntries(DAY_FAULT_KINDS.map((k) => [k, 0])) as Record<DayFaultKind, number>;
    for (const f of day.faults) {
      faults[f.kind] += 1;
      faultMinutes[f.kind] += f.forMinutes;
    }
    const changed = (op: EffectRecord['op']) => effects.filter((e) => e.op === op && e.changed).length;
    const counts: DayCounts = {
      cycles,
      skippedCycles,
      failedCycles: cycleFacts.filter((c) => c.status !== 'SUCCEEDED').length,
      executions,
      faults,
      faultMinutes,
      kills,
      starts: changed('start'),
      stops: changed('stop'),
      maintenanceOn: changed('maintenance-on'),
      maintenanceOff: changed('maintenance-off'),
      retries: history.filter((e) => e.type === 'Retried').length,
      jobsCreated: data.counters.jobsCreated,
      jobsCompleted: data.counters.jobsCompleted,
      interruptions: data.counters.interruptions,
      virtualMs: vt.clock.now - start,
      registry: registryCounts(day),
    };
    return {
      day,
      violations: checker.violations,
      counts,
      realMs: performance.now() - began,
      ...(options.keepHistory
        ? {
            history,
            records: records.map((r) => ({
              name: r.name,
              input: r.input,
              ...(r.output !== undefined ? { output: r.output } : {}),
              ...(r.error !== undefined ? { error: r.error } : {}),
              ...(r.cause !== undefined ? { cause: r.cause } : {}),
            })),
          }
        : {}),
    };
  } finally {
    vt.uninstall();
    await runtime.close();
  }
}

/**
 * Of the running workers: two instances with one Name tag, one registered online at a URL built from that Name (`http://<name>:8080`,
 * `https://<name>.<domain>`), the other with no online row of its own: nothing in Opencast tells which twin the row
 * is (its node name is the shared Name; a twin that registered there too would share the row, as at localhost), so
 * the scaler must not stop either as unserved (fail closed; its plan names the row and asks for MOSCALER_HOST_URLS).
 * Soak seed 20261223 on 27cdb0a (test/reliability/registry-regressions.test.ts): the twin rebooted under connection-lost.
 */
function twinsOnNameRow(running: readonly WorkerSnapshot[]): string[] {
  return [...new Set(running.map((w) => w.hostname))].filter((hostname) => {
    const twins = running.filter((w) => w.hostname === hostname);
    if (twins.length < 2) return false;
    const nameUrls = new Set(['name-port', 'fqdn'].map((form) => baseUrlFor(form, { hostname, privateDns: '' })));
    return twins.some((w) => w.hostOnline && nameUrls.has(w.baseUrl)) && twins.some((w) => !w.hostOnline);
  });
}
