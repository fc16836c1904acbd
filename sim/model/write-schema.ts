/**
 * Regenerates scenarios/scenario.schema.json from the zod schema:
 * `npx tsx sim/model/write-schema.ts`. A test fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchemaText } from './scenario';

const target = fileURLToPath(new URL('../../scenarios/scenario.schema.json', import.meta.url));
writeFileSync(target, scenarioJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
