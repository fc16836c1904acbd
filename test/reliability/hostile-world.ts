/**
 * A simulated cluster whose Opencast and AWS answers can be replaced, wire
 * level, by hostile ones (wrong types, huge values, missing fields, HTML error
 * pages, truncated JSON or XML), with every start, stop and maintenance call
 * that reaches the cluster recorded: what the bad-input corpus runs against.
 */
import { SIM_CREDENTIALS, SIM_REGION } from '../../adapters/aws/clients';
import { scenarioEnv } from '../../wiring/sim-runtime';
import { createRuntime, type Runtime } from '../../wiring/runtime';
import { resolveSettings, type Settings } from '../../core/settings';
import { recordEffects } from '../../reliability/effects';
import type { EffectRecord } from '../../reliability/invariants';
import { createAwsRouter } from '../../sim/aws/router';
import { ManualClock } from '../../sim/model/clock';
import type { SimCluster } from '../../sim/model/cluster';
import { parseScenario, type ScenarioInput } from '../../sim/model/scenario';
import { createSimCluster } from '../../sim/model/create';
import { createOpencastRouter } from '../../sim/opencast/router';
import { createSdkRequestHandler } from '../../sim/wire/sdk-request-handler';
import type { WireRequest, WireResponse, WireRouter } from '../../sim/wire/types';
import { RouterDispatcher } from '../../sim/wire/undici-dispatcher';

/** Which exchange to replace: an Opencast path, or an AWS operation (`OpsWorks:DescribeInstances`, `EC2:DescribeInstances`). */
export interface Tamper {
  match: (request: WireRequest) => boolean;
  answer: (real: WireResponse) => WireResponse;
}

export const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

export const opencastPath = (path: string) => (r: WireRequest) => r.path === path;
export const opsworksOperation = (operation: string) => (r: WireRequest) => r.headers['x-amz-target'] === `OpsWorks_20130218.${operation}`;
export const ec2Action = (action: string) => (r: WireRequest) => new URLSearchParams(r.body).get('Action') === action;

/** The real answer's JSON, changed by `edit`. */
export function editJson(edit: (body: any) => unknown): (real: WireResponse) => WireResponse {
  return (real) => {
    const body = JSON.parse(real.body);
    const edited = edit(body);
    return { ...real, body: JSON.stringify(edited === undefined ? body : edited) };
  };
}

export const replaceBody = (body: string, headers: Record<string, string> = {}, status?: number) => (real: WireResponse): WireResponse => ({
  ...real,
  ...(status !== undefined ? { status } : {}),
  headers: { ...real.headers, ...headers },
  body,
});

export const truncate = (real: WireResponse): WireResponse => ({ ...real, body: real.body.slice(0, Math.floor(real.body.length / 2)) });

function tampered(router: WireRouter, tampers: readonly Tamper[]): WireRouter {
  return async (request) => {
    const real = await router(request);
    const tamper = tampers.find((t) => t.match(request));
    return tamper ? tamper.answer(real) : real;
  };
}

export interface HostileWorld {
  cluster: SimCluster;
  settings: Settings;
  runtime: Runtime;
  effects: EffectRecord[];
  close(): Promise<void>;
}

const HOSTILE_START = '2025-10-13T10:00:00Z';

/** Two idle online workers late in their hour and one stopped: a scale-down or scale-up would act at once. */
export function hostileWorld(tampers: readonly Tamper[], input: Partial<ScenarioInput> = {}, env: Record<string, string> = {}): HostileWorld {
  const scenario = parseScenario({
    // The hostile answers include OpsWorks ones; an input that names its provider keeps it.
    provider: 'opsworks',
    cluster: 'c',
    start: HOSTILE_START,
    billing: 'hourly',
    opencast: { version: '15.0' },
    workers: [
      { hostname: 'worker1', state: 'online', uptimeMinutes: 55 },
      { hostname: 'worker2', state: 'online', uptimeMinutes: 54 },
      { hostname: 'worker3', state: 'stopped' },
    ],
    others: [{ hostname: 'admin1', layer: 'admin' }],
    ...input,
  });
  const clock = new ManualClock(Date.parse(scenario.start));
  const cluster = createSimCluster(scenario, clock);
  const effects: EffectRecord[] = [];
  recordEffects(cluster, (e) => effects.push(e));
  const settings = resolveSettings({}, { ...scenarioEnv(scenario), ...env });
  const dispatcher = new RouterDispatcher(tampered(createOpencastRouter(cluster), tampers));
  const runtime = createRuntime(
    { ...settings, aws: { region: SIM_REGION } },
    {
      requestHandler: createSdkRequestHandler(tampered(createAwsRouter(cluster), tampers)),
      credentials: SIM_CREDENTIALS,
      maxAttempts: 1,
      dispatcher,
      now: () => new Date(clock.now()),
      onClose: () => dispatcher.close(),
    },
  );
  return { cluster, settings, runtime, effects, close: () => runtime.close() };
}
