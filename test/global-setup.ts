/**
 * Builds `dist/` once per test run: the end-to-end tests spawn `bin/moscaler.js`
 * as a user runs it, and the bin runs the built JavaScript, so it must be the
 * build of the sources under test (esbuild, about a second).
 */
import { buildCli } from '../scripts/build';
import { SIM_RESOURCE_PREFIX } from '../wiring/sim-deployment';
import { warmSimIam } from '../wiring/sim-iam';

export default async function setup(): Promise<void> {
  await buildCli();
  // The simulated stack's roles, synthesised once for the whole run (the CDK takes seconds): IAM on the deployed path.
  await warmSimIam(SIM_RESOURCE_PREFIX);
}
