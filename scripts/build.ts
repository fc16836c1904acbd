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
 * The build is written beside `dist/` and swapped in when complete (swapIn).
 */
import { cpSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { thirdPartyNotices } from './third-party-notices';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BuildResult {
  outdir: string;
  /** Bytes per emitted file, relative to the package root. */
  outputs: Record<string, number>;
}

/**
 * Puts the finished build in place of `dist/` by two renames, so a command already running from
 * `dist/` (another test run's, on a shared checkout) never finds it half written or gone for the
 * seconds a build takes. A concurrent build may swap in between: then try again.
 */
function swapIn(staging: string, outdir: string): void {
  const old = `${outdir}.old-${process.pid}`;
  for (let attempt = 1; ; attempt++) {
    try {
      renameSync(outdir, old);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      renameSync(staging, outdir);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 5 || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw error;
    }
  }
  rmSync(old, { recursive: true, force: true });
}

export async function buildCli(root = ROOT): Promise<BuildResult> {
  const outdir = `${root}dist`;
  const staging = `${outdir}.next-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    return await buildInto(root, staging, outdir);
  } finally {
    // A failed build leaves the last good dist/ where it was.
    rmSync(staging, { recursive: true, force: true });
  }
}

async function buildInto(root: string, staging: string, outdir: string): Promise<BuildResult> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'cli/main.ts' },
    outdir: staging,
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
  cpSync(`${root}ui/page`, `${staging}/page`, { recursive: true });
  writeFileSync(`${staging}/THIRD_PARTY_NOTICES.txt`, thirdPartyNotices(result.metafile, root).text);
  swapIn(staging, outdir);
  const prefix = `${staging.slice(root.length)}/`;
  const outputs = Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, o]) => [`dist/${file.startsWith(prefix) ? file.slice(prefix.length) : file}`, o.bytes]));
  return { outdir, outputs };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outputs } = await buildCli();
  const total = Object.values(outputs).reduce((a, b) => a + b, 0);
  process.stdout.write(`dist/: ${Object.keys(outputs).length} files, ${(total / 1e6).toFixed(1)} MB\n`);
}
