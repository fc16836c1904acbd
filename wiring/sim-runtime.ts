/**
 * `--sim FILE`: starts the simulated cluster of a scenario in-process and builds
 * the real adapters on in-process transports (an SDK requestHandler and an
 * undici Dispatcher), so every byte still goes through the clients' own wire code.
 * The scenario supplies the cluster name, Opencast credentials and billing mode
 * unless flags or the environment say otherwise.
 */
import { SIM_CREDENTIALS, SIM_REGION } from '../adapters/aws/clients';
import { resolveSettings, type Settings, type SettingsFlags } from '../core/settings';
import { createAwsRouter } from '../sim/aws/router';
import { VirtualTime } from '../engine/virtual-time';
import { fromFakeTimers, ManualClock, type VirtualClock } from '../sim/model/clock';
import type { SimCluster } from '../sim/model/cluster';
import { loadScenarioFile, type Scenario } from '../sim/model/scenario';
import { createSimCluster } from '../sim/model/create';
import { createOpencastRouter } from '../sim/opencast/router';
import { createSdkRequestHandler } from '../sim/wire/sdk-request-handler';
import { RouterDispatcher } from '../sim/wire/undici-dispatcher';
import { HandOverClock, recordActions, replayActions } from '../sim/model/journal';
import { stateDirFor } from './state-dirs';
import { loadKept, saveKept, type KeptState } from './kept-simulation';
import { createRuntime, type Runtime } from './runtime';
import type { EnvironmentOptions, EnvironmentStats } from './lambda-environments';
import { hashString } from '../sim/model/prng';
import { executionLag, type ExecutionLag } from '../sim/aws/list-lag';

export interface SimRuntime {
  runtime: Runtime;
  settings: Settings;
  cluster: SimCluster;
  scenario: Scenario;
  /** Set when the command runs workflows: timers and Date are virtual from the scenario's start. */
  vt?: VirtualTime;
  /** `--sim-keep`: the cluster continues from the last command's and is saved when the runtime closes. */
  kept?: KeptState;
}

/** Environment defaults a scenario provides; real variables and flags still win. */
export function scenarioEnv(scenario: Scenario): Record<string, string> {
  return {
    MOSCALER_CLUSTER: scenario.cluster,
    MATTERHORN_USER: scenario.opencast.user,
    MATTERHORN_PASS: scenario.opencast.password,
    MOSCALER_BILLING: scenario.billing,
    MOSCALER_MIN_WORKERS: String(scenario.minWorkers),
    MOSCALER_PROVIDER: scenario.provider,
  };
}

/**
 * The functions' execution environments in this scenario: its `lambda` setting (how often they start cold),
 * its `cold-start` faults, and a seed of its own so a run replays exactly.
 */
export function simLambda(scenario: Scenario, cluster: SimCluster, stats?: EnvironmentStats): EnvironmentOptions {
  return {
    ...(scenario.lambda?.coldStartEveryMinutes !== undefined ? { coldStartEveryMinutes: scenario.lambda.coldStartEveryMinutes } : {}),
    environments: scenario.lambda?.environments ?? 1,
    seed: hashString(`lambda:${scenario.seed}`),
    now: () => cluster.now(),
    forcedCold: (fn) => cluster.faultActive('cold-start', fn),
    ...(stats ? { stats } : {}),
  };
}

/** How far the activities' reads of executions trail the truth in this world (always some seconds; more under `list-lag`). */
export function simListLag(cluster: SimCluster): ExecutionLag {
  return executionLag(cluster);
}

/** Wires a runtime to an already-built simulated cluster. */
export function runtimeOnCluster(cluster: SimCluster, settings: Settings, clock: VirtualClock): Runtime {
  const dispatcher = new RouterDispatcher(createOpencastRouter(cluster));
  return createRuntime(
    { ...settings, aws: { region: settings.aws.region ?? SIM_REGION } },
    {
      requestHandler: createSdkRequestHandler(createAwsRouter(cluster)),
      credentials: SIM_CREDENTIALS,
      // No SDK-internal retries: their backoff would sleep on the virtual clock inside an activity.
      maxAttempts: 1,
      dispatcher,
      now: () => new Date(clock.now()),
      onClose: () => dispatcher.close(),
    },
  );
}

/** Where a kept simulated cluster of these settings lives (its history beside it). */
function keptDirFor(settings: Settings): string {
  return stateDirFor(settings, `${settings.cluster}.kept`);
}

export async function simRuntime(
  file: string,
  globals: SettingsFlags,
  env: Record<string, string | undefined>,
  options: { clock?: VirtualClock; virtualTime?: boolean; keep?: boolean } = {},
): Promise<SimRuntime> {
  const scenario = await loadScenarioFile(file);
  const settings = resolveSettings(globals, { ...scenarioEnv(scenario), ...stripEmpty(env) });
  const kept = options.keep ? loadKept(keptDirFor(settings), scenario) : undefined;
  const scenarioStart = Date.parse(scenario.start);
  const start = kept?.at ?? scenarioStart;
  // Workflows wait minutes to hours: on virtual time those waits cost nothing (engine/virtual-time.ts).
  const vt = options.virtualTime ? VirtualTime.install({ start }) : undefined;
  const commandClock = options.clock ?? (vt ? fromFakeTimers(vt.clock) : new ManualClock(start));
  // A kept cluster is rebuilt on a clock of its own, replayed up to where it was left, then follows the command's.
  const replayClock = new ManualClock(scenarioStart);
  const simClock = new HandOverClock(kept ? replayClock : commandClock);
  const cluster = createSimCluster(scenario, simClock);
  if (kept) {
    replayActions(cluster, replayClock, kept.actions, start);
    simClock.source = commandClock;
    recordActions(cluster, kept.actions);
  }
  const runtime = runtimeOnCluster(cluster, settings, simClock);
  const close = runtime.close.bind(runtime);
  runtime.close = async () => {
    // Saved before the virtual clock goes: the time reached is part of the state.
    if (kept) saveKept(kept, cluster.now());
    await close();
    vt?.uninstall();
  };
  return { runtime, settings, cluster, scenario, ...(vt ? { vt } : {}), ...(kept ? { kept } : {}) };
}

function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}
