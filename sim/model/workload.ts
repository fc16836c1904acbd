/**
 * The job side of the model: recordings arrive, their stages create jobs, the
 * dispatcher places jobs on hosts, jobs run for their duration and finish.
 * Event-driven: a dispatch round is scheduled on arrival, completion and any
 * host change (coalesced onto Opencast's 2 s dispatcher beat), never polled.
 */
import type { EventScheduler } from './clock';
import { DispatchQueue, pickHost, type DispatchCandidate } from './dispatcher';
import type { JobSpec } from './job-catalog';
import type { RecordingKind, RecordingSpec } from './traces';
import type { SimJob, SimScheduledEvent } from './types';

/** A host that can run jobs; the cluster's worker records implement it. */
export interface WorkHost {
  readonly baseUrl: string;
  readonly maxLoad: number;
  /** CPUs: with `cpuPerLoad`, jobs wanting more than this share them and slow down. */
  readonly cores: number;
  load: number;
  readonly running: Set<ModelJob>;
}

/** SimJob plus the model's bookkeeping (routers ignore the extra fields). */
export interface ModelJob extends SimJob {
  /** Bumped on every restart so a stale completion event is ignored. */
  attempt: number;
  /** Creation or last restart: where the queue wait is measured from. */
  waitFrom: number;
  /** Processor sharing only: work left at full speed (ms), the speed since `rateSince`. */
  remainingMs?: number;
  rate?: number;
  rateSince?: number;
}

export interface SimRecording {
  id: string;
  kind: RecordingKind;
  arrivalAt: number;
  mediaMs: number;
  stages: number;
  jobs: number;
  /** Index of the stage in progress (== stages once done). */
  stage: number;
  completedAt?: number;
}

interface RecordingState {
  view: SimRecording;
  spec: RecordingSpec;
  remaining: number;
}

export interface WorkloadCounters {
  jobsCreated: number;
  jobsCompleted: number;
  /** Job runs cut short by their host going away (each became RESTART). */
  interruptions: number;
  /** Work thrown away by those interruptions, ms of job run time. */
  interruptedWorkMs: number;
}

export interface WorkloadDeps {
  /** Hosts that may take work now: registered, online, active, not in maintenance. */
  candidates(): WorkHost[];
  /** The dispatcher runs on the admin node: nothing is dispatched while it is down. */
  paused(): boolean;
  /** `createdHost` of new jobs (the admin's base_url). */
  createdHost(): string;
  /**
   * CPU a job uses per unit of its Opencast load. When set, a host whose jobs want more CPU than
   * its cores runs them all slower in proportion (processor sharing); unset, a job takes its duration.
   */
  cpuPerLoad?: number;
  /** A scheduled capture that never arrives (`capture-missed`): no recording, its event stays scheduled. */
  missed?(spec: RecordingSpec): boolean;
}

const EPSILON = 1e-9;

export class Workload {
  readonly jobs: ModelJob[] = [];
  readonly waitsMs: number[] = [];
  readonly counters: WorkloadCounters = { jobsCreated: 0, jobsCompleted: 0, interruptions: 0, interruptedWorkMs: 0 };
  private readonly active = new Set<ModelJob>();
  private readonly queue = new DispatchQueue();
  private readonly recs: SimRecording[] = [];
  /** Recordings with a scheduled capture, by scheduled start. */
  private readonly scheduledRecs: Array<{ spec: RecordingSpec; view: SimRecording; missed?: boolean }> = [];
  /** Job id → its recording, kept off the job objects routers read. */
  private readonly recordingOf = new Map<number, RecordingState>();
  private runningJobs = 0;
  private runningLoadSum = 0;
  private dispatchScheduled = false;
  private scheduledSorted = 0;

  constructor(
    private readonly sched: EventScheduler,
    private readonly dispatchIntervalMs: number,
    private readonly deps: WorkloadDeps,
  ) {}

  get queuedJobs(): number {
    return this.queue.size;
  }

  get queuedLoad(): number {
    return this.queue.load;
  }

  get running(): number {
    return this.runningJobs;
  }

  get runningLoad(): number {
    return this.runningJobs === 0 ? 0 : this.runningLoadSum;
  }

  /** Non-terminal jobs (QUEUED, RESTART, RUNNING). */
  activeJobs(): ModelJob[] {
    return [...this.active];
  }

  recordings(): readonly SimRecording[] {
    return this.recs;
  }

