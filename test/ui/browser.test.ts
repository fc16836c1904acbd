/**
 * `moscaler ui --sim` in real headless Chromium (Debian's package, driven by
 * playwright-core): the page loads against a simulated cluster, shows each
 * worker in its state, follows a scale-down, and a click on a worker shows its
 * transitions. A screenshot goes to test-artifacts/ (git-ignored).
 *
 * Outside CI a machine without Chromium skips these; in CI (CI=true) they always
 * run, and a missing Chromium fails them: `.ci/run` installs it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, closeUiInChromium, IN_CI, openUiInChromium, type UiInChromium } from '../helpers/browser';
import { runCli } from '../helpers/cli';

const SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/**
 * The small scenario without its initial backlog: the example policy drains one of its two online workers.
 * A stopped worker10 listed first checks the natural order of the worker table (worker2 before worker10).
 */
function idleScenario(dir: string): string {
  const scenario = JSON.parse(readFileSync(SCENARIO, 'utf8'));
  delete scenario.$schema;
  scenario.queue = { queued: 0, queuedHighLoad: 0 };
  scenario.workers.unshift({ hostname: 'worker10', instanceType: 'c5.9xlarge', state: 'stopped', hasEc2: true, registered: true });
  const file = join(dir, 'idle.json');
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}


const rows = (page: Page, lifecycle: string) => page.locator(`[data-testid="worker-row"][data-lifecycle="${lifecycle}"]`);

