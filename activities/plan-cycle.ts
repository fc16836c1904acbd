/**
 * The autoscale cycle's one look at the cluster: observe once, find workers
 * stranded in maintenance (no drain running for them), let the strategies vote
 * and the original rules decide, and name one boot or drain execution per
 * chosen worker. Reads only; the workflow acts on the plan.
 */
import { z } from 'zod';
import { cycleFigures, type CycleFigures } from '../core/cycle-figures';
import { decisionRecord, type DecisionRecord, type MetricGap, type NoActionCode, type PauseState } from '../core/decision';
import { decidePolicy, mayRemember, needsVotes, scheduleWindow, type PolicyDecision } from '../core/policies';
import { AuthError, ConfigError } from '../core/errors';
import { AUTOSCALE_WORKFLOW, BOOT_WORKFLOW, DRAIN_WORKFLOW, sharedHostnames, stamp, workerExecutionName } from '../core/execution-names';
import { metricGaps } from '../core/strategies';
import { nextServingMemory, UNSERVED_STOP_SECONDS, unprovableWorkers, unservingWorkers } from '../core/serving';
import { strandedSharedRows, strandedWorkers } from '../core/stranded';
import { credentialsRefusedError, observeSchedule } from '../scaler/observe';
import { collectVotes } from '../scaler/scale';
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { workersActedOn } from './support/acting-on';
import { observe, quietLogger } from './support/observe';
import { parseEvent } from './support/parse-event';
import type { JsonValue } from '../engine/types';
import { lastCycleOutput, recentMemory, recordMemory, type RecordedMemory } from './support/policy-memory';
import { servingMemoryOfOutput } from './support/serving-memory';

const eventSchema = z
  .object({
    /** A floor for this cycle (a time-of-day schedule); default MOSCALER_MIN_WORKERS. */
    minWorkers: z.number().int().min(0).max(10_000).optional(),
    /** How often the cycle runs: pause_cycles count in these. */
    everySeconds: z.number().int().min(10).max(86_400).default(60),
  })
  .passthrough();

/** The autoscale workflow hands the Plan its execution's input and start (`$$.Execution.StartTime`); a direct call gives the input alone. */
const wrappedSchema = z.object({ input: z.unknown(), cycleStartedAt: z.iso.datetime({ offset: true }) });

export type PlannedAction =
  | { kind: 'release'; hostname: string; instanceId: string; reason: string; notAfter: string; hostUrl?: string }
  | { kind: 'boot' | 'drain'; hostname: string; executionName: string; input: Record<string, unknown>; reason: string };

export interface CyclePlan {
  cycle: string;
  action: 'start' | 'stop' | 'none';
  /** Why the decision does nothing, as a code (set exactly when `action` is `none`). */
  outcome?: NoActionCode;
  actions: PlannedAction[];
  reason: string;
  /** Why, for the history: every verdict and vote, and the configured metrics that were silent. */
  decision: Omit<PolicyDecision, 'chosen' | 'rejected' | 'memory'> & DecisionRecord & { metricGaps?: MetricGap[] };
  /** The cycle's numbers, published as CloudWatch metrics where it runs in Lambda (core/cycle-figures.ts). */
  figures: CycleFigures;
  /** What the policy remembers for the next cycle: the autoscale workflow carries it to its output. */
  memory: RecordedMemory;
}


/** A release leaves this much of the cycle's period to the next cycle. */
const RELEASE_MARGIN_SECONDS = 5;

/** Actions one cycle takes at most (releases first, then the decision's boots or drains, then stops of unserving workers). */
export const MAX_ACTIONS_PER_CYCLE = 100;

/** How long a failed boot counts against its worker and instance type when choosing whom to start. */
const FAILED_BOOT_MEMORY_MS = 60 * 60_000;
/** Failed boots read per cycle (newest first): enough for a cycle's starts to have failed several times over. */
const FAILED_BOOTS_LOOKED_AT = 20;
/**
 * Boots read to find the one begun last: ListExecutions lists closed ones by their stop, so the first is the one
 * that ended last, which may have begun before others (API_ListExecutions). Only a boot that ran the whole time
 * of a later one is listed before it: far fewer than this at once.
 */
