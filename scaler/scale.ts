/**
 * The scale commands: observe → decide (core) → act. The same functions serve the
 * CLI and, later, the activities. I/O stays here; rules stay in core.
 */
import type { AutoscaleConfig, StrategyConfig } from '../core/autoscale-config';
import { decideAutoscale } from '../core/autoscale';
import { noAction, type Decision, type StrategyVote } from '../core/decision';
import { DependencyError, InsufficientCapacityError, ScalingError } from '../core/errors';
import type { MetricAnswer, MetricQuery, MetricsPort } from '../core/ports';
import { failedStartsOf, rankForStart, startDetail } from '../core/ranking';
import { planScaleDown, planScaleTo, planScaleUp, type ScaleDownOptions } from '../core/scale';
import type { Settings } from '../core/settings';
import { metricWindow, vote } from '../core/strategies';
import type { ClusterView, Worker } from '../core/types';
import type { ActionRecord, Actuator } from './actuator';
import { queuedFor, refuseWithoutCredentials, type Observation } from './observe';
import type { PauseStore } from './pause-store';

export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ScalerDeps {
  observe: () => Promise<Observation>;
  actuatorFor: (observation: Observation) => Actuator;
  metrics: MetricsPort;
  pauseStore: PauseStore;
  now: () => Date;
  settings: Settings;
  logger: Logger;
  force: boolean;
  /** Go through every step but start, stop and change maintenance on nothing. */
  dryRun: boolean;
}

interface ClusterSummary {
  workers: number;
  onlineWorkers: number;
  queuedHighLoadJobs: number | null;
  runningJobs: number | null;
}

export interface ScaleResult {
  decision: Decision;
  actions: ActionRecord[];
  before: ClusterSummary;
}

function summarize(view: ClusterView): ClusterSummary {
  return {
    workers: view.counts.workers,
    onlineWorkers: view.counts.onlineWorkers,
    queuedHighLoadJobs: view.opencast.up ? view.opencast.queue.queuedHighLoad : null,
    runningJobs: view.opencast.up ? view.opencast.running : null,
  };
}

function downOptions(deps: ScalerDeps, scaleAvailable: boolean, checkUptime: boolean): ScaleDownOptions {
  return {
    force: deps.force,
    scaleAvailable,
    checkUptime,
    minWorkers: deps.settings.minWorkers,
    idleUptimeThreshold: deps.settings.idleUptimeThreshold,
    billing: deps.settings.billing,
  };
}

async function begin(deps: ScalerDeps, command: string): Promise<Observation> {
  const observation = await deps.observe();
  deps.logger.info({ event: 'before', command, cluster: observation.view.cluster, ...summarize(observation.view) }, 'cluster status before');
  // Refused credentials are a configuration error: nothing is started or stopped on them.
  refuseWithoutCredentials(observation, deps.settings.opencast.user);
  if (!observation.view.opencast.up) {
    deps.logger.warn({ event: 'opencast-unavailable', error: observation.view.opencast.error }, 'Opencast unavailable: no worker will be stopped');
  }
  return observation;
}

/**
 * Starts the chosen workers. One that Opencast still holds in maintenance (the
 * flag of the drain that stopped it: Opencast keeps it across restarts, and
 * DCE's OpsWorks deploy recipe used to clear it) has the flag switched off at
 * once: while it is stopped no job can go to it, and once back it must get
 * work. Without this a scaled-up cluster could sit idle behind a growing queue.
 */
async function startAll(actuator: Actuator, decision: Decision, workers: readonly Worker[], logger?: ScalerDeps['logger']): Promise<Decision> {
  const refused: string[] = [];
  const notes: string[] = [];
  const chosen: Decision['chosen'] = [];
  const taken = new Set(decision.chosen.map((c) => c.id));
  for (const verdict of decision.chosen) {
    let worker = workers.find((w) => w.id === verdict.id);
    let reason = verdict.detail;
    while (worker) {
      try {
        await actuator.start(worker, reason);
      } catch (error) {
        if (!(error instanceof InsufficientCapacityError)) throw error;
        // EC2 has no capacity for this type now: the next stopped worker, another type first, within this request.
        refused.push(worker.hostname);
        const next = rankForStart(
          workers.filter((w) => w.statusClass === 'stopped' && !taken.has(w.id)),
          failedStartsOf(workers, refused),
        )[0];
        const note = `${named(worker)}: EC2 has no capacity for its instance type: ${next ? `trying ${named(next)} instead` : 'no other stopped worker to try'}`;
        notes.push(note);
        logger?.warn({ event: 'capacity-retry', refused: worker.hostname, ...(next ? { next: next.hostname } : {}) }, note);
        if (!next) throw new InsufficientCapacityError(note, { cause: error });
        taken.add(next.id);
        worker = next;
        reason = `instead of ${refused.at(-1)} (no EC2 capacity): ${startDetail(next, failedStartsOf(workers, refused))}`;
        continue;
      }
      if (worker.registered && worker.maintenance && worker.statusClass === 'stopped') {
        // Recorded with its error if Opencast refuses; the start stands either way.
        await actuator.setMaintenance(worker, false, 'started: back in service once online').catch(() => undefined);
      }
      chosen.push(worker.id === verdict.id ? verdict : { ...verdict, hostname: worker.hostname, id: worker.id, detail: reason });
      break;
    }
  }
  return notes.length === 0 ? decision : { ...decision, chosen, reasons: [...decision.reasons, ...notes] };
}

