/**
 * The autoscale pause counter. The original kept it in ~/.moscaler-pause; here it
 * lives under the state directory, one file per cluster.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { PauseState } from '../core/decision';
import { readJson, writeJsonAtomic } from './state-file';

const pauseSchema = z.object({ cyclesLeft: z.number().int().min(0), until: z.iso.datetime().optional() });

export interface PauseStore {
  read(): Promise<PauseState>;
  write(state: PauseState): Promise<void>;
}

export function filePauseStore(stateDir: string, cluster: string, warn: (message: string) => void): PauseStore {
  const path = join(stateDir, `pause-${cluster.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  return {
    async read() {
      const raw = await readJson(path, warn);
      if (raw === undefined) return { cyclesLeft: 0 };
      const parsed = pauseSchema.safeParse(raw);
      if (!parsed.success) {
        warn(`${path} does not hold a pause state; ignoring it`);
        return { cyclesLeft: 0 };
      }
      return parsed.data;
    },
    write: (state) => writeJsonAtomic(path, state),
  };
}
