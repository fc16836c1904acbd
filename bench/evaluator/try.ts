import { runOne } from '../runs';
const [family, value, week, seed] = [process.argv[2] ?? 'original-2min', Number(process.argv[3] ?? 4), (process.argv[4] ?? 'lecture') as 'lecture', Number(process.argv[5] ?? 2025)];
const r = await runOne({ week, seed, billing: 'per-second', family, value });
console.log(family, value, r.realSeconds.toFixed(2), 's', r.outcome.billed['per-second'].toFixed(1), 'p95', r.outcome.turnaround.p95.toFixed(1), 'starts', r.outcome.starts, 'late', r.outcome.deadlineMisses, 'max', r.outcome.turnaround.max.toFixed(1));
