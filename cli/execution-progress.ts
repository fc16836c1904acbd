/**
 * The steps of the boot and drain executions a command waits for, on stderr as
 * they happen: one line each time an execution's reason changes (a boot polled
 * four times while the instance starts says so once). An autoscale cycle's own
 * steps are left out: the command prints the cycle's outcome itself.
 */
import { failureText } from '../engine/failure-text';
import type { HistoryEvent } from '../engine/types';

export function executionProgress(out: { write(chunk: string): unknown }): (event: HistoryEvent) => void {
  const lastReason = new Map<string, string>();
  const lastError = new Map<string, string>();
  return (e) => {
    if (e.workflow === 'autoscale') return;
    if (e.type === 'StateFailed' && e.error) lastError.set(e.execution, e.error);
    // Every retry is said (a repeated failure is printed once): a workflow waiting out its Retry is never silent.
    if (e.type === 'Retried') {
      out.write(`  ${e.at}  ${e.execution}  ${e.state}: retrying after ${lastError.get(e.execution) ?? 'a failure'} (retry ${e.attempt ?? '?'})\n`);
      return;
    }
    const text = e.type === 'TaskSucceeded' ? e.reason : e.type === 'StateFailed' ? failureText(e.error, e.cause) : undefined;
    if (text === undefined || lastReason.get(e.execution) === text) return;
    lastReason.set(e.execution, text);
    out.write(`  ${e.at}  ${e.execution}  ${e.state}: ${text}\n`);
  };
}
