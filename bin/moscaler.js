#!/usr/bin/env node
// The command ships as TypeScript; tsx compiles it on load so `npx moscaler` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// The SDK warns on every run that Node 20 support ends in 2027; the Lambda functions run on Node 24.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2), process.env);
