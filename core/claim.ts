/**
 * Which of two boot or drain executions acting on one worker goes on, when
 * neither can be sure it saw the other start. ListExecutions is eventually
 * consistent: "the results are best effort and may not reflect very recent
 * updates and changes", and updates show "within a few seconds"
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html,
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-read-consistency.html).
 * Execution names dedupe the scaler's own executions, but nothing dedupes one
 * started by hand in the console in the same second as the cycle's.
 *
 * So each boot and drain waits CLAIM_SETTLE_SECONDS after its start before its
 * first side effect, and then yields to every execution acting on its worker
 * that started before it. By then every such execution is listed (it started
 * earlier, so it has been running longer than the lag), and both sides order
 * any pair the same way, so exactly one of them goes on.
 */

/** An execution as ListExecutions names it: its name and when it started (ISO 8601). */
export interface StartedExecution {
  name: string;
  startedAt: string;
}

/**
 * How long a boot or drain waits after its start before it acts: well past the "few seconds" AWS documents for
 * ListExecutions to show a new execution. The workflow definitions' `SettleListing` Wait states use this value
 * (test/infra/claim-settle.test.ts holds them to it).
 */
export const CLAIM_SETTLE_SECONDS = 20;

/** Whether `a` went first: it started earlier, or at the same instant with the lesser name (names are unique per state machine). */
export function wentFirst(a: StartedExecution, b: StartedExecution): boolean {
  const at = Date.parse(a.startedAt);
  const bt = Date.parse(b.startedAt);
  if (at !== bt) return at < bt;
  return a.name < b.name;
}

/**
 * The workflow states (infra/workflows) that decide whether a boot or drain acts: its first check and the one after
 * the listing settled. Each rebuilds the worker's lifecycle from what it observes, and nothing acts between them.
 */
export const CLAIM_STEPS: ReadonlySet<string> = new Set(['BeginBoot', 'StartInstance', 'BeginDrain', 'ClaimDrain']);
