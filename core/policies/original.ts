/**
 * The original mo-scaler policy, unchanged: strategies vote, any up starts
 * `up_increment` workers unless paused, all down drains `down_increment` idle
 * workers late in their billing hour (core/autoscale.ts).
 */
import { decideAutoscale } from '../autoscale';
import type { Policy } from './types';

export const originalPolicy: Policy = (input) => ({ ...decideAutoscale(input), policy: 'original' });
