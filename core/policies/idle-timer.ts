/**
 * Idle timer (GitLab Runner's IdleTime): start enough workers for the queued
 * load whenever jobs wait; drain a worker once it has run no job for
 * `idle_minutes`. The timers are the policy's memory, carried cycle to cycle;
 * after a cold start they begin again (which only delays a drain).
 */
import { noAction } from '../decision';
import type { PolicyConfigOf } from './config';
import { byLeastLoad, drainWorkers, fleetOf, protectedVerdicts, round, startWorkers } from './fleet';
import type { Policy, PolicyDecision, PolicyMemory } from './types';

export function idleTimerPolicy(config: PolicyConfigOf<'idle-timer'>): Policy {
  return (input) => {
    const fleet = fleetOf(input, config.slots_per_worker);
    const now = input.now.getTime();
    const previous = (input.memory?.idleSince ?? {}) as Record<string, unknown>;
    const idleSince: Record<string, string> = {};
    for (const w of fleet.online) {
      if (w.runningJobs !== 0) continue;
      const before = previous[w.hostname];
      idleSince[w.hostname] = typeof before === 'string' ? before : input.now.toISOString();
    }
    const memory: PolicyMemory = { idleSince };
    const idleMinutes = (host: string) => (idleSince[host] ? (now - Date.parse(idleSince[host])) / 60_000 : 0);
    const base = { policy: 'idle-timer', memory };

    if (fleet.queuedLoad > 0) {
      const wanted = Math.ceil(fleet.queuedLoad / fleet.typicalSlots);
      const n = wanted - fleet.starting.length;
      if (n > 0) {
        const up = startWorkers(input, n, `queued load ${round(fleet.queuedLoad)} needs ${wanted} worker(s) of ${fleet.typicalSlots} slots, ${fleet.starting.length} starting`);
        return { ...up, ...base };
      }
      return { ...noAction('auto', 'AlreadyStarting', `queued load ${round(fleet.queuedLoad)}: ${fleet.starting.length} worker(s) already starting`, { rejected: protectedVerdicts(input) }), ...base };
    }
    const expired = fleet.online.filter((w) => idleMinutes(w.hostname) >= config.idle_minutes).length;
    if (expired === 0) {
      return { ...noAction('auto', 'NotIdleLongEnough', `no worker idle for ${config.idle_minutes} min`, { rejected: protectedVerdicts(input) }), ...base };
    }
    const down = drainWorkers(
      input,
      fleet,
      expired,
      input.scaleDown.minWorkers,
      {
        allowBusy: false,
        rank: byLeastLoad(fleet),
        refuse: (w) =>
          idleMinutes(w.hostname) < config.idle_minutes
            ? { reason: 'NotNeeded', detail: `idle ${Math.floor(idleMinutes(w.hostname))} min, timer ${config.idle_minutes} min` }
            : undefined,
      },
      `idle for ${config.idle_minutes} min or more`,
    );
    return { ...down, ...base } satisfies PolicyDecision;
  };
}
