/** Policy inputs for rule tests: workers from short specs, jobs with loads, 36-slot hosts. */
import { parseAutoscaleConfig, type AutoscaleConfig } from '../../../core/autoscale-config';
import type { PolicyInput } from '../../../core/policies';
import type { BillingMode, OpencastJob } from '../../../core/types';
import { NOW, viewOf, type WorkerSpec } from '../../helpers/views';

export { NOW };

export interface InputSpec {
  workers: Array<WorkerSpec & { load?: number }>;
  /** Queued (QUEUED) jobs, each with its load. */
  queued?: number[];
  billing?: BillingMode;
  minWorkers?: number;
  now?: Date;
  draining?: string[];
  booting?: string[];
  lastBootAt?: string;
  memory?: PolicyInput['memory'];
  protectedHostnames?: string[];
  slots?: number;
}

export function configOf(policy: Record<string, unknown>): AutoscaleConfig {
  return parseAutoscaleConfig({ policy }, 'test');
}

/** Each worker's `load` becomes one RUNNING job of that load on its host (plus `running - 1` light ones). */
export function inputOf(config: AutoscaleConfig, spec: InputSpec): PolicyInput {
  const view = viewOf(
    spec.workers.map((w) => ({ ...w, running: w.running ?? (w.load ? 1 : 0) })),
    { queued: spec.queued?.length ?? 0, protectedHostnames: spec.protectedHostnames ?? [] },
  );
  if (view.opencast.up) view.opencast.hosts = view.opencast.hosts.map((h) => ({ ...h, maxLoad: spec.slots ?? 36 }));
  const jobs: OpencastJob[] = [];
  let id = 0;
  for (const w of spec.workers) {
    const n = w.running ?? (w.load ? 1 : 0);
    for (let i = 0; i < n; i++) {
      jobs.push({ id: String(++id), type: 'org.opencastproject.composer', status: 'RUNNING', operation: 'encode', processingHost: `http://${w.hostname}.internal`, jobLoad: i === 0 ? (w.load ?? 1) : 0.1 });
    }
  }
  for (const load of spec.queued ?? []) jobs.push({ id: String(++id), type: 'org.opencastproject.composer', status: 'QUEUED', operation: 'encode', jobLoad: load });
  return {
    view,
    jobs,
    config,
    votes: [],
    pause: { cyclesLeft: 0 },
    now: spec.now ?? NOW,
    scaleDown: { minWorkers: spec.minWorkers ?? 1, idleUptimeThreshold: 50, billing: spec.billing ?? 'per-second', force: false, draining: spec.draining ?? [] },
    ...(spec.booting ? { booting: spec.booting } : {}),
    ...(spec.lastBootAt ? { lastBootAt: spec.lastBootAt } : {}),
    ...(spec.memory ? { memory: spec.memory } : {}),
  };
}

export const chosen = (d: { chosen: Array<{ hostname: string }> }) => d.chosen.map((c) => c.hostname);
export const reasonOf = (d: { rejected: Array<{ hostname: string; reason: string }> }, hostname: string) => d.rejected.find((r) => r.hostname === hostname)?.reason;
export const minutesLater = (minutes: number, from = NOW) => new Date(from.getTime() + minutes * 60_000);
