/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (Playwright's own browser download
 * cannot work here), and `moscaler ui` started as a user starts it, resolved with the URL it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.MOSCALER_CHROMIUM ?? '/usr/bin/chromium';
/** In CI the browser tests always run (a missing Chromium fails them); elsewhere a machine without it skips them. */
export const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];
const BIN = fileURLToPath(new URL('../../bin/moscaler.js', import.meta.url));

export interface RunningUi {
  child: ChildProcess;
  url: string;
  /** What it printed on stdout so far. */
  out: () => string;
}

/** Runs the built command with `args` (global options and `ui ...`) in `dir`, with no .env and no AWS settings. */
function startUi(dir: string, args: readonly string[], timeoutMs = 30_000): Promise<RunningUi> {
  const child = spawn(process.execPath, [BIN, '--state-dir', dir, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, MOSCALER_ENV_FILE: join(dir, 'none.env') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`moscaler ui printed no URL in ${timeoutMs / 1000} s\n${out}\n${err}`)), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)?.[0];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, out: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`moscaler ui exited with ${code}\n${out}\n${err}`)));
  });
}

export interface UiInChromium {
  ui: RunningUi;
  browser: Browser;
  page: Page;
  /** Uncaught errors of the page so far. */
  errors: string[];
}

/**
 * Starts `moscaler ui` with `args(dir)` in a fresh state directory named from `prefix` and opens it in Chromium at
 * 1280x800 (a common laptop screen: what an operator sees first must be there without scrolling), once it is ready.
 * A missing Chromium fails: the callers skip themselves outside CI only.
 */
export async function openUiInChromium(prefix: string, args: (dir: string) => readonly string[], startTimeoutMs?: number): Promise<UiInChromium> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: CI must run the browser tests (apt-get install -y chromium)`);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const [ui, browser] = await Promise.all([startUi(dir, args(dir), startTimeoutMs), chromium.launch({ executablePath: CHROMIUM, args: FLAGS })]);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${ui.url}?refresh=200`);
  await page.waitForSelector('body[data-ready="true"]');
  return { ui, browser, page, errors };
}

/** Closes what {@link openUiInChromium} opened (if it got that far). */
export async function closeUiInChromium(opened: UiInChromium | undefined): Promise<void> {
  await opened?.browser.close();
  opened?.ui.child.kill('SIGTERM');
}
