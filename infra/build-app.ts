/**
 * The CDK app as `cdk synth` builds it, reusable by tests: the stack from a
 * validated config, with the AWS Solutions checks of cdk-nag on the whole app
 * (an unacknowledged error makes synth fail).
 */
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StackConfig } from './props';
import { MoScalerStack, type MoScalerStackProps } from './stack';

export interface BuiltApp {
  app: App;
  stack: MoScalerStack;
  nag: AwsSolutionsChecks;
}

/** Adds the stack and the checks to an app (the entry point's, which carries the CLI's context). */
export function addMoScaler(app: App, config: StackConfig, stackProps: Partial<MoScalerStackProps> = {}): BuiltApp {
  const stack = new MoScalerStack(app, stackIdOf(config), { ...stackProps, config, stackName: config.resourcePrefix.replace(/[-_]+$/, '') });
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  return { app, stack, nag };
}

export function buildApp(config: StackConfig, appProps: AppProps = {}, stackProps: Partial<MoScalerStackProps> = {}): BuiltApp {
  return addMoScaler(new App(appProps), config, stackProps);
}

/** A construct id from the prefix: `moscaler-prod-` → `MoscalerProd`. */
function stackIdOf(config: StackConfig): string {
  return config.resourcePrefix
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}
