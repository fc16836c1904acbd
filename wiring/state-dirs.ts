/** Where a command keeps its state: the state directory, or a folder of it per simulated cluster. */
import { join } from 'node:path';
import type { Settings } from '../core/settings';

export function stateDirFor(settings: Pick<Settings, 'stateDir'>, simulated?: string): string {
  return simulated ? join(settings.stateDir, 'sim', simulated.replace(/[^A-Za-z0-9._-]/g, '_')) : settings.stateDir;
}
