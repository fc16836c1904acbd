/**
 * Two habits the project keeps, checked over the source: product code throws
 * typed errors (a `name` the workflows' Retry/Catch match, a `source` that
 * picks the exit code), and tests assert behaviour, never wall-clock speed
 * (that is the benchmarks' job: bench/).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const PRODUCT = ['core', 'machines', 'adapters', 'activities', 'engine', 'scaler', 'infra', 'wiring', 'cli', 'sim', 'ui'];

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function lines(files: string[], pattern: RegExp): string[] {
  return files.flatMap((file) =>
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${relative(ROOT, join(ROOT, file))}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe('hygiene', () => {
  it('throws no plain Error in product code', () => {
    // sim/wire builds the errors undici and the SDK raise on a dead socket: the world's errors, shaped as theirs.
    const files = PRODUCT.flatMap(sources).filter((f) => !f.startsWith('sim/wire/'));
    expect(lines(files, /throw new Error\(/)).toEqual([]);
  });

  it('has no test that measures real time', () => {
    expect(lines(sources('test'), /performance\.now\(\)|process\.hrtime/)).toEqual([]);
  });
});
