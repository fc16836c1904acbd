/**
 * A small cluster for activity tests: the recording fakes wired into
 * ActivityDeps on a clock that moves only when a test moves it, and the steps of
 * the drain workflow run through the real handlers, so each test reaches the
 * state it starts from the way a workflow would.
 */
import { createBeginDrainHandler } from '../../activities/begin-drain';
import { createCheckDrainedHandler } from '../../activities/check-drained';
import { createSetMaintenanceHandler } from '../../activities/set-maintenance';
import { createStartWorkerHandler } from '../../activities/start-worker';
import type { ActivityDeps } from '../../activities/support/deps';
import type { AutoscaleConfig } from '../../core/autoscale-config';
import { BOOT_WORKFLOW, DRAIN_WORKFLOW, workerExecutionName } from '../../core/execution-names';
import { resolveSettings } from '../../core/settings';
import type { JsonObject } from '../../engine/types';
import type { WorkerSlot } from '../../machines/worker-slot';
import { FakeExecutions, FakeFleet, FakeMetrics, FakeOpencast } from './fakes';
import { NOW, type WorkerSpec } from './views';
import { opsworksInstanceState } from '../../adapters/aws/opsworks-fleet';

export class World {
  readonly fleet: FakeFleet;
  readonly opencast: FakeOpencast;
  readonly metrics = new FakeMetrics();
  readonly executions = new FakeExecutions();
  readonly deps: ActivityDeps;
  private clock = NOW;

  constructor(specs: WorkerSpec[], options: { env?: Record<string, string>; autoscaleConfig?: AutoscaleConfig } = {}) {
    this.fleet = new FakeFleet(specs);
    this.opencast = new FakeOpencast(specs);
    this.deps = {
      // The rows are about the billing window of hourly billing unless they say per-second (the default since 2026).
      settings: resolveSettings({}, { MOSCALER_CLUSTER: 'c', MATTERHORN_USER: 'u', MATTERHORN_PASS: 'p', MOSCALER_BILLING: 'hourly', ...options.env }),
      fleet: this.fleet,
      opencastAt: () => this.opencast,
      metrics: this.metrics,
      executions: this.executions,
      now: () => this.clock,
      ...(options.autoscaleConfig ? { autoscaleConfig: options.autoscaleConfig } : {}),
    };
  }

  now(): Date {
    return this.clock;
  }

  /** Moves the clock on (what a Wait state does). */
  wait(seconds: number): void {
    this.clock = new Date(this.clock.getTime() + seconds * 1000);
  }

  /** Every side effect since the last {@link forgetCalls}, as `op target`. */
  effects(): string[] {
    return [...this.fleet.calls, ...this.opencast.calls].map((c) => `${c.op} ${c.target}`);
  }

  /** Ends a test's Prepare: the side effects of the steps before the one under test are not its own. */
  forgetCalls(): void {
    this.fleet.calls = [];
    this.opencast.calls = [];
  }

  /** The provider now reports the instance in `status` (stopped by an operator, terminated, ...). */
  setStatus(hostname: string, status: string): void {
    // An OpsWorks status word, translated as the OpsWorks adapter translates it.
    Object.assign(this.instance(hostname), { status, state: opsworksInstanceState(status) });
  }

  /** The instance is gone from the provider's listing. */
  remove(hostname: string): void {
    this.fleet.instances = this.fleet.instances.filter((i) => i.hostname !== hostname);
  }

  protect(hostname: string): void {
    this.instance(hostname).tags = { 'opencast:protected': 'true' };
  }

  /** Opencast lists the worker's host (it registered after a boot). */
  register(hostname: string, host: { online?: boolean; maintenance?: boolean } = {}): void {
    const baseUrl = `http://${hostname}.internal`;
    this.opencast.hosts = this.opencast.hosts.filter((h) => h.baseUrl !== baseUrl);
    this.opencast.hosts.push({ baseUrl, online: host.online ?? true, active: true, maintenance: host.maintenance ?? false });
  }

  /** `count` more jobs RUNNING on the worker. */
  runJobs(hostname: string, count: number): void {
    for (let i = 0; i < count; i++) this.opencast.jobs.push(this.job('RUNNING', `http://${hostname}.internal`));
  }

  /** `count` jobs QUEUED, waiting for a worker: demand. */
  queue(count: number): void {
    for (let i = 0; i < count; i++) this.opencast.jobs.push(this.job('QUEUED'));
  }

  private job(status: string, processingHost?: string) {
    const id = String(this.opencast.jobs.length + 1000);
    return { id, type: 'org.opencastproject.composer', status, operation: 'encode', ...(processingHost ? { processingHost } : {}) };
  }

  private instance(hostname: string) {
    const found = this.fleet.instances.find((i) => i.hostname === hostname);
    if (!found) throw new Error(`fixture: no instance ${hostname}`);
    return found;
  }
}

/** The state a drain-worker or boot-worker execution carries between its Tasks (Init's request and name, then `$.worker`). */
export interface WorkflowState {
  request: JsonObject & { hostname: string };
  executionName: string;
  worker: WorkerSlot;
}

function expectState(slot: WorkerSlot, state: WorkerSlot['state'], step: string): WorkerSlot {
  if (slot.state !== state) throw new Error(`fixture: ${step} left ${slot.hostname} in ${slot.state} (${slot.reason.code}), not ${state}`);
  return slot;
}

/** drain-worker's Init and BeginDrain: the execution runs (the engine lists it) and begin-drain looks at the worker. */
export async function beginDrain(world: World, request: WorkflowState['request']): Promise<WorkflowState> {
  const executionName = workerExecutionName('drain', request.hostname, world.now());
  world.executions.add({ workflow: DRAIN_WORKFLOW, name: executionName, input: request, startedAt: world.now().toISOString() });
  const worker = await createBeginDrainHandler(world.deps)({ request, executionName });
  return { request, executionName, worker };
}

/** A drain up to the first poll of check-drained: begin-drain (the worker in its window) then maintenance on. */
export async function drainUntilDraining(world: World, request: WorkflowState['request']): Promise<WorkflowState> {
  const begun = await beginDrain(world, request);
  expectState(begun.worker, 'maintenance', 'begin-drain');
  const worker = await createSetMaintenanceHandler(world.deps)({ on: true, worker: begun.worker, request: begun.request });
  return { ...begun, worker: expectState(worker, 'draining', 'set-maintenance') };
}

/** A drain up to the stop: draining, then a poll that finds the worker idle. */
export async function drainUntilStopping(world: World, request: WorkflowState['request']): Promise<WorkflowState> {
  const draining = await drainUntilDraining(world, request);
  world.wait(draining.worker.waitSeconds ?? 30);
  const worker = await createCheckDrainedHandler(world.deps)(draining);
  return { ...draining, worker: expectState(worker, 'stopping', 'check-drained') };
}

/** boot-worker's Init and StartInstance: the execution runs (the engine lists it) and start-worker looks at the worker. */
export async function bootWorker(world: World, request: WorkflowState['request']): Promise<WorkflowState> {
  const executionName = workerExecutionName('boot', request.hostname, world.now());
  world.executions.add({ workflow: BOOT_WORKFLOW, name: executionName, input: request, startedAt: world.now().toISOString() });
  const worker = await createStartWorkerHandler(world.deps)({ request, executionName });
  return { request, executionName, worker };
}

/** A boot of a stopped worker up to its first WaitForBoot: the instance started. */
export async function startBoot(world: World, request: WorkflowState['request']): Promise<WorkflowState> {
  const boot = await bootWorker(world, request);
  return { ...boot, worker: expectState(boot.worker, 'booting', 'start-worker') };
}
