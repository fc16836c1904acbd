/**
 * EventBridge Scheduler schedules that start the autoscale cycle: one
 * `rate(N minutes)`, or with minimum-workers windows one cron schedule per
 * piece of the week's partition (infra/schedule-windows.ts), each passing its
 * floor as the execution input.
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ScheduleConfig } from './props';
import { cycleSchedules, type CycleSchedule } from './schedule-windows';

export interface CycleSchedulesProps {
  stateMachine: IStateMachine;
  schedule: ScheduleConfig;
}

export class CycleSchedules extends Construct {
  readonly plan: CycleSchedule[];
  readonly schedules: Schedule[];

  constructor(scope: Construct, id: string, props: CycleSchedulesProps) {
    super(scope, id);
    const { schedule } = props;
    this.plan = cycleSchedules(schedule);
    const zone = TimeZone.of(schedule.timeZone);
    this.schedules = this.plan.map(
      (piece, i) =>
        new Schedule(this, `Cycle${i}`, {
          description: `mo-scaler autoscale cycle (${piece.window}${piece.input.minWorkers === undefined ? '' : `: at least ${piece.input.minWorkers} workers`})`,
          schedule: piece.expression.startsWith('rate(')
            ? ScheduleExpression.expression(piece.expression)
            : ScheduleExpression.expression(piece.expression, zone),
          target: new StepFunctionsStartExecution(props.stateMachine, {
            input: ScheduleTargetInput.fromObject(piece.input),
            // A missed cycle is superseded by the next one: retrying late would act on a stale tick.
            retryAttempts: 0,
            maxEventAge: Duration.minutes(1),
          }),
          enabled: schedule.enabled,
          timeWindow: TimeWindow.off(),
        }),
    );
  }
}