const LAST_BOOTS_LOOKED_AT = 20;

/** The original counted pause cycles in a file; here the last boot's start time says how many cycles ago it was. */
export function pauseFromLastBoot(lastBootAt: string | undefined, now: Date, cycles: number, everySeconds: number): PauseState {
  if (!lastBootAt || cycles === 0) return { cyclesLeft: 0 };
  const since = Math.round((now.getTime() - Date.parse(lastBootAt)) / (everySeconds * 1000));
  return { cyclesLeft: Math.max(0, cycles - since + 1) };
}

/**
 * The last cycle's output, which carries its memory, or why it could not be read (ListExecutions or
 * DescribeExecution failed past their retries): the policy then decides without it, as after a long pause,
 * and the serving memory starts afresh, rather than failing the whole cycle.
 */
async function readLastCycle(executions: ActivityDeps['executions']): Promise<{ output?: JsonValue; unreadable?: string }> {
  try {
    const output = await lastCycleOutput(executions);
    return output === undefined ? {} : { output };
  } catch (error) {
    return { unreadable: error instanceof Error ? error.message : String(error) };
  }
}

/** Rethrows a refusal of our credentials (the schedule's 401 or 403) as the configuration error it is. */
const credentialsRefused =
  (user: string) =>
  (error: unknown): never => {
    throw error instanceof AuthError ? credentialsRefusedError(user, error) : error;
  };

