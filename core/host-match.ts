/**
 * Which Opencast host is which instance. Opencast registers a node under its
 * `org.opencastproject.server.url` (default `http://localhost:8080`), and
 * `/services/hosts.json` lists that exact string as `base_url`, with `address`
 * = what the URL's host name resolves to on the node itself (2.0+):
 * opencast/opencast `modules/serviceregistry/.../ServiceRegistryJpaImpl.java`
 * `activate()`, and /work/shared/reference/opencast-api.md §3. Real installs set
 * https, a port, an IP or another name, so a host is matched by name or
 * address, never by the string `http://<private DNS>` the original assumed.
 *
 * A claim, strongest first: an explicit setting (the settings map or the
 * instance's URL tag) naming the exact base_url; the URL's host equal to one of
 * the instance's names or addresses; Opencast's own name for the node
 * (`node_name`, 8.0+, `org.opencastproject.server.nodename`) equal to its
 * hostname, which beats an address claim from another instance (not for a
 * loopback URL: every node left at `localhost` shares that one row); the host's `address` equal to one of its IPs; the URL
 * host's first label equal to its hostname (`https://worker1.example.edu`).
 * Two instances with equally strong claims on one host get neither: the host
 * is ambiguous and, like a host no instance claims, may be any of them
 * ({@link mayBe} says which instances an unclaimed host may still be), unless
 * only one of them can hold it ({@link breakTie}).
 */
import { MACHINE_DOWN } from './instance-state';
import type { FleetInstance, HostMatchKind, OpencastHost } from './types';

const STRENGTH: Readonly<Record<HostMatchKind, number>> = { setting: 6, tag: 6, name: 5, 'node-name': 4, address: 3, 'short-name': 2 };
const KINDS = ['setting', 'tag', 'name', 'node-name', 'address', 'short-name'] as const;

export interface HostMatchOptions {
  /** Hostname → exact base_url, from settings (MOSCALER_HOST_URLS). */
  hostUrls?: Readonly<Record<string, string>>;
  /** Tag key whose value on an instance is its exact base_url (MOSCALER_HOST_URL_TAG). */
  hostUrlTag?: string;
}

export interface HostClaim {
  host: OpencastHost;
  by: HostMatchKind;
}

export interface HostMatches {
  /** Instance id → the host it is (the online one first when several rows are its). */
  byInstance: Map<string, HostClaim>;
  /** base_url → the id of the instance that owns it (every claimed host, stale rows too). */
  owners: Map<string, string>;
  /** base_urls no instance claims. */
  unclaimed: string[];
  /** base_urls two or more instances claim equally. */
  ambiguous: string[];
  /** An ambiguous base_url → the ids of the instances that claim it equally. */
  claimants: Map<string, string[]>;
}

/** A base_url in one spelling: lower-case scheme and host, no default port, no trailing slash. */
export function normaliseBaseUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.protocol}//${parsed.host.toLowerCase()}${path}`;
}

