/**
 * The cheapest fleet we can find that Opencast's own dispatch keeps at a
 * service level (every recording within the deadline; bench/lp-replay.ts may
 * add the policy's p95), starting from one that keeps it (there: the LP
 * optimum's fleet repaired, or the policy's own fleet): an upper estimate of
 * the optimum under real dispatch, where the LP (bench/lp-bound.ts) is the
 * lower bound. Greedy: every
 * busy stretch of the fleet (an episode) proposes one trim per round (its peak
 * layer down by one, or a worker fewer at its head or tail, halving the stretch
 * trimmed when that fails); all proposals are run together in one simulated
 * week, since episodes hours apart barely interact; a proposal fails when a late
 * recording could have been served by that episode, and the rest are run again
 * to confirm. A fleet is only ever kept after a run with nothing late.
 */
import { episodesOf, touches, trimmed, type Episode, type Trim } from './lp-fleet';

export interface PruneOptions {
  floor: number;
  /** Epoch ms of slot 0. */
  start: number;
  deadlineMs: number;
  /** A boot: how far before an arrival a worker must be asked for. */
  leadMs: number;
  maxEvaluations: number;
  /** Slots a head or tail trim takes at first. */
  firstTrimSlots?: number;
  /** The fleet's slot (default the LP's 5 minutes). */
  slotMs?: number;
}

export interface PruneResult<T> {
  counts: number[];
  /** The run of `counts` (the start's, when no trim held). */
  result: T;
  evaluations: number;
  rounds: number;
}

type Late = ReadonlyArray<{ arrivalAt: number }>;

interface EpisodeState {
  turn: number;
  topDone: boolean;
  headSlots: number;
  tailSlots: number;
}

function nextTrim(s: EpisodeState): Trim | undefined {
  const options: Array<Trim | undefined> = [
    s.topDone ? undefined : { kind: 'top' },
    s.headSlots > 0 ? { kind: 'head', slots: s.headSlots } : undefined,
    s.tailSlots > 0 ? { kind: 'tail', slots: s.tailSlots } : undefined,
  ];
  for (let i = 0; i < options.length; i++) {
    const pick = options[(s.turn + i) % options.length];
    if (pick) {
      s.turn = (s.turn + i + 1) % options.length;
      return pick;
    }
  }
  return undefined;
}

function failed(s: EpisodeState, trim: Trim): void {
  if (trim.kind === 'top') s.topDone = true;
  else if (trim.kind === 'head') s.headSlots = Math.floor(s.headSlots / 2);
  else s.tailSlots = Math.floor(s.tailSlots / 2);
}

/**
 * `runFleet` runs a fleet (counts per slot), `lateOf` tells the recordings its run left below the level;
 * `start` is the run of `counts`, which must have none.
 */
export async function pruneFleet<T>(
  counts: readonly number[],
  start: T,
  runFleet: (counts: number[]) => Promise<T>,
  lateOf: (result: T) => Late,
  o: PruneOptions,
): Promise<PruneResult<T>> {
  const first = o.firstTrimSlots ?? 8;
  let kept = [...counts];
  let keptResult = start;
  let evaluations = 0;
  let rounds = 0;
  let states = new Map<Episode, EpisodeState>();
  /** Runs `c` and keeps it when nothing broke the level; the recordings that did otherwise. */
  const tryFleet = async (c: number[]): Promise<Late> => {
    evaluations++;
    const result = await runFleet(c);
    const late = lateOf(result);
    if (late.length === 0) {
      kept = c;
      keptResult = result;
    }
    return late;
  };
  while (evaluations < o.maxEvaluations) {
    // Trims only take workers away, so each episode now lies inside one of before: it keeps that one's state.
    const previous = [...states];
    states = new Map(
      episodesOf(kept, o.floor).map((ep) => {
        const from = previous.find(([old]) => old.from <= ep.from && ep.to <= old.to)?.[1];
        return [ep, from ? { ...from } : { turn: 0, topDone: false, headSlots: first, tailSlots: first }];
      }),
    );
    const proposals = [...states].flatMap(([ep, s]) => {
      const trim = nextTrim(s);
      return trim ? [{ ep, s, trim }] : [];
    });
    if (proposals.length === 0) break;
    rounds++;
    const apply = (ps: typeof proposals) => ps.reduce((c, p) => trimmed(c, o.floor, p.ep, p.trim), kept);
    const late = await tryFleet(apply(proposals));
    if (late.length === 0) continue;
    const blamed = (p: (typeof proposals)[number]) => late.some((r) => touches(p.ep, o.start, r, o.deadlineMs, o.leadMs, o.slotMs));
    const rest = proposals.filter((p) => !blamed(p));
    for (const p of proposals.filter(blamed)) failed(p.s, p.trim);
    if (rest.length === 0 || evaluations >= o.maxEvaluations) continue;
    if ((await tryFleet(apply(rest))).length > 0) for (const p of rest) failed(p.s, p.trim);
  }
  return { counts: kept, result: keptResult, evaluations, rounds };
}