export function createPlanCycleHandler(deps: ActivityDeps): ActivityHandler<unknown, CyclePlan> {
  // No state between invocations: a policy's memory comes from the last cycle's output (policy-memory.ts).
  return async (event) => {
    const wrapped = wrappedSchema.safeParse(event);
    const input = parseEvent(eventSchema, (wrapped.success ? wrapped.data.input : event) ?? {}, 'plan-cycle');
    const config = deps.autoscaleConfig;
    if (!config) throw new ConfigError('AUTOSCALE_CONFIG', 'the autoscale workflow needs an autoscale config');
    const now = deps.now();
    const policy = config.policy?.name ?? 'original';
    const [observation, lastBoots, runningBoots, drains, failedBoots, lastCycle, cycles] = await Promise.all([
      observe(deps),
      deps.executions.list({ workflow: BOOT_WORKFLOW, maxResults: LAST_BOOTS_LOOKED_AT }),
      deps.executions.list({ workflow: BOOT_WORKFLOW, status: 'RUNNING' }),
      deps.executions.list({ workflow: DRAIN_WORKFLOW, status: 'RUNNING' }),
      deps.executions.list({ workflow: BOOT_WORKFLOW, status: 'FAILED', maxResults: FAILED_BOOTS_LOOKED_AT }),
      // Read whatever the policy: the serving memory rides in it too.
      readLastCycle(deps.executions),
      wrapped.success ? deps.executions.list({ workflow: AUTOSCALE_WORKFLOW, status: 'RUNNING' }) : [],
    ]);
    const { view } = observation;
    const remembered: { recorded?: RecordedMemory; unreadable?: string } | undefined = mayRemember(config.policy)
      ? { ...lastCycle, recorded: recentMemory(lastCycle.output, policy, now, input.everySeconds) }
      : undefined;
    // When each running worker was last seen serving, so that one whose Opencast restarts is measured from
    // then, not from its launch (core/serving.ts unservedSince). Unreadable: watching starts afresh, and nothing is stopped early.
    const servingRead = servingMemoryOfOutput(lastCycle.output, now, input.everySeconds);
    const serving = nextServingMemory(view, servingRead.memory, now);
    // Workers with their instance ids: an execution keyed by instance (two instances of one name) is attributed too.
    const hostnames = view.workers;
    const actedOn = async (running: typeof drains) => (await workersActedOn(deps.executions, running, hostnames)).filter((h): h is string => h !== undefined);
    const [draining, booting] = await Promise.all([actedOn(drains), actedOn(runningBoots)]);
    // A boot that failed lately (no EC2 capacity for the type, a start or setup that failed): its worker is
    // tried last and its instance type after the others (core/ranking.ts).
    const recentlyFailed = (
      await workersActedOn(
        deps.executions,
        failedBoots.filter((e) => now.getTime() - Date.parse(e.stoppedAt ?? e.startedAt) < FAILED_BOOT_MEMORY_MS),
        hostnames,
      )
    ).filter((h): h is string => h !== undefined);
    const lastBootAt = [...lastBoots, ...runningBoots].reduce<string | undefined>((last, e) => (last === undefined || e.startedAt > last ? e.startedAt : last), undefined);
    const minWorkers = input.minWorkers ?? deps.settings.minWorkers;
    const votes = needsVotes(config.policy)
      ? await collectVotes({ metrics: deps.metrics, now: deps.now, settings: deps.settings, logger: quietLogger }, config, observation)
      : [];
    const pause = pauseFromLastBoot(lastBootAt, now, config.pause_cycles, input.everySeconds);
    // Only a policy that plans with the schedule reads it (one External API call); it fails soft.
    const window = scheduleWindow(config.policy);
    const schedule = window ? await observeSchedule(observation, now, window).catch(credentialsRefused(deps.settings.opencast.user)) : undefined;
    const decision = decidePolicy({
      view,
      ...(observation.jobs ? { jobs: observation.jobs } : {}),
      config,
      votes,
      pause,
      now,
      scaleDown: {
        minWorkers,
        idleUptimeThreshold: deps.settings.idleUptimeThreshold,
        billing: deps.settings.billing,
        force: false,
        draining,
      },
      booting,
      failedBoots: recentlyFailed,
      ...(lastBootAt ? { lastBootAt } : {}),
      ...(remembered?.recorded ? { memory: remembered.recorded.value } : {}),
      ...(schedule ? { schedule } : {}),
    });
    const cycle = stamp(now);
    const busy = new Set([...draining, ...booting]);
    const strandedHere = strandedWorkers(view, busy);
    const sharedRows = strandedSharedRows(view, busy);
    const stranded = [...strandedHere, ...sharedRows.flatMap((r) => r.workers)].map((w) => w.hostname);
    // A release holds until the next cycle starts: that one plans afresh, and may start a drain of the worker that a
    // lagging ListExecutions hides from this plan and from the release's own re-check (activities/release-maintenance.ts).
    // A plan that itself ran late (throttled, retried) past that moment releases nothing: the next cycle decides.
    const cycleStart = wrapped.success ? Date.parse(wrapped.data.cycleStartedAt) : now.getTime();
    const notAfter = cycleStart + Math.max(1, input.everySeconds - RELEASE_MARGIN_SECONDS) * 1000;
    // At most one cycle acts at a time: a plan that ran late, or while an older cycle still runs (its plan
    // retried, its actions under way), starts no boot or drain either; the next cycle decides afresh.
    const older = cycles.find((e) => Date.parse(e.startedAt) < cycleStart - 1000);
    const late = now.getTime() > notAfter;
    const idle = late || older !== undefined;
    const actions: PlannedAction[] =
      idle
        ? []
        : [
            ...strandedHere.map(({ hostname, id }) => ({
              kind: 'release' as const,
              hostname,
              instanceId: id,
              reason: 'in maintenance with no drain under way: back in service',
              notAfter: new Date(notAfter).toISOString(),
            })),
            // A row two instances claim equally: released by its URL, the release re-checks every worker that may be it.
            ...sharedRows.map(({ baseUrl, workers }) => ({
              kind: 'release' as const,
              hostname: workers[0]!.hostname,
              instanceId: workers[0]!.id,
              hostUrl: baseUrl,
              reason: `${baseUrl}, which ${workers.map((w) => `${w.hostname} (${w.id})`).join(' or ')} may be, in maintenance with no boot or drain under way on any of them: back in service`,
              notAfter: new Date(notAfter).toISOString(),
            })),
          ];
    // Two instances of one name: their executions are keyed by instance; every input names the instance it is for.
    const shared = sharedHostnames(view.workers);
    const nameOf = (kind: 'boot' | 'drain', w: { hostname: string; id: string }) => workerExecutionName(kind, w.hostname, now, shared.has(w.hostname) ? w.id : undefined);
    for (const chosen of idle ? [] : decision.chosen) {
      if (stranded.includes(chosen.hostname)) continue;
      const kind = decision.action === 'start' ? 'boot' : 'drain';
      actions.push({
        kind,
        hostname: chosen.hostname,
        executionName: nameOf(kind, chosen),
        input:
          kind === 'boot'
            ? { hostname: chosen.hostname, instanceId: chosen.id, requestedBy: 'autoscale', reason: chosen.detail }
            : {
                hostname: chosen.hostname,
                instanceId: chosen.id,
                requestedBy: 'autoscale',
                respectBillingWindow: decision.drain?.respectBillingWindow ?? true,
                ...(decision.drain?.maxDrainMinutes ? { maxDrainMinutes: decision.drain.maxDrainMinutes } : {}),
                minWorkers,
                reason: chosen.detail,
              },
        reason: chosen.detail,
      });
    }
    // Running past the boot timeout without serving, and nothing acting on it: stopped through a drain (begin-drain re-checks).
    const acting = new Set([...draining, ...booting, ...stranded, ...actions.map((a) => a.hostname)]);
    for (const { worker, detail, since } of idle ? [] : unservingWorkers(view, { now, timeoutSeconds: UNSERVED_STOP_SECONDS, memory: serving, exclude: acting })) {
      actions.push({
        kind: 'drain',
        hostname: worker.hostname,
        executionName: nameOf('drain', worker),
        // unservedSince: begin-drain re-checks the stop measuring from the same moment (it reads no memory).
        input: { hostname: worker.hostname, instanceId: worker.id, requestedBy: 'autoscale', respectBillingWindow: false, minWorkers, unservedSince: since, reason: `${detail}: stopping it` },
        reason: `${detail}: stopping it`,
      });
    }
    const { memory, ...explained } = decision;
    // A configured metric silent for a whole query window is named in the record, not only as a missing vote.
    const gaps = metricGaps(config.strategies, votes);
    // Bounded: the Act Map's history and the Plan's output stay far under Step Functions' quotas
    // whatever the cluster's size (test/infra/quotas.test.ts); the rest come next cycle.
    const deferred = actions.length - MAX_ACTIONS_PER_CYCLE;
    const reasons = [
      ...decision.reasons,
      ...(remembered?.unreadable ? [`policy memory unreadable (${remembered.unreadable}): decided without it`] : []),
      ...(lastCycle.unreadable || servingRead.ignored
        ? [`${servingRead.ignored ?? `the last cycle's serving memory unreadable (${lastCycle.unreadable})`}: time without serving is counted from this cycle (nothing is stopped on missing data)`]
        : []),
      ...(deferred > 0 ? [`${deferred} more action(s) left for the next cycle (at most ${MAX_ACTIONS_PER_CYCLE} a cycle)`] : []),
      ...(late ? [`plan ran ${Math.round((now.getTime() - cycleStart) / 1000)} s after its cycle started, past the next cycle's start: it starts nothing, the next cycle decides`] : []),
      ...(older && !late ? [`an older cycle (${older.ref.name}) still runs: this one starts nothing, at most one cycle acts at a time`] : []),
      ...unprovableWorkers(view, { now, timeoutSeconds: UNSERVED_STOP_SECONDS, memory: serving }),
    ];
    const acted = actions.slice(0, MAX_ACTIONS_PER_CYCLE);
    return {
      cycle,
      action: decision.action,
      ...(decision.outcome ? { outcome: decision.outcome } : {}),
      actions: acted,
      reason: reasons.join('; '),
      decision: { ...decisionRecord(explained), ...(gaps.length > 0 ? { metricGaps: gaps } : {}) },
      figures: cycleFigures(view, acted, gaps),
      memory: recordMemory(policy, now, memory, serving),
    };
  };
}
