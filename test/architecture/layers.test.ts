/**
 * The layer table (docs/architecture.md) and the project's hygiene, checked by
 * the tools a developer runs: dependency-cruiser for the layer rules and import
 * cycles (.dependency-cruiser.cjs), knip for unused files, exports and
 * dependencies (knip.json). Each must report nothing.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** A tool's own command script (their package exports do not expose package.json). */
function bin(pkg: string, file: string): string {
  return join(ROOT, 'node_modules', pkg, file);
}

async function check(args: string[], cwd = ROOT): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('architecture', () => {
  it('keeps every layer rule and has no import cycle (dependency-cruiser)', { timeout: 120_000 }, async () => {
    const { code, output } = await check([bin('dependency-cruiser', 'bin/dependency-cruise.mjs'), '--config', '.dependency-cruiser.cjs', '--output-type', 'err', ...SOURCE_DIRS]);
    expect(output).toMatch(/no dependency violations found/);
    expect(code).toBe(0);
  });

  it('catches a layer crossed, I/O in pure code and a cycle (the rules are live)', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-layers-'));
    try {
      const files: Record<string, string> = {
        'core/decide.ts': "import { fetchIt } from '../adapters/http';\nexport const decide = () => fetchIt();\n",
        'adapters/http.ts': 'export const fetchIt = () => 1;\n',
        'machines/m.ts': "import { readFileSync } from 'node:fs';\nexport const m = readFileSync;\n",
        'cli/a.ts': "import { b } from './b';\nexport const a = () => b();\n",
        'cli/b.ts': "import { a } from './a';\nexport const b = () => a();\n",
        'wiring/w.ts': "import { a } from '../cli/a';\nexport const w = a;\n",
      };
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(join(dir, dirname(file)), { recursive: true });
        writeFileSync(join(dir, file), text);
      }
      writeFileSync(join(dir, 'tsconfig.json'), '{"compilerOptions":{"module":"preserve","moduleResolution":"bundler"}}');
      const { code, output } = await check([bin('dependency-cruiser', 'bin/dependency-cruise.mjs'), '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err', 'core', 'adapters', 'machines', 'cli', 'wiring'], dir);
      expect(code).not.toBe(0);
      expect(output).toMatch(/layer-core: core\/decide\.ts → adapters\/http\.ts/);
      expect(output).toMatch(/pure-no-io: machines\/m\.ts → node:fs|pure-no-io: machines\/m\.ts → fs/);
      expect(output).toMatch(/no-circular: cli\/a\.ts/);
      expect(output).toMatch(/layer-wiring: wiring\/w\.ts → cli\/a\.ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has no unused file, export or dependency (knip)', { timeout: 120_000 }, async () => {
    const { code, output } = await check([bin('knip', 'bin/knip.js'), '--no-progress']);
    expect(output.trim()).toBe('');
    expect(code).toBe(0);
  });
});

const SOURCE_DIRS = ['core', 'machines', 'adapters', 'activities', 'engine', 'scaler', 'infra', 'wiring', 'cli', 'sim', 'ui', 'bench', 'reliability'];
