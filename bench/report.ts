import type { Row } from './aggregate';
import type { WeekId } from './matrix';
import type { BoundRow } from './bounds-run';
export interface BenchData { generatedAt: string; weeks: WeekId[]; p95SlackMinutes: number; tuning: Row[]; scoring: Row[]; picks: Array<{ week: WeekId; family: string; value: number }>; bounds: BoundRow[]; runtimeSeconds: number }
export function benchReport(data: BenchData): string {
  const lines: string[] = [];
  for (const r of data.scoring) lines.push(`${r.week} ${r.family}=${r.value}: ${r.billed.mean.toFixed(1)} h (${r.billed.min.toFixed(1)}..${r.billed.max.toFixed(1)}), above floor ${r.aboveFloor.mean.toFixed(1)}, p50/p95/max ${r.turnaroundP50.mean.toFixed(1)}/${r.turnaroundP95.mean.toFixed(1)}/${r.turnaroundMax.mean.toFixed(1)} min, late ${r.deadlineMisses}, wait p95/p99/max ${r.waitP95.mean.toFixed(1)}/${r.waitP99.mean.toFixed(1)}/${r.waitMax.mean.toFixed(0)} s, starts ${r.starts.mean.toFixed(0)}, int ${r.interrupted}, failed ${r.failedExecutions}`);
  lines.push(JSON.stringify(data.picks));
  return lines.join('\n');
}
