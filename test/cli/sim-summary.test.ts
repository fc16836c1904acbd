/**
 * The sim summary says what happened: failed cycles by kind with an example,
 * what each request achieved (read from the end of its execution, not from the
 * plan), and workers that flapped.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simReportHtml } from '../../ui/report';
import { describe, expect, it } from 'vitest';
import { cycleLine, nextStepsText, simSummaryText } from '../../cli/sim-summary';
import { parseScenario } from '../../sim/model/scenario';
import { defaultConfig, runSimulation, type SimRunResult } from '../../wiring/sim-run';

const SMALL = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));

/** Two hours of the small cluster with no backlog (the policy drains a worker) and AWS throttling from +30m. */
async function throttledRun(): Promise<SimRunResult> {
  const base = JSON.parse(readFileSync(SMALL, 'utf8'));
  delete base.$schema;
  const scenario = parseScenario({ ...base, queue: { queued: 0, queuedHighLoad: 0 }, faults: [{ at: '+30m', kind: 'aws-throttle', forMinutes: 20 }] }, 'test');
  return runSimulation({ scenario, config: defaultConfig(), durationMs: 2 * 3_600_000 });
}

describe('simSummaryText', () => {
  it('explains failed cycles and says what each request achieved', async () => {
    const result = await throttledRun();
    const text = simSummaryText(result);

    expect(result.failedCycles).toBeGreaterThan(0);
    expect(text).toContain(`${result.failedCycles} failed;`);
    expect(text).toMatch(new RegExp(`^Failed cycles: ${result.failedCycles} ThrottledError \\(e\\.g\\. "[^"{]+"\\)$`, 'm'));
    const drains = result.cycleLog.flatMap((c) => c.outcomes ?? []).filter((o) => o.kind === 'drain');
    // No backlog and no demand coming back: the one drain ends with its worker stopped. Its outcome is its
    // execution's end state (read from the execution's end), not the plan's "stop".
    expect(drains).toEqual([expect.objectContaining({ status: 'SUCCEEDED', end: 'Stopped', result: expect.stringMatching(/^StopConfirmed/) })]);
    expect(text).toMatch(/^Requests and what they achieved: drain 1 \(1 Stopped\)/m);
    const acted = result.cycleLog.find((c) => c.outcomes?.some((o) => o.kind === 'drain'))!;
    expect(cycleLine(acted)).toMatch(/ drain worker\d → Stopped: .+\n {6}why: /);
    // The HTML report says the same: what each request achieved, beside what was decided.
    const html = simReportHtml(result, text);
    expect(html).toContain('<th>achieved</th>');
    const outcome = acted.outcomes!.find((o) => o.kind === 'drain')!;
    expect(html).toContain(`<td>${outcome.hostname} ${outcome.end}`);
    const failed = result.cycleLog.find((c) => c.action === 'error')!;
    expect(cycleLine(failed)).toMatch(/ error: ThrottledError: \w+: .*throttled/);
    expect(cycleLine(failed)).not.toContain('{');
  });

  it('flags flapping with counts per worker', async () => {
    const result = await throttledRun();
    const quiet = simSummaryText({ ...result, stats: { ...result.stats, flapping: { windowMs: 3_600_000, times: 0, byWorker: [] } } });
    expect(quiet).toMatch(/^Flapping: none \(no worker started and stopped again within an hour\)$/m);
    const byWorker = [7, 5, 3, 2, 2, 1].map((times, i) => ({ hostname: `worker${i + 10}`, times }));
    const flapping = simSummaryText({ ...result, stats: { ...result.stats, flapping: { windowMs: 3_600_000, times: 20, byWorker } } });
    expect(flapping).toMatch(/^Flapping: 6 worker\(s\) started and stopped again within an hour, 20 time\(s\) \(worker10 ×7, worker11 ×5, worker12 ×3, worker13 ×2, worker14 ×2, 1 more\)$/m);
  });

  it('ends by naming the live view and the report, with the scenario file as the reader would type it', () => {
    const text = nextStepsText('/repo/scenarios/lecture-week-ec2.json', undefined, '/repo');
    expect(text.trimEnd().split('\n').slice(-2)).toEqual(['  live, in a browser:  moscaler ui --sim scenarios/lecture-week-ec2.json', '  as a page:           moscaler sim run scenarios/lecture-week-ec2.json --report run.html']);
    expect(nextStepsText('/elsewhere/my week.json', { report: 'week.html' }, '/repo')).toContain("moscaler ui --sim '/elsewhere/my week.json'\n  as a page:           open week.html");
  });
});
