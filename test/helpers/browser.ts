/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (Playwright's own browser download
 * cannot work here), and `moscaler ui` started as a user starts it, resolved with the URL it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = process.env.MOSCALER_CHROMIUM ?? '/usr/bin/chromium';
/** In CI the browser tests always run (a missing Chromium fails them); elsewhere a machine without it skips them. */
export const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false';
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];
const BIN = fileURLToPath(new URL('../../bin/moscaler.js', import.meta.url));

export interface RunningUi {
  child: ChildProcess;
  url: string;
  /** What it printed on stdout so far. */
  out: () => string;
}

/** Runs the built command with `args` (global options and `ui ...`) in `dir`, with no .env and no AWS settings. */
export function startUi(dir: string, args: readonly string[], timeoutMs = 30_000): Promise<RunningUi> {
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
