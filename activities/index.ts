/**
 * Every activity, by the name its ASL placeholder uses (`${PlanCycleFunctionArn}`
 * → `plan-cycle`), built with one set of dependencies: what the local engine runs.
 */
import { createAbandonDrainHandler } from './abandon-drain';
import { createBeginDrainHandler } from './begin-drain';
import { createCheckBillingWindowHandler } from './check-billing-window';
import { createCheckBootHandler } from './check-boot';
import { createCheckDrainedHandler } from './check-drained';
import { createCheckStoppedHandler } from './check-stopped';
import type { ActivityDeps, ActivityHandler } from './deps';
import { createPlanCycleHandler } from './plan-cycle';
import { createReleaseMaintenanceHandler } from './release-maintenance';
import { createSetMaintenanceHandler } from './set-maintenance';
import { createStartWorkerHandler } from './start-worker';
import { createStopWorkerHandler } from './stop-worker';

export const ACTIVITY_FACTORIES: Record<string, (deps: ActivityDeps) => ActivityHandler> = {
  'plan-cycle': createPlanCycleHandler,
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
