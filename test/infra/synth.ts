/**
 * Synthesises the stack for the infra tests: the real workflows and activities,
 * a small valid config, cdk-nag on the app. Bundling is skipped here (the
 * `aws:cdk:bundling-stacks` context, as `cdk list` does); bundle.test.ts
 * bundles for real.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BuiltApp } from '../../infra/build-app';
import { parseStackConfig, type StackConfig, type StackConfigInput } from '../../infra/props';
import type { MoScalerStackProps } from '../../infra/stack';

export const STACK_ID = '2f18b4cb-4de5-4429-a149-ff7da9f0d8ee';

const QUEUE_AUTOSCALE = {
  strategies: [{ method: 'queued_jobs', name: 'queue', settings: { up_threshold: 3, down_threshold: 1 } }],
  pause_cycles: 1,
};

export const BASE_INPUT: StackConfigInput = {
  cluster: 'c',
  region: 'us-east-1',
  provider: 'opsworks',
  opsworksStackId: STACK_ID,
  autoscale: QUEUE_AUTOSCALE,
};

export interface Synthesised extends BuiltApp {
  config: StackConfig;
  template: Template;
  /** The template as JSON. */
  json: { Resources: Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: string[] }>; Outputs?: Record<string, any> };
}

const cache = new Map<string, Synthesised>();

export function synth(overrides: Partial<StackConfigInput> = {}, stackProps: Partial<MoScalerStackProps> = {}): Synthesised {
  const key = JSON.stringify([overrides, stackProps]);
  const hit = cache.get(key);
  if (hit) return hit;
  const input = { ...BASE_INPUT, ...overrides };
  if (input.provider === 'ec2') delete input.opsworksStackId;
  const config = parseStackConfig(input, 'test');
  const built = buildApp(config, { context: { 'aws:cdk:bundling-stacks': [] } }, stackProps);
  const template = Template.fromStack(built.stack);
  const result = { ...built, config, template, json: template.toJSON() as Synthesised['json'] };
  cache.set(key, result);
  return result;
}

export function resourcesOf(s: Synthesised, type: string): Array<[string, Synthesised['json']['Resources'][string]]> {
  return Object.entries(s.json.Resources).filter(([, r]) => r.Type === type);
}
