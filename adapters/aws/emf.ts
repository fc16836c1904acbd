/**
 * CloudWatch metrics from a Lambda function's output, in the embedded metric
 * format (EMF): one JSON log line that CloudWatch Logs turns into metrics, with
 * no PutMetricData call (so no extra permission, endpoint or latency).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 *
 * Written by hand rather than with @aws-lambda-powertools/metrics: one document
 * per cycle needs ~40 lines, and no dependency. It follows Powertools' conventions
 * (namespace from POWERTOOLS_METRICS_NAMESPACE, one `service` dimension from
 * POWERTOOLS_SERVICE_NAME, the line written to stdout past the runtime's console
 * prefix), so swapping Powertools in later gives the same metrics.
 */
import type { CycleFigures } from '../../core/cycle-figures';

/** EMF units (a subset of CloudWatch's StandardUnit). */
type Unit = 'Count' | 'None';

/** Metric name and unit of each figure: PascalCase, as CloudWatch metrics are usually named. */
export const FIGURE_METRICS: Readonly<Record<keyof CycleFigures, { name: string; unit: Unit }>> = {
  queuedJobs: { name: 'QueuedJobs', unit: 'Count' },
  queuedHighLoadJobs: { name: 'QueuedHighLoadJobs', unit: 'Count' },
  runningJobs: { name: 'RunningJobs', unit: 'Count' },
  workersOnline: { name: 'WorkersOnline', unit: 'Count' },
  workersPending: { name: 'WorkersPending', unit: 'Count' },
  workersStopped: { name: 'WorkersStopped', unit: 'Count' },
  workersInService: { name: 'WorkersInService', unit: 'Count' },
  workersInMaintenance: { name: 'WorkersInMaintenance', unit: 'Count' },
  boots: { name: 'Boots', unit: 'Count' },
  drains: { name: 'Drains', unit: 'Count' },
  releases: { name: 'Releases', unit: 'Count' },
  metricGaps: { name: 'MetricGaps', unit: 'Count' },
  opencastDown: { name: 'OpencastDown', unit: 'None' },
};

/** The dimension every figure carries (Powertools' default dimension key). */
export const SERVICE_DIMENSION = 'service';

export interface EmfTarget {
  namespace: string;
  service: string;
}

/**
 * One EMF document: the figures as root members, declared under `_aws`. A figure
 * that is unknown this cycle (null: Opencast did not answer) is left out rather
 * than published as 0, so a chart shows a gap, not an empty queue.
 */
export function emfDocument(figures: CycleFigures, target: EmfTarget, timestamp: number): Record<string, unknown> {
  const values: Record<string, number> = {};
  const metrics: Array<{ Name: string; Unit: Unit }> = [];
  for (const [key, { name, unit }] of Object.entries(FIGURE_METRICS) as Array<[keyof CycleFigures, { name: string; unit: Unit }]>) {
    const value = figures[key];
    if (value === null || !Number.isFinite(value)) continue;
    values[name] = value;
    metrics.push({ Name: name, Unit: unit });
  }
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: target.namespace, Dimensions: [[SERVICE_DIMENSION]], Metrics: metrics }],
    },
    [SERVICE_DIMENSION]: target.service,
    ...values,
  };
}

/** Where the target comes from inside Lambda (the stack sets both); undefined: publish nothing. */
export function emfTargetFrom(env: Record<string, string | undefined>): EmfTarget | undefined {
  const namespace = env.POWERTOOLS_METRICS_NAMESPACE;
  const service = env.POWERTOOLS_SERVICE_NAME;
  return namespace && service ? { namespace, service } : undefined;
}

/**
 * Wraps a Lambda handler whose result carries `figures`: after each successful
 * invocation, one EMF line. Written with `write` (stdout in Lambda: the Node
 * runtime's console would prefix the line with a timestamp and request id, and
 * CloudWatch Logs extracts metrics only from a line that is one JSON object).
 */
export function withEmfFigures<I, O extends { figures?: CycleFigures }>(
  handler: (event: I) => Promise<O>,
  target: () => EmfTarget | undefined,
  write: (line: string) => void = (line) => process.stdout.write(line),
  now: () => number = Date.now,
): (event: I) => Promise<O> {
  return async (event) => {
    const result = await handler(event);
    const where = target();
    if (where && result.figures) write(`${JSON.stringify(emfDocument(result.figures, where, now()))}\n`);
    return result;
  };
}
