/**
 * Run settings from flags and the environment (a `.env` file is loaded into the
 * environment by the CLI before this runs). Each value is validated where it
 * comes from, so an error names the flag or variable to fix.
 * Flags win over variables, as in the original and the AWS CLI.
 */
import { z } from 'zod';
import { ConfigError } from './errors';
import type { BillingMode } from './types';

type OpencastAuth = 'digest' | 'basic';
type QueueSource = 'active-jobs' | 'queued-job-count';
/**
 * `ec2` (the default) finds the cluster by EC2 tags; `opsworks` is the legacy
 * provider: AWS OpsWorks Stacks was disabled for all customers on 2024-05-26
 * (https://docs.aws.amazon.com/opsworks/latest/APIReference/Welcome.html).
 */
type Provider = 'opsworks' | 'ec2';

/**
 * Defaults for 2026: plain EC2 instances, billed per second (Linux on-demand
 * since 2017-10-02, 60 s minimum: https://aws.amazon.com/ec2/pricing/on-demand/, "Per Second Billing").
 * `hourly` stays for old setups and other platforms; an explicit setting always wins.
 */
export const DEFAULT_PROVIDER: Provider = 'ec2';
const DEFAULT_BILLING: BillingMode = 'per-second';

/** Tag keys the ec2 provider finds and classifies instances by. */
export interface Ec2TagKeys {
  /** Its value is the cluster name (default `opencast:cluster`). */
  cluster: string;
  /** Its value is `worker`, `admin` or `engage` (default `opencast:role`). */
  role: string;
  /** Its value is the hostname shown and matched in config (default `Name`). */
  hostname: string;
}

/** The tag keys of a cluster tagged as the README describes; the simulator tags its ec2 clusters with them. */
export const DEFAULT_EC2_TAG_KEYS: Readonly<Ec2TagKeys> = Object.freeze({
  cluster: 'opencast:cluster',
  role: 'opencast:role',
  hostname: 'Name',
});

/** An instance tagged with this key names its Opencast base_url (MOSCALER_HOST_URL_TAG overrides it): docs/host-matching.md. */
export const DEFAULT_HOST_URL_TAG = 'opencast:server-url';

/** A worker carrying this tag is never drained (MOSCALER_PROTECT_TAG overrides it). */
export const DEFAULT_PROTECT_TAG: Readonly<{ key: string; value: string }> = Object.freeze({ key: 'opencast:protected', value: 'true' });

export interface Settings {
  cluster: string;
  provider: Provider;
  ec2Tags: Ec2TagKeys;
  opencast: {
    user: string;
    password: string;
    auth: OpencastAuth;
    /** Overrides the admin node's DNS name. */
    url?: string;
    timeoutMs: number;
    queueSource: QueueSource;
    /**
     * PEM file of the CA(s) that signed Opencast's https certificate, when it is not
     * a public CA: the only roots trusted for Opencast connections (read by the wiring).
     */
    caFile?: string;
  };
  aws: { profile?: string; region?: string; endpointUrl?: string };
  minWorkers: number;
  idleUptimeThreshold: number;
  billing: BillingMode;
  stateDir: string;
  /** Days the local engine keeps a closed execution in the state directory (MOSCALER_HISTORY_DAYS; 0: for ever). */
  historyDays: number;
  logglyToken?: string;
  protectedWorkers: string[];
  protectTag: { key: string; value: string };
  /** Hostname → exact Opencast base_url, for setups matching cannot see (MOSCALER_HOST_URLS). */
  hostUrls: Record<string, string>;
  /** Tag whose value on an instance is its exact Opencast base_url (MOSCALER_HOST_URL_TAG). */
  hostUrlTag: string;
}

/** Flags as the CLI parsed them (strings, not yet validated). */
export interface SettingsFlags {
  cluster?: string;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  opencastUrl?: string;
  provider?: string;
  billing?: string;
  stateDir?: string;
}

type Env = Record<string, string | undefined>;

