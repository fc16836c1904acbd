/**
 * Each boot and drain waits in `SettleListing` before the check that decides whether it goes on
 * (core/claim.ts). The wait must outlast the listing's lag, or two executions started together can
 * still miss each other.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLAIM_SETTLE_SECONDS } from '../../core/claim';
import { DEFAULT_LAGS, FAULT_STRETCH_MS } from '../../sim/model/consistency';

const definition = (name: string) => JSON.parse(readFileSync(new URL(`../../infra/workflows/${name}.asl.json`, import.meta.url), 'utf8')) as {
  States: Record<string, { Type: string; Seconds?: number; Next?: string }>;
};

describe.each([
  ['boot-worker', 'StartInstance'],
  ['drain-worker', 'ClaimDrain'],
])('%s: the wait before its deciding check', (name, check) => {
  const settle = definition(name).States.SettleListing!;

  it(`waits CLAIM_SETTLE_SECONDS, then runs ${check}`, () => {
    expect(settle).toMatchObject({ Type: 'Wait', Seconds: CLAIM_SETTLE_SECONDS, Next: check });
  });

  it('outlasts the longest listing lag the simulated world draws, a list-lag fault included', () => {
    expect(CLAIM_SETTLE_SECONDS * 1000).toBeGreaterThan(DEFAULT_LAGS.stepFunctions.maxMs + FAULT_STRETCH_MS);
  });
});
