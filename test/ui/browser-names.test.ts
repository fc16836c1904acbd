/**
 * `moscaler ui --sim scenarios/lecture-week-ec2.json` in headless Chromium:
 * any EC2 Name tag is a worker's name, so a click on a worker named with
 * spaces, past 63 characters or in non-ASCII letters opens its history like
 * any other (it used to answer `400 worker must be a hostname`).
 *
 * Skipped, like test/ui/browser.test.ts, on a machine without Chromium outside CI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.MOSCALER_CHROMIUM ?? '/usr/bin/chromium';
const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false';
const BIN = fileURLToPath(new URL('../../bin/moscaler.js', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../../scenarios/lecture-week-ec2.json', import.meta.url));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

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

function startUi(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const args = [BIN, '--state-dir', dir, '--sim', scenarioWithNonAscii(dir), 'ui', '--port', '0', '--paused', '--speed', '1200', '--duration', '1h'];
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', HOME: dir, MOSCALER_ENV_FILE: join(dir, 'none.env') }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`moscaler ui printed no URL in 30 s\n${out}\n${err}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)?.[0];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    });
    child.on('exit', (code) => reject(new Error(`moscaler ui exited with ${code}\n${out}\n${err}`)));
  });
}

describe.skipIf(!existsSync(CHROMIUM) && !IN_CI)('moscaler ui in Chromium, workers named by EC2 Name tags', () => {
  let browser: Browser | undefined;
  let ui: { child: ChildProcess; url: string } | undefined;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: CI must run the browser tests (apt-get install -y chromium)`);
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-ui-names-'));
    [ui, browser] = await Promise.all([startUi(dir), chromium.launch({ executablePath: CHROMIUM, args: FLAGS })]);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ui.url}?refresh=200`);
    await page.waitForSelector('body[data-ready="true"]');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    ui?.child.kill('SIGTERM');
  });

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