function pick(env: Env, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

function intFrom(source: { name: string; value: string } | undefined, fallback: number, min: number, max: number): number {
  if (!source) return fallback;
  // Digits only: Number() would also read "0x10", "1e3" and "1.0" as whole numbers.
  const text = source.value.trim();
  const parsed = z.coerce.number().int().min(min).max(max).safeParse(text);
  if (!parsed.success || !/^\d{1,9}$/.test(text)) {
    throw new ConfigError(source.name, `must be a whole number from ${min} to ${max} (got "${source.value}")`);
  }
  return parsed.data;
}

function oneOf<T extends string>(source: { name: string; value: string } | undefined, allowed: readonly T[], fallback: T): T {
  if (!source) return fallback;
  if (!(allowed as readonly string[]).includes(source.value)) {
    throw new ConfigError(source.name, `must be one of ${allowed.join(', ')} (got "${source.value}")`);
  }
  return source.value as T;
}

function url(source: { name: string; value: string } | undefined): string | undefined {
  if (!source) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(source.value);
  } catch {
    throw new ConfigError(source.name, `must be an http(s) URL (got "${source.value}")`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(source.name, `must be an http(s) URL (got "${source.value}")`);
  }
  return source.value.replace(/\/+$/, '');
}

/**
 * An EC2 tag key: 1-128 letters, digits, spaces and `_ . : / = + - @`, not starting
 * with the reserved `aws:` prefix.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions
 */
function tagKey(source: { name: string; value: string } | undefined, fallback: string): string {
  if (!source) return fallback;
  const key = source.value.trim();
  if (key.length > 128 || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u.test(key) || key.toLowerCase().startsWith('aws:')) {
    throw new ConfigError(source.name, `must be an EC2 tag key: up to 128 letters, digits, spaces or _ . : / = + - @, not starting with aws: (got "${source.value}")`);
  }
  return key;
}

function ec2TagKeys(env: Env): Ec2TagKeys {
  const tags = {
    cluster: tagKey(pick(env, 'MOSCALER_EC2_CLUSTER_TAG'), DEFAULT_EC2_TAG_KEYS.cluster),
    role: tagKey(pick(env, 'MOSCALER_EC2_ROLE_TAG'), DEFAULT_EC2_TAG_KEYS.role),
    hostname: tagKey(pick(env, 'MOSCALER_EC2_HOSTNAME_TAG'), DEFAULT_EC2_TAG_KEYS.hostname),
  };
  // One tag cannot hold both the cluster name and the role.
  if (tags.cluster === tags.role) {
    throw new ConfigError('MOSCALER_EC2_ROLE_TAG', `must differ from the cluster tag key (both are "${tags.role}")`);
  }
  return tags;
}

/** `{"worker1":"https://w1.example.edu"}`: JSON, because a Name tag may hold spaces, commas and `=`. */
function hostUrls(source: { name: string; value: string } | undefined): Record<string, string> {
  if (!source) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(source.value);
  } catch {
    throw new ConfigError(source.name, `must be a JSON object of hostname to Opencast URL, e.g. {"worker1":"https://worker1.example.edu"} (got "${source.value.slice(0, 200)}")`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(source.name, 'must be a JSON object of hostname to Opencast URL');
  }
  const out: Record<string, string> = {};
  for (const [hostname, value] of Object.entries(parsed)) {
    const where = `${source.name}["${hostname.slice(0, 100)}"]`;
    if (hostname.trim() === '' || typeof value !== 'string') throw new ConfigError(where, 'must map a hostname to an Opencast URL string');
    out[hostname] = url({ name: where, value })!;
  }
  return out;
}

const flag = (name: string, value: string | undefined) => (value === undefined ? undefined : { name, value });

/**
 * Resolves settings. `needCredentials` is false for commands that never call
 * Opencast (e.g. `--help`, `diagram`); every scaling command needs them.
 */
export function resolveSettings(flags: SettingsFlags, env: Env, needCredentials = true): Settings {
  const cluster = flag('--cluster', flags.cluster) ?? pick(env, 'MOSCALER_CLUSTER', 'CLUSTER_NAME');
  if (!cluster || cluster.value.trim() === '') {
    throw new ConfigError('--cluster', 'no cluster name: pass -c/--cluster or set MOSCALER_CLUSTER (or CLUSTER_NAME)');
  }
  const user = pick(env, 'MATTERHORN_USER', 'OPENCAST_USER');
  const password = pick(env, 'MATTERHORN_PASS', 'OPENCAST_PASS');
  if (needCredentials && !user) throw new ConfigError('MATTERHORN_USER', 'required: the Opencast system account user');
  if (needCredentials && !password) throw new ConfigError('MATTERHORN_PASS', 'required: the Opencast system account password');

  const profile = flag('--profile', flags.profile) ?? pick(env, 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE');
  const region = flag('--region', flags.region) ?? pick(env, 'AWS_REGION', 'AWS_DEFAULT_REGION');
  if (region && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region.value)) {
    throw new ConfigError(region.name, `not an AWS region name (got "${region.value}")`);
  }
  const endpointUrl = url(flag('--endpoint-url', flags.endpointUrl) ?? pick(env, 'AWS_ENDPOINT_URL'));
  const opencastUrl = url(flag('--opencast-url', flags.opencastUrl) ?? pick(env, 'MOSCALER_OPENCAST_URL'));
  const caFile = pick(env, 'MOSCALER_OPENCAST_CA_FILE')?.value.trim();
  const protectTag = pick(env, 'MOSCALER_PROTECT_TAG')?.value ?? `${DEFAULT_PROTECT_TAG.key}=${DEFAULT_PROTECT_TAG.value}`;
  const [protectKey, protectValue] = protectTag.split('=');
  if (!protectKey || protectValue === undefined) {
    throw new ConfigError('MOSCALER_PROTECT_TAG', `must be KEY=VALUE (got "${protectTag}")`);
  }
  const logglyToken = pick(env, 'LOGGLY_TOKEN')?.value;

  return {
    cluster: cluster.value.trim(),
    provider: oneOf(flag('--provider', flags.provider) ?? pick(env, 'MOSCALER_PROVIDER'), ['opsworks', 'ec2'] as const, DEFAULT_PROVIDER),
    ec2Tags: ec2TagKeys(env),
    opencast: {
      user: user?.value ?? '',
      password: password?.value ?? '',
      auth: oneOf(pick(env, 'MOSCALER_OPENCAST_AUTH'), ['digest', 'basic'] as const, 'digest'),
      ...(opencastUrl ? { url: opencastUrl } : {}),
      timeoutMs: intFrom(pick(env, 'MOSCALER_OPENCAST_TIMEOUT_MS'), 10_000, 100, 300_000),
      queueSource: oneOf(
        pick(env, 'MOSCALER_QUEUE_SOURCE'),
        ['active-jobs', 'queued-job-count'] as const,
        'active-jobs',
      ),
      ...(caFile ? { caFile } : {}),
    },
    aws: {
      ...(profile ? { profile: profile.value } : {}),
      ...(region ? { region: region.value } : {}),
      ...(endpointUrl ? { endpointUrl } : {}),
    },
    minWorkers: intFrom(pick(env, 'MOSCALER_MIN_WORKERS'), 1, 0, 10_000),
    idleUptimeThreshold: intFrom(pick(env, 'MOSCALER_IDLE_UPTIME_THRESHOLD', 'IDLE_UPTIME_THRESHOLD'), 50, 0, 59),
    billing: oneOf(flag('--billing', flags.billing) ?? pick(env, 'MOSCALER_BILLING'), ['hourly', 'per-second'] as const, DEFAULT_BILLING),
    stateDir: (flag('--state-dir', flags.stateDir) ?? pick(env, 'MOSCALER_STATE_DIR'))?.value ?? '.moscaler',
    // As long as Step Functions keeps a closed execution (and holds its name): 90 days.
    historyDays: intFrom(pick(env, 'MOSCALER_HISTORY_DAYS'), 90, 0, 36_500),
    ...(logglyToken ? { logglyToken } : {}),
    protectedWorkers: (pick(env, 'MOSCALER_PROTECTED_WORKERS')?.value ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    protectTag: { key: protectKey, value: protectValue },
    hostUrls: hostUrls(pick(env, 'MOSCALER_HOST_URLS')),
    hostUrlTag: tagKey(pick(env, 'MOSCALER_HOST_URL_TAG'), DEFAULT_HOST_URL_TAG),
  };
}

/** Settings with every secret replaced, safe to log or print. */
export function redactSettings(settings: Settings): Settings {
  return {
    ...settings,
    opencast: { ...settings.opencast, password: settings.opencast.password ? '***' : '' },
    ...(settings.logglyToken ? { logglyToken: '***' } : {}),
  };
}
