/**
 * Every activity, by the name its ASL placeholder uses (`${PlanCycleFunctionArn}`
 * → `plan-cycle`), built with one set of dependencies: what the local engine runs.
 */
import { createAbandonDrainHandler } from '../activities/abandon-drain';
import { createBeginDrainHandler } from '../activities/begin-drain';
import { createCheckBillingWindowHandler } from '../activities/check-billing-window';
import { createCheckBootHandler } from '../activities/check-boot';
import { createCheckDrainedHandler } from '../activities/check-drained';
import { createCheckStoppedHandler } from '../activities/check-stopped';
import type { ActivityDeps, ActivityHandler } from '../activities/support/deps';
import { createPlanCycleHandler } from '../activities/plan-cycle';
import { createPlanScaleHandler } from '../activities/plan-scale';
import { createReleaseMaintenanceHandler } from '../activities/release-maintenance';
import { createSetMaintenanceHandler } from '../activities/set-maintenance';
import { createStartWorkerHandler } from '../activities/start-worker';
import { createStopWorkerHandler } from '../activities/stop-worker';

export const ACTIVITY_FACTORIES: Record<string, (deps: ActivityDeps) => ActivityHandler> = {
  'plan-cycle': createPlanCycleHandler,
  'plan-scale': createPlanScaleHandler,
  'release-maintenance': createReleaseMaintenanceHandler,
  'start-worker': createStartWorkerHandler,
  'check-boot': createCheckBootHandler,
  'begin-drain': createBeginDrainHandler,
  'check-billing-window': createCheckBillingWindowHandler,
  'set-maintenance': createSetMaintenanceHandler,
  'check-drained': createCheckDrainedHandler,
  'stop-worker': createStopWorkerHandler,
  'check-stopped': createCheckStoppedHandler,
  'abandon-drain': createAbandonDrainHandler,
};

export function createActivityHandlers(deps: ActivityDeps): Record<string, ActivityHandler> {
  return Object.fromEntries(Object.entries(ACTIVITY_FACTORIES).map(([name, factory]) => [name, factory(deps)]));
}
