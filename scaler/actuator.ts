/**
 * The side effects of a scale command: start, stop, maintenance on/off. Dry run is
 * just another implementation that records what it would have done.
 */
import type { FleetPort, OpencastPort } from '../core/ports';
import type { Worker } from '../core/types';
import { ScalingError } from '../core/errors';

type ActionKind = 'start' | 'stop' | 'maintenance-on' | 'maintenance-off';

export interface ActionRecord {
  action: ActionKind;
  hostname: string;
  id: string;
  at: string;
  dryRun: boolean;
  reason: string;
  /** Set when the action failed; the command reports it and carries on with cleanup. */
  error?: string;
}

export interface Actuator {
  readonly dryRun: boolean;
  readonly log: ActionRecord[];
  start(worker: Worker, reason: string): Promise<void>;
  stop(worker: Worker, reason: string): Promise<void>;
  setMaintenance(worker: Worker, on: boolean, reason: string): Promise<void>;
}

export function createActuator(deps: {
  fleet: FleetPort;
  opencast?: OpencastPort;
  now: () => Date;
  dryRun: boolean;
}): Actuator {
  const log: ActionRecord[] = [];
  const act = async (action: ActionKind, worker: Worker, reason: string, effect: () => Promise<void>) => {
    const record: ActionRecord = { action, hostname: worker.hostname, id: worker.id, at: deps.now().toISOString(), dryRun: deps.dryRun, reason };
    log.push(record);
    if (deps.dryRun) return;
    try {
      await effect();
    } catch (error) {
      record.error = (error as Error).message;
      throw error;
    }
  };
  return {
    dryRun: deps.dryRun,
    log,
    start: (w, reason) => act('start', w, reason, () => deps.fleet.startInstance(w.id)),
    stop: (w, reason) => act('stop', w, reason, () => deps.fleet.stopInstance(w.id)),
    setMaintenance: (w, on, reason) =>
      act(on ? 'maintenance-on' : 'maintenance-off', w, reason, async () => {
        if (!deps.opencast || !w.hostUrl) throw new ScalingError(`${w.hostname}: no Opencast host to switch maintenance on (not registered, or Opencast did not answer)`);
        await deps.opencast.setMaintenance(w.hostUrl, on);
      }),
  };
}
