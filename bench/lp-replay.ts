/**
 * `npm run bench:lp-replay -- [--seeds 2025,11] [--utilisation U (default: as shipped)]`: can the LP optimum's fleet
 * be run? The deadline-aware bound (bench/lp-bound.ts) spreads work like a
 * fluid, in any order inside each stage's window; Opencast dispatches whole
 * jobs first come, first served. This takes the optimum's own fleet (workers
 * serving per 5-minute slot, rounded up, started one boot time ahead, never
 * below the floor) at the schedule-aware policy's worst turnaround on the
 * seed, runs it as a fixed schedule through the fast evaluator (the same
 * cluster model, dispatcher and workflows as every policy), and prints what
 * it bills and how late recordings come out; then repairs that fleet (a
 * worker more wherever a recording was late) until nothing is late. A fluid
 * optimum whose own fleet misses its deadline under real dispatch is a loose
 * bound, not a target a policy can reach; the repaired fleet is achievable
 * with clairvoyance, so the optimum under real dispatch lies between the two
 * (or below the policy, if the policy is cheaper).
 */
import { parseArgs } from 'node:util';
import { parseAutoscaleConfig } from '../core/autoscale-config';
import { DEFAULT_TIMINGS } from '../sim/model/cluster-types';
import { boundInput } from './bounds-run';
import { evaluate } from './evaluator/evaluate';
import { addWhereLate, countsAsPeriods, replayCounts, SLOT_MS } from './lp-fleet';
import { deadlineBound } from './lp-bound';
import { scenarioOf, TAIL_MS, WEEK_MS, WEEKS, type WeekId } from './matrix';
import { familyOf } from './policies';
import { outcomeOf, type Outcome } from './service';

const MAX_REPAIR_ROUNDS = 30;

async function replay(week: WeekId, seed: number, utilisation: number): Promise<void> {
  const scenario = scenarioOf({ week, seed, billing: 'per-second' });
  const run = async (settings: Record<string, unknown>) =>
    (await evaluate({ scenario, config: parseAutoscaleConfig({ policy: settings }, `bench replay ${String(settings.name)}`), durationMs: WEEK_MS + TAIL_MS })).data;
  // The service level the LP is solved at: the policy's worst turnaround on this seed.
  const policyData = await run({ name: 'schedule-aware', utilisation });
  const deadlineMinutes = Math.ceil(outcomeOf(policyData, { minWorkers: scenario.minWorkers }).turnaround.max);
  const at = { minWorkers: scenario.minWorkers, deadlineMs: deadlineMinutes * 60_000 };
  const input = boundInput(week, seed, deadlineMinutes);
  const bound = await deadlineBound(input);
  const t = { ...DEFAULT_TIMINGS, ...scenario.timings };
  const bootMs = t.requestedMs + t.pendingMs + t.bootingMs + t.setupMs + t.registerMs;
  const counts = replayCounts(bound.serving, Math.ceil(bootMs / SLOT_MS), scenario.minWorkers);
  const fleetRun = async (c: number[]) => run({ name: 'schedule', time_zone: 'UTC', periods: countsAsPeriods(c, input.start, scenario.minWorkers), otherwise: scenario.minWorkers });
  const replayedData = await fleetRun(counts);
  const replayed = outcomeOf(replayedData, at);
  // Repair: a worker more wherever a recording came out late, until none does (an achievable clairvoyant fleet).
  let repaired = { counts, data: replayedData, rounds: 0 };
  const workers = scenario.workers.reduce((n, w) => n + (w.count ?? 1), 0);
  for (let round = 1; round <= MAX_REPAIR_ROUNDS; round++) {
    const late = repaired.data.recordings.filter((r) => r.arrivalAt >= input.start && (r.completedAt === undefined || r.completedAt - r.arrivalAt > at.deadlineMs));
    if (late.length === 0) break;
    const next = addWhereLate(repaired.counts, input.start, late, at.deadlineMs, bootMs, workers);
    repaired = { counts: next, data: await fleetRun(next), rounds: round };
  }
  const fixed = outcomeOf(repaired.data, at);
  const policy = outcomeOf(policyData, at);
  const row = (name: string, billed: number, above: number, o?: Outcome) =>
    `| ${name} | ${billed.toFixed(1)} | ${above.toFixed(1)} | ${o ? `${o.turnaround.p50.toFixed(1)} / ${o.turnaround.p95.toFixed(1)} / ${o.turnaround.max.toFixed(1)}` : '(fluid)'} | ${o ? `${o.deadlineMisses} of ${o.recordings.due}` : '0'} |`;
  console.log(`\n${week}, seed ${seed}: the LP solved with every recording within ${deadlineMinutes} min (schedule-aware ${utilisation}'s worst); its fleet is ${counts.filter((n) => n > scenario.minWorkers).length} of ${counts.length} slots above the floor\n`);
  console.log(`| run | billed inst-h | above floor | turnaround p50 / p95 / max min | late (> ${deadlineMinutes} min) |`);
  console.log('| --- | ---: | ---: | --- | ---: |');
  console.log(row('LP optimum (fluid)', bound.instanceHours, bound.aboveFloor));
  console.log(row("the optimum's fleet through Opencast's dispatch", replayed.billed['per-second'], replayed.billed['per-second'] - replayed.floorHours, replayed));
  console.log(row(`that fleet repaired where late, ${repaired.rounds} round(s)`, fixed.billed['per-second'], fixed.billed['per-second'] - fixed.floorHours, fixed));
  console.log(row(`schedule-aware (${utilisation})`, policy.billed['per-second'], policy.billed['per-second'] - policy.floorHours, policy));
}

const { values: args } = parseArgs({ options: { seeds: { type: 'string', default: '2025,11' }, utilisation: { type: 'string' } } });
const seeds = args.seeds.split(',').map(Number);
const utilisation = args.utilisation === undefined ? familyOf('schedule-aware').shipped! : Number(args.utilisation);
if (!(utilisation > 0) || seeds.some((s) => !Number.isInteger(s))) throw new Error('--seeds takes whole numbers (2025,11), --utilisation a number above 0');
for (const seed of seeds) {
  const week = WEEKS.find((w) => w.scoring.includes(seed) || w.tuning.includes(seed));
  if (!week) throw new Error(`seed ${seed} is in no week of bench/matrix.ts`);
  await replay(week.id, seed, utilisation);
}
