/** The simulated cluster model: what the simulator's wiring and the benchmarks import. */
export { EventScheduler, fromFakeTimers, ManualClock, type EventHandle, type VirtualClock } from './clock';
export {
  DEFAULT_TIMINGS,
  SimCluster,
  type AddInstanceSpec,
  type ClusterCounters,
  type InstanceRole,
  type SimClusterOptions,
  type SimRunData,
  type SimTimings,
  type TimelineSample,
  type WorkerSnapshot,
} from './cluster';
export { BillingLedger, chargedHours, summarizeBilling, type BillingRun, type BillingSummary } from './billing';
export { isFaultActive, type FaultWindow } from './faults';
export { ANCHOR_PRICES, vcpuOf } from './instance-types';
export { criticalPathMs, jobsOf, loadHours, OPERATIONS, oneStreamStages, twoStreamStages, type JobSpec, type StageSpec } from './job-catalog';
export { examSpike, explicitTrace, lectureWeek, mergeTraces, quietWeek, type RecordingSpec, type Trace } from './traces';
export {
  createSimCluster,
  loadScenarioFile,
  parseScenario,
  resolveAt,
  scenarioEnd,
  scenarioJsonSchema,
  scenarioTrace,
  ScenarioSchema,
  type Scenario,
  type ScenarioInput,
} from './scenario';
export { faultWindows } from './create';
export { computeStats, percentile, timelineToCsv, timelineToJson, type SimStats, type StatsOptions } from './stats';
export type { SimRecording } from './workload';
