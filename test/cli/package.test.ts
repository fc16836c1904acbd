/**
 * The installable command: `npm pack` gives a tarball that installs into an
 * empty folder with no network (the command is one bundle and depends on no
 * package) and runs there without this repository; it carries the licence and
 * the notices of what it bundles, and a package.json with no scripts (they
 * need tsx and scripts/, which stay in the repository).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NPM_ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

/** The repository as a fresh checkout has it (plus files not committed yet), sharing node_modules: packing it builds its own dist/. */
async function checkout(into: string): Promise<string> {
  const repo = join(into, 'repo');
  const listed = await exec('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, maxBuffer: 16e6 });
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    try {
      cpSync(join(ROOT, file), join(repo, file));
    } catch (error) {
      // A file deleted but not yet committed is listed and absent.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
  return repo;
}

describe('the packed command', () => {
  it('installs offline into an empty folder without warnings and runs from there', async () => {
    const out = mkdtempSync(join(tmpdir(), 'moscaler-pack-'));
    const repo = await checkout(out);
    const manifestBefore = readFileSync(join(repo, 'package.json'), 'utf8');
    // As a user packs: prepack builds dist/ and writes the packed package.json, postpack puts the file back.
    const packed = await exec('npm', ['pack', '--json', '--pack-destination', out], { cwd: repo, env: NPM_ENV });
    // The build's own summary line comes first (npm pipes lifecycle scripts' output through).
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[/m))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'dist/THIRD_PARTY_NOTICES.txt', 'bin/moscaler.js', 'dist/main.js', 'dist/page/index.html', 'infra/workflows/drain-worker.asl.json', 'scenarios/small-quiet.json', 'config/autoscale.example.json']));
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(readFileSync(join(repo, 'package.json'), 'utf8')).toBe(manifestBefore);
    expect(readdirSync(repo).filter((f) => f.includes('package.json'))).toEqual(['package.json']);

    const appDir = mkdtempSync(join(out, 'app-'));
    writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'try-moscaler', private: true }));
    const installed = await exec('npm', ['install', '--offline', '--no-audit', '--no-fund', join(out, info!.filename)], { cwd: appDir, env: NPM_ENV });
    expect(installed.stderr).not.toMatch(/warn/i);
    // Nothing but the command itself: its libraries are in the bundle.
    expect(readdirSync(join(appDir, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual(['mo-scaler']);
    const pkg = join(appDir, 'node_modules/mo-scaler');
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest).toMatchObject({ name: 'mo-scaler', license: 'Apache-2.0', bin: { moscaler: 'bin/moscaler.js' } });
    expect(readFileSync(join(pkg, 'LICENSE'), 'utf8')).toMatch(/^\s+Apache License\s+Version 2\.0, January 2004/);

    const env = { PATH: process.env.PATH ?? '', HOME: appDir, npm_config_update_notifier: 'false' };
    const version = await exec('npx', ['--no-install', 'moscaler', '--version'], { cwd: appDir, env });
    expect(version.stdout).toBe(`${JSON.parse(manifestBefore).version}\n`);
    const scenario = join(pkg, 'scenarios/small-quiet.json');
    const status = await exec('npx', ['--no-install', 'moscaler', '--sim', scenario, 'status'], { cwd: appDir, env });
    expect(status.stdout).toMatch(/^Cluster: sim-small\nProvider: OpsWorks\nOpencast: up/);
  }, 180_000);
});

describe('the third-party notices', () => {
  // dist/ is built by the test run's global setup (scripts/build.ts).
  const notices = readFileSync(join(ROOT, 'dist/THIRD_PARTY_NOTICES.txt'), 'utf8');

  it('lists the packages whose code is in the bundle, and not the build tools', () => {
    const names = new Set(notices.split('\n').map((l) => /^(@?[^@\s]+)@\d\S*  /.exec(l)?.[1]).filter(Boolean));
    for (const name of ['elkjs', 'xstate', 'zod', 'commander', 'aws-local-stepfunctions', '@aws-sdk/client-sfn', '@smithy/smithy-client']) expect(names).toContain(name);
    for (const name of ['typescript', 'vitest', 'aws-cdk-lib', 'esbuild', 'playwright-core', 'tsx']) expect(names).not.toContain(name);
    // The simulator's IAM evaluator is AGPL-3.0: loaded at run time in development only (wiring/sim-iam.ts), never bundled.
    expect(names).not.toContain('@cloud-copilot/iam-simulate');
    expect(notices).not.toMatch(/AFFERO/i);
  });

  it('carries each licence text, the AWS SDK notice, and elkjs\'s licence and source', () => {
    expect(notices).toMatch(/^elkjs@\S+  EPL-2\.0 OR GPL-3\.0-or-later/m);
    expect(notices).toContain('Eclipse Public License - v 2.0');
    expect(notices).toContain('https://github.com/kieler/elkjs');
    expect(notices).toMatch(/NOTICE: AWS SDK for JavaScript\n=+\n\n.*\nCopyright .*Amazon\.com, Inc\. or its affiliates/);
    expect(notices).toContain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION');
    expect(notices).toMatch(/^--- .*zod@\S+ \(LICENSE\)[\s\S]*?MIT License/m);
  });
});
