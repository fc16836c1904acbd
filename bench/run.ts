/**
 * `npm run bench` (`npx tsx bench/run.ts [--quick] [--traces a,b] [--policies x,y] [--out dir]`):
 * every policy on every trace in both billing modes, through the real
 * workflows on the simulator, one run after another; then the bounds, the
 * tables (stdout), results JSON, the tables as markdown and SVG charts.
 * What each part measures and the latest results: bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_TIMINGS } from '../sim/model/cluster-types';
import { clairvoyantBound, fluidBound } from './bounds';
import { barChartSvg, timelineSvg } from './chart';
import { measureCostModel, costModelMarkdown, type CostModel } from './cost-model';
import { measure, type Cell } from './measure';
import { benchPolicies } from './policies';
import { BILLING_MODES, markdownTable, textTable, type TraceResult } from './report';
import { prepareTrace, TRACES, type PreparedTrace } from './traces';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    traces: { type: 'string' },
    policies: { type: 'string' },
    out: { type: 'string' },
    'no-cost-model': { type: 'boolean', default: false },
  },
});
const list = (s: string | undefined) => (s ? new Set(s.split(',')) : undefined);
const onlyTraces = list(values.traces);
const onlyPolicies = list(values.policies);
// Only the full run writes bench/results (committed); a quick or partial run goes to a temporary directory unless told otherwise.
const partial = values.quick || onlyTraces !== undefined || onlyPolicies !== undefined;
const outDir = values.out ?? (partial ? join(tmpdir(), 'moscaler-bench') : fileURLToPath(new URL('./results', import.meta.url)));

/** Billed from EC2 `running` until Opencast registers the host; the shutdown is billed after a stop. */
const BOOT_BILLED_MS =
  DEFAULT_TIMINGS.pendingMs - DEFAULT_TIMINGS.ec2PendingMs + DEFAULT_TIMINGS.bootingMs + DEFAULT_TIMINGS.setupMs + DEFAULT_TIMINGS.registerMs;
const STOP_BILLED_MS = DEFAULT_TIMINGS.shutdownMs;

function boundsOf(p: PreparedTrace) {
  const clairvoyant = (billing: 'hourly' | 'per-second') =>
    clairvoyantBound(p.trace, {
      window: p.window,
      slotsPerWorker: p.slotsPerWorker,
      billing,
      minWorkers: p.scenario.minWorkers,
      bootBilledMs: BOOT_BILLED_MS,
      stopBilledMs: STOP_BILLED_MS,
      initial: p.initialUptimesMs.map((ms) => p.window.start - ms),
    });
  const hourly = clairvoyant('hourly');
  const perSecond = clairvoyant('per-second');
  return {
    fluid: fluidBound(p.trace, p.window, p.slotsPerWorker),
    clairvoyant: { hourly: hourly.instanceHours, 'per-second': perSecond.instanceHours },
    peakWorkers: Math.max(...perSecond.needed),
    needed: perSecond.needed,
  };
}

async function main(): Promise<void> {
  const began = performance.now();
  const results: TraceResult[] = [];
  for (const spec of TRACES.filter((t) => !onlyTraces || onlyTraces.has(t.id))) {
    const prepared = prepareTrace(spec, values.quick);
    const bounds = boundsOf(prepared);
    const cells: Cell[] = [];
    for (const policy of benchPolicies({ timeZone: spec.timeZone, peakWorkers: bounds.peakWorkers })) {
      if (onlyPolicies && !onlyPolicies.has(policy.id)) continue;
      for (const billing of BILLING_MODES) {
        const cell = await measure(prepared, policy, billing);
        process.stderr.write(
          `${spec.id} ${policy.id} ${billing}: ${cell.billedHours.toFixed(1)} inst-h, p95 wait ${cell.waitSeconds.p95.toFixed(1)} s, ${cell.interrupted} interrupted (${cell.realSeconds.toFixed(1)} s)\n`,
        );
        cells.push(cell);
      }
    }
    const hours = (prepared.window.end - prepared.window.start) / 3_600_000;
    const result: TraceResult = {
      id: spec.id,
      note: prepared.note,
      window: { start: new Date(prepared.window.start).toISOString(), end: new Date(prepared.window.end).toISOString(), hours },
      recordings: prepared.trace.recordings.filter((r) => r.arrivalAt >= prepared.window.start).length,
      slotsPerWorker: prepared.slotsPerWorker,
      peakWorkers: bounds.peakWorkers,
      bounds: { fluid: bounds.fluid, clairvoyant: bounds.clairvoyant },
      cells,
      needed: bounds.needed,
    };
    results.push(result);
    process.stdout.write(`\n${textTable(result)}\n`);
  }
  let costModel: CostModel | undefined;
  if (!values['no-cost-model']) {
    costModel = await measureCostModel();
    process.stdout.write(`\n${costModelMarkdown(costModel)}\n`);
  }
  const runtimeSeconds = (performance.now() - began) / 1000;
  mkdirSync(outDir, { recursive: true });
  const data = { generatedAt: new Date().toISOString(), quick: values.quick, runtimeSeconds, traces: results, costModel };
  writeFileSync(`${outDir}/results.json`, `${JSON.stringify(data, (k, v) => (k === 'online' || k === 'needed' ? undefined : v), 2)}\n`);
  writeFileSync(`${outDir}/results.md`, `${results.map(markdownTable).join('\n\n')}\n${costModel ? `\n${costModelMarkdown(costModel)}\n` : ''}`);
  writeFileSync(`${outDir}/billed-hours.svg`, barChartSvg(results));
  for (const r of results) writeFileSync(`${outDir}/${r.id}-workers.svg`, timelineSvg(r, 'per-second', r.needed));
  process.stdout.write(`\nBench took ${runtimeSeconds.toFixed(0)} s; results in ${outDir}\n`);
}

await main();
