/**
 * `npm run bench:lp-replay -- [--seeds 2025,11] [--utilisation U (default: as shipped)] [--prune N]`: can the LP optimum's fleet
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
 * with clairvoyance, so the optimum under real dispatch lies between the two.
 * Last, the repaired fleet and the policy's own fleet (the workers it wanted
 * each minute, replayed as a schedule) are pruned (bench/fleet-prune.ts, at most N simulated
 * weeks each, default 60) to the cheapest fleet found that still keeps every
 * recording within the deadline, and, from the policy's fleet, the cheapest
 * that also keeps the policy's p95: tighter upper estimates of that optimum.
 */
import { parseArgs } from 'node:util';
import { parseAutoscaleConfig } from '../core/autoscale-config';
import { DEFAULT_TIMINGS, type SimRunData } from '../sim/model/cluster-types';
import { boundInput } from './bounds-run';
import { evaluate } from './evaluator/evaluate';
import { pruneFleet } from './fleet-prune';
import { addWhereLate, countsAsPeriods, replayCounts, SLOT_MS, wantedCounts } from './lp-fleet';
import { deadlineBound } from './lp-bound';
import { scenarioOf, TAIL_MS, WEEK_MS, WEEKS, type WeekId } from './matrix';
import { familyOf } from './policies';
import { outcomeOf, type Outcome } from './service';

type Late = ReadonlyArray<{ arrivalAt: number }>;

const MAX_REPAIR_ROUNDS = 30;
const POLICY_SLOT_MS = 60_000;

