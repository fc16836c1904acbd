/**
 * Synth with real bundling, as `npm run synth` does: every function runs the
 * one Lambda entry (wiring/lambda-entry.ts), bundled by the local esbuild (no
 * Docker, no network) as an ES module for Node 24 that loads and exports
 * `handler`. Loading it builds nothing: the activities' dependencies are built
 * on the first invocation (wiring/lambda-runtime.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app';
import { LAMBDA_CA_FILE, parseStackConfig } from '../../infra/props';
import { PROJECT_ROOT } from '../../infra/stack';
import { makeCa } from '../helpers/certificates';
import { BASE_INPUT } from './synth';

describe('bundled functions', () => {
  it('bundle locally into ES modules that load and export handler, with the Opencast CA beside them', { timeout: 180_000 }, async () => {
    mkdirSync(join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
    const outdir = mkdtempSync(join(PROJECT_ROOT, 'test-artifacts', 'cdk-out-'));
    const ca = join(outdir, 'opencast-ca.source.pem');
    const caPem = makeCa('Example University Root CA').pem;
    writeFileSync(ca, caPem);
    const { app, stack } = buildApp(parseStackConfig({ ...BASE_INPUT, opencastCaFile: ca }, 'test'), { outdir });
    app.synth();

    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    const bundles = new Set<string>();
    for (const fn of functions) {
      const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      const bundle = join(outdir, `asset.${hash}`, 'index.mjs');
      expect(existsSync(bundle), bundle).toBe(true);
      expect(fn.Properties.Handler).toBe('index.handler');
      bundles.add(bundle);
      // Where the function's environment says the CA is, once Lambda unpacks the bundle in /var/task.
      if (fn.Properties.Environment.Variables.MOSCALER_OPENCAST_CA_FILE === LAMBDA_CA_FILE) {
        expect(readFileSync(join(outdir, `asset.${hash}`, LAMBDA_CA_FILE.replace('/var/task/', '')), 'utf8')).toBe(caPem);
      }
    }
    expect(functions.filter((fn) => fn.Properties.Environment.Variables.MOSCALER_OPENCAST_CA_FILE).length).toBeGreaterThan(0);
    // One entry for every function: one asset, loaded once.
    expect(bundles.size).toBe(1);
    for (const bundle of bundles) {
      const module = (await import(pathToFileURL(bundle).href)) as { handler?: unknown };
      expect(typeof module.handler, bundle).toBe('function');
    }
    rmSync(outdir, { recursive: true, force: true });
  });
});
