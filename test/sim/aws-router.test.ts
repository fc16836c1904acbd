import { describe, expect, it } from 'vitest';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createAwsClients, SIM_CREDENTIALS, SIM_REGION } from '../../adapters/aws/clients';
import { type AwsCall, createAwsRouter } from '../../sim/aws/router';
import { createSdkRequestHandler } from '../../sim/wire/sdk-request-handler';
import type { WireRequest } from '../../sim/wire/types';
import { FixtureClusterState } from '../fixtures/aws-sim-state';

function authorization(service: string): string {
  return (
    `AWS4-HMAC-SHA256 Credential=AKIDSIMULATEDCLUSTER/20240304/us-east-1/${service}/aws4_request, ` +
    'SignedHeaders=content-type;host;x-amz-date, Signature=0123456789abcdef'
  );
}

function jsonRequest(target: string, body: unknown, options: { service?: string; signed?: boolean } = {}): WireRequest {
  const headers: Record<string, string> = {
    'content-type': target.startsWith('OpsWorks') ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0',
    'x-amz-target': target,
  };
  if (options.signed !== false) headers['authorization'] = authorization(options.service ?? 'opsworks');
  return { method: 'POST', path: '/', query: new URLSearchParams(), headers, body: JSON.stringify(body) };
}

function ec2Request(params: Record<string, string>, options: { signed?: boolean } = {}): WireRequest {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  if (options.signed !== false) headers['authorization'] = authorization('ec2');
  const body = new URLSearchParams({ Version: '2016-11-15', ...params }).toString();
  return { method: 'POST', path: '/', query: new URLSearchParams(), headers, body };
}

function xmlCode(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}

