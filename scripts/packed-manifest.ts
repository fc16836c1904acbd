/**
 * The package.json that `npm pack` packs. npm packs the file as it is on disk,
 * and ours has scripts for this repository: `prepare` builds with tsx and
 * scripts/, which the package carries neither of (npm warns every installer
 * about it), and the rest run tests and benchmarks. `prepack` saves the file
 * and writes it without scripts and devDependencies (the bundle carries its
 * libraries); `postpack` puts the saved file back.
 *
 *   tsx scripts/packed-manifest.ts strip | restore
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MANIFEST = `${ROOT}package.json`;
const SAVED = `${ROOT}.package.json.before-pack`;

function restore(): void {
  if (existsSync(SAVED)) renameSync(SAVED, MANIFEST);
}

function strip(): void {
  // A pack that stopped between prepack and postpack left the stripped file: the saved one is the real one.
  restore();
  const text = readFileSync(MANIFEST, 'utf8');
  const { scripts: _scripts, devDependencies: _devDependencies, ...packed } = JSON.parse(text) as Record<string, unknown>;
  writeFileSync(SAVED, text);
  writeFileSync(MANIFEST, `${JSON.stringify(packed, null, 2)}\n`);
}

const mode = process.argv[2];
if (mode === 'strip') strip();
else if (mode === 'restore') restore();
else {
  process.stderr.write('usage: tsx scripts/packed-manifest.ts strip | restore\n');
  process.exitCode = 2;
}