/** The host name of a base_url, lower case, IPv6 without brackets; undefined when it is not a URL. */
export function hostOfUrl(url: string): string | undefined {
  try {
    return new URL(url.trim()).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

/** `localhost`, 127.0.0.0/8, `::1`, `0.0.0.0`: names every node has, so they say nothing about which node. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127\./.test(h) || h === '::1' || h === '0.0.0.0' || h === '::';
}

const lower = (s: string | undefined) => (s ? s.toLowerCase() : undefined);

/** The claim one instance has on one host, or undefined. */
export function claimOf(instance: FleetInstance, host: OpencastHost, options: HostMatchOptions = {}): HostMatchKind | undefined {
  const url = normaliseBaseUrl(host.baseUrl);
  const setting = options.hostUrls?.[instance.hostname];
  if (url !== undefined && setting !== undefined && normaliseBaseUrl(setting) === url) return 'setting';
  const tagged = options.hostUrlTag ? instance.tags?.[options.hostUrlTag] : undefined;
  if (url !== undefined && tagged && normaliseBaseUrl(tagged) === url) return 'tag';
  const name = hostOfUrl(host.baseUrl);
  const names = [instance.privateDns, instance.publicDns, instance.privateIp, instance.publicIp, instance.hostname].map(lower);
  if (name !== undefined && !isLoopback(name) && names.includes(name)) return 'name';
  if (name === undefined || isLoopback(name)) return undefined;
  const node = lower(host.nodeName);
  if (node && (node === lower(instance.hostname) || node === lower(instance.privateDns))) return 'node-name';
  const address = lower(host.address);
  if (address && !isLoopback(address) && (address === lower(instance.privateIp) || address === lower(instance.publicIp))) return 'address';
  const label = name.split('.')[0];
  if (name.includes('.') && label && (label === lower(instance.hostname) || label === lower(instance.privateDns)?.split('.')[0])) {
    return 'short-name';
  }
  return undefined;
}

/**
 * Every host's owner among `instances` (all of the cluster's, so that admin and
 * engage claim theirs too). Each instance's names are indexed once, so a view
 * of a large cluster costs one lookup per host and claim kind, not one URL
 * parse per (instance, host) pair.
 */
export function matchHosts(instances: readonly FleetInstance[], hosts: readonly OpencastHost[], options: HostMatchOptions = {}): HostMatches {
  const index = indexInstances(instances, options);
  const won = new Map<string, HostClaim[]>();
  const owned = new Map<string, string>();
  const unclaimed: string[] = [];
  const ambiguous: string[] = [];
  const claimants = new Map<string, string[]>();
  const claims = hosts.map((host) => ({ host, owners: ownersOf(host, index) }));
  // A node registers under one URL at a time: an instance that alone owns an online row holds no other.
  const holdsOnline = new Set(claims.filter((c) => c.owners.length === 1 && c.host.online).map((c) => c.owners[0]!.instance.id));
  for (const claim of claims) {
    const host = claim.host;
    const owners = breakTie(claim.owners, host, holdsOnline);
    if (owners.length === 0) unclaimed.push(host.baseUrl);
    else if (owners.length > 1) {
      ambiguous.push(host.baseUrl);
      claimants.set(host.baseUrl, owners.map((o) => o.instance.id));
    } else {
      won.set(owners[0]!.instance.id, [...(won.get(owners[0]!.instance.id) ?? []), { host, by: owners[0]!.by }]);
      owned.set(host.baseUrl, owners[0]!.instance.id);
    }
  }
  const byInstance = new Map<string, HostClaim>();
  for (const [id, claims] of won) {
    // A node re-registered under a new URL leaves its old row behind: the online one is the one serving.
    const ranked = [...claims].sort((a, b) => Number(b.host.online) - Number(a.host.online) || STRENGTH[b.by] - STRENGTH[a.by]);
    byInstance.set(id, ranked[0]!);
  }
  return { byInstance, owners: owned, unclaimed, ambiguous, claimants };
}

type Index = Record<HostMatchKind, Map<string, FleetInstance[]>>;

function indexInstances(instances: readonly FleetInstance[], options: HostMatchOptions): Index {
  const index: Index = { setting: new Map(), tag: new Map(), name: new Map(), 'node-name': new Map(), address: new Map(), 'short-name': new Map() };
  const add = (kind: HostMatchKind, key: string | undefined, instance: FleetInstance) => {
    if (!key) return;
    const list = index[kind].get(key);
    if (!list) index[kind].set(key, [instance]);
    else if (!list.includes(instance)) list.push(instance);
  };
  for (const instance of instances) {
    const setting = options.hostUrls?.[instance.hostname];
    if (setting !== undefined) add('setting', normaliseBaseUrl(setting), instance);
    const tagged = options.hostUrlTag ? instance.tags?.[options.hostUrlTag] : undefined;
    if (tagged) add('tag', normaliseBaseUrl(tagged), instance);
    for (const name of [instance.privateDns, instance.publicDns, instance.privateIp, instance.publicIp, instance.hostname]) add('name', lower(name), instance);
    add('node-name', lower(instance.hostname), instance);
    add('node-name', lower(instance.privateDns), instance);
    for (const ip of [instance.privateIp, instance.publicIp]) if (ip && !isLoopback(ip)) add('address', ip.toLowerCase(), instance);
    add('short-name', lower(instance.hostname), instance);
    add('short-name', lower(instance.privateDns)?.split('.')[0], instance);
  }
  return index;
}

/** The instances with the strongest claim on `host` (the same rules as {@link claimOf}). */
function ownersOf(host: OpencastHost, index: Index): { instance: FleetInstance; by: HostMatchKind }[] {
  const url = normaliseBaseUrl(host.baseUrl);
  const name = hostOfUrl(host.baseUrl);
  const address = lower(host.address);
  const label = name?.split('.')[0];
  const keys: Record<HostMatchKind, string | undefined> = {
    setting: url,
    tag: url,
    name: name !== undefined && !isLoopback(name) ? name : undefined,
    // A loopback row may be several nodes at once (all at localhost share it): its node name is the last one's.
    'node-name': name !== undefined && !isLoopback(name) ? lower(host.nodeName) : undefined,
    address: name !== undefined && !isLoopback(name) && address && !isLoopback(address) ? address : undefined,
    'short-name': name !== undefined && !isLoopback(name) && name.includes('.') ? label : undefined,
  };
  let best = 0;
  let owners: { instance: FleetInstance; by: HostMatchKind }[] = [];
  for (const by of KINDS) {
    const key = keys[by];
    const found = key === undefined ? undefined : index[by].get(key);
    if (!found) continue;
    for (const instance of found) {
      // An instance counts once, with its strongest claim (kinds are visited strongest first).
      if (owners.some((o) => o.instance === instance)) continue;
      const strength = STRENGTH[by];
      if (strength > best) {
        best = strength;
        owners = [{ instance, by }];
      } else if (strength === best) {
        owners.push({ instance, by });
      }
    }
  }
  return owners;
}

/**
 * Equal claims (two instances with one Name tag) on a host only one of them can hold. A machine that does not run
 * has no Opencast registering it now, and a node registers under one URL at a time, so an instance that alone owns
 * another online row (`holdsOnline`) is not on this one: if one claimant is left, it owns the row, unless the row's
 * `address` (what its URL resolved to on the node that registered it last) is another claimant's IP, which makes it
 * that node's stale row. Two claimants left stay ambiguous: both may serve it (one row shared, as at localhost).
 * Soak seeds 20261215, 20261217 and 20261218 (test/reliability/registry-regressions.test.ts): a twin stopped, or
 * serving on a row of its own, kept the other's maintenance from ever being released.
 */
export function breakTie<T extends { instance: FleetInstance }>(owners: T[], host: OpencastHost, holdsOnline: ReadonlySet<string> = new Set()): T[] {
  if (owners.length < 2) return owners;
  const left = owners.filter((o) => !MACHINE_DOWN.has(o.instance.state) && !holdsOnline.has(o.instance.id));
  if (left.length !== 1) return owners;
  const address = lower(host.address);
  const elsewhere = address !== undefined && !isLoopback(address) && owners.some((o) => o !== left[0] && [o.instance.privateIp, o.instance.publicIp].map(lower).includes(address));
  return elsewhere ? owners : left;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const isIp = (h: string) => IPV4.test(h) || h.includes(':');

/**
 * Whether a host no instance claims may still be this instance: it is online
 * and nothing about it names another machine. The host's `address` (what its
 * URL resolves to on the node itself) or an IP written in its URL, when not a
 * loopback, is one machine's address: if the instance's addresses are known and
 * that is none of them, the host is not this instance. Anything else (a
 * `localhost` URL, a name with no address) may be it: fail closed.
 */
export function mayBe(instance: FleetInstance, host: OpencastHost): boolean {
  if (!host.online) return false;
  const ips = [instance.privateIp, instance.publicIp].map(lower).filter((x): x is string => Boolean(x));
  if (ips.length === 0) return true;
  const name = hostOfUrl(host.baseUrl);
  const said = [lower(host.address), name !== undefined && isIp(name) ? name : undefined].filter((x): x is string => Boolean(x) && !isLoopback(x!));
  return said.every((ip) => ips.includes(ip));
}