  /** Scheduled captures starting in [from, to), with their ingest (arrival) once it happened. */
  scheduledEvents(from: number, to: number): SimScheduledEvent[] {
    if (this.scheduledSorted !== this.scheduledRecs.length) {
      this.scheduledRecs.sort((a, b) => a.spec.scheduled!.start - b.spec.scheduled!.start);
      this.scheduledSorted = this.scheduledRecs.length;
    }
    const list = this.scheduledRecs;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.spec.scheduled!.start < from) lo = mid + 1;
      else hi = mid;
    }
    const now = this.sched.time;
    const out: SimScheduledEvent[] = [];
    for (let i = lo; i < list.length && list[i]!.spec.scheduled!.start < to; i++) {
      const { spec, view, missed } = list[i]!;
      const c = spec.scheduled!;
      out.push({
        id: `event-${spec.id}`,
        agent: c.agent,
        start: c.start,
        end: c.end,
        ...(missed ? { missed } : {}),
        ...(view.stage >= 0 && view.arrivalAt <= now ? { ingestedAt: view.arrivalAt } : {}),
        ...(view.completedAt !== undefined ? { completedAt: view.completedAt } : {}),
      });
    }
    return out;
  }

  /** Schedule the recordings' arrivals; a past arrival happens now. */
  addRecordings(specs: readonly RecordingSpec[]): void {
    for (const spec of specs) {
      const view: SimRecording = {
        id: spec.id,
        kind: spec.kind,
        arrivalAt: Math.max(spec.arrivalAt, this.sched.time),
        mediaMs: spec.mediaMs,
        stages: spec.stages.length,
        jobs: spec.stages.reduce((n, s) => n + s.jobs.length, 0),
        stage: -1,
      };
      if (spec.scheduled && this.deps.missed?.(spec)) {
        // Never captured: nothing arrives and nothing is processed; only the scheduler's event remains.
        this.scheduledRecs.push({ spec, view, missed: true });
        continue;
      }
      this.recs.push(view);
      if (spec.scheduled) this.scheduledRecs.push({ spec, view });
      const state: RecordingState = { view, spec, remaining: 0 };
      this.sched.schedule(view.arrivalAt, () => this.nextStage(state));
    }
  }

  /** A job outside any recording, queued now (a scenario's initial backlog). */
  addQueuedJob(spec: JobSpec): ModelJob {
    const job = this.create(spec);
    this.queue.add(job);
    this.requestDispatch();
    return job;
  }

  /** A job already running on `host` since `startedAt` (a scenario's initial state). */
  addRunningJob(spec: JobSpec, host: WorkHost, startedAt: number): ModelJob {
    const job = this.create(spec);
    job.createdAt = Math.min(job.createdAt, startedAt);
    this.start(job, host, startedAt, false);
    return job;
  }

  /**
   * The host went away (graceful stop or unregister): its running jobs restart from scratch elsewhere. Counted as
   * interruptions unless `counted` is false (a node's Opencast restarting under a new URL, `host-moved`: the fault's
   * doing, not a scale-down's).
   */
  hostLost(host: WorkHost, counted = true): void {
    const now = this.sched.time;
    for (const job of host.running) {
      if (counted) {
        this.counters.interruptions++;
        this.counters.interruptedWorkMs += now - (job.startedAt ?? now);
      }
      this.runningJobs--;
      this.runningLoadSum -= job.load;
      job.status = 'RESTART';
      job.processingHost = undefined;
      job.startedAt = undefined;
      job.restarts++;
      job.attempt++;
      job.waitFrom = now;
      this.queue.add(job);
    }
    host.running.clear();
    host.load = 0;
    this.requestDispatch();
  }

  /** Ask for a dispatch round on the next dispatcher beat (one per beat). */
  requestDispatch(): void {
    if (this.dispatchScheduled) return;
    const now = this.sched.time;
    const beat = this.dispatchIntervalMs;
    const at = beat > 0 ? Math.ceil(now / beat) * beat : now;
    this.dispatchScheduled = true;
    this.sched.schedule(at, () => {
      this.dispatchScheduled = false;
      this.dispatchRound();
    });
  }

  private dispatchRound(): void {
    if (this.queue.size === 0 || this.deps.paused()) return;
    const candidates = this.deps.candidates().map((host) => ({
      baseUrl: host.baseUrl,
      maxLoad: host.maxLoad,
      load: host.load,
      running: host.running.size,
      host,
    }));
    if (candidates.length === 0) return;
    const hasFree = (c: DispatchCandidate) => c.maxLoad - c.load > EPSILON || c.running === 0;
    let open = candidates.filter(hasFree).length;
    const now = this.sched.time;
    this.queue.round(
      (job) => {
        const chosen = pickHost(job.load, candidates) as (typeof candidates)[number] | undefined;
        if (!chosen) return false;
        chosen.load += job.load;
        chosen.running++;
        if (!hasFree(chosen)) open--;
        this.start(job as ModelJob, chosen.host, now, true);
        return true;
      },
      () => open > 0,
    );
  }

  private create(spec: JobSpec, recording?: RecordingState): ModelJob {
    const now = this.sched.time;
    const job: ModelJob = {
      id: this.jobs.length + 1,
      type: spec.type,
      operation: spec.operation,
      workflowOperation: spec.workflowOperation,
      status: 'QUEUED',
      load: spec.load,
      createdHost: this.deps.createdHost(),
      createdAt: now,
      durationMs: spec.durationMs,
      restarts: 0,
      attempt: 0,
      waitFrom: now,
    };
    if (recording) this.recordingOf.set(job.id, recording);
    this.jobs.push(job);
    this.active.add(job);
    this.counters.jobsCreated++;
    return job;
  }

  private start(job: ModelJob, host: WorkHost, at: number, measureWait: boolean): void {
    if (measureWait) this.waitsMs.push(at - job.waitFrom);
    job.status = 'RUNNING';
    job.processingHost = host.baseUrl;
    job.startedAt = at;
    host.load += job.load;
    host.running.add(job);
    this.runningJobs++;
    this.runningLoadSum += job.load;
    if (this.deps.cpuPerLoad !== undefined) {
      job.remainingMs = job.durationMs;
      job.rate = undefined;
      this.reshare(host, at);
      return;
    }
    const attempt = job.attempt;
    this.sched.schedule(at + job.durationMs, () => this.finish(job, host, attempt));
  }

  /** Processor sharing: every job on the host runs at cores / (load × cpuPerLoad) of full speed, at most full. */
  private reshare(host: WorkHost, now: number): void {
    const want = host.load * this.deps.cpuPerLoad!;
    const rate = want > host.cores ? host.cores / want : 1;
    for (const job of host.running) {
      if (job.rate !== undefined && job.rate === rate) continue;
      if (job.rate !== undefined) job.remainingMs = Math.max(0, job.remainingMs! - (now - job.rateSince!) * job.rate);
      job.rate = rate;
      job.rateSince = now;
      // A new completion time: the event scheduled for the old one is ignored (attempt moved on).
      job.attempt++;
      const attempt = job.attempt;
      this.sched.schedule(now + Math.ceil(job.remainingMs! / rate), () => this.finish(job, host, attempt));
    }
  }

  private finish(job: ModelJob, host: WorkHost, attempt: number): void {
    if (job.attempt !== attempt || job.status !== 'RUNNING') return;
    job.status = 'FINISHED';
    host.running.delete(job);
    host.load = host.running.size === 0 ? 0 : host.load - job.load;
    if (this.deps.cpuPerLoad !== undefined) this.reshare(host, this.sched.time);
    this.runningJobs--;
    this.runningLoadSum -= job.load;
    this.active.delete(job);
    this.counters.jobsCompleted++;
    const rec = this.recordingOf.get(job.id);
    this.recordingOf.delete(job.id);
    if (rec && --rec.remaining === 0) this.nextStage(rec);
    this.requestDispatch();
  }

  /** Create the next stage's jobs (after its hold, if it has one), or mark the recording processed after the last one. */
  private nextStage(rec: RecordingState, held = false): void {
    for (;;) {
      const holdMs = rec.spec.stages[rec.view.stage + 1]?.holdMs ?? 0;
      if (holdMs > 0 && !held) {
        this.sched.schedule(this.sched.time + holdMs, () => this.nextStage(rec, true));
        return;
      }
      held = false;
      rec.view.stage++;
      const stage = rec.spec.stages[rec.view.stage];
      if (!stage) {
        rec.view.completedAt = this.sched.time;
        return;
      }
      if (stage.jobs.length === 0) continue;
      rec.remaining = stage.jobs.length;
      for (const spec of stage.jobs) this.queue.add(this.create(spec, rec));
      this.requestDispatch();
      return;
    }
  }
}
