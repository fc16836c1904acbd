/**
 * `cdk synth` / `cdk deploy` entry (cdk.json: `npx tsx infra/app.ts`). Reads
 * the config (infra/load-config.ts), validates it with core's schemas and
 * builds the stack; a bad config stops here with the field to fix (exit 2).
 */
import { App } from 'aws-cdk-lib';
import { exitCodeFor, MoScalerError } from '../core/errors';
import { addMoScaler } from './build-app';
import { loadConfig } from './load-config';
import { PROJECT_ROOT } from './stack';

// One App only: under the CDK CLI an App synthesises itself on exit, so a second one would overwrite the first.
const app = new App();
try {
  const { config, source, isExample } = loadConfig((key) => app.node.tryGetContext(key), PROJECT_ROOT);
  if (isExample) process.stderr.write(`mo-scaler: no infra/config.json and no -c config=FILE: synthesising ${source} (an example, not your cluster)\n`);
  addMoScaler(app, config);
  app.synth();
} catch (error) {
  if (!(error instanceof MoScalerError)) throw error;
  process.stderr.write(`mo-scaler: ${error.message}\n`);
  process.exit(exitCodeFor(error));
}
