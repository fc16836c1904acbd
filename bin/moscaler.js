#!/usr/bin/env node
// The command ships as TypeScript; tsx compiles it on load so `npx moscaler` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2), process.env);
