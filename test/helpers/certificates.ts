/**
 * Test-only certificates, made in memory for each run (no key is ever written
 * to the repository): a CA, and a server certificate for 127.0.0.1 it signed.
 * Keys come from Node's own generator; node-forge builds and signs the X.509.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

const DAY = 86_400_000;

export interface Ca {
  pem: string;
  key: forge.pki.rsa.PrivateKey;
  subject: forge.pki.CertificateField[];
}

/** An RSA key pair from Node's own (fast) generator, in node-forge's form. */
function keyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function certificate(serial: string, subject: forge.pki.CertificateField[], issuer: forge.pki.CertificateField[], publicKey: forge.pki.rsa.PublicKey, signer: forge.pki.rsa.PrivateKey, extensions: object[]): string {
  const cert = forge.pki.createCertificate();
  cert.serialNumber = serial;
  cert.publicKey = publicKey;
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + DAY);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  cert.sign(signer, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export function makeCa(name: string): Ca {
  const { privateKey, publicKey } = keyPair();
  const subject = [{ name: 'commonName', value: name }];
  const pem = certificate('01', subject, subject, publicKey, privateKey, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  return { pem, key: privateKey, subject };
}

/** A server certificate for 127.0.0.1 signed by `ca`, and its private key (PEM). */
export function makeServerCert(ca: Ca): { cert: string; key: string } {
  const { privateKey, publicKey } = keyPair();
  const cert = certificate('02', [{ name: 'commonName', value: 'admin1.opencast.test' }], ca.subject, publicKey, ca.key, [
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    { name: 'extKeyUsage', serverAuth: true },
  ]);
  return { cert, key: forge.pki.privateKeyToPem(privateKey) };
}

