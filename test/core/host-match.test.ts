import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { breakTie, claimOf, hostOfUrl, isLoopback, matchHosts, mayBe, normaliseBaseUrl } from '../../core/host-match';
import type { FleetInstance, OpencastHost } from '../../core/types';

const worker = (n: number, extra: Partial<FleetInstance> = {}): FleetInstance => ({
  id: `i-${n}`,
  hostname: `worker${n}`,
  status: 'running',
  state: 'running',
  provider: 'ec2',
  privateDns: `ip-10-0-0-${n}.ec2.internal`,
  privateIp: `10.0.0.${n}`,
  layerNames: ['Workers'],
  layerIds: ['w'],
  ...extra,
});

const host = (baseUrl: string, extra: Partial<OpencastHost> = {}): OpencastHost => ({ baseUrl, online: true, active: true, maintenance: false, ...extra });

describe('normaliseBaseUrl', () => {
  it.each([
    ['HTTP://Worker1.Example.EDU/', 'http://worker1.example.edu'],
    ['http://worker1:80', 'http://worker1'],
    ['https://worker1:443/', 'https://worker1'],
    ['http://10.0.0.1:8080', 'http://10.0.0.1:8080'],
    ['https://oc.example.edu/opencast/', 'https://oc.example.edu/opencast'],
  ])('spells %s as %s', (url, normal) => {
    expect(normaliseBaseUrl(url)).toBe(normal);
  });

  it('gives undefined for what is not a URL', () => {
    expect(normaliseBaseUrl('worker1')).toBeUndefined();
    expect(hostOfUrl('not a url')).toBeUndefined();
  });
});

describe('isLoopback', () => {
  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.0.1.1', '::1', '0.0.0.0'])('takes %s as loopback', (h) => expect(isLoopback(h)).toBe(true));
  it.each(['10.0.0.1', 'worker1', 'localhost.example.edu'])('does not take %s as loopback', (h) => expect(isLoopback(h)).toBe(false));
});

describe('claimOf', () => {
  it.each([
    ['http://<private DNS> (the original form)', 'http://ip-10-0-0-3.ec2.internal', {}, 'name'],
    ['the private DNS name with a port', 'http://ip-10-0-0-3.ec2.internal:8080', {}, 'name'],
    ['https and the hostname with a port, any case', 'https://Worker3:8443', {}, 'name'],
    ['the private IP with a port', 'http://10.0.0.3:8080', {}, 'name'],
    ['an FQDN whose first label is the hostname', 'https://worker3.opencast.example.edu', {}, 'short-name'],
    ['an FQDN whose first label is the private DNS short name', 'http://ip-10-0-0-3.example.edu:8080', {}, 'short-name'],
    ['a CNAME whose address is the private IP', 'https://cdn-77.example.org', { address: '10.0.0.3' }, 'address'],
  ] as const)('matches %s', (_what, baseUrl, extra, by) => {
    expect(claimOf(worker(3), host(baseUrl, extra))).toBe(by);
  });

  it.each([
    ['Opencast default localhost', 'http://localhost:8080', { address: '127.0.0.1' }],
    ['another worker\'s IP', 'http://10.0.0.4:8080', {}],
    ['a name with a longer first label', 'https://worker33.example.edu', {}],
    ['a loopback address even when it equals nothing else', 'https://cdn.example.org', { address: '127.0.1.1' }],
  ] as const)('does not match %s', (_what, baseUrl, extra) => {
    expect(claimOf(worker(3), host(baseUrl, extra))).toBeUndefined();
  });

  it('takes the settings map and the URL tag as explicit matches, in any spelling of the URL', () => {
    const unusual = host('https://lb-7.example.org/opencast');
    expect(claimOf(worker(3), unusual, { hostUrls: { worker3: 'HTTPS://lb-7.example.org/opencast/' } })).toBe('setting');
    expect(claimOf(worker(3, { tags: { 'opencast:server-url': 'https://lb-7.example.org/opencast' } }), unusual, { hostUrlTag: 'opencast:server-url' })).toBe('tag');
    expect(claimOf(worker(3), unusual)).toBeUndefined();
    // Even localhost, when an operator says so for one instance.
    expect(claimOf(worker(3), host('http://localhost:8080'), { hostUrls: { worker3: 'http://localhost:8080' } })).toBe('setting');
  });
});

