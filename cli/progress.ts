/**
 * Progress of a long run (a simulated week takes a minute) on stderr, so stdout
 * keeps only the result (JSON included). On a terminal: one bar redrawn in
 * place with the virtual time reached, the percentage and the time left.
 * Otherwise (a pipe, a CI log): a plain line every few seconds. Nothing at all
 * for a run that ends within the first couple of seconds.
 */
export interface ProgressOptions {
  /** Draw a bar in place (stderr is a terminal) rather than plain lines. */
  tty: boolean;
  /** Real time in ms (injected in tests). */
  now?: () => number;
  /** Stay quiet this long after the start (ms). */
  quietMs?: number;
  /** Between plain lines (ms). */
  lineEveryMs?: number;
}

export interface Progress {
  /** `fraction` done (0..1) with the virtual time reached (epoch ms). */
  update(fraction: number, at: number): void;
  /** The run ended: clear the bar. */
  done(): void;
}

const BAR = 24;

export function progressReporter(out: { write(chunk: string): unknown }, options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const began = now();
  const quietMs = options.quietMs ?? 2000;
  const lineEveryMs = options.lineEveryMs ?? 5000;
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    update(fraction, at) {
      const t = now();
      const elapsed = t - began;
      if (elapsed < quietMs || fraction >= 1) return;
      if (t - lastDraw < (options.tty ? 100 : lineEveryMs)) return;
      lastDraw = t;
      const share = Math.max(0, Math.min(1, fraction));
      const pct = `${Math.floor(share * 100)}%`.padStart(4);
      const left = share > 0 ? `, ${clock((elapsed / share) * (1 - share))} left` : '';
      const virtual = `virtual ${new Date(at).toISOString().slice(0, 16).replace('T', ' ')}Z`;
      if (options.tty) {
        const filled = Math.round(share * BAR);
        out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${pct}  ${virtual}${left}\x1b[K`);
        drawn = true;
      } else {
        out.write(`progress: ${pct.trim()} (${virtual}${left})\n`);
      }
    },
    done() {
      if (drawn) out.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** `1:05` for 65 s, `1:02:05` past an hour. */
function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
