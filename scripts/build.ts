/**
 * `npm run build`: the `moscaler` command as JavaScript in `dist/`, bundled by
 * esbuild with its libraries, one chunk per lazily imported command module.
 *
 * Why esbuild and not `tsc`: TypeScript 7's tsc emits, but our sources import
 * without file extensions (`moduleResolution: bundler`), which Node's ES module
 * loader refuses; a bundler resolves them, and one file per chunk loads far
 * faster than the SDK's hundreds of small files (`npm run bench:startup`).
 *
 * Chunks sit flat in `dist/`, one level below the package root like `cli/` and
 * `wiring/`, so `new URL('../scenarios/…', import.meta.url)` finds the same files
 * from the sources and from the bundle. The visualizer's static page is copied
 * beside them (ui/server.ts serves `./page/`), and the licences of the bundled
 * packages are written to `dist/THIRD_PARTY_NOTICES.txt` (scripts/third-party-notices.ts).
 */
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { thirdPartyNotices } from './third-party-notices';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BuildResult {
  outdir: string;
  /** Bytes per emitted file, relative to the package root. */
  outputs: Record<string, number>;
}

export async function buildCli(root = ROOT): Promise<BuildResult> {
  const outdir = `${root}dist`;
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'cli/main.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    splitting: true,
    // CommonJS libraries inside an ES module bundle still call require() for Node's built-ins.
    banner: { js: "import { createRequire as __moscalerRequire } from 'node:module'; const require = __moscalerRequire(import.meta.url);" },
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  cpSync(`${root}ui/page`, `${outdir}/page`, { recursive: true });
  writeFileSync(`${outdir}/THIRD_PARTY_NOTICES.txt`, thirdPartyNotices(result.metafile, root).text);
  const outputs = Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, o]) => [file, o.bytes]));
  return { outdir, outputs };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outputs } = await buildCli();
  const total = Object.values(outputs).reduce((a, b) => a + b, 0);
  process.stdout.write(`dist/: ${Object.keys(outputs).length} files, ${(total / 1e6).toFixed(1)} MB\n`);
}