async function replay(week: WeekId, seed: number, utilisation: number, pruneEvaluations: number): Promise<void> {
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
  const fleetRun = async (c: number[], slotMs = SLOT_MS) =>
    run({ name: 'schedule', time_zone: 'UTC', periods: countsAsPeriods(c, input.start, scenario.minWorkers, slotMs), otherwise: scenario.minWorkers });
  const replayedData = await fleetRun(counts);
  const replayed = outcomeOf(replayedData, at);
  const workers = scenario.workers.reduce((n, w) => n + (w.count ?? 1), 0);
  const lateIn = (data: SimRunData) => data.recordings.filter((r) => r.arrivalAt >= input.start && (r.completedAt === undefined || r.completedAt - r.arrivalAt > at.deadlineMs));
  /** A worker more wherever a recording broke the level, until none does or MAX_REPAIR_ROUNDS runs have passed. */
  const repair = async (fleet: { counts: number[]; data: SimRunData }, lateOf: (data: SimRunData) => Late, slotMs = SLOT_MS) => {
    let out = { ...fleet, rounds: 0 };
    for (let late = lateOf(out.data); late.length > 0 && out.rounds < MAX_REPAIR_ROUNDS; late = lateOf(out.data)) {
      const next = addWhereLate(out.counts, input.start, late, at.deadlineMs, bootMs, workers, slotMs);
      out = { counts: next, data: await fleetRun(next, slotMs), rounds: out.rounds + 1 };
    }
    return out;
  };
  // The LP's fleet repaired: an achievable clairvoyant fleet.
  const repaired = await repair({ counts, data: replayedData }, lateIn);
  const fixed = outcomeOf(repaired.data, at);
  const policy = outcomeOf(policyData, at);
  // Pruning (bench/fleet-prune.ts): the cheapest fleet found from a start that keeps the service level; a start
  // that misses it is repaired first, as the LP's fleet is.
  const prune = async (start: { counts: number[]; data: SimRunData }, lateOf: (data: SimRunData) => Late, slotMs = SLOT_MS) => {
    if (pruneEvaluations === 0) return undefined;
    const from = await repair(start, lateOf, slotMs);
    if (lateOf(from.data).length > 0) return undefined;
    const found = await pruneFleet(from.counts, from.data, (c) => fleetRun(c, slotMs), lateOf, {
      floor: scenario.minWorkers,
      start: input.start,
      deadlineMs: at.deadlineMs,
      leadMs: bootMs,
      maxEvaluations: pruneEvaluations,
      slotMs,
      // Trims of 40 minutes at first, whatever the slot.
      firstTrimSlots: Math.round(2_400_000 / slotMs),
    });
    return { ...found, outcome: outcomeOf(found.result, at) };
  };
  // The policy's own fleet, replayed with hindsight: what foresight alone would have saved it. Minute slots:
  // rounding each of its starts and drains out to 5-minute slots would bill hours it never did.
  const policyCounts = wantedCounts(policyData.timeline, input.start, Math.ceil((input.end - input.start) / POLICY_SLOT_MS), scenario.minWorkers, POLICY_SLOT_MS);
  const policyFleetData = await fleetRun(policyCounts, POLICY_SLOT_MS);
  const policyFleet = outcomeOf(policyFleetData, at);
  // The same service level held at p95 as well (the policy's, or its replay's if a little above): more than 5 %
  // of recordings past it blames them too.
  const p95Minutes = Math.ceil(Math.max(policy.turnaround.p95, policyFleet.turnaround.p95));
  const lateOrSlow = (data: SimRunData) => {
    const late = lateIn(data);
    if (outcomeOf(data, at).turnaround.p95 <= p95Minutes) return late;
    return [...late, ...data.recordings.filter((r) => r.arrivalAt >= input.start && r.completedAt !== undefined && r.completedAt - r.arrivalAt > p95Minutes * 60_000)];
  };
  const pruned = fixed.deadlineMisses === 0 ? await prune(repaired, lateIn) : undefined;
  const policyRun = { counts: policyCounts, data: policyFleetData };
  const policyPruned = await prune(policyRun, lateIn, POLICY_SLOT_MS);
  const policyPrunedP95 = await prune(policyRun, lateOrSlow, POLICY_SLOT_MS);
  const row = (name: string, billed: number, above: number, o?: Outcome) =>
    `| ${name} | ${billed.toFixed(1)} | ${above.toFixed(1)} | ${o ? `${o.turnaround.p50.toFixed(1)} / ${o.turnaround.p95.toFixed(1)} / ${o.turnaround.max.toFixed(1)}` : '(fluid)'} | ${o ? `${o.deadlineMisses} of ${o.recordings.due}` : '0'} |`;
  const outcomeRow = (name: string, o: Outcome) => row(name, o.billed['per-second'], o.billed['per-second'] - o.floorHours, o);
  console.log(`\n${week}, seed ${seed}: the LP solved with every recording within ${deadlineMinutes} min (schedule-aware ${utilisation}'s worst); its fleet is ${counts.filter((n) => n > scenario.minWorkers).length} of ${counts.length} slots above the floor\n`);
  console.log(`| run | billed inst-h | above floor | turnaround p50 / p95 / max min | late (> ${deadlineMinutes} min) |`);
  console.log('| --- | ---: | ---: | --- | ---: |');
  console.log(row('LP optimum (fluid)', bound.instanceHours, bound.aboveFloor));
  console.log(outcomeRow("the optimum's fleet through Opencast's dispatch", replayed));
  console.log(outcomeRow(`that fleet repaired where late, ${repaired.rounds} round(s)`, fixed));
  if (pruned) console.log(outcomeRow(`that fleet pruned, ${pruned.evaluations} weeks run`, pruned.outcome));
  console.log(outcomeRow(`schedule-aware's fleet replayed as a schedule`, policyFleet));
  if (policyPruned) console.log(outcomeRow(`that fleet pruned, ${policyPruned.evaluations} weeks run`, policyPruned.outcome));
  if (policyPrunedP95) console.log(outcomeRow(`that fleet pruned holding p95 within ${p95Minutes} min too, ${policyPrunedP95.evaluations} weeks run`, policyPrunedP95.outcome));
  console.log(row(`schedule-aware (${utilisation})`, policy.billed['per-second'], policy.billed['per-second'] - policy.floorHours, policy));
}

const { values: args } = parseArgs({ options: { seeds: { type: 'string', default: '2025,11' }, utilisation: { type: 'string' }, prune: { type: 'string', default: '60' } } });
const seeds = args.seeds.split(',').map(Number);
const utilisation = args.utilisation === undefined ? familyOf('schedule-aware').shipped! : Number(args.utilisation);
const prune = Number(args.prune);
if (!(utilisation > 0) || seeds.some((s) => !Number.isInteger(s)) || !Number.isInteger(prune) || prune < 0) throw new Error('--seeds takes whole numbers (2025,11), --utilisation a number above 0, --prune a whole number of weeks to run');
for (const seed of seeds) {
  const week = WEEKS.find((w) => w.scoring.includes(seed) || w.tuning.includes(seed));
  if (!week) throw new Error(`seed ${seed} is in no week of bench/matrix.ts`);
  await replay(week.id, seed, utilisation, prune);
}
