/**
 * Secrets: full simulated days with known credential values (the Opencast
 * password, AWS keys, the Loggly token) through faults, kills and a refused
 * login; none of the values may appear in a log line, a workflow input or
 * output, a history entry, an error message, a report or a state file.
 */
import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_START, type DaySpec } from '../../reliability/day';
import { runDay } from '../../reliability/run-day';
import { runCli } from '../helpers/cli';

const OPENCAST_PASSWORD = 'Opencast-Pa55word-7f1c9e';
const AWS_ACCESS_KEY_ID = 'AKIAKNOWNTESTKEY7F1C';
const AWS_SECRET_ACCESS_KEY = 'Known/Aws+Secret7f1c9eKEYvalue0123456789';
const LOGGLY_TOKEN = 'loggly-token-7f1c9e-secret';
const WRONG_PASSWORD = 'Wrong-Pa55word-3d2b8a';
const SECRETS = [OPENCAST_PASSWORD, AWS_SECRET_ACCESS_KEY, AWS_ACCESS_KEY_ID, LOGGLY_TOKEN, WRONG_PASSWORD];

/** Secrets as they could leak: verbatim, URL-encoded, JSON-escaped or base64 (Basic auth). */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')];
}

function expectNoSecret(where: string, text: string, allowed: readonly string[] = []) {
  for (const secret of SECRETS.filter((s) => !allowed.includes(s))) {
    for (const form of forms(secret)) {
      if (text.includes(form)) throw new Error(`${where} contains the secret ${JSON.stringify(secret)} (as ${JSON.stringify(form)})`);
    }
  }
}

/** Every file under `dir`, read as text. */
function filesUnder(dir: string): Array<[string, string]> {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [[path, readFileSync(path, 'utf8')] as [string, string]];
  });
}

/** A busy day with every kind of fault and two kills. */
const DAY: DaySpec = {
  seed: 7,
  names: 'mixed',
  hours: 4,
  tailMinutes: 60,
  everySeconds: 60,
  billing: 'per-second',
  provider: 'opsworks',
  minWorkers: 1,
  policy: 'queue+load',
  upIncrement: 2,
  downIncrement: 1,
  pauseCycles: 1,
  workers: [
    { state: 'online', uptimeMinutes: 50, runningJobs: 2, maintenance: false, registered: false, protected: false, instanceType: 'c5.xlarge' },
    { state: 'online', uptimeMinutes: 130, runningJobs: 0, maintenance: true, registered: false, protected: false, instanceType: 'c5.xlarge' },
    { state: 'stopped', uptimeMinutes: 0, runningJobs: 0, maintenance: false, registered: false, protected: false, instanceType: 'c5.xlarge' },
    { state: 'stopped', uptimeMinutes: 0, runningJobs: 0, maintenance: false, registered: false, protected: false, instanceType: 'c5.xlarge' },
  ],
  queued: 10,
  bursts: [
    { atMinute: 5, count: 40, durationMinutes: 12, operation: 'encode' },
    { atMinute: 100, count: 30, durationMinutes: 8, operation: 'composite' },
  ],
  faults: [
    { kind: 'opencast-garbage', atMinute: 20, forMinutes: 6 },
    { kind: 'opencast-slow', atMinute: 40, forMinutes: 4 },
    { kind: 'opencast-down', atMinute: 60, forMinutes: 5 },
    { kind: 'aws-throttle', atMinute: 80, forMinutes: 3 },
    { kind: 'aws-5xx', atMinute: 90, forMinutes: 3, target: 'opsworks' },
    { kind: 'start-failure', atMinute: 0, forMinutes: 30, target: 'worker3' },
    { kind: 'metrics-missing', atMinute: 110, forMinutes: 10 },
    { kind: 'kill-scaler', atMinute: 150, forMinutes: 5 },
  ],
  kills: [
    { at: 'step', ordinal: 150 },
    { at: 'effect', ordinal: 3 },
  ],
};

