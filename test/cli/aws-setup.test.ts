/**
 * The AWS setup is checked before a command does anything: no region, an
 * unknown profile or no credentials is a configuration error (exit 2) that
 * says how to fix it, found before any workflow starts (a scale command used
 * to start its workflow, print the cause and retry it for a minute).
 *
 * No request leaves the process: the shared config files are empty files in a
 * temporary folder and the instance metadata service is switched off, so the
 * SDK's credential chain has nowhere to look.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../core/settings';
import { checkAwsSetup, createRuntime } from '../../wiring/runtime';
import { runCli } from '../helpers/cli';

// What the SDK reads from process.env, whatever env the command is given.
const SDK_ENV = [
  'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CREDENTIAL_EXPIRATION',
];
const CLUSTER_ENV = { MOSCALER_CLUSTER: 'media', MATTERHORN_USER: 'u', MATTERHORN_PASS: 'p' };

let saved: Record<string, string | undefined>;
let dir: string;

beforeEach(() => {
  saved = Object.fromEntries(SDK_ENV.map((k) => [k, process.env[k]]));
  for (const k of SDK_ENV) delete process.env[k];
  dir = mkdtempSync(join(tmpdir(), 'moscaler-aws-setup-'));
  writeFileSync(join(dir, 'config'), '');
  writeFileSync(join(dir, 'credentials'), '');
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const run = (argv: string[]) => runCli(['--state-dir', join(dir, 'state'), ...argv], CLUSTER_ENV);

describe('the AWS setup, before any command runs', () => {
  it('names the missing region and where to set it (exit 2)', async () => {
    const status = await run(['status']);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/^error: --region\/AWS_REGION: no AWS region: pass --region, set AWS_REGION, or set `region` in the default profile of \S+config$/m);
    expect(status.stdout).toBe('');
  });

  it('names a profile that does not exist, and the profiles that do', async () => {
    writeFileSync(join(dir, 'config'), '[default]\nregion = eu-west-1\n\n[profile media-admin]\nregion = eu-west-1\n\n[sso-session corp]\nsso_region = eu-west-1\n');
    const status = await run(['-p', 'nosuch', 'status']);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/--profile\/AWS_PROFILE: no profile "nosuch" in \S+config or \S+credentials; profiles there: default, media-admin\. Create it \(`aws configure --profile nosuch`\) or name another/);
  });

  it('says how to give credentials when there are none', async () => {
    const status = await run(['--region', 'eu-west-1', 'status']);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/^error: credentials: no usable AWS credentials \(Could not load credentials from any providers\): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile, or run `aws configure`$/m);
  });

  it('refuses a scale command before its workflow starts, with nothing retried', async () => {
    const up = await run(['--region', 'eu-west-1', 'scale', 'up', '1']);
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(/credentials: no usable AWS credentials/);
    expect(up.stdout + up.stderr).not.toMatch(/scale-up-|retr/i);
    // No execution was recorded: the local engine keeps its history under the state directory.
    const state = join(dir, 'state');
    const recorded = (() => {
      try {
        return readdirSync(state, { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
      } catch {
        return [];
      }
    })();
    expect(recorded.filter((f) => f.includes('scale-up'))).toEqual([]);
  });

  it('passes a profile with a region and keys, resolving them without a request', async () => {
    writeFileSync(join(dir, 'config'), '[profile media-admin]\nregion = eu-central-1\n');
    writeFileSync(join(dir, 'credentials'), '[media-admin]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = not-a-secret\n');
    const settings = resolveSettings({ profile: 'media-admin' }, CLUSTER_ENV);
    const runtime = createRuntime(settings);
    try {
      await expect(checkAwsSetup(runtime, settings)).resolves.toBeUndefined();
      expect(await runtime.aws.ec2.config.region()).toBe('eu-central-1');
    } finally {
      await runtime.close();
    }
  });
});
