/**
 * The installable command: `npm pack` gives a tarball that installs into an
 * empty folder with no network (the command is one bundle and depends on no
 * package) and runs there without this repository.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NPM_ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

describe('the packed command', () => {
  it('installs offline into an empty folder and runs from there', async () => {
    const out = mkdtempSync(join(tmpdir(), 'moscaler-pack-'));
    // dist/ is built by the test run's global setup; --ignore-scripts keeps pack from building it again.
    const packed = await exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: ROOT, env: NPM_ENV });
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['bin/moscaler.js', 'dist/main.js', 'dist/page/index.html', 'infra/workflows/drain-worker.asl.json', 'scenarios/small-quiet.json', 'config/autoscale.example.json']));
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);

    const appDir = mkdtempSync(join(out, 'app-'));
    writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'try-moscaler', private: true }));
    await exec('npm', ['install', '--offline', '--no-audit', '--no-fund', join(out, info!.filename)], { cwd: appDir, env: NPM_ENV });
    // Nothing but the command itself: its libraries are in the bundle.
    expect(readdirSync(join(appDir, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual(['mo-scaler']);

    const env = { PATH: process.env.PATH ?? '', HOME: appDir, npm_config_update_notifier: 'false' };
    const version = await exec('npx', ['--no-install', 'moscaler', '--version'], { cwd: appDir, env });
    expect(version.stdout).toBe(`${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
    const scenario = join(appDir, 'node_modules/mo-scaler/scenarios/small-quiet.json');
    const status = await exec('npx', ['--no-install', 'moscaler', '--sim', scenario, 'status'], { cwd: appDir, env });
    expect(status.stdout).toMatch(/^Cluster: sim-small\nOpencast: up/);
  });
});
