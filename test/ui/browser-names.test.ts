/**
 * `moscaler ui --sim scenarios/lecture-week-ec2.json` in headless Chromium:
 * any EC2 Name tag is a worker's name, so a click on a worker named with
 * spaces, past 63 characters or in non-ASCII letters opens its history like
 * any other (it used to answer `400 worker must be a hostname`).
 *
 * Skipped, like test/ui/browser.test.ts, on a machine without Chromium outside CI.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, closeUiInChromium, IN_CI, openUiInChromium, type UiInChromium } from '../helpers/browser';

const SCENARIO = fileURLToPath(new URL('../../scenarios/lecture-week-ec2.json', import.meta.url));

const SPACED = 'opencast transcode worker 21';
const LONG = 'ip-10-0-7-36.opencast-processing.us-east-1.compute.internal.media.example.edu';
const NON_ASCII = 'Transkodierer für Vorlesungen № 1';

/** The EC2 lecture week with one more stopped worker, named in non-ASCII letters, and no worker online: the minimum of 2 boots two at once. */
function scenarioWithNonAscii(dir: string): string {
  const scenario = JSON.parse(readFileSync(SCENARIO, 'utf8'));
  delete scenario.$schema;
  scenario.workers.push({ hostname: NON_ASCII, instanceType: 'c5.9xlarge', state: 'stopped' });
  scenario.workers[0] = { hostname: scenario.workers[0].hostname, count: scenario.workers[0].count, instanceType: scenario.workers[0].instanceType, state: 'stopped' };
  const file = join(dir, 'lecture-week-ec2-names.json');
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}


describe.skipIf(!existsSync(CHROMIUM) && !IN_CI)('moscaler ui in Chromium, workers named by EC2 Name tags', () => {
  let opened: UiInChromium | undefined;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    opened = await openUiInChromium('moscaler-ui-names-', (dir) => ['--sim', scenarioWithNonAscii(dir), 'ui', '--port', '0', '--paused', '--speed', '1200', '--duration', '1h']);
    ({ page, errors } = opened);
  }, 60_000);

  afterAll(() => closeUiInChromium(opened));

  it.each([SPACED, LONG, NON_ASCII])('opens the history of %s', async (hostname) => {
    const row = page.locator(`[data-testid="worker-row"][data-hostname="${hostname}"]`);
    await row.click();
    await expect.poll(() => page.locator('[data-testid="detail-host"]').textContent()).toBe(hostname);
    await expect.poll(() => page.locator('[data-testid="worker-detail"]').textContent()).toMatch(/Now offline|No transitions recorded/);
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });

  it("shows the boot of a worker whose name had to be slugged into the execution's name", async () => {
    await page.locator('[data-testid="pause"]').click();
    // The stopped workers picked first have spaced or long names.
    const booted = page.locator('[data-testid="worker-row"]', { hasText: 'boot-worker' }).filter({ hasNotText: /^worker\d/ });
    await expect.poll(() => booted.count(), { timeout: 40_000 }).toBeGreaterThan(0);
    const hostname = (await booted.first().getAttribute('data-hostname'))!;
    expect(hostname).toMatch(/ |.{64}/);
    await booted.first().click();
    await expect.poll(() => page.locator('[data-testid="detail-host"]').textContent()).toBe(hostname);
    await expect.poll(() => page.locator('[data-testid="detail-execution"]').first().textContent(), { timeout: 10_000 }).toMatch(/^boot-[0-9A-Za-z-]+__[0-9a-f]{10}-\d{8}T\d{6}Z/);
    expect(await page.locator('#error').isHidden()).toBe(true);
  }, 60_000);

  it.each([
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ])('cuts off no column of the workers or of the history at $width x $height, long names and all', async (size) => {
    await page.setViewportSize(size);
    const clipped = await page.evaluate(() => {
      type Box = { scrollWidth: number; clientWidth: number; textContent: string | null };
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<Box> } }).document;
      const boxes = [...doc.querySelectorAll('[data-testid="worker-table"] th, [data-testid="worker-table"] td, .table-scroll, #workers, #detail, #detail td, #detail th')];
      return boxes.filter((b) => b.scrollWidth > b.clientWidth + 1).map((b) => `${b.textContent?.slice(0, 60)}: ${b.scrollWidth} > ${b.clientWidth}`);
    });
    expect(clipped).toEqual([]);
    // The table's sticky header stays above the rows' state pills when the list scrolls under it: the first
    // row's pill is scrolled to the header's height, and the header is what shows there.
    const covered = await page.evaluate(() => {
      type R = { top: number; left: number; width: number; height: number };
      type E = { getBoundingClientRect(): R; scrollTop: number; closest(s: string): unknown };
      const doc = (globalThis as unknown as { document: { querySelector(s: string): E; elementFromPoint(x: number, y: number): E | null } }).document;
      const box = doc.querySelector('.table-scroll');
      const pill = doc.querySelector('[data-testid="worker-row"] [data-testid="lifecycle-pill"]');
      const head = doc.querySelector('[data-testid="worker-table"] thead th').getBoundingClientRect();
      box.scrollTop += pill.getBoundingClientRect().top - head.top - 2;
      const r = pill.getBoundingClientRect();
      const top = doc.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return top?.closest('thead') !== null;
    });
    expect(covered).toBe(true);
    await page.locator('.table-scroll').evaluate((box) => ((box as unknown as { scrollTop: number }).scrollTop = 0));
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('says the server refused a request, not that it cannot be reached, when the history is refused', async () => {
    await page.route('**/api/history?*', (route) => route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'refused for this test' }) }));
    try {
      await page.locator(`[data-testid="worker-row"][data-hostname="${NON_ASCII}"]`).click();
      await expect.poll(() => page.locator('#error').textContent()).toMatch(/^The mo-scaler server refused a request: \/api\/history\?worker=\S+: 400 refused for this test$/);
    } finally {
      await page.unroute('**/api/history?*');
    }
    expect(errors).toEqual([]);
  });
});
