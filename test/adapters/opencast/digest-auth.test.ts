import { describe, expect, it } from 'vitest';
import {
  basicAuthorization,
  createAuthenticator,
  digestResponse,
  DigestAuthenticator,
  parseAuthParams,
  parseDigestChallenge,
} from '../../../adapters/opencast/digest-auth';

describe('digestResponse', () => {
  it('matches the worked example of RFC 2617 §3.5', () => {
    const response = digestResponse({
      username: 'Mufasa',
      password: 'Circle Of Life',
      realm: 'testrealm@host.com',
      method: 'GET',
      uri: '/dir/index.html',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
    });
    expect(response).toBe('6629fae49393a05397450978507c4ef1');
  });
});

describe('parseDigestChallenge', () => {
  it('reads the challenge Opencast sends (no opaque, no algorithm)', () => {
    const challenge = parseDigestChallenge('Digest realm="Opencast", qop="auth", nonce="MTcyNTI2ODQwMDAwMDphYmM="');
    expect(challenge).toEqual({ realm: 'Opencast', nonce: 'MTcyNTI2ODQwMDAwMDphYmM=', qop: 'auth', opaque: undefined, algorithm: undefined, stale: false });
  });

  it('sees stale="true" and picks Digest among several WWW-Authenticate values', () => {
    const challenge = parseDigestChallenge(['Basic realm="Opencast"', 'Digest realm="Opencast Matterhorn", qop="auth,auth-int", nonce="n1", stale="true"']);
    expect(challenge).toMatchObject({ realm: 'Opencast Matterhorn', nonce: 'n1', qop: 'auth', stale: true });
  });

  it('returns undefined for a Basic-only or missing challenge', () => {
    expect(parseDigestChallenge('Basic realm="Opencast"')).toBeUndefined();
    expect(parseDigestChallenge(undefined)).toBeUndefined();
  });

  it('keeps commas and escaped quotes inside quoted values', () => {
    expect(parseAuthParams('realm="a, \\"b\\"", nc=00000001')).toEqual({ realm: 'a, "b"', nc: '00000001' });
  });
});

describe('DigestAuthenticator', () => {
  const challenge = 'Digest realm="Opencast", qop="auth", nonce="abc"';

  it('asks for a challenge first, then answers it reusing the nonce with a growing nc', () => {
    const auth = new DigestAuthenticator('u', 'p', () => 'c0ffee');
    expect(auth.headers('GET', '/x')).toEqual({ 'x-requested-auth': 'Digest' });
    expect(auth.challenged(challenge, false)).toBe('retry');
    const first = auth.headers('GET', '/x').authorization!;
    const second = auth.headers('GET', '/x').authorization!;
    expect(first).toContain('nc=00000001');
    expect(second).toContain('nc=00000002');
    const params = parseAuthParams(second.replace(/^Digest /, ''));
    expect(params).toMatchObject({ username: 'u', realm: 'Opencast', nonce: 'abc', uri: '/x', qop: 'auth', cnonce: 'c0ffee' });
    expect(params.response).toBe(
      digestResponse({ username: 'u', password: 'p', realm: 'Opencast', method: 'GET', uri: '/x', nonce: 'abc', qop: 'auth', nc: '00000002', cnonce: 'c0ffee' }),
    );
    expect(second).not.toContain('opaque');
    expect(second).not.toContain('algorithm');
  });

  it('refuses a plain rejection after a fresh challenge but always follows a stale one', () => {
    const auth = new DigestAuthenticator('u', 'p');
    expect(auth.challenged(challenge, true)).toBe('refused');
    expect(auth.challenged(`${challenge}, stale="true"`, true)).toBe('retry');
    expect(auth.nonce).toBe('abc');
  });

  it('refuses algorithms other than MD5 and non-digest challenges', () => {
    const auth = new DigestAuthenticator('u', 'p');
    expect(auth.challenged('Digest realm="r", nonce="n", algorithm=SHA-256', false)).toBe('refused');
    expect(auth.challenged('Basic realm="r"', false)).toBe('refused');
  });
});

describe('Basic', () => {
  it('is preemptive and never retries', () => {
    const auth = createAuthenticator('basic', 'admin', 'pw');
    expect(auth.headers('GET', '/')).toEqual({ authorization: basicAuthorization('admin', 'pw') });
    expect(basicAuthorization('admin', 'pw')).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
    expect(auth.challenged('Basic realm="Opencast"', false)).toBe('refused');
  });
});
