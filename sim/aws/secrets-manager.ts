/**
 * AWS Secrets Manager's GetSecretValue (awsJson1_1, `X-Amz-Target:
 * secretsmanager.GetSecretValue`), as the functions call it at a cold start to
 * read the Opencast credentials. Members and errors from the API reference,
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html:
 * `SecretId` is the secret's ARN or name; the answer carries ARN, Name,
 * VersionId, SecretString, VersionStages and CreatedDate (epoch seconds on the
 * JSON wire); an unknown id is ResourceNotFoundException ("Secrets Manager
 * can't find the specified secret."). Throttling and service failures come from
 * the router's `aws-throttle` / `aws-5xx` faults targeted at `secretsmanager`.
 */
import { InternalError } from '../../core/errors';
import { SimAwsError } from '../model/types';
import { requiredString } from './json-input';
import type { JsonOperation } from './opsworks';
import { SIM_ACCOUNT_ID } from './opsworks';

export interface SimSecret {
  arn: string;
  name: string;
  value: string;
  versionId: string;
  createdMs: number;
  /**
   * Versions a rotation made, in order: each becomes AWSCURRENT at `fromMs` (the previous one AWSPREVIOUS),
   * as rotation's finishSecret step moves the label
   * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_how.html).
   */
  rotations: { value: string; versionId: string; fromMs: number }[];
}

/** The secrets of the simulated account. */
export class SimSecrets {
  private readonly secrets = new Map<string, SimSecret>();

  constructor(private readonly region: string) {}

  /** Stores a secret and returns its ARN (Secrets Manager appends `-` and six random characters to the name). */
  put(name: string, value: string, createdMs: number): string {
    const suffix = sixCharacters(name);
    const arn = `arn:aws:secretsmanager:${this.region}:${SIM_ACCOUNT_ID}:secret:${name}-${suffix}`;
    this.secrets.set(arn, { arn, name, value, versionId: `00000000-0000-4000-8000-${suffix.padStart(12, '0')}`, createdMs, rotations: [] });
    return arn;
  }

  /** A rotation of the secret (by ARN or name) that makes `value` current at `fromMs` (virtual). */
  rotate(id: string, value: string, fromMs: number): void {
    const secret = this.find(id);
    // Only the simulated deployment rotates, a secret it stored itself: a missing one is our bug.
    if (!secret) throw new InternalError(`no secret ${id} to rotate`);
    const n = secret.rotations.length + 1;
    secret.rotations.push({ value, versionId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, fromMs });
    secret.rotations.sort((a, b) => a.fromMs - b.fromMs);
  }

  /** By ARN or by name, as GetSecretValue's SecretId is. */
  find(id: string): SimSecret | undefined {
    return this.secrets.get(id) ?? [...this.secrets.values()].find((s) => s.name === id);
  }
}

export function secretsManagerOperations(secrets: SimSecrets): Readonly<Record<string, JsonOperation>> {
  return {
    GetSecretValue(state, input) {
      const id = requiredString(input, 'SecretId', 'InvalidParameterException');
      const secret = secrets.find(id);
      if (!secret) throw new SimAwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      // Without VersionId or VersionStage the answer is the AWSCURRENT version: the latest rotation made current.
      const now = state.now();
      const current = secret.rotations.filter((r) => r.fromMs <= now).at(-1);
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: current?.versionId ?? secret.versionId,
        SecretString: current?.value ?? secret.value,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: secret.createdMs / 1000,
      };
    },
  };
}

/** A stable stand-in for the random suffix (a simulated run replays identically). */
function sixCharacters(name: string): string {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return hash.toString(36).padStart(6, 'a').slice(-6);
}