const named = (w: Worker) => `${w.hostname}${w.instanceType ? ` (${w.instanceType})` : ''}`;

/**
 * The original's scale-down: every registered online worker not already in
 * maintenance goes into maintenance first, so Opencast dispatches nothing new
 * while idleness is judged on a fresh observation; afterwards maintenance is
 * switched off again on each of those that was not stopped.
 */
async function scaleDownBracketed(
  deps: ScalerDeps,
  first: Observation,
  plan: (view: ClusterView) => Decision,
): Promise<{ decision: Decision; actions: ActionRecord[] }> {
  const firstDecision = plan(first.view); // rules that forbid the request throw here, before any side effect
  const actuator = deps.actuatorFor(first);
  if (actuator.dryRun || firstDecision.chosen.length === 0) {
    if (actuator.dryRun) await stopAll(actuator, firstDecision, first.view.workers);
    return { decision: firstDecision, actions: actuator.log };
  }
  // Protected workers are never drained, so never held either.
  const bracketed = first.view.workers.filter((w) => w.statusClass === 'online' && w.registered && !w.maintenance && !w.protected);
  const inMaintenance: Worker[] = [];
  let decision = firstDecision;
  try {
    for (const worker of bracketed) {
      await actuator.setMaintenance(worker, true, 'hold dispatch while idleness is judged');
      inMaintenance.push(worker);
    }
    const second = await deps.observe();
    decision = plan(second.view);
    await stopAll(actuator, decision, second.view.workers);
  } finally {
    const stopped = new Set(actuator.log.filter((a) => a.action === 'stop' && !a.error).map((a) => a.id));
    for (const worker of inMaintenance.filter((w) => !stopped.has(w.id))) {
      try {
        await actuator.setMaintenance(worker, false, 'not stopped: back in service');
      } catch (error) {
        deps.logger.error({ event: 'maintenance-restore-failed', hostname: worker.hostname, error: (error as Error).message }, 'could not take worker out of maintenance');
      }
    }
  }
  return { decision, actions: actuator.log };
}

async function stopAll(actuator: Actuator, decision: Decision, workers: readonly Worker[]): Promise<void> {
  for (const verdict of decision.chosen) {
    const worker = workers.find((w) => w.id === verdict.id);
    if (worker) await actuator.stop(worker, verdict.detail);
  }
}

function finish(deps: ScalerDeps, result: ScaleResult): ScaleResult {
  for (const warning of result.decision.warnings) deps.logger.warn({ event: 'scale-warning' }, warning);
  deps.logger.info(
    {
      event: 'after',
      command: result.decision.command,
      ...(result.decision.outcome ? { outcome: result.decision.outcome } : {}),
      started: result.actions.filter((a) => a.action === 'start').map((a) => a.hostname),
      stopped: result.actions.filter((a) => a.action === 'stop').map((a) => a.hostname),
      // Whether this run changed nothing by request: with no action to mark, the actions alone could not say.
      dryRun: deps.dryRun,
    },
    'actions taken',
  );
  return result;
}

export async function scaleUp(deps: ScalerDeps, n: number, scaleAvailable: boolean): Promise<ScaleResult> {
  const observation = await begin(deps, 'scale up');
  const planned = planScaleUp(observation.view, n, { scaleAvailable });
  const actuator = deps.actuatorFor(observation);
  const decision = await startAll(actuator, planned, observation.view.workers, deps.logger);
  return finish(deps, { decision, actions: actuator.log, before: summarize(observation.view) });
}

export async function scaleDown(deps: ScalerDeps, n: number, scaleAvailable: boolean): Promise<ScaleResult> {
  const observation = await begin(deps, 'scale down');
  const options = downOptions(deps, scaleAvailable, false);
  const { decision, actions } = await scaleDownBracketed(deps, observation, (view) => planScaleDown(view, n, options));
  return finish(deps, { decision, actions, before: summarize(observation.view) });
}

export async function scaleTo(deps: ScalerDeps, target: number, scaleAvailable: boolean): Promise<ScaleResult> {
  const observation = await begin(deps, 'scale to');
  const options = downOptions(deps, scaleAvailable, false);
  const decision = planScaleTo(observation.view, target, options);
  if (decision.action === 'start') {
    const actuator = deps.actuatorFor(observation);
    const started = await startAll(actuator, decision, observation.view.workers, deps.logger);
    return finish(deps, { decision: started, actions: actuator.log, before: summarize(observation.view) });
  }
  const down = await scaleDownBracketed(deps, observation, (view) => planScaleTo(view, target, options));
  return finish(deps, { ...down, before: summarize(observation.view) });
}

