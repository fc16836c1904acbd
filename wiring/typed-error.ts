/**
 * What leaves an activity handler: an error of our own keeps its name (the workflows' Retry and Catch match
 * it); anything else becomes an InternalError, so no error reaches Step Functions (or the local engine) under
 * a name no state knows. The Lambda entry and the local engine both wrap their handlers with it.
 */
import { InternalError, MoScalerError } from '../core/errors';

export function typedError(error: unknown): MoScalerError {
  if (error instanceof MoScalerError) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new InternalError(`unexpected error: ${message}`, { cause: error });
}
