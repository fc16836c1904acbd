/**
 * Control-plane cost per autoscale cycle, measured, not assumed: Step Functions
 * state transitions (every state entered, as Step Functions bills them) of an
 * idle cycle, a scaling cycle and the boot and drain executions it starts; and
 * the calls one cycle makes to AWS (counted at the simulated AWS endpoint) and
 * to Opencast, for fleets of 10, 50 and 200 workers.
 */
import { pathToFileURL } from 'node:url';
import { SIM_CREDENTIALS, SIM_REGION } from '../adapters/aws/clients';
import { parseAutoscaleConfig, type AutoscaleConfig } from '../core/autoscale-config';
import { resolveSettings } from '../core/settings';
import { scenarioEnv } from '../wiring/sim-runtime';
import { createLocalWorkflows } from '../wiring/local-workflows';
import { createRuntime } from '../wiring/runtime';
import { VirtualTime } from '../engine/virtual-time';
import type { ExecutionRef } from '../engine/types';
import { autoscaleExecutionName } from '../core/execution-names';
import { createAwsRouter } from '../sim/aws/router';
import { fromFakeTimers } from '../sim/model/clock';
import { parseScenario, type Scenario } from '../sim/model/scenario';
import { createSimCluster } from '../sim/model/create';
import { createOpencastRouter } from '../sim/opencast/router';
import { createSdkRequestHandler } from '../sim/wire/sdk-request-handler';
import { RouterDispatcher } from '../sim/wire/undici-dispatcher';
import { costModelPolicies } from './policies';

interface CallCount {
  policy: string;
  provider: 'opsworks' | 'ec2';
  workers: number;
  /** AWS calls of a cycle in a warm process (stack, layers and credentials cached), by `service:Operation`. */
  aws: Record<string, number>;
  awsTotal: number;
  /** The same cycle in a cold process (a fresh Lambda): the cached lookups are made again. */
  awsTotalCold: number;
  /** Calls a cold cycle makes that a warm one does not, by `service:Operation`. */
  awsColdExtra: Record<string, number>;
  /** Step Functions ListExecutions pages the cycle reads (boots and running drains; 1,000 per page). */
  listExecutions: number;
  /** HTTP requests to Opencast (hosts and active jobs; digest auth challenges each call first). */
  opencast: number;
}

export interface CostModel {
  transitions: {
    idleCycle: number;
    /** An autoscale cycle that starts `actions` boot or drain executions. */
    scalingCycle: Array<{ actions: number; transitions: number }>;
    bootExecution: number;
    /** Drain of an idle worker under per-second billing (no billing-window wait). */
    drainExecution: number;
    /** Drain of a worker whose 3 running jobs end 5, 10 and 15 minutes in (polled every 30-60 s). */
    busyDrainExecution: number;
  };
  calls: CallCount[];
}

interface Harness {
  cycle(at: number): Promise<ExecutionRef>;
  vt: VirtualTime;
  engine: ReturnType<typeof createLocalWorkflows>;
  counts: { aws: Record<string, number>; opencast: number; list: number };
  reset(): void;
  close(): Promise<void>;
}

const START = Date.parse('2025-09-08T04:00:00Z');

function fleetScenario(workers: number, online: number, provider: 'opsworks' | 'ec2', minWorkers: number, busyJobs = 0): Scenario {
  return parseScenario(
    {
      cluster: 'sim-cost',
      start: new Date(START).toISOString(),
      billing: 'per-second',
      provider,
      minWorkers,
      workers: [
        ...(busyJobs > 0 ? [{ hostname: 'worker1', state: 'online', uptimeMinutes: 600, runningJobs: busyJobs }] : []),
        { hostname: 'worker{n}', count: online - (busyJobs > 0 ? 1 : 0), from: busyJobs > 0 ? 2 : 1, state: 'online', uptimeMinutes: 600 },
        ...(workers > online ? [{ hostname: 'worker{n}', count: workers - online, from: online + 1, state: 'stopped', hasEc2: true, registered: true }] : []),
      ],
      others: [
        { hostname: 'admin1', layer: 'admin' },
        { hostname: 'engage1', layer: 'engage' },
        { hostname: 'monitoring-master1', layer: 'monitoring', instanceType: 't3.medium' },
      ],
      opencast: { version: '15.0' },
    },
    'cost-model scenario',
  );
}

function harness(scenario: Scenario, config: AutoscaleConfig): Harness {
  const settings = resolveSettings({}, scenarioEnv(scenario));
  const vt = VirtualTime.install({ start: START });
  const clock = fromFakeTimers(vt.clock);
  const cluster = createSimCluster(scenario, clock);
  const counts = { aws: {} as Record<string, number>, opencast: 0, list: 0 };
  const awsRouter = createAwsRouter(cluster, {
    onCall: (c) => {
      const key = `${c.service}:${c.operation}`;
      counts.aws[key] = (counts.aws[key] ?? 0) + 1;
    },
  });
  const opencastRouter = createOpencastRouter(cluster);
  const dispatcher = new RouterDispatcher(async (request) => {
    counts.opencast += 1;
    return opencastRouter(request);
  });
  const runtime = createRuntime(
    { ...settings, aws: { region: SIM_REGION } },
    {
      requestHandler: createSdkRequestHandler(awsRouter),
      credentials: SIM_CREDENTIALS,
      maxAttempts: 1,
      dispatcher,
      now: () => new Date(clock.now()),
      onClose: () => dispatcher.close(),
    },
  );
  const engine = createLocalWorkflows({ runtime, settings, autoscaleConfig: config, hooks: vt.hooks });
  const list = engine.list.bind(engine);
  engine.list = async (filter) => {
    counts.list += 1;
    return list(filter);
  };
  return {
    vt,
    engine,
    counts,
    async cycle(at) {
      await vt.run({ deadline: at });
      const ref = await engine.start('autoscale', { everySeconds: 60 }, { name: autoscaleExecutionName(new Date(at)) });
      await vt.drive(engine.wait(ref));
      return ref;
    },
    reset() {
      counts.aws = {};
      counts.opencast = 0;
      counts.list = 0;
    },
    async close() {
      vt.uninstall();
      await runtime.close();
    },
  };
}

