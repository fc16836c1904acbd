/**
 * What every activity needs, injected: the ports, the settings, the clock and
 * a way to list running executions (the local engine, or Step Functions).
 * Entry points build it: the CLI and simulator in-process, `lambda-runtime.ts`
 * in AWS Lambda. Credentials live inside the ports, never in event or result.
 */
import type { AutoscaleConfig } from '../../core/autoscale-config';
import type { FleetPort, MetricsPort, OpencastPort } from '../../core/ports';
import type { Settings } from '../../core/settings';
import type { ExecutionSummary, ListFilter } from '../../engine/types';
import type { ExecutionInputs } from './acting-on';
import type { Observation, ObserveCache } from '../../scaler/observe';

export interface ActivityDeps {
  settings: Settings;
  fleet: FleetPort;
  opencastAt: (baseUrl: string) => OpencastPort;
  metrics: MetricsPort;
  /** Running executions, to keep two workflows off one worker; `input` attributes one started by hand. */
  executions: { list(filter?: ListFilter): Promise<ExecutionSummary[]> } & ExecutionInputs;
  now: () => Date;
  /** The autoscale policy (plan-cycle only). */
  autoscaleConfig?: AutoscaleConfig;
  /** Lookups that never change while the process (a warm Lambda, the local engine) runs. */
  cache?: ObserveCache;
  /** Replaces each activity's own observation (the local engine shares one per instant: shared-observer.ts). */
  observe?: (() => Promise<Observation>) | undefined;
}

/** A Lambda-shaped handler: JSON in, JSON out; a thrown error's `name` is what Retry/Catch match. */
export type ActivityHandler<I = unknown, O = unknown> = (event: I) => Promise<O>;
