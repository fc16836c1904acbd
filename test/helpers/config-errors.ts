/** The field a ConfigError names, for tests that check where a bad value was reported. */
import { ConfigError } from '../../core/errors';

export function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.field;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
