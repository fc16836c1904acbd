/**
 * An instance's state in the core's own words, whatever runs the fleet. Each
 * fleet adapter translates its provider's states into these
 * (adapters/aws/ec2-fleet.ts, adapters/aws/opsworks-fleet.ts) and keeps the
 * provider's own word beside them for people (`FleetInstance.status`); the
 * core, the machines and the activities decide on these alone.
 */
import type { FleetProvider, InstanceState, StatusClass } from './types';

/** The provider as people name it: `EC2 reports stopping`, `OpsWorks reports setup_failed`. */
export const PROVIDER_LABELS: Readonly<Record<FleetProvider, string>> = { ec2: 'EC2', opsworks: 'OpsWorks' };

/** The provider's own word with its name, for people: `EC2 stopping`, `OpsWorks setup_failed`. */
export function providerState(instance: { provider: FleetProvider; state: string }): string {
  return `${PROVIDER_LABELS[instance.provider]} ${instance.state}`;
}

const CLASS_OF: Readonly<Record<InstanceState, StatusClass>> = {
  requested: 'pending',
  pending: 'pending',
  configuring: 'pending',
  running: 'online',
  'setup-failed': 'other',
  unreachable: 'other',
  'start-failed': 'other',
  stopping: 'other',
  stopped: 'stopped',
  terminated: 'other',
  unknown: 'other',
};

/** The classes the original decided on: online, pending (on its way), stopped, or other. */
export function statusClassOf(state: InstanceState): StatusClass {
  return CLASS_OF[state];
}

/** States whose machine runs (is billed) without being ready: set up, failed to set up, or out of contact. */
export const RUNNING_NOT_READY: ReadonlySet<InstanceState> = new Set<InstanceState>(['configuring', 'setup-failed', 'unreachable']);

/** States in which the machine does not run, so no Opencast on it can hold a host row online now. */
export const MACHINE_DOWN: ReadonlySet<InstanceState> = new Set<InstanceState>(['requested', 'pending', 'start-failed', 'stopped', 'terminated']);

/** States a boot does not recover from by itself. */
export const BOOT_FAILED: ReadonlySet<InstanceState> = new Set<InstanceState>(['start-failed', 'setup-failed']);
