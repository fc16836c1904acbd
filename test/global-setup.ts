/**
 * Builds `dist/` once per test run: the end-to-end tests spawn `bin/moscaler.js`
 * as a user runs it, and the bin runs the built JavaScript, so it must be the
 * build of the sources under test (esbuild, about a second).
 */
import { buildCli } from '../scripts/build';

export default async function setup(): Promise<void> {
  await buildCli();
}
