/**
 * A failed execution or step as a person reads it. A task's error arrives as
 * Lambda reports it (Error = the error's name, Cause = `{"errorType","errorMessage"}`,
 * see engine/task-handlers.ts); a Fail state or the engine gives a plain cause.
 */
export function failureText(error: string | undefined, cause: string | undefined): string {
  const message = causeMessage(cause);
  if (!error) return message ?? 'failed';
  return message && message !== error ? `${error}: ${message}` : error;
}

function causeMessage(cause: string | undefined): string | undefined {
  if (cause === undefined || cause.trim() === '') return undefined;
  if (cause.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(cause) as { errorMessage?: unknown; errorType?: unknown };
      if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
    } catch {
      // Not the Lambda form: show it as it is.
    }
  }
  return cause;
}
