/**
 * The live view's state names the provider and keeps each worker's state in
 * that provider's words, with the id it is started and stopped by (issue 25
 * item 2): EC2 `running` and `i-…` on EC2, OpsWorks `online` and its
 * InstanceId on OpsWorks.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterView } from '../../core/types';
import { buildUiState } from '../../ui/state';
import { viewOf } from '../helpers/views';

/** The OpsWorks-shaped view of the helpers, as the ec2 provider reports the same instances. */
function onEc2(view: ClusterView): ClusterView {
  const ec2Word: Record<string, string> = { online: 'running', stopped: 'stopped' };
  return {
    ...view,
    instances: view.instances.map((i) => ({ ...i, id: i.ec2Id!, provider: 'ec2' as const, status: ec2Word[i.status]! })),
    workers: view.workers.map((w) => {
      const { opsworksId: _opsworksId, ...rest } = w;
      return { ...rest, id: w.ec2Id!, provider: 'ec2' as const, state: ec2Word[w.state]! };
    }),
  };
}

describe('buildUiState, provider', () => {
  const specs = [{ hostname: 'worker1' }, { hostname: 'worker2', status: 'stopped', hasEc2: true }];

  it('says OpsWorks and shows its words and InstanceIds on an OpsWorks stack', () => {
    const state = buildUiState({ version: 1, mode: 'cluster', engine: 'local', view: viewOf(specs), digests: [] });
    expect(state.provider).toBe('opsworks');
    expect(state.workers.map((w) => [w.hostname, w.provider, w.instanceId])).toEqual([
      ['worker1', 'online', 'ow-worker1'],
      ['worker2', 'stopped', 'ow-worker2'],
    ]);
  });

  it("says EC2 and shows EC2's states and instance ids on EC2", () => {
    const state = buildUiState({ version: 1, mode: 'cluster', engine: 'local', view: onEc2(viewOf(specs)), digests: [] });
    expect(state.provider).toBe('ec2');
    expect(state.workers.map((w) => [w.hostname, w.provider, w.instanceId])).toEqual([
      ['worker1', 'running', expect.stringMatching(/^i-\d{8}$/)],
      ['worker2', 'stopped', expect.stringMatching(/^i-\d{8}$/)],
    ]);
  });
});