describe.skipIf(!existsSync(CHROMIUM) && !IN_CI)('moscaler ui in Chromium', () => {
  let opened: UiInChromium | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    opened = await openUiInChromium('moscaler-ui-', (dir) => ['--sim', idleScenario(dir), 'ui', '--port', '0', '--paused', '--speed', '1200', '--duration', '30m'], 20_000);
    ({ browser, page } = opened);
    expect(opened.errors).toEqual([]);
  }, 40_000);

  afterAll(() => closeUiInChromium(opened));

  it('loads against the simulated cluster and shows each worker in its state', async () => {
    await expect.poll(() => page.locator('[data-testid="worker-row"]').count()).toBe(5);
    expect(await page.locator('[data-testid="cluster"]').textContent()).toBe('sim-small');
    expect(await rows(page, 'online').evaluateAll((r) => r.map((e) => e.getAttribute('data-hostname')))).toEqual(['worker1', 'worker2']);
    expect(await rows(page, 'offline').count()).toBe(3);
    // Natural order, and a stopped worker (still registered in Opencast) is not "serving".
    const table = await page.locator('[data-testid="worker-row"]').evaluateAll((r) => r.map((e) => [e.getAttribute('data-hostname'), e.children[3]!.textContent]));
    expect(table).toEqual([
      ['worker1', 'serving'],
      ['worker2', 'serving'],
      ['worker3', 'not serving: stopped'],
      ['worker4', 'not registered'],
      ['worker10', 'not serving: stopped'],
    ]);
    // Times in the scenario's zone (small-quiet's trace is UTC-4), which the header states: 04:00Z is midnight there.
    expect(await page.locator('[data-testid="clock"]').textContent()).toBe('virtual time 2025-10-13 00:00:00 Etc/GMT+4 (UTC-04:00)');
    // The page says what the simulation does with time and what work comes next.
    expect(await page.locator('[data-testid="sim-note"]').textContent()).toMatch(/Next recording arrives|No more recordings/);
    expect(await page.locator('[data-testid="count-online"]').textContent()).toBe('2');
    // The lifecycle diagram counts the workers in each state.
    expect(await page.locator('[data-testid="lifecycle-diagram"] g.node[data-node="online"]').getAttribute('data-count')).toBe('2');
    expect(await page.locator('[data-testid="pause"]').textContent()).toBe('Resume');
  });

  it('follows the simulated scale-down when the simulation runs', async () => {
    await page.locator('[data-testid="pause"]').click();
    await expect.poll(async () => [await rows(page, 'online').count(), await rows(page, 'offline').count()], { timeout: 20_000 }).toEqual([1, 4]);
    expect(await page.locator('[data-testid="count-online"]').textContent()).toBe('1');
    expect(await page.locator('[data-testid="lifecycle-diagram"] g.node[data-node="offline"]').getAttribute('data-count')).toBe('4');
    await expect.poll(() => page.locator('[data-testid="timeline"] li[data-kind="cycle"]').allTextContents(), { timeout: 10_000 }).toEqual(
      expect.arrayContaining([expect.stringMatching(/: drain worker[12]/)]),
    );
    await page.waitForSelector('[data-testid="chart"] svg.mo-chart path.slots');
  });

  it.each([
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ])('at $width x $height: every column readable, running workers first, the target now and churn shown, the chart as wide as its box', async (size) => {
    await page.setViewportSize(size);
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    type Box = { scrollWidth: number; clientWidth: number; textContent: string | null };
    // No cell, and not the table's box, is wider than what it shows: nothing is cut off or scrolled away.
    const clipped = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<Box> } }).document;
      const boxes = [...doc.querySelectorAll('[data-testid="worker-table"] th, [data-testid="worker-table"] td, .table-scroll, #workers, #glance, #glance .card')];
      return boxes.filter((b) => b.scrollWidth > b.clientWidth + 1).map((b) => `${b.textContent?.slice(0, 60)}: ${b.scrollWidth} > ${b.clientWidth}`);
    });
    expect(clipped).toEqual([]);
    // Running workers first (online, then starting), stopped ones after.
    const order = await page.locator('[data-testid="worker-row"]').evaluateAll((r) => r.map((e) => e.getAttribute('data-lifecycle')));
    expect(order.slice(0, 1)).toEqual(['online']);
    expect(order.lastIndexOf('online')).toBeLessThan(order.indexOf('offline'));
    // The scaler's current decision, with its reason; churn as a headline.
    await expect.poll(() => page.locator('[data-testid="target-reason"]').textContent()).toMatch(/\d\d:\d\d:\d\d (nothing to do|drain |start )/);
    expect(await page.locator('[data-testid="target-now"]').isVisible()).toBe(true);
    expect(await page.locator('[data-testid="churn-flaps"]').textContent()).toMatch(/^\d+$/);
    expect(await page.locator('[data-testid="churn-drains"]').textContent()).toMatch(/^\d+ \/ \d+$/);
    // The chart fills its box at this width, and its labels stay inside it.
    await expect
      .poll(async () => {
        const [chart, box] = await Promise.all([page.locator('[data-testid="chart"] svg.mo-chart').boundingBox(), page.locator('[data-testid="chart"]').boundingBox()]);
        return chart && box ? Math.abs(chart.width - box.width) : -1;
      })
      .toBeLessThanOrEqual(1);
    const outside = await page.locator('[data-testid="chart"] svg.mo-chart').evaluate((svg) => {
      type R = { left: number; right: number };
      const el = svg as unknown as { getBoundingClientRect(): R; querySelectorAll(s: string): Iterable<{ getBoundingClientRect(): R; textContent: string | null }> };
      const frame = el.getBoundingClientRect();
      return [...el.querySelectorAll('text')].filter((t) => t.getBoundingClientRect().left < frame.left - 0.5 || t.getBoundingClientRect().right > frame.right + 0.5).map((t) => t.textContent);
    });
    expect(outside).toEqual([]);
    const chartWidth = (await page.locator('[data-testid="chart"] svg.mo-chart').boundingBox())!.width;
    expect(chartWidth).toBeGreaterThan(size.width - 120);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `ui-${size.width}.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("shows a worker's transitions when it is clicked", async () => {
    const drained = page.locator('[data-testid="worker-row"][data-lifecycle="offline"]', { hasText: 'drain-worker' });
    const hostname = await drained.first().getAttribute('data-hostname');
    await drained.first().click();
    await expect.poll(() => page.locator('[data-testid="detail-host"]').textContent()).toBe(hostname);
    const transitions = page.locator('[data-testid="worker-detail"] [data-testid="transition"]');
    await expect.poll(() => transitions.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('online → maintenance'), expect.stringContaining('draining → stopping'), expect.stringContaining('stopping → offline')]),
    );
    // What the drain did, not a bare "succeeded"; and the worker's own row says the same.
    expect(await page.locator('[data-testid="detail-execution"]').first().textContent()).toMatch(new RegExp(`drain-${hostname}-\\d{8}T\\d{6}Z\\s*online → offline`));
    expect(await page.locator(`[data-testid="worker-row"][data-hostname="${hostname}"] [data-testid="worker-outcome"]`).textContent()).toMatch(/^drain-worker: online → offline/);
    expect(await page.locator('body').textContent()).not.toMatch(/SUCCEEDED|succeeded|started outside mo-scaler/);
    // The history opens on the transitions; a drain's polls are folded away, and no cell is cut off.
    expect(await page.locator('[data-testid="polls"][open]').count()).toBe(0);
    const clipped = await page.locator('[data-testid="worker-detail"] table.transitions td').evaluateAll((cells) =>
      cells.filter((c) => (c as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth > (c as unknown as { clientWidth: number }).clientWidth + 1).map((c) => c.textContent),
    );
    expect(clipped).toEqual([]);
    // Its state is outlined on the lifecycle diagram.
    expect(await page.locator('[data-testid="lifecycle-diagram"] g.node.selected').getAttribute('data-node')).toBe('offline');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'ui-browser.png'), fullPage: true });
  });

  it('shows the worker table on the first screen, without scrolling', async () => {
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    const viewport = page.viewportSize()!;
    const header = await page.locator('[data-testid="worker-table"] thead').boundingBox();
    const firstRows = await page.locator('[data-testid="worker-row"]').evaluateAll((r) => r.slice(0, 5).map((e) => e.getBoundingClientRect().bottom));
    expect(header!.y).toBeGreaterThanOrEqual(0);
    expect(Math.max(...firstRows)).toBeLessThanOrEqual(viewport.height);
  });

  it('fits the sim run report and its chart into a 900-px window, times in the scenario zone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-report-'));
    const report = join(dir, 'report.html');
    expect((await runCli(['sim', 'run', SCENARIO, '--duration', '2h', '--report', report], { MOSCALER_STATE_DIR: dir })).code).toBe(0);
    const narrow = await browser!.newPage({ viewport: { width: 900, height: 700 } });
    try {
      await narrow.goto(`file://${report}`);
      const sizes = await narrow.evaluate(() => {
        const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelector(s: string): { getBoundingClientRect(): { right: number } } } }).document;
        return { scroll: doc.documentElement.scrollWidth, client: doc.documentElement.clientWidth, chartRight: doc.querySelector('svg.mo-chart').getBoundingClientRect().right };
      });
      expect(sizes.scroll).toBeLessThanOrEqual(sizes.client);
      expect(sizes.chartRight).toBeLessThanOrEqual(sizes.client);
      expect(await narrow.locator('[data-testid="time-zone"]').textContent()).toContain('UTC-04:00');
      await narrow.screenshot({ path: join(ARTIFACTS, 'report-900.png'), fullPage: false });
    } finally {
      await narrow.close();
    }
  });

  it.each(['lifecycle', 'drain-worker', 'boot-worker', 'autoscale'])('draws the %s diagram with no label over another and no text under 11 px', async (name) => {
    if (name !== 'lifecycle') {
      await page.locator(`.tabs button[data-workflow="${name}"]`).click();
      await page.waitForSelector(`#workflow-diagram svg[data-diagram="${name}"]`);
    }
    const container = name === 'lifecycle' ? '[data-testid="lifecycle-diagram"]' : '#workflow-diagram';
    const measured = await page.locator(`${container} svg`).evaluate((element) => {
      // Written against the browser's DOM; this project's TypeScript has no DOM library.
      type Rect = { x: number; y: number; width: number; height: number };
      type El = { getBoundingClientRect(): Rect; textContent: string | null; closest(s: string): El | null; getAttribute(n: string): string | null };
      const svg = element as unknown as El & { viewBox: { baseVal: { width: number } }; querySelectorAll(s: string): Iterable<El> };
      const getComputedStyle = (globalThis as unknown as { getComputedStyle(e: El): { fontSize: string } }).getComputedStyle;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      // An edge label is its box (all its lines); a state's texts are each their own box.
      const boxes = [...svg.querySelectorAll('g.edge-label'), ...svg.querySelectorAll('g.node text, g.legend text, g.count text')].map((el) => {
        const r = el.getBoundingClientRect();
        return { what: `${el.closest('[data-node]')?.getAttribute('data-node') ?? el.getAttribute('data-from') ?? 'legend'}: ${el.textContent}`, x: r.x, y: r.y, width: r.width, height: r.height };
      });
      const sizes = [...svg.querySelectorAll('text')].map((t) => ({ text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale }));
      return { boxes, sizes };
    });
    expect(measured.boxes.length).toBeGreaterThan(10);
    const overlaps: string[] = [];
    measured.boxes.forEach((a, i) => {
      for (const b of measured.boxes.slice(i + 1)) {
        const dx = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        const dy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        if (dx > 0.5 && dy > 0.5) overlaps.push(`${a.what} / ${b.what}`);
      }
    });
    expect(overlaps).toEqual([]);
    expect(measured.sizes.filter((s) => s.px < 11)).toEqual([]);
    expect(measured.sizes.map((s) => s.text).join(' ')).not.toContain('…');
    await page.screenshot({ path: join(ARTIFACTS, `ui-diagram-${name}.png`), fullPage: true });
  });
});
