import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../cli/progress';

const START = Date.parse('2025-10-13T04:00:00Z');
const HOUR = 3_600_000;

/** A run of 10 virtual hours, one update per virtual hour, `realStep` ms of real time apart. */
function run(tty: boolean, realStep: number): string {
  let out = '';
  let real = 0;
  const progress = progressReporter({ write: (s: string) => (out += s) }, { tty, now: () => real });
  for (let h = 1; h <= 10; h++) {
    real += realStep;
    progress.update(h / 10, START + h * HOUR);
  }
  progress.done();
  return out;
}

describe('progressReporter', () => {
  it('prints a plain line every few seconds, with the virtual time and the time left, when not on a terminal', () => {
    expect(run(false, 3000).trimEnd().split('\n')).toEqual([
      'progress: 10% (virtual 2025-10-13 05:00Z, 0:27 left)',
      'progress: 30% (virtual 2025-10-13 07:00Z, 0:21 left)',
      'progress: 50% (virtual 2025-10-13 09:00Z, 0:15 left)',
      'progress: 70% (virtual 2025-10-13 11:00Z, 0:09 left)',
      'progress: 90% (virtual 2025-10-13 13:00Z, 0:03 left)',
    ]);
  });

  it('redraws one bar in place on a terminal and clears it at the end', () => {
    const out = run(true, 3000);
    expect(out).not.toContain('\n');
    expect(out).toContain('\r[###################.....]  80%  virtual 2025-10-13 12:00Z, 0:06 left\x1b[K');
    expect(out.endsWith('\r\x1b[K')).toBe(true);
  });

  it('says nothing for a run that ends within the first couple of seconds', () => {
    expect(run(false, 100)).toBe('');
    expect(run(true, 100)).toBe('');
  });
});
