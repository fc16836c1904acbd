/**
 * Reads the SigV4 credential scope of a request (header or presigned query).
 * The simulator checks that requests are signed, as AWS refuses unsigned ones,
 * but not the signature itself: it has no secret to check against.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import type { WireRequest } from '../wire/types';

interface SigV4Scope {
  accessKeyId: string;
  date: string;
  region: string;
  /** Signing name: `opsworks`, `ec2`, `monitoring`, `states`, ... */
  service: string;
}

export type SigV4Result = { kind: 'signed'; scope: SigV4Scope } | { kind: 'missing' } | { kind: 'malformed' };

const SCOPE = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;

export function readSigV4(request: WireRequest): SigV4Result {
  const header = request.headers['authorization'];
  if (header !== undefined) return fromHeader(header);
  const credential = request.query.get('X-Amz-Credential');
  if (credential !== null && request.query.get('X-Amz-Signature')) return fromCredential(credential);
  return { kind: 'missing' };
}

function fromHeader(header: string): SigV4Result {
  if (!header.startsWith('AWS4-HMAC-SHA256 ')) return { kind: 'malformed' };
  const parts = new Map<string, string>();
  for (const part of header.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = parts.get('Credential');
  if (!credential || !parts.get('SignedHeaders') || !parts.get('Signature')) return { kind: 'malformed' };
  return fromCredential(credential);
}

function fromCredential(credential: string): SigV4Result {
  const match = SCOPE.exec(credential);
  if (!match) return { kind: 'malformed' };
  const [, accessKeyId = '', date = '', region = '', service = ''] = match;
  return { kind: 'signed', scope: { accessKeyId, date, region, service } };
}
