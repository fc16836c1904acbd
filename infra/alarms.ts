/**
 * What someone must be told about: a workflow that failed or timed out (a
 * worker may be left half-booted or half-drained), workers stranded in
 * maintenance (out of service, still billed), and an autoscale cycle that
 * stopped running. Alarms notify the SNS topic given in the config, if any.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** Metric (in the stack's namespace) counting workers found stranded in maintenance. */
const STRANDED_METRIC = 'WorkersStrandedInMaintenance';

export interface AlarmsProps {
  prefix: string;
  /** Namespace of the metrics this stack derives from logs. */
  namespace: string;
  stateMachines: Readonly<Record<string, StateMachine>>;
  /** Workflow the schedule starts, watched for silence. */
  scheduled?: { workflow: string; everyMinutes: number };
  /**
   * Where stranded workers show: the autoscale cycle enters a release state once
   * per worker it found in maintenance with no drain running (plan-cycle's
   * `release` actions), and logs every state entered at level ALL.
   */
  stranded?: { logGroup: ILogGroup; releaseStates: readonly string[] };
  /**
   * Workflows people start by hand (the console's `scale`): executions that failed because the input was
   * refused (these errors) are the operator's typo, shown red in the console, not an incident; the failed
   * alarm leaves them out, counted from the workflow's log.
   */
  rejections?: { workflow: string; logGroup: ILogGroup; errors: readonly string[] };
  alarmTopicArn?: string;
  /** The cycle's own metrics (EMF, adapters/aws/emf.ts): alarm when a configured metric stays silent. */
  cycleMetrics?: { namespace: string; service: string; everyMinutes: number };
}

export class MoScalerAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const action: IAlarmAction | undefined = props.alarmTopicArn
      ? new SnsAction(Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn))
      : undefined;
    const add = (alarm: Alarm) => {
      if (action) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
      this.alarms.push(alarm);
    };
    const period = Duration.minutes(5);

    const rejected = props.rejections ? this.rejectedMetric(props.namespace, props.rejections, period) : undefined;
    for (const [workflow, sm] of Object.entries(props.stateMachines)) {
      const refused = rejected && props.rejections?.workflow === workflow ? rejected : undefined;
      add(
        new Alarm(this, `${workflow}-failed`, {
          alarmName: `${props.prefix}${workflow}-failed`,
          alarmDescription: `A ${workflow} execution failed or timed out: see its history in the Step Functions console.${refused ? ` Executions refused for their input (${props.rejections!.errors.join(', ')}) do not count.` : ''}`,
          metric: new MathExpression({
            // Step Functions publishes these only when they happen: without FILL the sum is missing whenever one is.
            expression: refused ? 'FILL(failed, 0) - FILL(refused, 0) + FILL(timedOut, 0)' : 'FILL(failed, 0) + FILL(timedOut, 0)',
            usingMetrics: {
              failed: sm.metricFailed({ period, statistic: 'Sum' }),
              timedOut: sm.metricTimedOut({ period, statistic: 'Sum' }),
              ...(refused ? { refused } : {}),
            },
            period,
            label: `${workflow} executions failed or timed out`,
          }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    if (props.stranded && props.stranded.releaseStates.length > 0) {
      // Step Functions log events: {"type": "TaskStateEntered", "details": {"name": <state>, ...}, ...}.
      new MetricFilter(this, 'StrandedFilter', {
        logGroup: props.stranded.logGroup,
        filterPattern: FilterPattern.all(
          FilterPattern.stringValue('$.type', '=', 'TaskStateEntered'),
          FilterPattern.any(...props.stranded.releaseStates.map((s) => FilterPattern.stringValue('$.details.name', '=', s))),
        ),
        metricNamespace: props.namespace,
        metricName: STRANDED_METRIC,
        metricValue: '1',
      });
      // Released workers are back in service by the next cycle; finding some in every window for 15 minutes
      // means the release keeps failing or drains keep dying half-way.
      add(
        new Alarm(this, 'stranded', {
          alarmName: `${props.prefix}stranded-in-maintenance`,
          alarmDescription: 'Workers were found in maintenance with no drain running in every 5-minute window for 15 minutes: out of service but billed.',
          metric: new Metric({ namespace: props.namespace, metricName: STRANDED_METRIC, statistic: 'Sum', period }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    if (props.cycleMetrics) {
      const { namespace, service, everyMinutes } = props.cycleMetrics;
      // Each cycle counts the strategies whose metric had no datapoint for a whole query window;
      // three cycles in a row means the metric is not published (e.g. AWS/OpsWorks after OpsWorks).
      add(
        new Alarm(this, 'metric-gap', {
          alarmName: `${props.prefix}metric-gap`,
          alarmDescription:
            'A CloudWatch metric of the autoscale config returned no datapoints in three cycles in a row: its strategy casts no vote. See metricGaps in the autoscale execution history; check the metric, namespace and dimension are published.',
          metric: new Metric({ namespace, metricName: 'MetricGaps', dimensionsMap: { service }, statistic: 'Maximum', period: Duration.minutes(everyMinutes) }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    if (props.scheduled) {
      const sm = props.stateMachines[props.scheduled.workflow]!;
      // Three missed cycles (at least 10 minutes): the schedule, its role or the state machine is broken.
      const window = Duration.minutes(Math.max(10, props.scheduled.everyMinutes * 3));
      add(
        new Alarm(this, 'not-running', {
          alarmName: `${props.prefix}${props.scheduled.workflow}-not-running`,
          alarmDescription: `No ${props.scheduled.workflow} execution started in ${window.toMinutes()} minutes although the schedule is enabled.`,
          metric: sm.metricStarted({ period: window, statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.BREACHING,
        }),
      );
    }
  }

  /**
   * Executions of the workflow that failed with one of the refusal errors, from its log (level ALL). A
   * Step Functions log event is `{"type": "ExecutionFailed", "details": {"error": ..., "cause": ...}, ...}`
   * (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html; the details are
   * ExecutionFailedEventDetails). The count can land a period apart from ExecutionsFailed: at worst a
   * refusal at a period's edge shows once.
   */
  private rejectedMetric(namespace: string, rejections: NonNullable<AlarmsProps['rejections']>, period: Duration): Metric {
    const metricName = `${rejections.workflow}ExecutionsRefused`;
    new MetricFilter(this, 'RefusedFilter', {
      logGroup: rejections.logGroup,
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue('$.type', '=', 'ExecutionFailed'),
        FilterPattern.any(...rejections.errors.map((e) => FilterPattern.stringValue('$.details.error', '=', e))),
      ),
      metricNamespace: namespace,
      metricName,
      metricValue: '1',
    });
    return new Metric({ namespace, metricName, statistic: 'Sum', period });
  }
}
