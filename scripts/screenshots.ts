/**
 * `npm run docs:screenshots`: the pictures in docs/images/ of what a user sees,
 * taken from the built command (the script builds first) in headless Chromium: the live
 * view of the lecture-week EC2 scenario after its first teaching day, with a
 * drained worker's history open, and the `sim run --report` page of the same
 * day, each at 1280x800 and 1920x1080. Nothing is drawn by hand; run it again
 * after changing the page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/moscaler.js');
const SCENARIO = 'scenarios/lecture-week-ec2.json';
const OUT = join(ROOT, 'docs/images');
const CHROMIUM = process.env.MOSCALER_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
/** Monday of the lecture week, up to the evening: boots for the morning's recordings and drains after them. */
const DURATION = '20h';

function run(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finished(child: ChildProcess): Promise<void> {
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`moscaler exited with ${code}: ${err}`)))));
}

function urlOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)?.[0];
      if (url) resolve(url);
    });
    child.on('exit', (code) => reject(new Error(`moscaler ui exited with ${code}: ${out}`)));
  });
}

async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(1500);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'moscaler-shots-'));
  const env = { MOSCALER_STATE_DIR: dir, MOSCALER_ENV_FILE: join(dir, 'none.env') };
  const report = join(dir, 'report.html');
  const sim = run(['sim', 'run', SCENARIO, '--duration', DURATION, '--report', report], env);
  const simDone = finished(sim);
  const ui = run(['ui', '--sim', SCENARIO, '--port', '0', '--speed', '3600', '--duration', DURATION], env);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const url = await urlOf(ui);
    const page = await browser.newPage({ viewport: SIZES[0]! });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    // The live simulation runs to its end; the page then holds still for the pictures.
    await page.waitForFunction(() => /finished/.test((globalThis as unknown as { document: { getElementById(id: string): { textContent: string } } }).document.getElementById('sim-progress').textContent), undefined, { timeout: 600_000, polling: 1000 });
    const drained = page.locator('[data-testid="worker-row"]', { hasText: 'drain-worker: online → offline' }).first();
    await drained.click();
    await page.waitForSelector('[data-testid="worker-detail"]:not([hidden]) [data-testid="transition"]');
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await settle(page);
      await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
      await page.screenshot({ path: join(OUT, `live-view-${size.width}.png`) });
    }
    // The clicked worker's history: its lifecycle transitions first, a drain's polls folded.
    await page.setViewportSize(SIZES[0]!);
    await page.locator('[data-testid="worker-detail"]').evaluate((detail) => (detail as unknown as { scrollIntoView(o: { block: string }): void }).scrollIntoView({ block: 'start' }));
    await settle(page);
    await page.screenshot({ path: join(OUT, 'live-view-history-1280.png') });
    await simDone;
    for (const size of SIZES) {
      const page = await browser.newPage({ viewport: size });
      await page.goto(`file://${report}`);
      await page.screenshot({ path: join(OUT, `report-${size.width}.png`) });
      await page.close();
    }
  } finally {
    await browser.close();
    ui.kill('SIGTERM');
    sim.kill('SIGTERM');
  }
  process.stdout.write(`wrote ${[...SIZES.flatMap((s) => [`live-view-${s.width}.png`, `report-${s.width}.png`]), 'live-view-history-1280.png'].join(', ')} in docs/images/\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