/** Fetch each strategy's numbers, then vote. A fetch failure is a missing vote, never a down vote. */
export async function collectVotes(
  deps: Pick<ScalerDeps, 'metrics' | 'now' | 'settings' | 'logger'>,
  config: AutoscaleConfig,
  observation: Observation,
): Promise<StrategyVote[]> {
  const { view } = observation;
  const online = view.counts.onlineWorkers;
  const failed = (strategy: StrategyConfig, error: unknown): StrategyVote => {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error({ event: 'strategy-failed', strategy: strategy.name, error: message }, 'strategy cast no vote');
    return vote(strategy, { error: message }, online);
  };
  // Every cloudwatch strategy's metric goes into one CloudWatch call (the original made one per strategy).
  const metricQueries = new Map<number, MetricQuery>();
  const early = new Map<number, StrategyVote>();
  config.strategies.forEach((strategy, index) => {
    if (strategy.method !== 'cloudwatch') return;
    try {
      const { start, end } = metricWindow(strategy, deps.now());
      const { namespace, metric, sample_period: periodSeconds } = strategy.settings;
      metricQueries.set(index, { namespace, metric, dimension: dimensionFor(strategy.settings, view), periodSeconds, start, end });
    } catch (error) {
      early.set(index, failed(strategy, error));
    }
  });
  const answers: Promise<MetricAnswer[] | { error: unknown }> =
    metricQueries.size === 0 ? Promise.resolve([]) : deps.metrics.getAverages([...metricQueries.values()]).catch((error: unknown) => ({ error }));
  const indexes = [...metricQueries.keys()];
  return Promise.all(
    config.strategies.map(async (strategy, index): Promise<StrategyVote> => {
      const known = early.get(index);
      if (known) return known;
      if (strategy.method === 'queued_jobs') {
        try {
          const queued = await queuedFor(observation, strategy.settings.operation_types, deps.settings.opencast.queueSource);
          return vote(strategy, { queued }, online);
        } catch (error) {
          return failed(strategy, error);
        }
      }
      const all = await answers;
      if (!Array.isArray(all)) return failed(strategy, all.error);
      const answer = all[indexes.indexOf(index)] ?? { error: 'CloudWatch gave no answer for this metric' };
      return 'error' in answer ? failed(strategy, new DependencyError('cloudwatch', answer.error)) : vote(strategy, answer, online);
    }),
  );
}

function dimensionFor(
  settings: { layer_name?: string | undefined; layer_id?: string | undefined; instance_name?: string | undefined; dimension?: { name: string; value: string } | undefined },
  view: ClusterView,
): MetricQuery['dimension'] {
  if (settings.dimension) return { name: settings.dimension.name, value: settings.dimension.value };
  if (settings.layer_id) return { name: 'LayerId', value: settings.layer_id };
  if (settings.layer_name) {
    const layer = view.layers.find((l) => l.name === settings.layer_name);
    if (!layer) throw new ScalingError(`Could not find layer '${settings.layer_name}'`);
    return { name: 'LayerId', value: layer.id };
  }
  if (settings.instance_name) {
    const instance = view.instances.find((i) => i.hostname === settings.instance_name);
    if (!instance?.ec2Id) throw new ScalingError(`Could not find an EC2 instance for '${settings.instance_name}'`);
    return { name: 'InstanceId', value: instance.ec2Id };
  }
  return { name: 'StackId', value: view.clusterId };
}

export async function autoscale(deps: ScalerDeps, config: AutoscaleConfig): Promise<ScaleResult> {
  const observation = await begin(deps, 'scale auto');
  const votes = await collectVotes(deps, config, observation);
  const pause = await deps.pauseStore.read();
  const input = {
    config,
    votes,
    pause,
    now: deps.now(),
    scaleDown: {
      minWorkers: deps.settings.minWorkers,
      idleUptimeThreshold: deps.settings.idleUptimeThreshold,
      billing: deps.settings.billing,
      force: deps.force,
    },
  };
  const decision = decideAutoscale({ ...input, view: observation.view });
  deps.logger.debug({ event: 'decision', decision }, 'autoscale decision');
  let result: ScaleResult;
  if (decision.action === 'start') {
    const actuator = deps.actuatorFor(observation);
    const started = await startAll(actuator, decision, observation.view.workers, deps.logger);
    result = { decision: started, actions: actuator.log, before: summarize(observation.view) };
  } else if (decision.action === 'stop') {
    // Re-decide on the fresh observation taken after maintenance went on; votes stay as they were.
    const down = await scaleDownBracketed(deps, observation, (view) => {
      const again = decideAutoscale({ ...input, view });
      return again.action === 'stop' ? again : noAction('auto', again.outcome ?? 'NoCandidate', again.reasons.join('; '), { rejected: again.rejected, votes });
    });
    result = { ...down, before: summarize(observation.view) };
  } else {
    result = { decision, actions: [], before: summarize(observation.view) };
  }
  if (!deps.dryRun && decision.pause) await deps.pauseStore.write(decision.pause.after);
  return finish(deps, result);
}
