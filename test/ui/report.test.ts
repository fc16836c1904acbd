/**
 * The demand chart and `moscaler sim run --report`: one self-contained HTML
 * file with the figures, the chart and the decisions.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TimelineSample } from '../../sim/model/cluster';
import { demandChartSvg } from '../../ui/chart';
import { runCli } from '../helpers/cli';

const T0 = Date.parse('2025-10-13T04:00:00Z');

function sample(minute: number, values: Partial<TimelineSample>): TimelineSample {
  return {
    at: T0 + minute * 60_000,
    queuedJobs: 0,
    queuedLoad: 0,
    runningJobs: 0,
    runningLoad: 0,
    onlineWorkers: 2,
    inServiceWorkers: 2,
    pendingWorkers: 0,
    maintenanceWorkers: 0,
    billedWorkers: 2,
    runningInstances: 5,
    ...values,
  };
}

describe('demandChartSvg', () => {
  it('draws job load against the slots of the workers in service and billed, in one unit, with the floor and the starts and stops counted', () => {
    const samples = Array.from({ length: 120 }, (_, m) =>
      sample(m, { runningLoad: m < 60 ? 4 : 10, queuedLoad: m >= 60 && m < 70 ? 30 : 0, inServiceWorkers: m < 75 ? 2 : 6, billedWorkers: m < 65 ? 2 : 6 }),
    );
    const svg = demandChartSvg(samples, {
      slotsPerWorker: 10,
      minWorkers: 2,
      markers: [
        // Three starts within a minute are one ▲ counted 3, not three triangles on one another.
        { at: T0 + 65 * 60_000, kind: 'start', label: 'start worker3' },
        { at: T0 + 65 * 60_000 + 10_000, kind: 'start', label: 'start worker4' },
        { at: T0 + 66 * 60_000, kind: 'start', label: 'start worker5' },
        { at: T0 + 110 * 60_000, kind: 'stop', label: 'stop worker5' },
        { at: T0 + 500 * 60_000, kind: 'stop', label: 'outside the run' },
      ],
    });
    for (const series of ['load-running', 'load-queued', 'slots', 'billed']) expect(svg).toMatch(new RegExp(`<path class="${series}" d="M[^"]+"`));
    expect(svg.match(/<text class="marker-start" data-count="3"/g)).toHaveLength(1);
    expect(svg.match(/<text class="marker-stop" data-count="1"/g)).toHaveLength(1);
    expect(svg).not.toContain('outside the run');
    expect(svg).toMatch(/start worker3\n[^<]*start worker4\n[^<]*start worker5/);
    // Load peaks at 40, capacity at 6 workers × 10 slots = 60: one axis reaches both with round numbers.
    expect(svg).toMatch(/class="tick-y"[^>]*>60<\/text>/);
    expect(svg).not.toMatch(/class="tick-y"[^>]*>6<\/text>/);
    // The floor is drawn at the height of its slots (2 × 10), not of its worker count on another axis.
    expect(svg).toContain('floor: 2 workers = 20 slots');
    expect(svg).toMatch(/<line class="floor" x1="0" x2="1000" y1="([\d.]+)"/);
    expect(svg).toContain('>05:00</text>');
    expect(svg).toContain('time (UTC)');
  });

  it('follows the width of its container and shows times in the zone it is given, saying which', () => {
    const samples = Array.from({ length: 180 }, (_, m) => sample(m, { runningLoad: 3 }));
    const svg = demandChartSvg(samples, { width: 960, timeZone: 'America/New_York', markers: [{ at: T0 + 30 * 60_000, kind: 'start', label: 'boot worker3' }] });
    // No fixed viewBox on the drawing: it is as wide as its container; only the plot inside stretches.
    expect(svg).toMatch(/^<svg [^>]*class="mo-chart" width="100%"/);
    expect(svg).not.toMatch(/^<svg [^>]*viewBox/);
    expect(svg).toMatch(/<svg class="plot" x="0" y="\d+" width="100%" height="\d+" viewBox="0 0 1000 \d+" preserveAspectRatio="none"/);
    // 04:00 UTC on 13 October is midnight in New York (EDT, UTC-4): the ticks are on local hours.
    expect(svg).toContain('>00:00</text>');
    expect(svg).toContain('>01:00</text>');
    expect(svg).not.toContain('>04:00</text>');
    expect(svg).toContain('time (America/New_York (UTC-04:00))');
    expect(svg).toContain('<title>2025-10-13 00:30 boot worker3</title>');
  });

  it('keeps a one-minute spike when a long run is drawn at one column per pixel', () => {
    const samples = Array.from({ length: 7 * 1440 }, (_, m) => sample(m, { queuedLoad: m === 5000 ? 90 : 0, inServiceWorkers: 0, billedWorkers: 0 }));
    const svg = demandChartSvg(samples, { width: 800 });
    expect(svg).toMatch(/class="tick-y"[^>]*>100<\/text>/);
    expect(svg.length).toBeLessThan(200_000);
  });

  it('says so when there is nothing to draw yet', () => {
    expect(demandChartSvg([])).toContain('no samples yet');
  });
});

describe('moscaler sim run --report', () => {
  it('writes one self-contained HTML file with the figures, the chart and every decision', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-report-'));
    const report = join(dir, 'report.html');
    const scenario = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));
    const run = await runCli(['sim', 'run', scenario, '--duration', '1h', '--report', report], { MOSCALER_STATE_DIR: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`wrote ${report}\n`);

    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="mo-chart"');
    expect(html).toMatch(/<path class="slots" d="M/);
    expect(html).toContain('billed instance-hours (per-second)');
    // small-quiet is the OpsWorks cluster, and the report says so.
    expect(html).toContain('provider <span data-testid="provider">OpsWorks</span>');
    // Churn is a summary tile, beside starts and stops.
    expect(html).toMatch(/<div class="figure( alert)?" data-testid="figure"><b>\d+<\/b><span class="muted">flaps \(a worker started and stopped within 1 h\)<\/span>/);
    expect(html).toMatch(/<b>\d+ \/ \d+ of \d+<\/b><span class="muted">drains back in service \/ abandoned or failed<\/span>/);
    // The floor of small-quiet (MOSCALER_MIN_WORKERS 1 unless set) is drawn in slots.
    expect(html).toMatch(/floor: \d+ workers? = \d+ slots/);
    expect(html).toMatch(/<td class="action-stop">stop<\/td><td>drain worker\d<\/td>/);
    // small-quiet's trace is US Eastern (utcOffsetMinutes -240): times are shown there, and the zone is said.
    expect(html).toContain('Times are in Etc/GMT+4 (UTC-04:00)');
    expect(html).toMatch(/<tr><td>2025-10-13 00:\d\d:\d\d<\/td>/);
    expect(html).not.toMatch(/<tr><td>2025-10-13 04:/);
    expect(html).toMatch(/<text class="marker-stop" data-count="\d+"/);
    // Self-contained: no script, nothing loaded from anywhere.
    expect(html).not.toMatch(/<script|<link|src=|href=/);
    expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
  });
});
