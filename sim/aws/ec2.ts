/**
 * EC2 (ec2Query protocol, API 2016-11-15) over the simulated cluster:
 * DescribeInstances with `InstanceId.N`, `Filter.N.Name` / `Filter.N.Value.M`
 * and MaxResults/NextToken pagination, and Start/StopInstances.
 * Only instances that have an EC2 id exist for EC2 (OpsWorks creates the EC2
 * instance on first start). Each instance is its own reservation.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html
 *
 * Eventually consistent, always: DescribeInstances shows a state change (pending → running, stopping →
 * stopped, ...) only after that change's own seeded lag (sim/model/consistency.ts, ec2-visibility.ts;
 * https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html); its filters see what it shows.
 * A `list-lag` fault (targeted `ec2`, or none) stretches the lag. Start/StopInstances act on the true state.
 */
import { describedEc2State } from '../model/ec2-visibility';
import { type Ec2State, SimAwsError, type SimClusterState, type SimInstance } from '../model/types';
import { SIM_ACCOUNT_ID } from './opsworks';
import { FragmentCache, type FragmentView } from '../model/fragment-cache';
import { el, items, text } from './xml';

/** Answers the XML inside `<ActionResponse>` (after requestId). */
export type Ec2Operation = (state: SimClusterState, params: URLSearchParams) => string;

/** EC2's state codes: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceState.html */
const STATE_CODES: Readonly<Record<Ec2State | 'shutting-down', number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export const ec2Operations: Readonly<Record<string, Ec2Operation>> = {
  DescribeInstances(state, params) {
    const ids = indexedList(params, 'InstanceId');
    const filters = readFilters(params);
    const maxResults = readMaxResults(params, ids.length > 0);
    let instances = ec2Instances(state);
    if (ids.length > 0) instances = requireInstances(instances, ids);
    const shown = describedEc2State(state);
    const described = instances.map((i) => ({ owner: i, shown: withState(i, shown(i)) })).filter(({ shown: i }) => filters.every((f) => f.matches(i)));
    const offset = readNextToken(params);
    const page = maxResults === undefined ? described.slice(offset) : described.slice(offset, offset + maxResults);
    const next = offset + page.length;
    return (
      items('reservationSet', page.map(({ owner, shown: i }) => reservationTexts.text(owner, reservationView(state, i)))) +
      (next < described.length ? text('nextToken', encodeToken(next)) : '')
    );
  },

  StartInstances(state, params) {
    return changeStates(state, params, (id) => {
      if (!state.startEc2Instance) throw unsupported('StartInstances');
      state.startEc2Instance(id);
    });
  },

  StopInstances(state, params) {
    // A pending instance is refused by the model (IncorrectInstanceState: SimCluster.stopEc2Instance).
    return changeStates(state, params, (id) => {
      if (!state.stopEc2Instance) throw unsupported('StopInstances');
      state.stopEc2Instance(id);
    });
  },
};

/** The instance with the state a read shows (itself when that is its true state). */
function withState(i: SimInstance, ec2State: Ec2State): SimInstance {
  return ec2State === i.ec2State ? i : { ...i, ec2State };
}

function ec2Instances(state: SimClusterState): SimInstance[] {
  return state.instances.filter((i) => i.ec2Id !== undefined);
}

function changeStates(state: SimClusterState, params: URLSearchParams, change: (ec2Id: string) => void): string {
  const ids = indexedList(params, 'InstanceId');
  if (ids.length === 0) throw new SimAwsError('MissingParameter', 'The request must contain the parameter InstanceId');
  const targets = requireInstances(ec2Instances(state), ids);
  if (params.get('DryRun') === 'true') {
    throw new SimAwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  }
  const previous = targets.map((i) => i.ec2State);
  for (const id of ids) change(id);
  // Read back: the model decides what the new state is.
  const after = requireInstances(ec2Instances(state), ids);
  return items(
    'instancesSet',
    after.map((i, n) =>
      text('instanceId', i.ec2Id) + el('currentState', stateXml(i.ec2State)) + el('previousState', stateXml(previous[n] ?? i.ec2State)),
    ),
  );
}

