/**
 * `moscaler ui --sim` in real headless Chromium (Debian's package, driven by
 * playwright-core): the page loads against a simulated cluster, shows each
 * worker in its state, follows a scale-down, and a click on a worker shows its
 * transitions. A screenshot goes to test-artifacts/ (git-ignored).
 *
 * Outside CI a machine without Chromium skips these; in CI (CI=true) they always
 * run, and a missing Chromium fails them: `.ci/run` installs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.MOSCALER_CHROMIUM ?? '/usr/bin/chromium';
const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false';
const BIN = fileURLToPath(new URL('../../bin/moscaler.js', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

/** The small scenario without its initial backlog: the example policy drains one of its two online workers. */
function idleScenario(dir: string): string {
  const scenario = JSON.parse(readFileSync(SCENARIO, 'utf8'));
  delete scenario.$schema;
  scenario.queue = { queued: 0, queuedHighLoad: 0 };
  const file = join(dir, 'idle.json');
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}

/** Starts `moscaler ui` as a user would and resolves with the URL it prints. */
function startUi(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const args = [BIN, '--state-dir', dir, '--sim', idleScenario(dir), 'ui', '--port', '0', '--paused', '--speed', '1200', '--duration', '30m'];
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', HOME: dir, MOSCALER_ENV_FILE: join(dir, 'none.env') }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`moscaler ui printed no URL in 20 s\n${out}\n${err}`)), 20_000);
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

const rows = (page: Page, lifecycle: string) => page.locator(`[data-testid="worker-row"][data-lifecycle="${lifecycle}"]`);

describe.skipIf(!existsSync(CHROMIUM) && !IN_CI)('moscaler ui in Chromium', () => {
  let browser: Browser | undefined;
  let ui: { child: ChildProcess; url: string } | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: CI must run the browser tests (apt-get install -y chromium)`);
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-ui-'));
    [ui, browser] = await Promise.all([startUi(dir), chromium.launch({ executablePath: CHROMIUM, args: FLAGS })]);
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ui.url}?refresh=200`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(errors).toEqual([]);
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    ui?.child.kill('SIGTERM');
  });

  it('loads against the simulated cluster and shows each worker in its state', async () => {
    await expect.poll(() => page.locator('[data-testid="worker-row"]').count()).toBe(4);
    expect(await page.locator('[data-testid="cluster"]').textContent()).toBe('sim-small');
    expect(await rows(page, 'online').evaluateAll((r) => r.map((e) => e.getAttribute('data-hostname')))).toEqual(['worker1', 'worker2']);
    expect(await rows(page, 'offline').count()).toBe(2);
    expect(await page.locator('[data-testid="count-online"]').textContent()).toBe('2');
    // The lifecycle diagram counts the workers in each state.
    expect(await page.locator('[data-testid="lifecycle-diagram"] g.node[data-node="online"]').getAttribute('data-count')).toBe('2');
    expect(await page.locator('[data-testid="pause"]').textContent()).toBe('Resume');
  });

  it('follows the simulated scale-down when the simulation runs', async () => {
    await page.locator('[data-testid="pause"]').click();
    await expect.poll(async () => [await rows(page, 'online').count(), await rows(page, 'offline').count()], { timeout: 20_000 }).toEqual([1, 3]);
    expect(await page.locator('[data-testid="count-online"]').textContent()).toBe('1');
    expect(await page.locator('[data-testid="lifecycle-diagram"] g.node[data-node="offline"]').getAttribute('data-count')).toBe('3');
    await expect.poll(() => page.locator('[data-testid="timeline"] li[data-kind="cycle"]').allTextContents(), { timeout: 10_000 }).toEqual(
      expect.arrayContaining([expect.stringMatching(/: drain worker[12]/)]),
    );
    await page.waitForSelector('[data-testid="chart"] svg.mo-chart path.online');
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
    expect(await page.locator('[data-testid="detail-execution"]').first().textContent()).toMatch(new RegExp(`drain-${hostname}-\\d{8}T\\d{6}Z\\s*SUCCEEDED`));
    // Its state is outlined on the lifecycle diagram.
    expect(await page.locator('[data-testid="lifecycle-diagram"] g.node.selected').getAttribute('data-node')).toBe('offline');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'ui-browser.png'), fullPage: true });
  });
});
