/**
 * `npx tsx bench/extras.ts [--seeds N] [--workers 2] [--out dir]` (part of `npm run bench:full`):
 * the lecture week's variants (4-slot workers, 30 and 400 rooms, boot times of
 * 90 s and 15 min), hourly billing, the plan step's Lambda lifecycle (cold
 * starts with the memory restored from the previous cycle's output, or lost),
 * the cadence, and CloudWatch's delay, for the reference, the new default and
 * headroom, each against its own plain run. Settings: the picks of the last
 * `bench` run (bench/results/results.json), else the shipped ones.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rowsOf, type Row } from './aggregate';
import { VARIANTS, WEEKS } from './matrix';
import { runAll } from './pool';
import { familyOf, REFERENCE } from './policies';
import { NEW_DEFAULT, type BenchData } from './report';
import type { RunSpec } from './runs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({ options: { seeds: { type: 'string' }, workers: { type: 'string' }, out: { type: 'string' }, pick: { type: 'string' } } });
const RESULTS = fileURLToPath(new URL('./results', import.meta.url));
const outDir = values.out ?? RESULTS;

interface Extra {
  id: string;
  note: string;
  spec: (base: RunSpec) => RunSpec | undefined;
}

const EXTRAS: Extra[] = [
  ...VARIANTS.map((v) => ({ id: v.id, note: v.note, spec: (b: RunSpec) => ({ ...b, variant: v.id }) })),
  { id: 'hourly', note: 'hourly billing', spec: (b) => ({ ...b, billing: 'hourly' as const }) },
  { id: 'every-2min', note: 'the plan step every 2 minutes', spec: (b) => (b.family === REFERENCE.family ? undefined : { ...b, everyMs: 120_000 }) },
  { id: 'cold-10-durable', note: '10% of cycles cold-start, memory restored from the previous cycle’s output', spec: (b) => ({ ...b, lambda: { coldStartRate: 0.1, memory: 'durable' as const } }) },
  { id: 'cold-10-lost', note: '10% of cycles cold-start with no memory (before durable memory)', spec: (b) => ({ ...b, lambda: { coldStartRate: 0.1, memory: 'lost' as const } }) },
  { id: 'cold-all-lost', note: 'every cycle a cold start with no memory', spec: (b) => ({ ...b, lambda: { coldStartRate: 1, memory: 'lost' as const } }) },
  { id: 'metrics-2min-late', note: 'CloudWatch datapoints published 2 minutes late (only the original reads them)', spec: (b) => (b.family === REFERENCE.family ? { ...b, metricDelayMs: 120_000 } : undefined) },
];

function picksOf(): BenchData['picks'] {
  const file = join(RESULTS, 'results.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchData).picks : [];
}

async function main(): Promise<void> {
  const week = WEEKS.find((w) => w.id === 'lecture')!;
  const seeds = week.scoring.slice(0, values.seeds ? Number(values.seeds) : undefined);
  const picks = picksOf();
  // `--pick family=value,...` overrides the last bench run's picks.
  const given = new Map((values.pick ?? '').split(',').filter(Boolean).map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])] as const));
  const valueOf = (family: string) => given.get(family) ?? picks.find((p) => p.week === 'lecture' && p.family === family)?.value ?? familyOf(family).shipped ?? 1;
  const families: Array<[string, number]> = [
    [REFERENCE.family, REFERENCE.value],
    [NEW_DEFAULT, valueOf(NEW_DEFAULT)],
    ['headroom', valueOf('headroom')],
  ];
  const bases: RunSpec[] = families.flatMap(([family, value]) => seeds.map((seed) => ({ week: 'lecture' as const, seed, billing: 'per-second' as const, family, value })));
  const specs: Array<{ extra: string; spec: RunSpec }> = [...bases.map((spec) => ({ extra: 'plain', spec }))];
  for (const extra of EXTRAS) for (const base of bases) {
    const spec = extra.spec(base);
    if (spec) specs.push({ extra: extra.id, spec });
  }
  const results = await runAll(
    specs.map((s) => s.spec),
    {
      ...(values.workers ? { workers: Number(values.workers) } : {}),
      onResult: (r, done, total, cached) => {
        if (!cached) process.stderr.write(`[${done}/${total}] ${r.spec.family} ${JSON.stringify({ v: r.spec.variant, b: r.spec.billing, e: r.spec.everyMs, l: r.spec.lambda, m: r.spec.metricDelayMs })}: ${r.outcome.billed[r.spec.billing].toFixed(1)} h, p95 ${r.outcome.turnaround.p95.toFixed(1)} (${r.realSeconds.toFixed(0)} s)\n`);
      },
    },
  );
  const merged = new Map<string, Row>();
  for (const extra of new Set(specs.map((s) => s.extra))) {
    for (const row of rowsOf(results.filter((_, i) => specs[i]!.extra === extra))) merged.set(`${extra}|${row.family}`, row);
  }
  const lines = [
    `# Lecture week: variants, billing, Lambda lifecycle, cadence, metric delay (seeds ${seeds.join(', ')})`,
    '',
    '| case | policy | billed inst-h mean (min..max) | vs plain | above floor | turnaround p50 / p95 / max | late | cold starts / run | memory bytes max |',
    '| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  ];
  for (const id of ['plain', ...EXTRAS.map((e) => e.id)]) {
    for (const [family] of families) {
      const row = merged.get(`${id}|${family}`);
      if (!row) continue;
      const plain = merged.get(`plain|${family}`)!;
      const mine = results.filter((r, i) => specs[i]!.extra === id && r.spec.family === family);
      const cold = mine.reduce((n, r) => n + r.coldStarts, 0) / Math.max(1, mine.length);
      const bytes = Math.max(0, ...mine.map((r) => r.maxMemoryBytes));
      lines.push(
        `| ${id === 'plain' ? 'plain (per-second, 1-min plan, warm)' : (EXTRAS.find((e) => e.id === id)?.note ?? id)} | ${family}=${row.value} | ${row.billed.mean.toFixed(1)} (${row.billed.min.toFixed(1)}..${row.billed.max.toFixed(1)}) | ${id === 'plain' ? '' : `${((row.billed.mean / plain.billed.mean - 1) * 100).toFixed(1)}%`} | ${row.aboveFloor.mean.toFixed(1)} | ${row.turnaroundP50.mean.toFixed(1)} / ${row.turnaroundP95.mean.toFixed(1)} / ${row.turnaroundMax.mean.toFixed(1)} | ${row.deadlineMisses} | ${cold.toFixed(0)} | ${bytes} |`,
      );
    }
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'extras.md'), `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