async function entered(h: Harness, ref: ExecutionRef): Promise<number> {
  return (await h.engine.history(ref)).filter((e) => e.type === 'StateEntered').length;
}

async function countCalls(policy: string, config: AutoscaleConfig, workers: number, provider: 'opsworks' | 'ec2'): Promise<CallCount> {
  // Every worker online and the floor at the fleet size: each cycle observes and decides to do nothing.
  const h = harness(fleetScenario(workers, workers, provider, workers), config);
  try {
    await h.cycle(START + 60_000);
    const cold = { ...h.counts.aws };
    h.reset();
    await h.cycle(START + 120_000);
    const awsColdExtra = Object.fromEntries(
      Object.entries(cold)
        .map(([k, v]) => [k, v - (h.counts.aws[k] ?? 0)] as const)
        .filter(([, v]) => v > 0),
    );
    return {
      policy,
      provider,
      workers,
      aws: { ...h.counts.aws },
      awsTotal: Object.values(h.counts.aws).reduce((a, b) => a + b, 0),
      awsTotalCold: Object.values(cold).reduce((a, b) => a + b, 0),
      awsColdExtra,
      listExecutions: h.counts.list,
      opencast: h.counts.opencast,
    };
  } finally {
    await h.close();
  }
}

async function countTransitions(): Promise<CostModel['transitions']> {
  const scaling: Array<{ actions: number; transitions: number }> = [];
  let idleCycle = 0;
  let bootExecution = 0;
  let drainExecution = 0;
  for (const actions of [1, 2, 5]) {
    // Static peak at 4 + actions on 4 online workers: the second cycle starts `actions` boots.
    const config = parseAutoscaleConfig({ policy: { name: 'static-peak', workers: 4 + actions } }, 'cost model');
    const h = harness(fleetScenario(12, 4, 'opsworks', 4), config);
    try {
      const ref = await h.cycle(START + 60_000);
      scaling.push({ actions, transitions: await entered(h, ref) });
      await h.vt.run({ deadline: START + 30 * 60_000 });
      const boots = await h.engine.list({ workflow: 'boot-worker' });
      if (boots[0]) bootExecution = await entered(h, boots[0].ref);
      idleCycle = await entered(h, await h.cycle(START + 31 * 60_000));
    } finally {
      await h.close();
    }
  }
  const h = harness(fleetScenario(4, 4, 'opsworks', 2), parseAutoscaleConfig({ policy: { name: 'static-peak', workers: 3 } }, 'cost model'));
  try {
    await h.cycle(START + 60_000);
    await h.vt.run({ deadline: START + 30 * 60_000 });
    const drains = await h.engine.list({ workflow: 'drain-worker' });
    if (drains[0]) drainExecution = await entered(h, drains[0].ref);
  } finally {
    await h.close();
  }
  const busy = harness(fleetScenario(4, 4, 'opsworks', 2, 3), parseAutoscaleConfig({ policy: { name: 'static-peak', workers: 4 } }, 'cost model'));
  let busyDrainExecution = 0;
  try {
    const ref = await busy.engine.start('drain-worker', { hostname: 'worker1', requestedBy: 'cost-model', respectBillingWindow: false }, { name: 'drain-worker1-cost' });
    await busy.vt.drive(busy.engine.wait(ref));
    busyDrainExecution = await entered(busy, ref);
  } finally {
    await busy.close();
  }
  return { idleCycle, scalingCycle: scaling, bootExecution, drainExecution, busyDrainExecution };
}

export async function measureCostModel(sizes: readonly number[] = [10, 50, 200]): Promise<CostModel> {
  const calls: CallCount[] = [];
  const policies: Array<[string, AutoscaleConfig]> = costModelPolicies();
  for (const [policy, config] of policies) {
    for (const provider of ['opsworks', 'ec2'] as const) {
      for (const workers of sizes) calls.push(await countCalls(policy, config, workers, provider));
    }
  }
  return { transitions: await countTransitions(), calls };
}

export function costModelMarkdown(m: CostModel): string {
  const t = m.transitions;
  const lines = [
    '### Control-plane cost per autoscale cycle (measured)',
    '',
    `Step Functions state transitions: idle cycle ${t.idleCycle}; scaling cycle ${t.scalingCycle.map((s) => `${s.transitions} with ${s.actions} action(s)`).join(', ')}; each boot execution ${t.bootExecution}; each drain of an idle worker (per-second billing) ${t.drainExecution}; a drain waiting 15 min for 3 jobs ${t.busyDrainExecution}.`,
    '',
    '| policy | provider | workers | AWS calls per cycle (warm) | cold start | Step Functions ListExecutions | Opencast HTTP requests | AWS calls by operation | cold start adds |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...m.calls.map(
      (c) =>
        `| ${c.policy} | ${c.provider} | ${c.workers} | ${c.awsTotal} | ${c.awsTotalCold} | ${c.listExecutions} | ${c.opencast} | ${Object.entries(c.aws)
          .sort()
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} | ${Object.entries(c.awsColdExtra)
          .sort()
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} |`,
    ),
  ];
  return lines.join('\n');
}

// `npm run bench:cost`: the calls and transitions per cycle that docs/deploy.md's Cost section quotes.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.stdout.write(`${costModelMarkdown(await measureCostModel())}\n`);
