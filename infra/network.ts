/**
 * The network of the functions that call Opencast: the operator's VPC, subnets
 * and security groups, imported by id (no lookup, so synth stays offline and
 * needs no credentials), and optionally the interface endpoints through which
 * functions in private subnets reach the AWS APIs without a NAT gateway.
 *
 * Lambda in a VPC: https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
 * ("connecting a function to a public subnet does not give it internet access";
 * AWS APIs need a NAT gateway or VPC endpoints).
 * Interface endpoints: https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
 */
import { Annotations, Fn, Stack } from 'aws-cdk-lib';
import { CfnVPCEndpoint, Peer, Port, SecurityGroup, Subnet, Vpc, type ISecurityGroup, type ISubnet, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { Settings } from '../core/settings';
import type { NetworkConfig } from './props';

/**
 * The AWS APIs the functions call, by PrivateLink service name: EC2 (both providers
 * describe instances), CloudWatch (GetMetricData), Step Functions (ListExecutions) and
 * Secrets Manager (the Opencast credentials). Logs need none: Lambda ships a function's
 * output itself. OpsWorks has no endpoint (it is not in the list of AWS services that
 * integrate with PrivateLink: https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html).
 */
export const ENDPOINT_SERVICES = ['ec2', 'monitoring', 'states', 'secretsmanager'] as const;

export interface FunctionNetworkProps {
  config: NetworkConfig;
  provider: Settings['provider'];
}

export class FunctionNetwork extends Construct {
  readonly vpc: IVpc;
  readonly subnets: ISubnet[];
  readonly securityGroups: ISecurityGroup[];
  readonly endpoints: CfnVPCEndpoint[] = [];

  constructor(scope: Construct, id: string, props: FunctionNetworkProps) {
    super(scope, id);
    const { config } = props;
    // The zones are never read (functions get their subnets explicitly, endpoints are L1 resources on subnet ids):
    // Fn::GetAZs keeps the import free of a context lookup, which would need credentials.
    this.vpc = Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: config.vpcId, availabilityZones: Fn.getAzs() });
    this.subnets = config.subnetIds.map((subnetId, i) => Subnet.fromSubnetId(this, `Subnet${i}`, subnetId));
    // Not mutable: the operator's groups are theirs; the stack adds no rule to them.
    this.securityGroups = config.securityGroupIds.map((groupId, i) => SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${i}`, groupId, { mutable: false }));
    if (!config.endpoints) return;

    const endpointGroup = new SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'mo-scaler VPC endpoints: HTTPS from the mo-scaler functions only',
      allowAllOutbound: false,
    });
    for (const groupId of config.securityGroupIds) {
      endpointGroup.addIngressRule(Peer.securityGroupId(groupId), Port.tcp(443), `HTTPS from the mo-scaler functions (${groupId})`);
    }
    const region = Stack.of(this).region;
    for (const service of ENDPOINT_SERVICES) {
      this.endpoints.push(
        new CfnVPCEndpoint(this, `${service}Endpoint`, {
          vpcId: config.vpcId,
          serviceName: `com.amazonaws.${region}.${service}`,
          vpcEndpointType: 'Interface',
          subnetIds: config.subnetIds,
          securityGroupIds: [endpointGroup.securityGroupId],
          // The SDK's default endpoint names then resolve to the endpoint's private addresses.
          privateDnsEnabled: true,
        }),
      );
    }
    if (props.provider === 'opsworks') {
      Annotations.of(this).addWarningV2(
        'moscaler:opsworks-needs-nat',
        'OpsWorks has no VPC endpoint: with provider opsworks the subnets still need a NAT gateway to reach opsworks.<region>.amazonaws.com',
      );
    }
  }
}