describe('matchHosts', () => {
  it('gives each instance its host and lists the hosts nobody claims', () => {
    const hosts = [host('http://10.0.0.1:8080'), host('https://worker2.example.edu'), host('http://localhost:8080', { address: '127.0.0.1' })];
    const m = matchHosts([worker(1), worker(2), worker(3)], hosts);
    expect(m.byInstance.get('i-1')).toMatchObject({ host: { baseUrl: 'http://10.0.0.1:8080' }, by: 'name' });
    expect(m.byInstance.get('i-2')).toMatchObject({ host: { baseUrl: 'https://worker2.example.edu' }, by: 'short-name' });
    expect(m.byInstance.has('i-3')).toBe(false);
    expect(m.unclaimed).toEqual(['http://localhost:8080']);
    expect(m.ambiguous).toEqual([]);
  });

  it('lets the stronger claim win and calls an equal tie ambiguous', () => {
    // worker1 claims by the first label only, worker9 by the host's address: the address wins.
    const exact = matchHosts([worker(1), worker(9, { privateIp: '10.9.9.9' })], [host('http://worker1.example.edu:8080', { address: '10.9.9.9' })]);
    expect(exact.byInstance.get('i-9')).toMatchObject({ by: 'address' });
    expect(exact.byInstance.has('i-1')).toBe(false);
    const tie = matchHosts([worker(1), worker(2, { hostname: 'worker1' })], [host('https://worker1.example.edu')]);
    expect(tie.byInstance.size).toBe(0);
    expect(tie.ambiguous).toEqual(['https://worker1.example.edu']);
  });

  it("takes Opencast's own name for a node over another instance's address claim, never for a localhost row (shared by every node left there)", () => {
    // worker9's IP is what the URL resolves to, but Opencast calls the node worker1 (issue 23.5).
    const m = matchHosts([worker(1), worker(9, { privateIp: '10.9.9.9' })], [host('http://oc.example.edu:8080', { address: '10.9.9.9', nodeName: 'worker1' })]);
    expect(m.byInstance.get('i-1')).toMatchObject({ by: 'node-name' });
    expect(m.byInstance.has('i-9')).toBe(false);
    expect(claimOf(worker(1), host('http://oc-7.example.edu', { nodeName: 'Worker1' }))).toBe('node-name');
    expect(claimOf(worker(1), host('http://localhost:8080', { address: '127.0.0.1', nodeName: 'worker1' }))).toBeUndefined();
    expect(matchHosts([worker(1)], [host('http://localhost:8080', { nodeName: 'worker1' })]).unclaimed).toEqual(['http://localhost:8080']);
  });

  it('gives a tie between two instances of one name to the only one that runs, unless the row is the other one\'s', () => {
    const twin = (state: FleetInstance['state']) => worker(2, { hostname: 'worker1', state, status: state });
    const row = (address?: string) => [host('http://worker1:8080', address ? { address } : {})];
    // A stopped twin cannot hold the row: the running worker1 (its IP is the row's address, or none is known) owns it.
    expect(matchHosts([worker(1), twin('stopped')], row('10.0.0.1')).owners.get('http://worker1:8080')).toBe('i-1');
    expect(matchHosts([worker(1), twin('start-failed')], row()).byInstance.get('i-1')).toMatchObject({ by: 'name' });
    // The row's address is the stopped twin's: its stale row, not the running one's.
    expect(matchHosts([worker(1), twin('stopped')], row('10.0.0.2')).ambiguous).toEqual(['http://worker1:8080']);
    // Both run (or may: stopping, unknown): either may be serving on it.
    for (const state of ['running', 'stopping', 'unknown'] as const) expect(matchHosts([worker(1), twin(state)], row('10.0.0.1')).ambiguous).toEqual(['http://worker1:8080']);
    // Unless the twin serves on a row of its own: a node registers under one URL at a time.
    const own = host('http://ip-10-0-0-2.ec2.internal');
    expect(matchHosts([worker(1), twin('running')], [...row('10.0.0.1'), own]).owners).toEqual(new Map([['http://worker1:8080', 'i-1'], ['http://ip-10-0-0-2.ec2.internal', 'i-2']]));
    expect(matchHosts([worker(1), twin('running')], [...row('10.0.0.1'), { ...own, online: false }]).ambiguous).toEqual(['http://worker1:8080']);
  });

  it('names the instances that claim an ambiguous host equally', () => {
    const tie = matchHosts([worker(1), worker(2, { hostname: 'worker1' })], [host('https://worker1.example.edu')]);
    expect(tie.claimants.get('https://worker1.example.edu')).toEqual(['i-1', 'i-2']);
  });

  it('prefers the online row when a node re-registered under a new URL', () => {
    const hosts = [host('http://ip-10-0-0-1.ec2.internal', { online: false }), host('https://worker1.example.edu')];
    expect(matchHosts([worker(1)], hosts).byInstance.get('i-1')?.host.baseUrl).toBe('https://worker1.example.edu');
  });
});

