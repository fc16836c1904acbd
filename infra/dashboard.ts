/**
 * A CloudWatch dashboard of what the autoscaler sees and does, from the
 * figures each cycle publishes (EMF, adapters/aws/emf.ts): the queue, workers
 * by state, what it started, metric gaps; beside them the executions of each
 * workflow and the stack's alarms.
 */
import { Duration } from 'aws-cdk-lib';
import { AlarmStatusWidget, Dashboard, GraphWidget, Metric, type IAlarm, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FIGURE_METRICS, SERVICE_DIMENSION } from '../adapters/aws/emf';
import type { CycleFigures } from '../core/cycle-figures';

export interface MoScalerDashboardProps {
  dashboardName: string;
  namespace: string;
  service: string;
  stateMachines: Readonly<Record<string, StateMachine>>;
  alarms: readonly IAlarm[];
}

export class MoScalerDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MoScalerDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(1);
    const figure = (key: keyof CycleFigures, statistic = 'Average'): IMetric =>
      new Metric({
        namespace: props.namespace,
        metricName: FIGURE_METRICS[key].name,
        dimensionsMap: { [SERVICE_DIMENSION]: props.service },
        statistic,
        period,
        label: FIGURE_METRICS[key].name,
      });
    const graph = (title: string, keys: Array<keyof CycleFigures>, statistic?: string) =>
      new GraphWidget({ title, width: 12, height: 6, left: keys.map((k) => figure(k, statistic)) });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.dashboard.addWidgets(
      graph('Opencast queue and running jobs', ['queuedJobs', 'queuedHighLoadJobs', 'runningJobs']),
      graph('Workers by state', ['workersInService', 'workersOnline', 'workersPending', 'workersInMaintenance', 'workersStopped']),
    );
    this.dashboard.addWidgets(
      graph('Started by the cycles: boots, drains, releases (sum per minute)', ['boots', 'drains', 'releases'], 'Sum'),
      graph('Configured metrics without datapoints; Opencast unreachable', ['metricGaps', 'opencastDown'], 'Maximum'),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Executions started / failed',
        width: 12,
        height: 6,
        left: Object.entries(props.stateMachines).flatMap(([name, sm]) => [
          sm.metricStarted({ period: Duration.minutes(5), statistic: 'Sum', label: `${name} started` }),
          sm.metricFailed({ period: Duration.minutes(5), statistic: 'Sum', label: `${name} failed` }),
        ]),
      }),
      new AlarmStatusWidget({ title: 'Alarms', width: 12, height: 6, alarms: [...props.alarms] }),
    );
  }
}