describe('secrets', () => {
  it('appear nowhere in a full simulated day: inputs, outputs, history, errors, counts', { timeout: 60_000 }, async () => {
    const result = await runDay(DAY, {
      keepHistory: true,
      credentials: { opencastUser: 'opencast_system_account', opencastPassword: OPENCAST_PASSWORD, awsAccessKeyId: AWS_ACCESS_KEY_ID, awsSecretAccessKey: AWS_SECRET_ACCESS_KEY },
    });
    // The day did run into errors (their messages are checked too) and acted.
    const failures = result.history!.filter((e) => e.type === 'StateFailed');
    expect(failures.length).toBeGreaterThan(0);
    expect(result.counts.starts + result.counts.stops).toBeGreaterThan(0);
    expect(result.violations).toEqual([]);
    expectNoSecret('workflow inputs and outputs', JSON.stringify(result.records));
    expectNoSecret('history', JSON.stringify(result.history));
    expectNoSecret('error messages', failures.map((e) => `${e.error} ${e.cause}`).join('\n'));
    expectNoSecret('day result', JSON.stringify({ ...result, history: undefined, records: undefined }));
  });

  describe('through the command line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'moscaler-secrets-'));
    const received: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.end('{"response":"ok"}');
      });
    });
    afterAll(() => server.close());

    const scenario = join(dir, 'day.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        cluster: 'secret-day',
        start: DAY_START,
        end: '+3h',
        billing: 'per-second',
        minWorkers: 1,
        opencast: { version: '15.0', password: OPENCAST_PASSWORD },
        workers: [
          { hostname: 'worker{n}', count: 2, instanceType: 'c5.xlarge', state: 'online', uptimeMinutes: 90 },
          { hostname: 'worker3', instanceType: 'c5.xlarge', state: 'online', uptimeMinutes: 20, maintenance: true },
          { hostname: 'worker{n}', count: 2, from: 4, instanceType: 'c5.xlarge', state: 'stopped' },
        ],
        others: [{ hostname: 'admin1', layer: 'admin' }],
        trace: { jobs: [{ at: '+10m', workflowOperation: 'encode', durationMinutes: 15, count: 30 }] },
        faults: [
          { at: '+30m', kind: 'opencast-garbage', forMinutes: 5 },
          { at: '+45m', kind: 'opencast-down', forMinutes: 5 },
          { at: '+60m', kind: 'aws-throttle', forMinutes: 2 },
          { at: '+70m', kind: 'opencast-slow', forMinutes: 3 },
        ],
      }),
    );
    const config = JSON.stringify({ strategies: [{ method: 'queued_jobs', name: 'q', settings: { up_threshold: 3, down_threshold: 1 } }], up_increment: 1, down_increment: 1, pause_cycles: 1 });
    const env = async () => {
      await new Promise<void>((resolve) => (server.listening ? resolve() : server.listen(0, '127.0.0.1', resolve)));
      return {
        MATTERHORN_PASS: OPENCAST_PASSWORD,
        AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY,
        LOGGLY_TOKEN,
        MOSCALER_LOGGLY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        MOSCALER_STATE_DIR: join(dir, 'state'),
      };
    };

    it('appear in no log line, Loggly batch, history, report or state file', { timeout: 120_000 }, async () => {
      const e = await env();
      const commands = [
        ['--sim', scenario, '--debug', 'run', '-c', config, '--every', '60s', '--cycles', '90'],
        ['--sim', scenario, '--debug', '--output', 'json', 'scale', 'auto', '-c', config],
        ['--sim', scenario, '--sim-wait', 'scale', 'down'],
        ['--sim', scenario, '--output', 'json', 'history', '--events', '--limit', '10000'],
        ['--sim', scenario, '--output', 'json', 'status'],
        ['--sim', scenario, '--engine', 'direct', '--debug', 'scale', 'up', '2'],
        ['--output', 'json', 'sim', 'run', scenario, '--duration', '3h', '-c', config],
      ];
      const runs = [];
      let stateFiles = 0;
      for (const [i, argv] of commands.entries()) {
        const run = await runCli(argv, e);
        runs.push(run);
        expect(run.code, `run ${i}: ${run.stderr.slice(0, 500)}`).toBeLessThan(2);
        expectNoSecret(`stdout of run ${i}`, run.stdout);
        expectNoSecret(`stderr of run ${i}`, run.stderr);
        // Each --sim command starts its cluster afresh: read the state it left before the next one.
        const files = filesUnder(join(dir, 'state'));
        for (const [path, text] of files) expectNoSecret(path, text);
        stateFiles = Math.max(stateFiles, files.length);
      }
      // The run printed logs, the history has steps with reasons, and logs were shipped.
      expect(runs[0]!.stdout).toMatch(/autoscale-/);
      expect(stateFiles).toBeGreaterThan(90);
      expect(JSON.parse(runs[3]!.stdout).length).toBeGreaterThan(5);
      expect(received.join('\n')).toMatch(/mo-scaler/);
      expectNoSecret('Loggly batches', received.join('\n'));
    });

    it('appear in no error when Opencast refuses the password', { timeout: 60_000 }, async () => {
      const e = { ...(await env()), MATTERHORN_PASS: WRONG_PASSWORD };
      for (const argv of [
        ['--sim', scenario, 'status'],
        ['--sim', scenario, '--engine', 'direct', '--debug', 'scale', 'down'],
        ['--sim', scenario, 'scale', 'auto', '-c', config],
      ]) {
        const run = await runCli(argv, e);
        expect(run.stdout + run.stderr).toMatch(/refused the credentials|401|lacks ROLE_ADMIN|Opencast unavailable|did not answer/i);
        expectNoSecret(`output of ${argv.join(' ')}`, run.stdout + run.stderr);
      }
      for (const [path, text] of filesUnder(join(dir, 'state'))) expectNoSecret(path, text);
    });
  });
});
