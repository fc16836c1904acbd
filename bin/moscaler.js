#!/usr/bin/env node
// The command runs the JavaScript that `npm run build` bundles into dist/ (`npm ci` builds it too).
import { spawn } from 'node:child_process';

const SEMI_SPACE = '--max-semi-space-size=64';
const argv = process.argv.slice(2);

// A 64 MB young generation (V8's default is 16): the simulator and the SDK allocate short-lived objects fast,
// and fewer scavenges make a simulated week ~5% faster (`npm run bench:speed`). Any V8 heap flag also costs
// every start ~13 ms (`npm run bench:startup`), so only the long simulations run node again with it.
const simulates = argv.includes('demo') || argv.some((a, i) => a === 'sim' && argv[i + 1] === 'run');
if (simulates && !process.execArgv.includes(SEMI_SPACE)) {
  const child = spawn(process.execPath, [...process.execArgv, SEMI_SPACE, ...process.argv.slice(1)], { stdio: 'inherit' });
  // Ctrl-C reaches the child too (same process group): it decides how to stop, this process waits for it.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + ({ SIGINT: 2, SIGTERM: 15 }[signal] ?? 1) : 1);
  });
} else {
  // The SDK warns on every run that Node 20 support ends in 2027; the Lambda functions run on Node 24.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // `moscaler ... | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const built = new URL('../dist/main.js', import.meta.url);
  let main;
  try {
    ({ main } = await import(built.href));
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(built.pathname)) throw error;
    process.stderr.write('moscaler is not built yet: run `npm run build` in its folder (`npm ci` builds it too)\n');
    process.exit(2);
  }
  process.exitCode = await main(argv, process.env);
}