describe('createAwsRouter', () => {
  describe('unknown operations', () => {
    it('answers UnknownOperationException when an OpsWorks operation is not simulated', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());

      // Act
      const response = await router(jsonRequest('OpsWorks_20130218.DeleteStack', { StackId: 'x' }));

      // Assess
      expect(response.status).toBe(400);
      expect(response.headers['x-amzn-errortype']).toBe('UnknownOperationException');
      expect(JSON.parse(response.body)).toMatchObject({ __type: 'UnknownOperationException' });
    });

    it('answers UnknownOperationException when the operation names an Object method', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());

      // Act
      const response = await router(jsonRequest('OpsWorks_20130218.constructor', {}));

      // Assess
      expect(JSON.parse(response.body).__type).toBe('UnknownOperationException');
    });

    it('answers InvalidAction in EC2 error XML when the EC2 action is not simulated', async () => {
      // Prepare
      const state = new FixtureClusterState();
      const router = createAwsRouter(state);

      // Act
      const response = await router(ec2Request({ Action: 'TerminateInstances', 'InstanceId.1': 'i-0b000000000000001' }));

      // Assess
      expect(response.status).toBe(400);
      expect(response.body).toMatch(/^<\?xml[^>]*>\n<Response><Errors><Error><Code>InvalidAction<\/Code>/);
      expect(state.instances.find((i) => i.ec2Id === 'i-0b000000000000001')?.ec2State).toBe('running');
    });

    it('answers MissingAction when an EC2 request names no action', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());
      const request = ec2Request({});
      request.body = '';

      // Act
      const response = await router(request);

      // Assess
      expect(xmlCode(response.body)).toBe('MissingAction');
    });

    it('answers UnknownOperationException to the real Step Functions client', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());
      const { sfn } = createAwsClients({
        region: SIM_REGION,
        credentials: SIM_CREDENTIALS,
        requestHandler: createSdkRequestHandler(router),
        maxAttempts: 1,
      });

      // Act
      const started = sfn.send(
        new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:drain' }),
      );

      // Assess
      await expect(started).rejects.toMatchObject({ name: 'UnknownOperationException' });
    });

    it('answers UnknownOperationException when nothing identifies the service', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());

      // Act
      const response = await router({
        method: 'POST',
        path: '/',
        query: new URLSearchParams(),
        headers: { authorization: authorization('s3') },
        body: '{}',
      });

      // Assess
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body).__type).toBe('UnknownOperationException');
    });
  });

  describe('authentication', () => {
    it('refuses an unsigned OpsWorks call and leaves the instance alone', async () => {
      // Prepare
      const state = new FixtureClusterState();
      const router = createAwsRouter(state);

      // Act
      const response = await router(
        jsonRequest('OpsWorks_20130218.StartInstance', { InstanceId: 'ow-worker3' }, { signed: false }),
      );

      // Assess
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body).__type).toBe('MissingAuthenticationTokenException');
      expect(state.instances.find((i) => i.opsworksId === 'ow-worker3')?.status).toBe('stopped');
    });

    it('refuses an unsigned EC2 call with MissingAuthenticationToken and HTTP 401', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());

      // Act
      const response = await router(ec2Request({ Action: 'DescribeInstances' }, { signed: false }));

      // Assess
      expect(response.status).toBe(401);
      expect(xmlCode(response.body)).toBe('MissingAuthenticationToken');
    });

    it('refuses an Authorization header that is not SigV4', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());
      const request = jsonRequest('GraniteServiceVersion20100801.GetMetricStatistics', {});
      request.headers['authorization'] = 'Basic YWRtaW46b3BlbmNhc3Q=';

      // Act
      const response = await router(request);

      // Assess
      expect(response.status).toBe(400);
      expect(response.headers['x-amzn-errortype']).toBe('IncompleteSignatureException');
      expect(response.headers['x-amzn-query-error']).toBe('IncompleteSignature;Sender');
    });
  });

  describe('throttling', () => {
    it('answers ThrottlingException with HTTP 400 on the JSON protocols', async () => {
      // Prepare
      const state = new FixtureClusterState();
      state.faults.add('aws-throttle');
      const router = createAwsRouter(state);

      // Act
      const response = await router(jsonRequest('OpsWorks_20130218.DescribeStacks', {}));

      // Assess
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
    });

    it('answers RequestLimitExceeded with HTTP 503 on EC2', async () => {
      // Prepare
      const state = new FixtureClusterState();
      state.faults.add('aws-throttle@ec2');
      const router = createAwsRouter(state);

      // Act
      const response = await router(ec2Request({ Action: 'DescribeInstances' }));

      // Assess
      expect(response.status).toBe(503);
      expect(xmlCode(response.body)).toBe('RequestLimitExceeded');
    });

    it('throttles only the targeted service when the fault names one', async () => {
      // Prepare
      const state = new FixtureClusterState();
      state.faults.add('aws-throttle@ec2');
      const router = createAwsRouter(state);

      // Act
      const response = await router(jsonRequest('OpsWorks_20130218.DescribeStacks', {}));

      // Assess
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body).Stacks[0].Name).toBe('prod-cluster');
    });
  });

  describe('OpsWorks', () => {
    it('answers ValidationException when DescribeInstances names no stack, layer or instance', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());

      // Act
      const response = await router(jsonRequest('OpsWorks_20130218.DescribeInstances', {}));

      // Assess
      expect(JSON.parse(response.body).__type).toBe('ValidationException');
    });

    it('describes instances by InstanceIds with OpsWorks field names', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());

      // Act
      const response = await router(
        jsonRequest('OpsWorks_20130218.DescribeInstances', { InstanceIds: ['ow-worker5'] }),
      );

      // Assess
      expect(JSON.parse(response.body).Instances).toEqual([
        expect.objectContaining({
          InstanceId: 'ow-worker5',
          Ec2InstanceId: 'i-0b000000000000005',
          Hostname: 'worker5',
          Status: 'online',
          LayerIds: ['layer-workers'],
          AutoScalingType: 'load',
          PrivateDns: 'ip-10-0-1-15.ec2.internal',
        }),
      ]);
    });

    it('answers SerializationException when the body is not JSON', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());
      const request = jsonRequest('OpsWorks_20130218.DescribeStacks', {});
      request.body = '{not json';

      // Act
      const response = await router(request);

      // Assess
      expect(JSON.parse(response.body).__type).toBe('SerializationException');
    });
  });

  describe('CloudWatch GetMetricData', () => {
    const MINUTE = 60_000;
    const T0 = Date.parse('2024-03-04T10:00:00.000Z');
    const series = {
      namespace: 'AWS/OpsWorks',
      metric: 'load_1',
      dimension: { name: 'LayerId', value: 'layer-workers' },
      datapoints: [1, 2, 3, 4].map((n) => ({ timestamp: T0 - n * MINUTE, value: n })),
    };
    const metricQuery = (id: string, extra: Record<string, unknown> = {}) => ({
      Id: id,
      MetricStat: {
        Metric: { Namespace: 'AWS/OpsWorks', MetricName: 'load_1', Dimensions: [{ Name: 'LayerId', Value: 'layer-workers' }] },
        Period: 60,
        Stat: 'Average',
        ...extra,
      },
    });
    const call = (router: ReturnType<typeof createAwsRouter>, body: Record<string, unknown>) =>
      router(jsonRequest('GraniteServiceVersion20100801.GetMetricData', { StartTime: (T0 - 5 * MINUTE) / 1000, EndTime: T0 / 1000, ...body }, { service: 'monitoring' }));

    it('answers each query by id, newest first by default, and pages by MaxDatapoints', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState({ series: [series] }));

      // Act
      const first = JSON.parse((await call(router, { MetricDataQueries: [metricQuery('load'), metricQuery('again')], MaxDatapoints: 6 })).body);
      const second = JSON.parse((await call(router, { MetricDataQueries: [metricQuery('load'), metricQuery('again')], MaxDatapoints: 6, NextToken: first.NextToken })).body);

      // Assess
      const seconds = (n: number) => (T0 - n * MINUTE) / 1000;
      expect(first.MetricDataResults).toEqual([
        { Id: 'load', Label: 'load_1', Timestamps: [1, 2, 3, 4].map(seconds), Values: [1, 2, 3, 4], StatusCode: 'Complete', Messages: [] },
        { Id: 'again', Label: 'load_1', Timestamps: [1, 2].map(seconds), Values: [1, 2], StatusCode: 'PartialData', Messages: [] },
      ]);
      expect(second.MetricDataResults[1]).toMatchObject({ Timestamps: [3, 4].map(seconds), Values: [3, 4], StatusCode: 'Complete' });
      expect(second.NextToken).toBeUndefined();
    });

    it.each([
      ['a duplicate id', { MetricDataQueries: [metricQuery('a'), metricQuery('a')] }, 'InvalidParameterValueException'],
      ['an id that is not a lowercase identifier', { MetricDataQueries: [metricQuery('Load')] }, 'InvalidParameterValueException'],
      ['metric math', { MetricDataQueries: [{ Id: 'm', Expression: 'SUM(METRICS())' }] }, 'InvalidParameterValueException'],
      ['a percentile', { MetricDataQueries: [metricQuery('a', { Stat: 'p90' })] }, 'InvalidParameterValueException'],
      ['a 90 s period', { MetricDataQueries: [metricQuery('a', { Period: 90 })] }, 'InvalidParameterValueException'],
      ['no queries', { MetricDataQueries: [] }, 'MissingRequiredParameterException'],
      ['a token it never gave', { MetricDataQueries: [metricQuery('a')], NextToken: 'bm9wZQ==' }, 'InvalidNextToken'],
    ])('refuses %s as CloudWatch does', async (_what, body, code) => {
      // Act
      const response = await call(createAwsRouter(new FixtureClusterState({ series: [series] })), body);

      // Assess
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body).__type).toBe(code);
    });
  });

  describe('EC2 DescribeInstances', () => {
    it('refuses MaxResults together with InstanceId as EC2 does', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());

      // Act
      const response = await router(
        ec2Request({ Action: 'DescribeInstances', 'InstanceId.1': 'i-0b000000000000001', MaxResults: '5' }),
      );

      // Assess
      expect(xmlCode(response.body)).toBe('InvalidParameterCombination');
    });

    it('answers InvalidInstanceID.NotFound when an id does not exist', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());

      // Act
      const response = await router(ec2Request({ Action: 'DescribeInstances', 'InstanceId.1': 'i-0123456789abcdef0' }));

      // Assess
      expect(xmlCode(response.body)).toBe('InvalidInstanceID.NotFound');
    });

    it('refuses a filter it does not know instead of ignoring it', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());

      // Act
      const response = await router(
        ec2Request({ Action: 'DescribeInstances', 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'vpc-1' }),
      );

      // Assess
      expect(xmlCode(response.body)).toBe('InvalidParameterValue');
    });

    it('refuses a NextToken it did not issue', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());

      // Act
      const response = await router(ec2Request({ Action: 'DescribeInstances', NextToken: 'garbage' }));

      // Assess
      expect(xmlCode(response.body)).toBe('InvalidPaginationToken');
    });

    it('matches tag filters with wildcards and ANDs several filters', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());

      // Act
      const response = await router(
        ec2Request({
          Action: 'DescribeInstances',
          'Filter.1.Name': 'tag:Name',
          'Filter.1.Value.1': 'worker*',
          'Filter.2.Name': 'instance-state-name',
          'Filter.2.Value.1': 'stopped',
        }),
      );

      // Assess
      expect([...response.body.matchAll(/<instanceId>([^<]*)<\/instanceId>/g)].map((m) => m[1])).toEqual([
        'i-0b000000000000003',
      ]);
    });
  });

  describe('EC2 StartInstances', () => {
    it('answers DryRunOperation and changes nothing when DryRun is set', async () => {
      // Prepare
      const state = new FixtureClusterState();
      const router = createAwsRouter(state);

      // Act
      const response = await router(
        ec2Request({ Action: 'StartInstances', 'InstanceId.1': 'i-0b000000000000003', DryRun: 'true' }),
      );

      // Assess
      expect(response.status).toBe(412);
      expect(xmlCode(response.body)).toBe('DryRunOperation');
      expect(state.instances.find((i) => i.ec2Id === 'i-0b000000000000003')?.ec2State).toBe('stopped');
    });

    it('reports previous and current state when it starts an instance', async () => {
      // Prepare
      const router = createAwsRouter(new FixtureClusterState());

      // Act
      const response = await router(ec2Request({ Action: 'StartInstances', 'InstanceId.1': 'i-0b000000000000003' }));

      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toContain(
        '<currentState><code>0</code><name>pending</name></currentState><previousState><code>80</code><name>stopped</name></previousState>',
      );
    });
  });

  describe('failures', () => {
    it('answers InternalFailure with HTTP 500 when the model throws something that is not an AWS error', async () => {
      // Prepare
      const state = new FixtureClusterState();
      state.startInstance = () => {
        throw new TypeError('model bug');
      };
      const router = createAwsRouter(state);

      // Act
      const response = await router(jsonRequest('OpsWorks_20130218.StartInstance', { InstanceId: 'ow-worker3' }));

      // Assess
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body).__type).toBe('InternalFailure');
      expect(response.body).not.toContain('model bug');
    });
  });

  describe('call log', () => {
    it('reports each request with its service and operation, refused ones included', async () => {
      // Prepare
      const calls: AwsCall[] = [];
      const router = createAwsRouter(new FixtureClusterState(), { onCall: (call) => calls.push(call) });

      // Act
      await router(jsonRequest('OpsWorks_20130218.DescribeStacks', {}));
      await router(ec2Request({ Action: 'DescribeInstances' }, { signed: false }));
      await router(jsonRequest('GraniteServiceVersion20100801.ListMetrics', {}, { service: 'monitoring' }));

      // Assess
      expect(calls).toEqual([
        { service: 'opsworks', operation: 'DescribeStacks' },
        { service: 'ec2', operation: 'DescribeInstances' },
        { service: 'cloudwatch', operation: 'ListMetrics' },
      ]);
    });
  });
});
