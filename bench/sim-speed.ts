/**
 * `npm run bench:speed` (`npx tsx bench/sim-speed.ts [scenario] [--duration 7d] [--config file]`):
 * how fast the simulator runs a scenario (default: the shipped lecture week,
 * 50 workers, one-minute cycles, the example config). Three runs in this
 * process, each a ratio against the one before:
 *   model     the cluster model alone over the trace (no scaler): the floor;
 *   direct    the original synchronous loop through the real adapters and wire protocols;
 *   workflows every cycle an autoscale execution with its boots and drains on the local engine
 *             (what `moscaler sim run` does by default).
 * Prints wall and CPU seconds and cycles per second (the calls per cycle are in bench/cost-model.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseAutoscaleConfig } from '../core/autoscale-config';
import { defaultConfig, runSimulation, type SimRunResult } from '../wiring/sim-run';
import { parseDuration } from '../core/duration';
import { ManualClock } from '../sim/model/clock';
import { loadScenarioFile, scenarioEnd, type Scenario } from '../sim/model/scenario';
import { createSimCluster } from '../sim/model/create';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/lecture-week.json', import.meta.url));

interface Timing {
  label: string;
  wallS: number;
  cpuS: number;
  cycles: number;
  detail: string;
}

async function timed(label: string, run: () => Promise<{ cycles: number; detail: string }>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const began = performance.now();
  const { cycles, detail } = await run();
  const used = process.cpuUsage(cpu);
  return { label, wallS: (performance.now() - began) / 1000, cpuS: (used.user + used.system) / 1e6, cycles, detail };
}

function outcome(r: SimRunResult): string {
  const s = r.stats;
  return `${s.starts} starts, ${s.stops} stops, ${s.billing.perSecond.instanceHours.toFixed(1)} inst-h per-second, ${s.jobs.interrupted} interrupted, ${r.failedCycles} failed cycles`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { duration: { type: 'string' }, config: { type: 'string' } },
  });
  const scenario: Scenario = await loadScenarioFile(positionals[0] ?? DEFAULT_SCENARIO);
  const durationMs = values.duration ? parseDuration(values.duration, '--duration') : scenarioEnd(scenario) - Date.parse(scenario.start);
  const config = values.config ? parseAutoscaleConfig(JSON.parse(readFileSync(values.config, 'utf8')), values.config) : defaultConfig();
  const cycles = Math.ceil(durationMs / 60_000);

  const timings: Timing[] = [];
  timings.push(
    await timed('model', async () => {
      const clock = new ManualClock(Date.parse(scenario.start));
      const cluster = createSimCluster(scenario, clock);
      clock.set(Date.parse(scenario.start) + durationMs);
      return { cycles, detail: `${cluster.runData().timeline.length} minute samples` };
    }),
  );
  for (const engine of ['direct', 'local'] as const) {
    timings.push(
      await timed(engine === 'local' ? 'workflows' : 'direct', async () => {
        const result = await runSimulation({ scenario, config, durationMs, engine });
        return { cycles: result.cycles, detail: outcome(result) };
      }),
    );
  }

  process.stdout.write(`${scenario.cluster}: ${(durationMs / 86_400_000).toFixed(1)} days, ${cycles} one-minute cycles, Node ${process.version}\n\n`);
  process.stdout.write('| run | wall s | CPU s | cycles/s | × previous (wall) | outcome |\n| --- | ---: | ---: | ---: | ---: | --- |\n');
  timings.forEach((t, i) => {
    const previous = timings[i - 1];
    const ratio = previous ? `${(t.wallS / previous.wallS).toFixed(1)}×` : '';
    process.stdout.write(`| ${t.label} | ${t.wallS.toFixed(1)} | ${t.cpuS.toFixed(1)} | ${(t.cycles / t.wallS).toFixed(0)} | ${ratio} | ${t.detail} |\n`);
  });
}

await main();
