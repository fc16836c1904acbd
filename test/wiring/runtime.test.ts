/**
 * The runtime a process builds once: its Opencast client per URL lives as long as
 * the process (a loop, a warm Lambda), so digest auth costs one challenge, not one per request.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SIM_CREDENTIALS, SIM_REGION } from '../../adapters/aws/clients';
import { scenarioEnv } from '../../wiring/sim-runtime';
import { createRuntime } from '../../wiring/runtime';
import { resolveSettings } from '../../core/settings';
import { createAwsRouter } from '../../sim/aws/router';
import { ManualClock } from '../../sim/model/clock';
import { loadScenarioFile } from '../../sim/model/scenario';
import { createSimCluster } from '../../sim/model/create';
import { createOpencastRouter } from '../../sim/opencast/router';
import { createSdkRequestHandler } from '../../sim/wire/sdk-request-handler';
import { RouterDispatcher } from '../../sim/wire/undici-dispatcher';
import type { WireRouter } from '../../sim/wire/types';

const SMALL = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));

describe('createRuntime', () => {
  it('keeps one Opencast client per URL, so its digest nonce is reused across requests', async () => {
    // Prepare
    const scenario = await loadScenarioFile(SMALL);
    const cluster = createSimCluster(scenario, new ManualClock(Date.parse(scenario.start)));
    const opencast = createOpencastRouter(cluster);
    const statuses: number[] = [];
    const recording: WireRouter = async (request) => {
      const response = await opencast(request);
      statuses.push(response.status);
      return response;
    };
    const settings = resolveSettings({}, scenarioEnv(scenario));
    const runtime = createRuntime(
      { ...settings, aws: { region: SIM_REGION } },
      { requestHandler: createSdkRequestHandler(createAwsRouter(cluster)), credentials: SIM_CREDENTIALS, dispatcher: new RouterDispatcher(recording) },
    );
    const admin = cluster.hosts[0]!.baseUrl;

    // Act
    const first = runtime.opencastAt(admin);
    await first.listHosts();
    const second = runtime.opencastAt(admin);
    await second.activeJobs();
    await runtime.close();

    // Assess
    expect(second).toBe(first);
    expect(statuses).toEqual([401, 200, 200]);
  });
});
