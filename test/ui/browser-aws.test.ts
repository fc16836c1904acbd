/**
 * `moscaler --engine aws --sim scenarios/small-quiet-ec2.json ui` in headless
 * Chromium: the live view on the simulated deployed path. Each autoscale cycle
 * is a Step Functions execution of the simulated stack whose Tasks invoke the
 * Lambda handlers; the page reads executions through the AWS engine (the real
 * SFN client: ListExecutions, GetExecutionHistory), as it would from an
 * account, eventual consistency and IAM included.
 *
 * Skipped, like test/ui/browser.test.ts, on a machine without Chromium outside CI.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, closeUiInChromium, IN_CI, openUiInChromium, type RunningUi, type UiInChromium } from '../helpers/browser';

const SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet-ec2.json', import.meta.url));


describe.skipIf(!existsSync(CHROMIUM) && !IN_CI)('moscaler ui --engine aws --sim in Chromium', () => {
  let opened: UiInChromium | undefined;
  let ui: RunningUi | undefined;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    opened = await openUiInChromium('moscaler-ui-aws-', (dir) => ['--engine', 'aws', '--sim', SCENARIO, 'ui', '--port', '0', '--paused', '--speed', '1200', '--duration', '30m']);
    ({ ui, page, errors } = opened);
  }, 60_000);

  afterAll(() => closeUiInChromium(opened));

  it('says it runs on the simulated deployed stack', async () => {
    expect(ui!.out()).toMatch(/simulated cluster sim-small on its simulated deployed stack \(engine aws\)/);
    expect(await page.locator('[data-testid="cluster"]').textContent()).toBe('sim-small');
    expect(await page.locator('#mode').textContent()).toBe('simulation · engine aws');
    await expect.poll(() => page.locator('[data-testid="worker-row"]').count()).toBe(4);
  });

  it("shows EC2's states and instance ids, and says the provider is EC2", async () => {
    expect(await page.locator('[data-testid="provider-header"]').textContent()).toBe('EC2 state');
    const cells = await page.locator('[data-testid="worker-row"]').evaluateAll((r) =>
      r.map((e) => [e.getAttribute('data-hostname'), e.querySelector('[data-testid="worker-provider"]')!.textContent, e.querySelector('[data-testid="worker-provider"]')!.getAttribute('title')]),
    );
    expect(cells).toEqual([
      ['worker1', 'running', expect.stringMatching(/^instance i-[0-9a-f]+$/)],
      ['worker2', 'running', expect.stringMatching(/^instance i-[0-9a-f]+$/)],
      ['worker3', 'stopped', expect.stringMatching(/^instance i-[0-9a-f]+$/)],
      ['worker4', 'stopped', expect.stringMatching(/^instance i-[0-9a-f]+$/)],
    ]);
  });

  it('shows the autoscale cycles the simulated Step Functions ran', async () => {
    await page.locator('[data-testid="pause"]').click();
    // worker1 is above the target of one: a cycle drains it through the deployed drain workflow.
    await expect.poll(() => page.locator('[data-testid="timeline"] li[data-kind="cycle"]').allTextContents(), { timeout: 30_000 }).toEqual(
      expect.arrayContaining([expect.stringMatching(/^.*autoscale-\d{8}T\d{6}Z: drain worker1/)]),
    );
    await expect.poll(() => page.locator('[data-testid="worker-row"][data-lifecycle="offline"][data-hostname="worker1"]').count(), { timeout: 30_000 }).toBe(1);
    expect(errors).toEqual([]);
  }, 70_000);

  it("opens a worker's history, read through the AWS engine", async () => {
    await page.locator('[data-testid="worker-row"][data-hostname="worker1"]').click();
    await expect.poll(() => page.locator('[data-testid="detail-host"]').textContent()).toBe('worker1');
    const transitions = page.locator('[data-testid="worker-detail"] [data-testid="transition"]');
    await expect.poll(() => transitions.allTextContents(), { timeout: 10_000 }).toEqual(
      expect.arrayContaining([expect.stringContaining('online → maintenance'), expect.stringContaining('draining → stopping'), expect.stringContaining('stopping → offline')]),
    );
    expect(await page.locator('[data-testid="detail-execution"]').first().textContent()).toMatch(/drain-worker1-\d{8}T\d{6}Z/);
    expect(await page.locator('#detail-now').textContent()).toMatch(/^Now offline .*; instance i-[0-9a-f]+, stopped$/);
    // The execution the page shows is the simulated stack's state machine's, as DescribeExecution names it.
    const history = (await (await page.request.get(`${ui!.url}api/history?worker=worker1`)).json()) as { executions: Array<{ executionArn: string }> };
    expect(history.executions[0]!.executionArn).toMatch(/^arn:aws:states:[a-z0-9-]+:\d{12}:execution:moscaler-drain-worker:drain-worker1-\d{8}T\d{6}Z$/);
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });
});
