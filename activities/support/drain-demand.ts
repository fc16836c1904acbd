/**
 * Whether a drain under way is to be given up because its worker is wanted
 * after all: the one demand rule of core/policies `keepsWorker`, fed what the
 * plan step would see now. A drain the autoscale cycle chose is weighed by its
 * policy (with the schedule, memory and votes that policy reads); any other
 * (a manual `scale down`) by the queue against the free slots left in service.
 * Reads only.
 */
import { keepsWorker, mayRemember, needsVotes, queueKeeps, scheduleWindow, type KeepVerdict } from '../../core/policies';
import { BOOT_WORKFLOW, DRAIN_WORKFLOW } from '../../core/execution-names';
import type { DrainRequest } from '../../core/workflow-requests';
import type { Worker } from '../../core/types';
import { observeSchedule, type Observation } from '../../scaler/observe';
import { collectVotes } from '../../scaler/scale';
import { workersActedOn } from './acting-on';
import type { ActivityDeps } from './deps';
import { quietLogger } from './observe';
import { lastCycleMemory } from './policy-memory';

export async function drainDemand(deps: ActivityDeps, request: DrainRequest, observation: Observation, worker: Worker): Promise<KeepVerdict | undefined> {
  const { view } = observation;
  const now = deps.now();
  const [drains, boots] = await Promise.all([
    deps.executions.list({ workflow: DRAIN_WORKFLOW, status: 'RUNNING' }),
    deps.executions.list({ workflow: BOOT_WORKFLOW, status: 'RUNNING' }),
  ]);
  const known = (hostnames: (string | undefined)[]) => hostnames.filter((h): h is string => h !== undefined);
  const [draining, booting] = await Promise.all([workersActedOn(deps.executions, drains, view.workers), workersActedOn(deps.executions, boots, view.workers)]);
  const scaleDown = {
    minWorkers: request.minWorkers ?? deps.settings.minWorkers,
    idleUptimeThreshold: deps.settings.idleUptimeThreshold,
    billing: deps.settings.billing,
    force: false,
    draining: known(draining),
  };
  const fleet = { view, ...(observation.jobs ? { jobs: observation.jobs } : {}), scaleDown, booting: known(booting) };
  const config = deps.autoscaleConfig;
  if (config === undefined || request.requestedBy !== 'autoscale') return queueKeeps(fleet, worker.hostname);
  const window = scheduleWindow(config.policy);
  const [votes, schedule, memory] = await Promise.all([
    needsVotes(config.policy) ? collectVotes({ metrics: deps.metrics, now: deps.now, settings: deps.settings, logger: quietLogger }, config, observation) : [],
    window ? observeSchedule(observation, now, window) : undefined,
    // A memory that cannot be read: decided without it, as the plan step does.
    mayRemember(config.policy) ? lastCycleMemory(deps.executions, config.policy?.name ?? 'original', now, 60).catch(() => undefined) : undefined,
  ]);
  // Keeping a worker is no boot: a pause after the last boot does not hold it back.
  const input = { ...fleet, config, votes, pause: { cyclesLeft: 0 }, now, ...(schedule ? { schedule } : {}), ...(memory ? { memory: memory.value } : {}) };
  return keepsWorker(input, worker.hostname);
}
