/**
 * `ebsKmsKeyArns`: the workers' EBS volumes encrypted with customer-managed keys.
 * StartInstances then needs kms:CreateGrant (for an AWS resource only), kms:Decrypt
 * and kms:DescribeKey on those keys, or the instance goes pending → stopped
 * (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html#ebs-encryption-permissions).
 * The start function's role gets them, and no other role does.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/load-config';
import { parseStackConfig } from '../../infra/props';
import { PROJECT_ROOT } from '../../infra/stack';
import { fieldOf } from '../helpers/config-errors';
import { BASE_INPUT, resourcesOf, synth } from './synth';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const EC2 = { provider: 'ec2' as const, ec2ClusterTag: 'opencast:cluster' };

function kmsStatements(s: ReturnType<typeof synth>): Array<[string, Record<string, unknown>]> {
  return resourcesOf(s, 'AWS::IAM::Policy').flatMap(([id, p]) =>
    (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>).filter((st) => [st.Action].flat().some((a) => a.startsWith('kms:'))).map((st) => [id, st] as [string, Record<string, unknown>]),
  );
}

describe('ebsKmsKeyArns', () => {
  // Synthesised once, outside the tests' timeouts (a synth takes seconds).
  const s = synth({ ...EC2, ebsKmsKeyArns: [KEY] });
  const plain = synth(EC2);

  it('grants the start function what StartInstances needs on the keys', () => {
    s.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } }, Effect: 'Allow', Resource: KEY },
          { Action: ['kms:Decrypt', 'kms:DescribeKey'], Effect: 'Allow', Resource: KEY },
        ]),
      },
    });
    const owners = new Set(kmsStatements(s).map(([id]) => id));
    expect([...owners]).toHaveLength(1);
    expect([...owners][0]).toMatch(/^StartWorkerActivity/);
  });

  it('grants no KMS action without it', () => {
    expect(kmsStatements(plain)).toEqual([]);
  });

  it('refuses an alias (IAM authorises a key by its key ARN) and provider opsworks', () => {
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, ...EC2, opsworksStackId: undefined, ebsKmsKeyArns: ['arn:aws:kms:us-east-1:111122223333:alias/ebs'] }))).toBe('config.ebsKmsKeyArns.0');
    expect(() => parseStackConfig({ ...BASE_INPUT, ebsKmsKeyArns: [KEY] })).toThrow('config.ebsKmsKeyArns: only meaningful for provider ec2');
  });

  it('is read from -c ebsKmsKeyArns=a,b as well as from the file', () => {
    const context: Record<string, string> = { provider: 'ec2', ebsKmsKeyArns: `${KEY}, ${KEY.replace('1234abcd', '5678abcd')}` };
    const { config } = loadConfig((k) => context[k], PROJECT_ROOT);
    expect(config.ebsKmsKeyArns).toEqual([KEY, KEY.replace('1234abcd', '5678abcd')]);
  });
});
