/**
 * The scale workflow's decision: the command line's `scale up|down|to|auto` as
 * one activity, so the console (a `scale` execution) and the CLI take one path.
 * `up`, `down` and `to` apply the original's rules (core/scale.ts) to one
 * observation, with the drains already under way; `auto` is the autoscale
 * cycle's own plan (plan-cycle). Each chosen worker gets the boot or drain
 * execution the workflow then starts, named by core/execution-names.ts. A rule
 * that forbids the request throws ScalingError, a bad input ConfigError naming
 * the field: both before anything is started. Reads only.
 */
import { decisionRecord, noAction, type Decision, type DecisionRecord } from '../core/decision';
import { ConfigError } from '../core/errors';
import { DRAIN_WORKFLOW, sharedHostnames, workerExecutionName } from '../core/execution-names';
import { planScaleDown, planScaleTo, planScaleUp, type ScaleDownOptions } from '../core/scale';
import { scaleRequestSchema, type ScaleRequest } from '../core/workflow-requests';
import { createPlanCycleHandler, type PlannedAction } from './plan-cycle';
import { workersActedOn } from './support/acting-on';
import { recentlyFailedBoots } from './support/failed-boots';
import type { ActivityDeps, ActivityHandler } from './support/deps';
import { observe } from './support/observe';
import { parseEvent } from './support/parse-event';

export interface ScalePlan {
  command: ScaleRequest['command'];
  dryRun: boolean;
  action: Decision['action'];
  actions: PlannedAction[];
  reason: string;
  /** Every worker's verdict (for `auto`, the cycle's decision with its votes). */
  decision: DecisionRecord;
}

export function createPlanScaleHandler(deps: ActivityDeps): ActivityHandler<unknown, ScalePlan> {
  const planCycle = createPlanCycleHandler(deps);
  return async (event) => {
    const request = parseEvent(scaleRequestSchema, event ?? {}, 'scale');
    if (request.command === 'auto') {
      const plan = await planCycle({
        ...(request.minWorkers !== undefined ? { minWorkers: request.minWorkers } : {}),
        ...(request.everySeconds !== undefined ? { everySeconds: request.everySeconds } : {}),
      });
      return { command: 'auto', dryRun: request.dryRun, action: plan.action, ...(plan.outcome ? { outcome: plan.outcome } : {}), actions: plan.actions, reason: plan.reason, decision: plan.decision };
    }
    const { decision, shared } = await decide(deps, request);
    const now = deps.now();
    const act = decision.action;
    // Two instances of one name: the chosen one is named by instance id (core/execution-names.ts), so the workflow acts on it alone.
    const instanceOf = (c: { hostname: string; id: string }) => (shared.has(c.hostname) ? c.id : undefined);
    const actions: PlannedAction[] = act === 'none' ? [] : decision.chosen.map((chosen) => actionFor(deps, request, act, chosen.hostname, chosen.detail, now, instanceOf(chosen)));
    return {
      command: request.command,
      dryRun: request.dryRun,
      action: decision.action,
      ...(decision.outcome ? { outcome: decision.outcome } : {}),
      actions,
      reason: decision.reasons.join('; '),
      decision: decisionRecord(decision),
    };
  };
}

async function decide(deps: ActivityDeps, request: ScaleRequest): Promise<{ decision: Decision; shared: Set<string> }> {
  const observation = await observe(deps);
  const { view } = observation;
  const hostnames = view.workers.map((w) => w.hostname);
  const shared = sharedHostnames(view.workers);
  const running = await deps.executions.list({ workflow: DRAIN_WORKFLOW, status: 'RUNNING' });
  const draining = (await workersActedOn(deps.executions, running, view.workers)).filter((h): h is string => h !== undefined);
  const down: ScaleDownOptions = {
    force: request.force,
    scaleAvailable: request.scaleAvailable,
    checkUptime: false,
    minWorkers: deps.settings.minWorkers,
    idleUptimeThreshold: deps.settings.idleUptimeThreshold,
    billing: deps.settings.billing,
    draining,
  };
  switch (request.command) {
    case 'up': {
      // Refused earlier in this request (the CLI's retry) first, then boots that failed lately.
      const failedBoots = [...(request.capacityRefused ?? []), ...(await recentlyFailedBoots(deps, deps.now(), hostnames))];
      return { decision: withoutRefused(planScaleUp(view, request.count ?? 1, { scaleAvailable: request.scaleAvailable, failedBoots }), request.capacityRefused), shared };
    }
    case 'down':
      return { decision: planScaleDown(view, request.count ?? 1, down), shared };
    case 'to':
      return { decision: planScaleTo(view, request.count!, down), shared };
    default:
      throw new ConfigError('scale input command', `unknown command ${request.command}`);
  }
}

/**
 * A scale-up retried after EC2 refused some starts for capacity (the CLI's next round of one request): those
 * workers are not chosen again (their types already rank last); with none left to try, nothing is started.
 */
function withoutRefused(decision: Decision, refused: readonly string[] | undefined): Decision {
  if (!refused || refused.length === 0) return decision;
  const again = decision.chosen.filter((c) => refused.includes(c.hostname));
  if (again.length === 0) return decision;
  const chosen = decision.chosen.filter((c) => !refused.includes(c.hostname));
  const rejected = [
    ...again.map((c) => ({ ...c, chosen: false, reason: 'NotNeeded' as const, detail: 'EC2 refused its start for capacity earlier in this request: not tried again' })),
    ...decision.rejected,
  ];
  const reasons = [...decision.reasons, `${again.map((c) => c.hostname).join(', ')}: EC2 refused the start for capacity earlier in this request, and no other stopped worker is left to try instead`];
  if (chosen.length > 0) return { ...decision, chosen, rejected, reasons };
  return noAction('up', 'NoStoppedWorker', reasons.join('; '), { rejected, warnings: decision.warnings });
}

function actionFor(deps: ActivityDeps, request: ScaleRequest, action: 'start' | 'stop', hostname: string, reason: string, now: Date, instanceId?: string): PlannedAction {
  const instance = instanceId ? { instanceId } : {};
  if (action === 'start') {
    return { kind: 'boot', hostname, executionName: workerExecutionName('boot', hostname, now, instanceId), input: { hostname, ...instance, requestedBy: request.requestedBy, reason }, reason };
  }
  return {
    kind: 'drain',
    hostname,
    executionName: workerExecutionName('drain', hostname, now, instanceId),
    // A manual scale-down does not wait for the billing window (as the original).
    input: { hostname, ...instance, requestedBy: request.requestedBy, force: request.force, respectBillingWindow: false, minWorkers: deps.settings.minWorkers, reason },
    reason,
  };
}
