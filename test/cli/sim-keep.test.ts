/**
 * `--sim-keep`: the simulated cluster, its virtual time and its history carry
 * from one command to the next, so the Quick start reads as one story; without
 * it each command says that it starts the cluster afresh.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const SCENARIO = fileURLToPath(new URL('../../scenarios/small-quiet.json', import.meta.url));

function session() {
  const dir = mkdtempSync(join(tmpdir(), 'moscaler-keep-'));
  const run = (argv: string[], keep = true) => runCli(['--state-dir', dir, '--sim', SCENARIO, ...(keep ? ['--sim-keep'] : []), ...argv], {});
  const worker3 = async (keep = true) => {
    const status = await run(['--output', 'json', 'status'], keep);
    expect(status.code).toBe(0);
    return (JSON.parse(status.stdout) as { workers: Array<{ hostname: string; opsworksState: string; registered: boolean }> }).workers.find((w) => w.hostname === 'worker3')!;
  };
  return { dir, run, worker3 };
}

describe('moscaler --sim --sim-keep', () => {
  it('scales up, then status shows the worker, then history shows its boot', async () => {
    const { dir, run, worker3 } = session();
    expect(await worker3()).toMatchObject({ opsworksState: 'stopped' });

    const up = await run(['scale', 'up', '1']);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/boot-worker3-\S+: SUCCEEDED/);

    expect(await worker3()).toMatchObject({ opsworksState: 'online', registered: true });
    const again = await run(['status']);
    expect(again.stderr).toMatch(/simulated cluster sim-small kept in \S+sim-small\.kept: continuing at virtual 2025-10-13T04:0\d:\d\d\.000Z after 1 change\(s\)/);

    const history = await run(['history', 'worker3']);
    expect(history.stdout).toMatch(/boot-worker3-\S+ +worker3 +\S+ +offline → online \(Booted\)/);

    // Time goes on from where the last command left it: a second worker boots later than the first.
    const second = await run(['--output', 'json', 'scale', 'up', '1']);
    const execution = JSON.parse(second.stdout).executions[0];
    expect(execution).toMatchObject({ hostname: 'worker4', status: 'SUCCEEDED' });
    expect(execution.name).not.toMatch(/20251013T040000Z/);
    const all = await run(['history']);
    expect(all.stdout).toContain('boot-worker3-');
    expect(all.stdout).toContain('boot-worker4-');

    // Without the option: a fresh cluster, and it says so.
    const fresh = await run(['status'], false);
    expect(fresh.stderr).toMatch(/note: simulated cluster sim-small starts afresh at the scenario's start \(2025-10-13T04:00:00\.000Z\) in each command; add --sim-keep/);
    expect(await worker3(false)).toMatchObject({ opsworksState: 'stopped' });
    // ... which leaves the kept one alone.
    expect(await worker3()).toMatchObject({ opsworksState: 'online' });
    expect(readFileSync(join(dir, 'sim', 'sim-small.kept', 'cluster.json'), 'utf8')).toMatch(/"op":"startInstance"/);
  });

  it('shows the last decision beside the cluster, with the code of why it did nothing', async () => {
    const { run } = session();
    expect((await run(['status'])).stdout).not.toMatch(/Last decision/);

    // small-quiet's minimum is what runs: the rules forbid a stop, and the last decision says so.
    const refused = await run(['scale', 'down', '3']);
    expect(refused.code).toBe(1);
    expect((await run(['status'])).stdout).toMatch(/^Last decision: scale-down-\S+ FAILED, no decision recorded — ScalingError: /m);

    const auto = await run(['-n', 'scale', 'auto']);
    expect(auto.code).toBe(0);
    const json = JSON.parse((await run(['--output', 'json', 'status'])).stdout) as { lastCycle?: { name: string; status: string; action?: string; outcome?: string; dryRun?: boolean } };
    expect(json.lastCycle).toMatchObject({ status: 'SUCCEEDED', dryRun: true });
    expect(json.lastCycle?.name).toMatch(/^scale-auto-/);
    // Acting or not, the decision says which; doing nothing always carries its reason code.
    if (json.lastCycle?.action === 'none') expect(json.lastCycle.outcome).toMatch(/^[A-Z][A-Za-z]+$/);

    // A cluster started afresh has no past to show.
    expect((await run(['status'], false)).stdout).not.toMatch(/Last decision/);
  });

  it('retries a failed command at once: each command starts a virtual second after the last one ended', async () => {
    const { run, worker3 } = session();
    // small-quiet has two stopped workers: the rules refuse three, at once, without moving virtual time.
    const refused = await run(['scale', 'up', '3']);
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/scale-up-20251013T040000Z/);

    const retried = await run(['scale', 'up', '1']);
    expect(retried.stderr).not.toMatch(/already exists/);
    expect(retried.code).toBe(0);
    expect(retried.stderr).toMatch(/continuing at virtual 2025-10-13T04:00:01\.000Z after 0 change\(s\)/);
    expect(retried.stdout + retried.stderr).toMatch(/scale-up-20251013T040001Z/);
    expect(await worker3()).toMatchObject({ opsworksState: 'online' });
    // The same command twice, as a dry run (which moves no time itself), is no dead end either.
    expect((await run(['-n', 'scale', 'auto'])).code).toBe(0);
    expect((await run(['-n', 'scale', 'auto'])).code).toBe(0);
  });

  it('starts afresh when the scenario changed, and refuses a damaged state file', async () => {
    const { dir, run } = session();
    expect((await run(['scale', 'up', '1'])).code).toBe(0);
    const file = join(dir, 'sim', 'sim-small.kept', 'cluster.json');
    const changed = join(dir, 'changed.json');
    const scenario = JSON.parse(readFileSync(SCENARIO, 'utf8'));
    delete scenario.$schema;
    writeFileSync(changed, JSON.stringify({ ...scenario, minWorkers: 2 }));
    const afresh = await runCli(['--state-dir', dir, '--sim', changed, '--sim-keep', 'history'], {});
    expect(afresh.stderr).toMatch(/starting it at the scenario's start \(2025-10-13T04:00:00\.000Z\), as the scenario changed since the kept cluster was saved/);
    expect(afresh.stdout).toBe('no history\n');

    writeFileSync(file, '{"version": 1, "scenario": "x"');
    const damaged = await run(['status']);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(/--sim-keep: \S+cluster\.json: not valid JSON at line 1, column 31: .*; delete the file to start the simulated cluster afresh/);
    writeFileSync(file, JSON.stringify({ version: 1, scenario: 'x', at: 'noon', actions: [] }));
    expect((await run(['status'])).stderr).toMatch(/--sim-keep: \S+cluster\.json: scenario: .*; delete the file/);
  });

  it('is refused without --sim and with ui', async () => {
    const alone = await runCli(['--sim-keep', 'status'], { MOSCALER_CLUSTER: 'c', MATTERHORN_USER: 'u', MATTERHORN_PASS: 'p' });
    expect(alone).toMatchObject({ code: 2 });
    expect(alone.stderr).toMatch(/--sim-keep: only with --sim FILE/);
    const ui = await runCli(['--sim', SCENARIO, '--sim-keep', 'ui', '--port', '0'], {});
    expect(ui.code).toBe(2);
    expect(ui.stderr).toMatch(/--sim-keep: not with ui/);
  });
});
