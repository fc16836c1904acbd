/**
 * Opencast over https signed by the organisation's own CA: the simulated
 * Opencast served on a loopback TLS server whose CA and certificate are made
 * here, in memory (no key is ever written to the repository). With the CA
 * bundle the client talks to it; without it, or with another CA, the TLS
 * handshake fails as a DependencyError that names the cause, not the request.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCaBundle, readCaBundle } from '../../../adapters/opencast/ca-bundle';
import { OpencastClient } from '../../../adapters/opencast/opencast-client';
import { createRuntime } from '../../../wiring/runtime';
import { ConfigError, DependencyError } from '../../../core/errors';
import { resolveSettings } from '../../../core/settings';
import { createOpencastRouter } from '../../../sim/opencast/router';
import { serveRouter, type ServedRouter } from '../../../sim/wire/http-server';
import { OpencastTestState } from '../../fixtures/opencast-state';
import { makeCa, makeServerCert, type Ca } from '../../helpers/certificates';

describe('Opencast over https with a custom CA', () => {
  const state = new OpencastTestState('15.0');
  const dir = mkdtempSync(join(tmpdir(), 'moscaler-ca-'));
  let ca: Ca;
  let other: Ca;
  let served: ServedRouter;

  beforeAll(async () => {
    ca = makeCa('Example University Root CA');
    other = makeCa('Someone Else CA');
    served = await serveRouter(createOpencastRouter(state), { tls: makeServerCert(ca) });
  });
  afterAll(async () => served?.close());

  const client = (ca?: readonly string[]) =>
    new OpencastClient({ baseUrl: served.url, user: state.opencast.user, password: state.opencast.password, auth: 'digest', ...(ca ? { ca } : {}) });

  it('talks to it when given the CA bundle', async () => {
    const c = client(parseCaBundle(ca.pem, 'test'));
    try {
      await expect(c.checkCredentials()).resolves.toBeUndefined();
      expect((await c.listHosts()).length).toBeGreaterThan(0);
    } finally {
      await c.close();
    }
  });

  it.each([
    ['no CA bundle (only the public roots)', () => undefined],
    ['the bundle of another CA', () => parseCaBundle(other.pem, 'test')],
  ])('refuses the server with %s, as a DependencyError naming the TLS failure', async (_, bundle) => {
    const c = client(bundle());
    try {
      const error = await c.listHosts().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DependencyError);
      expect((error as Error).message).toMatch(/GET \/services\/hosts\.json: request failed \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
    } finally {
      await c.close();
    }
  });

  it('is wired from MOSCALER_OPENCAST_CA_FILE, as the CLI and the Lambda functions do', async () => {
    const file = join(dir, 'opencast-ca.pem');
    // A bundle with two CAs: the one that signed the server need not come first.
    writeFileSync(file, `${other.pem}\n${ca.pem}\n`);
    const settings = resolveSettings({}, { MOSCALER_CLUSTER: 'c', MATTERHORN_USER: state.opencast.user, MATTERHORN_PASS: state.opencast.password, MOSCALER_OPENCAST_CA_FILE: file });
    expect(settings.opencast.caFile).toBe(file);
    const runtime = createRuntime({ ...settings, aws: { region: 'us-east-1' } });
    try {
      await expect(runtime.opencastAt(served.url).checkCredentials()).resolves.toBeUndefined();
    } finally {
      await runtime.close();
    }
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.pem'), /cannot read the CA bundle .*nope\.pem \(ENOENT\)/],
    ['a private key instead of a certificate', () => write('key.pem', '-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----\n'), /holds no PEM certificate/],
    ['a damaged certificate', () => write('bad.pem', '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n'), /certificate 1 of 1 is not a valid X\.509 certificate/],
  ])('refuses %s before any request, naming the setting', (_, path, message) => {
    const settings = resolveSettings({}, { MOSCALER_CLUSTER: 'c', MATTERHORN_USER: 'u', MATTERHORN_PASS: 'p', MOSCALER_OPENCAST_CA_FILE: path() });
    let error: unknown;
    try {
      createRuntime({ ...settings, aws: { region: 'us-east-1' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('MOSCALER_OPENCAST_CA_FILE');
    expect((error as Error).message).toMatch(message);
  });

  function write(name: string, text: string): string {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it('reads every certificate of a bundle', () => {
    const file = write('two.pem', `${ca.pem}\n${other.pem}`);
    expect(readCaBundle(file, 'X')).toHaveLength(2);
  });
});