function requireInstances(instances: readonly SimInstance[], ids: readonly string[]): SimInstance[] {
  const malformed = ids.find((id) => !/^i-[0-9a-f]{8,17}$/.test(id));
  if (malformed !== undefined) throw new SimAwsError('InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`);
  const found = ids.map((id) => instances.find((i) => i.ec2Id === id));
  const missing = ids.filter((_, n) => found[n] === undefined);
  if (missing.length === 1) {
    throw new SimAwsError('InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
  }
  if (missing.length > 1) {
    throw new SimAwsError('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
  }
  return found as SimInstance[];
}

function unsupported(action: string): SimAwsError {
  return new SimAwsError('UnsupportedOperation', `${action} by EC2 id is not supported by this simulated cluster.`);
}

/** `Name.1`, `Name.2`, ... in index order (the SDK numbers from 1). */
function indexedList(params: URLSearchParams, name: string): string[] {
  // A prefix test and a digits test: what `^Name\.(\d+)$` matched, without compiling it per call.
  const prefix = `${name}.`;
  const entries: [number, string][] = [];
  for (const [key, value] of params) {
    if (!key.startsWith(prefix)) continue;
    const index = key.slice(prefix.length);
    if (DIGITS.test(index)) entries.push([Number(index), value]);
  }
  return entries.sort(([a], [b]) => a - b).map(([, value]) => value);
}

const DIGITS = /^\d+$/;

interface InstanceFilter {
  matches(instance: SimInstance): boolean;
}

function readFilters(params: URLSearchParams): InstanceFilter[] {
  const filters: InstanceFilter[] = [];
  for (const [key, name] of params) {
    const match = /^Filter\.(\d+)\.Name$/.exec(key);
    if (!match) continue;
    const values = indexedList(params, `Filter.${match[1]}.Value`);
    const matchesValue = valueMatcher(values);
    const field = filterField(name);
    // Several values of one filter are OR-ed; several filters are AND-ed.
    filters.push({ matches: (i) => field(i).some((v) => v !== undefined && matchesValue(v)) });
  }
  return filters;
}

/** The values of an instance a filter name compares against. */
function filterField(name: string): (i: SimInstance) => (string | undefined)[] {
  if (name.startsWith('tag:')) {
    const key = name.slice('tag:'.length);
    return (i) => [i.tags[key]];
  }
  switch (name) {
    case 'instance-id':
      return (i) => [i.ec2Id];
    case 'instance-state-name':
      return (i) => [i.ec2State];
    case 'instance-state-code':
      return (i) => [String(STATE_CODES[i.ec2State])];
    case 'instance-type':
      return (i) => [i.instanceType];
    case 'private-dns-name':
      return (i) => [i.privateDns];
    case 'dns-name':
      return (i) => [i.ec2State === 'running' ? i.publicDns : undefined];
    case 'tag-key':
      return (i) => Object.keys(i.tags);
    case 'tag-value':
      return (i) => Object.values(i.tags);
    default:
      throw new SimAwsError('InvalidParameterValue', `The filter '${name}' is invalid`);
  }
}

/**
 * Does a value match any of a filter's values? A value without `*` or `?`
 * compiles to `^literal$`, which is string equality: those go in a Set, so
 * filtering by a list of ids costs no regex per (instance, id) pair.
 */
function valueMatcher(values: readonly string[]): (value: string) => boolean {
  const exact = new Set(values.filter((v) => !hasWildcard(v)));
  const patterns = values.filter(hasWildcard).map(globToRegExp);
  return (value) => exact.has(value) || patterns.some((p) => p.test(value));
}

function hasWildcard(glob: string): boolean {
  return glob.includes('*') || glob.includes('?');
}

/** Compiled globs, reused across requests (a scaler sends the same filters every cycle). Bounded. */
const globCache = new Map<string, RegExp>();
const GLOB_CACHE_LIMIT = 1000;

/** EC2 filter values accept `*` and `?` wildcards. */
function globToRegExp(glob: string): RegExp {
  let pattern = globCache.get(glob);
  if (pattern === undefined) {
    const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    pattern = new RegExp(`^${source}$`);
    if (globCache.size >= GLOB_CACHE_LIMIT) globCache.clear();
    globCache.set(glob, pattern);
  }
  return pattern;
}

function readMaxResults(params: URLSearchParams, byIds: boolean): number | undefined {
  const raw = params.get('MaxResults');
  if (raw === null) return undefined;
  if (byIds) {
    throw new SimAwsError(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 5 || value > 1000) {
    throw new SimAwsError(
      'InvalidParameterValue',
      `Value ( ${raw} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  }
  return value;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function readNextToken(params: URLSearchParams): number {
  const token = params.get('NextToken');
  if (token === null || token === '') return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // Falls through to the refusal below.
  }
  throw new SimAwsError('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.');
}

/** `<code>..</code><name>..</name>` per state, built once. */
const STATE_XML = Object.fromEntries(
  Object.entries(STATE_CODES).map(([name, code]) => [name, text('code', code) + text('name', name)]),
) as Readonly<Record<Ec2State, string>>;

function stateXml(state: Ec2State): string {
  return STATE_XML[state] ?? text('code', STATE_CODES[state]) + text('name', state);
}

/** The parts of a reservation that are the same for every instance. */
const OWNER_AND_GROUPS = text('ownerId', SIM_ACCOUNT_ID) + '<groupSet/>';
const IMAGE_ID = text('imageId', 'ami-0123456789abcdef0');
const LAUNCH_INDEX = text('amiLaunchIndex', 0);
const TENANCY = text('tenancy', 'default');
const MONITORING = el('monitoring', text('state', 'disabled'));
const ARCH_AND_ROOT = text('architecture', 'x86_64') + text('rootDeviceType', 'ebs');

/** Everything reservationXml reads, as a flat view (see FragmentCache). */
interface ReservationView extends FragmentView {
  region: string;
  ec2Id: string | undefined;
  ec2State: Ec2State;
  privateDns: string;
  publicDns: string | undefined;
  privateIp: string | undefined;
  publicIp: string | undefined;
  instanceType: string;
  launchTime: number | undefined;
  /** key1, value1, key2, value2, ... in the tags' own order. */
  tags: readonly string[];
}

function reservationView(state: SimClusterState, i: SimInstance): ReservationView {
  return {
    region: state.stack.region,
    ec2Id: i.ec2Id,
    ec2State: i.ec2State,
    privateDns: i.privateDns,
    publicDns: i.publicDns,
    privateIp: i.privateIp ?? privateIpOf(i.privateDns),
    publicIp: i.publicIp,
    instanceType: i.instanceType,
    launchTime: i.launchTime,
    tags: flatTags(i.tags),
  };
}

/** `Object.entries(tags).flat()`, without an array per tag. */
function flatTags(tags: Readonly<Record<string, string>>): string[] {
  const flat: string[] = [];
  for (const key in tags) if (Object.hasOwn(tags, key)) flat.push(key, tags[key]!);
  return flat;
}

const reservationTexts = new FragmentCache<SimInstance, ReservationView>(reservationXml);

function reservationXml(i: ReservationView): string {
  const running = i.ec2State === 'running';
  const id = i.ec2Id ?? '';
  return (
    text('reservationId', `r-${id.slice(2)}`) +
    OWNER_AND_GROUPS +
    items('instancesSet', [
      text('instanceId', id) +
        IMAGE_ID +
        el('instanceState', stateXml(i.ec2State)) +
        text('privateDnsName', i.privateDns) +
        // EC2 answers an empty dnsName while the instance is not running.
        (running && i.publicDns ? text('dnsName', i.publicDns) : '<dnsName/>') +
        LAUNCH_INDEX +
        text('instanceType', i.instanceType) +
        (i.launchTime !== undefined ? text('launchTime', new Date(i.launchTime).toISOString()) : '') +
        el('placement', text('availabilityZone', `${i.region}a`) + TENANCY) +
        MONITORING +
        text('privateIpAddress', i.privateIp) +
        // A public IPv4 address only while running, like the public DNS name.
        (running && i.publicIp ? text('ipAddress', i.publicIp) : '') +
        ARCH_AND_ROOT +
        items('tagSet', tagItems(i.tags)),
    ])
  );
}

function tagItems(flat: readonly string[]): string[] {
  const list: string[] = [];
  for (let n = 0; n + 1 < flat.length; n += 2) list.push(text('key', flat[n]) + text('value', flat[n + 1]));
  return list;
}

/** Addresses already derived: a pure function of the DNS name, asked for every instance on every request. Bounded. */
const privateIps = new Map<string, string | undefined>();

/** `ip-10-0-1-23.ec2.internal` → `10.0.1.23`, as EC2's default hostnames encode it. */
export function privateIpOf(dns: string): string | undefined {
  if (privateIps.has(dns)) return privateIps.get(dns);
  const match = /^ip-(\d+)-(\d+)-(\d+)-(\d+)\./.exec(dns);
  const ip = match ? match.slice(1, 5).join('.') : undefined;
  if (privateIps.size >= 10_000) privateIps.clear();
  privateIps.set(dns, ip);
  return ip;
}
