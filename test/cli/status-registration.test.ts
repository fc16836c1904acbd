/**
 * `moscaler status` on a simulated cluster whose Opencast hosts are registered
 * under the URL forms real installs use, and under Opencast's default
 * `http://localhost:8080` (org.opencastproject.server.url unset).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

function scenarioFile(workers: Array<Record<string, unknown>>): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'moscaler-status-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify({ cluster: 'c', start: '2025-10-13T10:00:00Z', workers, others: [{ hostname: 'admin1', layer: 'Admin' }] }));
  return { file, dir };
}

describe('moscaler status', () => {
  it('matches workers registered as http://name:8080, https://fqdn and http://IP:8080, and uses their exact base_url', async () => {
    const { file, dir } = scenarioFile([
      { hostname: 'worker1', state: 'online', uptimeMinutes: 20, baseUrl: 'name-port' },
      { hostname: 'worker2', state: 'online', uptimeMinutes: 20, baseUrl: 'fqdn' },
      { hostname: 'worker3', state: 'online', uptimeMinutes: 20, baseUrl: 'ip-port' },
    ]);
    const run = await runCli(['--sim', file, '--state-dir', dir, '--output', 'json', 'status'], {});
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout);
    expect(status.workers.map((w: { hostUrl: string; registered: boolean }) => [w.hostUrl, w.registered])).toEqual([
      ['http://worker1:8080', true],
      ['https://worker2.example.edu', true],
      [expect.stringMatching(/^http:\/\/10\.0\.\d+\.\d+:8080$/), true],
    ]);
    expect(status.warnings).toEqual([]);
  });

  it('shows a running worker Opencast does not know and warns, naming both lists, when none matches', async () => {
    const { file, dir } = scenarioFile([
      { hostname: 'worker1', state: 'online', uptimeMinutes: 42, baseUrl: 'localhost' },
      { hostname: 'worker2', state: 'stopped' },
    ]);
    const run = await runCli(['--sim', file, '--state-dir', dir, 'status'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/worker1 .* no \(42 min\)/);
    expect(run.stdout).toContain('warning: worker1 is running but not registered in Opencast for 42 min');
    expect(run.stdout).toMatch(/warning: no running worker matches any Opencast host: workers worker1 \(ip-10-0-0-11\.ec2\.internal, 10\.0\.0\.11\); Opencast hosts http:\/\/ip-10-0-0-10\.ec2\.internal \(10\.0\.0\.10\), http:\/\/localhost:8080 \(127\.0\.0\.1\)/);
  });
});
