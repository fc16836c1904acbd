/**
 * Idle timer (GitLab Runner's docker-autoscaler: IdleCount and IdleTime):
 * keep `idle_count` idle workers ready (start more when jobs take them or
 * wait), and drain a worker once it has run no job for `idle_minutes`, as
 * long as the ready count stays. The timers are the policy's memory, carried
 * cycle to cycle as JSON.
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
    const idle = fleet.inService.filter((w) => w.runningJobs === 0).length;

    // Jobs waiting take the ready workers first; what they leave short, and the ready count, is started.
    const forQueue = fleet.queuedLoad > 0 ? Math.ceil(fleet.queuedLoad / fleet.typicalSlots - 1e-9) : 0;
    const short = forQueue + config.idle_count - (fleet.queuedLoad > 0 ? 0 : idle) - fleet.starting.length;
    if (short > 0) {
      const why = `queued load ${round(fleet.queuedLoad)} (${forQueue} worker(s) of ${fleet.typicalSlots} slots), ${idle} idle, ${fleet.starting.length} starting, ${config.idle_count} kept ready`;
      return { ...startWorkers(input, short, why), ...base };
    }
    const expired = fleet.online.filter((w) => idleMinutes(w.hostname) >= config.idle_minutes).length;
    const surplus = Math.min(expired, idle - config.idle_count);
    if (fleet.queuedLoad > 0 || surplus <= 0) {
      const why = fleet.queuedLoad > 0 ? `queued load ${round(fleet.queuedLoad)}: ${fleet.starting.length} worker(s) starting` : `no worker beyond the ${config.idle_count} ready idle for ${config.idle_minutes} min`;
      return { ...noAction('auto', fleet.queuedLoad > 0 ? 'AlreadyStarting' : 'NotIdleLongEnough', why, { rejected: protectedVerdicts(input) }), ...base };
    }
    const down = drainWorkers(
      input,
      fleet,
      surplus,
      input.scaleDown.minWorkers,
      {
        allowBusy: false,
        rank: byLeastLoad(fleet),
        refuse: (w) =>
          idleMinutes(w.hostname) < config.idle_minutes
            ? { reason: 'NotNeeded', detail: `idle ${Math.floor(idleMinutes(w.hostname))} min, timer ${config.idle_minutes} min` }
            : undefined,
      },
      `idle for ${config.idle_minutes} min or more, ${config.idle_count} kept ready`,
    );
    return { ...down, ...base } satisfies PolicyDecision;
  };
}
