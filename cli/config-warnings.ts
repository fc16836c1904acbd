/**
 * What an autoscale config asks for that the cluster may not publish, said on stderr (`config-warning`) before a
 * command decides with it: a strategy reading what EC2's basic monitoring does not publish never votes, and that
 * otherwise shows only as a metric gap in each cycle's record.
 */
import { basicMonitoringWarnings, type AutoscaleConfig } from '../core/autoscale-config';
import type { Logger } from '../scaler/scale';

export function warnAboutConfig(logger: Pick<Logger, 'warn'>, config: AutoscaleConfig | undefined): void {
  for (const warning of config ? basicMonitoringWarnings(config) : []) logger.warn({ event: 'config-warning' }, warning);
}
