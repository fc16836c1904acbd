/**
 * The CA bundle for an Opencast served over https by a private CA: a PEM file
 * of one or more certificates, read once and checked before any request, so a
 * wrong path or a file that holds no certificate (a key, a DER file) is a
 * ConfigError naming the setting, not a TLS failure at the first call.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { ConfigError } from '../../core/errors';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM text, each checked to parse; throws ConfigError naming `field`. */
export function parseCaBundle(text: string, field: string): string[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new ConfigError(field, 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  blocks.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (cause) {
      throw new ConfigError(field, `certificate ${i + 1} of ${blocks.length} is not a valid X.509 certificate`, { cause });
    }
  });
  return blocks;
}

/** Reads and checks the bundle at `path`; `field` names the setting in errors. */
export function readCaBundle(path: string, field: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(field, `cannot read the CA bundle ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  return parseCaBundle(text, field);
}