describe('mayBe', () => {
  it.each([
    ['a localhost URL', 'http://localhost:8080', { address: '127.0.0.1' }, true],
    ['a name with no address', 'https://ghost.example.edu', {}, true],
    ['an address of another machine', 'https://old.example.edu', { address: '10.0.7.7' }, false],
    ['an IP of another machine in the URL', 'http://10.0.7.7:8080', {}, false],
    ['an offline host', 'http://localhost:8080', { online: false }, false],
  ] as const)('says whether an unclaimed host with %s may be the worker', (_what, baseUrl, extra, may) => {
    expect(mayBe(worker(3), host(baseUrl, extra))).toBe(may);
  });

  it('fails closed for an instance whose addresses are unknown', () => {
    expect(mayBe(worker(3, { privateIp: undefined }), host('http://10.0.7.7:8080'))).toBe(true);
  });
});

describe('matchHosts, indexed', () => {
  /** The definition, pair by pair: the strongest claims win, a tie is ambiguous. */
  function naive(instances: FleetInstance[], hosts: OpencastHost[], options = {}) {
    const strength = { setting: 6, tag: 6, name: 5, 'node-name': 4, address: 3, 'short-name': 2 } as const;
    const strongest = hosts.map((h) => {
      const claims = instances.flatMap((instance) => {
        const by = claimOf(instance, h, options);
        return by ? [{ id: instance.id, s: strength[by], instance }] : [];
      });
      const best = Math.max(0, ...claims.map((c) => c.s));
      return claims.filter((c) => c.s === best);
    });
    const holdsOnline = new Set(strongest.flatMap((owners, k) => (owners.length === 1 && hosts[k]!.online ? [owners[0]!.id] : [])));
    return hosts.map((h, k) => {
      const owners = breakTie(strongest[k]!, h, holdsOnline);
      return owners.length === 1 ? owners[0]!.id : owners.length === 0 ? 'unclaimed' : 'ambiguous';
    });
  }

  it('agrees with claimOf pair by pair on random clusters', () => {
    const n = fc.integer({ min: 1, max: 4 });
    const instanceArb = fc.record({
      i: n,
      hostname: fc.constantFrom('worker1', 'worker2', 'Worker3', 'opencast worker 2', 'ip-10-0-0-2'),
      ip: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', undefined),
      tag: fc.constantFrom('https://lb.example.org/a', undefined),
      state: fc.constantFrom('running', 'stopped'),
    });
    const hostArb = fc.record({
      url: fc.constantFrom(
        'http://worker1:8080', 'https://worker2.example.edu', 'http://10.0.0.2:8080', 'http://ip-10-0-0-1.ec2.internal',
        'http://localhost:8080', 'https://lb.example.org/a', 'https://worker3.example.edu', 'http://ip-10-0-0-2.example.edu',
      ),
      address: fc.constantFrom('10.0.0.1', '10.0.0.3', '127.0.0.1', undefined),
    });
    fc.assert(
      // Opencast keys hosts by base_url: no two rows share one.
      fc.property(fc.array(instanceArb, { maxLength: 5 }), fc.uniqueArray(hostArb, { maxLength: 5, selector: (h) => h.url }), fc.boolean(), (specs, hostSpecs, withSettings) => {
        const instances = specs.map((x, k) =>
          worker(k, { hostname: x.hostname, state: x.state, privateIp: x.ip, privateDns: x.ip ? `ip-${x.ip.replaceAll('.', '-')}.ec2.internal` : undefined, tags: x.tag ? { u: x.tag } : {} }),
        );
        const hosts = hostSpecs.map((h) => host(h.url, h.address ? { address: h.address } : {}));
        const options = withSettings ? { hostUrls: { worker1: 'https://lb.example.org/a' }, hostUrlTag: 'u' } : {};
        const m = matchHosts(instances, hosts, options);
        const fast = hosts.map((h) => (m.unclaimed.includes(h.baseUrl) ? 'unclaimed' : m.ambiguous.includes(h.baseUrl) ? 'ambiguous' : m.owners.get(h.baseUrl)));
        expect(fast).toEqual(naive(instances, hosts, options));
      }),
    );
  });
});
