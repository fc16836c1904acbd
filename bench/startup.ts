/**
 * `npm run bench:startup` (`npx tsx bench/startup.ts [--runs 15] [--no-build] [--no-tsx]`):
 * how long the built command takes to start, side by side with a bare
 * `node -e 0` in the same run, so the ratios hold on a loaded machine.
 *
 * Each round runs every command once, in turn (interleaved, so a burst of load
 * from elsewhere hits them alike); the table gives the median wall time, the
 * mean CPU time (user + system, from the kernel's count of waited-for children
 * in /proc/self/stat, Linux only) and each as a multiple of `node -e 0`'s.
 * Targets (issue 16): `--version` and `--help` within 3× `node -e 0`;
 * `--sim scenarios/small-quiet.json status` under 1.5 s. A last row runs the
 * command from its TypeScript sources through tsx, as the bin did before it was
 * built, for comparison.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCli } from '../scripts/build';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/moscaler.js');
const SCENARIO = 'scenarios/small-quiet.json';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    'no-build': { type: 'boolean', default: false },
    'no-tsx': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new RangeError(`--runs must be a whole number 1-1000 (got ${values.runs})`);

interface Subject {
  label: string;
  /** The executable: node, or the bin itself (run through its shebang, with its node flags, as a user runs it). */
  file: string;
  args: string[];
  /** Fewer rounds for the slow ones. */
  every?: number;
  target?: { ratio?: number; ms?: number };
}

const state = mkdtempSync(join(tmpdir(), 'moscaler-startup-'));
const subjects: Subject[] = [
  { label: 'node -e 0', file: process.execPath, args: ['-e', '0'] },
  { label: 'moscaler --version', file: BIN, args: ['--version'], target: { ratio: 3 } },
  { label: 'moscaler --help', file: BIN, args: ['--help'], target: { ratio: 3 } },
  { label: 'moscaler scale up two (usage error)', file: BIN, args: ['scale', 'up', 'two'] },
  { label: `moscaler --sim ${SCENARIO} status`, file: BIN, args: ['--state-dir', state, '--sim', SCENARIO, 'status'], every: 3, target: { ms: 1500 } },
  ...(values['no-tsx']
    ? []
    : [
        {
          label: 'from sources via tsx: --version (before the build)',
          file: process.execPath,
          args: ['--import', 'tsx', '-e', "const { main } = await import('./cli/main.ts'); process.exitCode = await main(['--version'], process.env);"],
          every: 5,
        },
      ]),
];

/** Children's user + system CPU in ms so far (Linux: /proc/self/stat fields cutime and cstime). */
function childrenCpuMs(ticksPerSecond: number): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: field 3 is index 0, so cutime (16) and cstime (17) are at 13 and 14.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

function ticks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

if (!values['no-build']) await buildCli();
const hz = ticks();
// The bin's shebang finds node on PATH: this node first.
const env = { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: state, MOSCALER_ENV_FILE: join(state, 'none.env') };
const wall = new Map<string, number[]>(subjects.map((s) => [s.label, []]));
const cpu = new Map<string, number[]>(subjects.map((s) => [s.label, []]));
const loadBefore = loadavg()[0]!;
for (let round = 0; round < runs; round++) {
  for (const subject of subjects) {
    if (subject.every && round % subject.every !== 0) continue;
    const cpuBefore = childrenCpuMs(hz);
    const began = performance.now();
    const result = spawnSync(subject.file, subject.args, { cwd: ROOT, env, encoding: 'utf8' });
    const ms = performance.now() - began;
    const cpuAfter = childrenCpuMs(hz);
    if (result.status !== (subject.label.includes('usage error') ? 2 : 0)) {
      throw new Error(`${subject.label} exited ${result.status}: ${result.stderr.slice(0, 500)}`);
    }
    wall.get(subject.label)!.push(ms);
    if (cpuBefore !== undefined && cpuAfter !== undefined) cpu.get(subject.label)!.push(cpuAfter - cpuBefore);
  }
}

const baseWall = median(wall.get('node -e 0')!);
const cpuKnown = cpu.get('node -e 0')!.length > 0;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const baseCpu = cpuKnown ? mean(cpu.get('node -e 0')!) : 0;
const rows = subjects.map((s) => {
  const w = median(wall.get(s.label)!);
  const c = cpuKnown ? mean(cpu.get(s.label)!) : undefined;
  const ratioWall = w / baseWall;
  const ratioCpu = c !== undefined && baseCpu > 0 ? c / baseCpu : undefined;
  let verdict = '';
  if (s.target?.ratio) verdict = `≤ ${s.target.ratio}× node: ${ratioWall <= s.target.ratio && (ratioCpu ?? 0) <= s.target.ratio ? 'met' : 'MISSED'}`;
  if (s.target?.ms) verdict = `< ${s.target.ms} ms: ${w < s.target.ms ? 'met' : 'MISSED'}`;
  return [s.label, String(wall.get(s.label)!.length), w.toFixed(0), ratioWall.toFixed(1), c === undefined ? '-' : c.toFixed(0), ratioCpu === undefined ? '-' : ratioCpu.toFixed(1), verdict];
});
const headers = ['command', 'runs', 'wall ms (median)', '× node', 'cpu ms (mean)', '× node', 'target'];
const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
process.stdout.write(`startup of the built command (Node ${process.version}, load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}; interleaved rounds)\n`);
process.stdout.write(`${line(headers)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
