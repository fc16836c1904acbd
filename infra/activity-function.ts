/**
 * One activity as a Lambda function: its own role (no managed policies, only
 * its grants and its own log group), its own log group with a retention, and
 * the handler bundled by the local esbuild (never Docker: synth works offline).
 */
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal, Policy } from 'aws-cdk-lib/aws-iam';
import type { ISecurityGroup, ISubnet, IVpc } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ActivitySpec } from './workflow-catalog';
import { acknowledge, wildcardResourceFinding } from './nag';
import type { Grants } from './permissions';
import { ConfigError } from '../core/errors';

export interface ActivityFunctionProps {
  spec: ActivitySpec;
  functionName: string;
  environment: Record<string, string>;
  grants: Grants;
  logRetention: RetentionDays;
  /** The repository root: package-lock.json and node_modules (with esbuild) are here. */
  projectRoot: string;
  /** Run in this VPC (functions that call Opencast, when the config names a network). */
  network?: { vpc: IVpc; subnets: ISubnet[]; securityGroups: ISecurityGroup[] };
  /** A PEM file copied into the bundle as `bundledAs` (a name in the code directory). */
  caFile?: { source: string; bundledAs: string };
}

/** Enough for an SDK call and an HTTP request; Lambda gives CPU in proportion to memory. */
const ACTIVITY_MEMORY_MB = 256;

/** The module every function runs (relative to the project root). */
const LAMBDA_ENTRY = 'wiring/lambda-entry.ts';

/**
 * ESM bundles of CommonJS dependencies (the AWS SDK, pino) call `require` for
 * Node built-ins, which ESM lacks; this gives them one.
 */
const REQUIRE_SHIM = "import { createRequire as __moscalerCreateRequire } from 'node:module'; const require = __moscalerCreateRequire(import.meta.url);";

export class ActivityFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ActivityFunctionProps) {
    super(scope, id);
    const { spec } = props;

    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      // Named where everyone looks, so it must go with the stack: a retained one would make the next deploy fail (it exists).
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `mo-scaler activity ${spec.name}: only what it needs`,
    });
    const policy = new Policy(this, 'Policy', {
      statements: [
        new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
        ...props.grants.statements,
        ...(props.network ? [new PolicyStatement({ actions: [...VPC_ACCESS_ACTIONS], resources: ['*'] })] : []),
      ],
    });
    policy.attachToRole(this.role);
    for (const w of props.grants.wildcards) acknowledge(policy, wildcardResourceFinding(policy, w.resource), w.reason);
    if (props.network && !props.grants.wildcards.some((w) => w.resource === '*')) {
      acknowledge(policy, wildcardResourceFinding(policy, '*'), VPC_ACCESS_REASON);
    }

    this.fn = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: `mo-scaler activity ${spec.name} (${relative(props.projectRoot, spec.source)})`,
      // One entry for every function (one bundle, built once); the variable below picks the activity.
      entry: join(props.projectRoot, LAMBDA_ENTRY),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      // No native modules in the bundle, and Graviton costs 20% less per GB-second.
      architecture: Architecture.ARM_64,
      memorySize: ACTIVITY_MEMORY_MB,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, MOSCALER_ACTIVITY: spec.name },
      ...(props.network ? { vpc: props.network.vpc, vpcSubnets: { subnets: props.network.subnets }, securityGroups: props.network.securityGroups } : {}),
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        // Bundle the SDK too: the versions tested here (client-opsworks is no longer in Lambda's own SDK set).
        externalModules: [],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        banner: REQUIRE_SHIM,
        ...(props.caFile ? { commandHooks: copyIntoBundle(props.caFile.source, props.caFile.bundledAs) } : {}),
      },
    });
    // The role's policy must exist before the function is invoked by a workflow.
    this.fn.node.addDependency(policy);
  }
}

/**
 * What AWSLambdaVPCAccessExecutionRole grants, inline (these roles carry no managed policy):
 * Lambda manages the function's network interfaces with the function's own role.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
 */
export const VPC_ACCESS_ACTIONS = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:UnassignPrivateIpAddresses',
] as const;

const VPC_ACCESS_REASON =
  'The network-interface actions a function in a VPC needs (those of AWSLambdaVPCAccessExecutionRole); EC2 offers no resource-level permission for the Describe actions, and the interfaces do not exist before Lambda creates them.';

/** Copies one file into the bundle after esbuild ran (a shell `cp`, locally: bundling never uses Docker here). */
function copyIntoBundle(source: string, name: string) {
  const quoted = (path: string) => `'${path.replace(/'/g, "'\\''")}'`;
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) => [`cp ${quoted(source)} ${quoted(`${outputDir}/${name}`)}`],
  };
}

/** Where esbuild is installed, so a missing local install fails synth instead of falling back to Docker. */
export function localEsbuild(projectRoot: string): string {
  try {
    return dirname(createRequire(join(projectRoot, 'package.json')).resolve('esbuild/package.json'));
  } catch (error) {
    throw new ConfigError('node_modules/esbuild', 'not installed (run npm ci): NodejsFunction would fall back to Docker bundling', { cause: error });
  }
}
