/**
 * `npx tsx bench/ablation.ts`: what each idea in the headroom policy is worth.
 * The default, then one setting changed at a time, on the lecture week and the
 * exam spike under both billing modes (the full bench's windows).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAutoscaleConfig } from '../core/autoscale-config';
import { measure } from './measure';
import { HEADROOM_POLICY } from './policies';
import { BILLING_MODES } from './report';
import { prepareTrace, TRACES } from './traces';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const VARIANTS: Array<[string, Record<string, unknown>]> = [
  ['default', {}],
  ['no growth projection', { predict_minutes: 0, hourly_predict_minutes: 0 }],
  ['growth projection under per-second billing only', { hourly_predict_minutes: 0 }],
  ['one spare worker in both modes', { spare_workers: 1, hourly_spare_workers: 1 }],
  ['idle workers only drained', { drain_busy: false }],
  ['flapping guard: surplus must last 3 min', { scale_in_after_minutes: 3 }],
  ['hourly: drain at any minute', { hourly_drain_lead_minutes: 59 }],
  ['hourly: least-loaded first', { hourly_drain_order: 'least-load' }],
  ['hourly: both (billing-unaware drains)', { hourly_drain_lead_minutes: 59, hourly_drain_order: 'least-load' }],
  ['utilisation 0.8 up / 0.6 down', { target_utilisation: 0.8, scale_in_utilisation: 0.6 }],
];

async function main(): Promise<void> {
  const traces = TRACES.filter((t) => t.id !== 'quiet-week').map((t) => prepareTrace(t));
  const header = ['variant', ...traces.flatMap((t) => BILLING_MODES.map((b) => `${t.spec.id} ${b}: inst-h (p95 / p99 / max wait s)`))];
  const rows: string[][] = [];
  for (const [name, settings] of VARIANTS) {
    const config = parseAutoscaleConfig({ policy: { ...HEADROOM_POLICY, ...settings } }, `ablation ${name}`);
    const row = [name];
    for (const t of traces) {
      for (const billing of BILLING_MODES) {
        const c = await measure(t, { id: 'headroom', label: name, config }, billing);
        row.push(`${c.billedHours.toFixed(1)} (${c.waitSeconds.p95.toFixed(1)} / ${c.waitSeconds.p99.toFixed(0)} / ${c.waitSeconds.max.toFixed(0)})${c.interrupted ? `, ${c.interrupted} interrupted` : ''}`);
        process.stderr.write(`${name} ${t.spec.id} ${billing}: ${row[row.length - 1]}\n`);
      }
    }
    rows.push(row);
  }
  const md = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i ? '---:' : '---')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const out = fileURLToPath(new URL('./results', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}/ablation.md`, `${md}\n`);
  process.stdout.write(`${md}\n`);
}

await main();
