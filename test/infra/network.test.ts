/**
 * The functions that call Opencast run in the operator's VPC, imported by id
 * (synth stays offline), optionally with interface endpoints for the AWS APIs;
 * a network config that cannot work fails synth naming the key. An Opencast
 * behind a private CA gets the CA bundled with the functions.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VPC_ACCESS_ACTIONS } from '../../infra/activity-function';
import { loadConfig } from '../../infra/load-config';
import { ENDPOINT_SERVICES } from '../../infra/network';
import { capabilitiesOf } from '../../infra/permissions';
import { LAMBDA_CA_FILE, parseStackConfig } from '../../infra/props';
import { PROJECT_ROOT } from '../../infra/stack';
import { makeCa } from '../helpers/certificates';
import { BASE_INPUT, resourcesOf, synth } from './synth';
import { fieldOf } from '../helpers/config-errors';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const SUBNETS = ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'];
const GROUP = 'sg-0123456789abcdef0';
const NETWORK = { provider: 'ec2' as const, vpcId: VPC, subnetIds: SUBNETS, securityGroupIds: [GROUP] };

describe('network config', () => {
  it.each([
    ['a subnet without a VPC', { subnetIds: SUBNETS }, 'config.vpcId'],
    ['a security group without a VPC', { securityGroupIds: [GROUP] }, 'config.vpcId'],
    ['endpoints without a VPC', { vpcEndpoints: true }, 'config.vpcEndpoints'],
    ['a VPC without subnets', { vpcId: VPC, securityGroupIds: [GROUP] }, 'config.subnetIds'],
    ['a VPC without a security group', { vpcId: VPC, subnetIds: SUBNETS }, 'config.securityGroupIds'],
    ['a malformed VPC id', { ...NETWORK, vpcId: 'vpc-123' }, 'config.vpcId'],
    ['a subnet id of the wrong kind', { ...NETWORK, subnetIds: [SUBNETS[0], 'sg-0123456789abcdef0'] }, 'config.subnetIds.1'],
    ['a security group name instead of its id', { ...NETWORK, securityGroupIds: ['opencast-admin'] }, 'config.securityGroupIds.0'],
    ['a subnet listed twice', { ...NETWORK, subnetIds: [SUBNETS[0], SUBNETS[0]] }, 'config.subnetIds.1'],
    ['more security groups than Lambda takes', { ...NETWORK, securityGroupIds: Array.from({ length: 6 }, (_, i) => `sg-0000000${i}`) }, 'config.securityGroupIds'],
  ])('fails synth on %s, naming the key', (_, network, field) => {
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, provider: 'ec2', opsworksStackId: undefined, ...network } as never))).toBe(field);
  });

  it('takes ids of both lengths EC2 has used', () => {
    const config = parseStackConfig({ ...BASE_INPUT, provider: 'ec2', opsworksStackId: undefined, vpcId: 'vpc-1a2b3c4d', subnetIds: ['subnet-1a2b3c4d'], securityGroupIds: ['sg-1a2b3c4d'] });
    expect(config.network).toEqual({ vpcId: 'vpc-1a2b3c4d', subnetIds: ['subnet-1a2b3c4d'], securityGroupIds: ['sg-1a2b3c4d'], endpoints: false });
  });
});

describe('functions in the VPC', () => {
  const s = synth(NETWORK);
  const functions = resourcesOf(s, 'AWS::Lambda::Function');

  it('runs every function that calls Opencast in the given subnets and security group, imported without a lookup', () => {
    const callers = functions.filter(([, f]) => capabilitiesOf(String(f.Properties.FunctionName).replace('moscaler-c-', '')).includes('opencast'));
    expect(callers.length).toBeGreaterThan(0);
    for (const [, f] of callers) expect(f.Properties.VpcConfig).toEqual({ SubnetIds: SUBNETS, SecurityGroupIds: [GROUP] });
    // Imported by id: no context lookup was recorded (synth needs no credentials).
    expect(s.app.node.tryGetContext('vpc-provider:account=unknown')).toBeUndefined();
    expect(resourcesOf(s, 'AWS::EC2::VPC')).toEqual([]);
    expect(resourcesOf(s, 'AWS::EC2::SecurityGroupIngress')).toEqual([]);
  });

  it("grants each of them the network-interface actions Lambda needs, inline (no managed policy)", () => {
    for (const [, role] of resourcesOf(s, 'AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = resourcesOf(s, 'AWS::IAM::Policy').map(([, p]) => JSON.stringify(p.Properties.PolicyDocument));
    expect(policies.filter((p) => p.includes('ec2:CreateNetworkInterface'))).toHaveLength(functions.length);
    for (const action of VPC_ACCESS_ACTIONS) expect(policies.join()).toContain(action);
  });

  it('creates no endpoint unless asked (the subnets then route to a NAT gateway)', () => {
    expect(resourcesOf(s, 'AWS::EC2::VPCEndpoint')).toEqual([]);
  });
});

describe('interface endpoints', () => {
  const s = synth({ ...NETWORK, vpcEndpoints: true });

  it('creates one for each AWS API the functions call, in the given subnets, with private DNS', () => {
    const endpoints = resourcesOf(s, 'AWS::EC2::VPCEndpoint').map(([, e]) => e.Properties);
    expect(endpoints.map((e) => e.ServiceName).sort()).toEqual(ENDPOINT_SERVICES.map((x) => `com.amazonaws.us-east-1.${x}`).sort());
    for (const e of endpoints) expect(e).toMatchObject({ VpcId: VPC, VpcEndpointType: 'Interface', SubnetIds: SUBNETS, PrivateDnsEnabled: true });
  });

  it('admits HTTPS to them from the functions\' security group only', () => {
    const groups = resourcesOf(s, 'AWS::EC2::SecurityGroup');
    expect(groups).toHaveLength(1);
    const [, group] = groups[0]!;
    expect(group.Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: GROUP }),
    ]);
    expect(group.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
  });
});

describe('an Opencast behind a private CA', () => {
  const dir = mkdtempSync(join(tmpdir(), 'moscaler-infra-ca-'));

  it('fails synth naming opencastCaFile when the file holds no certificate or is missing', () => {
    const notPem = join(dir, 'key.pem');
    writeFileSync(notPem, 'not a certificate');
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, opencastCaFile: notPem }))).toBe('config.opencastCaFile');
    expect(fieldOf(() => parseStackConfig({ ...BASE_INPUT, opencastCaFile: join(dir, 'missing.pem') }))).toBe('config.opencastCaFile');
  });

  it('resolves a path in the config file from the repository root', () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ ...BASE_INPUT, opencastCaFile: 'no/such/ca.pem' }));
    expect(() => loadConfig((k) => ({ config: file })[k], PROJECT_ROOT)).toThrow(`${PROJECT_ROOT}/no/such/ca.pem`);
  });

  it('tells the functions where the bundled CA is', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, makeCa('Example University Root CA').pem);
    const config = parseStackConfig({ ...BASE_INPUT, opencastCaFile: ca });
    expect(config.opencastCaFile).toBe(ca);
    expect(config.environment.MOSCALER_OPENCAST_CA_FILE).toBe(LAMBDA_CA_FILE);
  });
});

describe('cdk-nag on the network', () => {
  it.each([
    ['in a VPC', NETWORK],
    ['with endpoints', { ...NETWORK, vpcEndpoints: true }],
  ])('reports nothing unacknowledged %s', (_, network) => {
    const s = synth(network);
    const report = s.nag.validateScope(s.app);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('the cycle metrics in the stack', () => {
  const s = synth();

  it('tells the functions where the cycles publish their figures (EMF, Powertools conventions)', () => {
    for (const [, f] of resourcesOf(s, 'AWS::Lambda::Function')) {
      expect(f.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_METRICS_NAMESPACE: 'MoScaler/moscaler-c', POWERTOOLS_SERVICE_NAME: 'c' });
    }
  });

  it('alarms when a configured metric is silent in three cycles in a row', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'moscaler-c-metric-gap',
      Namespace: 'MoScaler/moscaler-c',
      MetricName: 'MetricGaps',
      Dimensions: [{ Name: 'service', Value: 'c' }],
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
    });
  });

  it('has a dashboard of the figures, the executions and the alarms', () => {
    const [, dashboard] = resourcesOf(s, 'AWS::CloudWatch::Dashboard')[0]!;
    expect(dashboard.Properties.DashboardName).toBe('moscaler-c');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const name of ['QueuedJobs', 'WorkersInService', 'WorkersInMaintenance', 'Boots', 'Drains', 'MetricGaps']) expect(body).toContain(name);
    // The alarms widget names each alarm by its ARN (a reference to the alarm resource).
    expect(body).toMatch(/Alarmsmetricgap/);
  });
});
