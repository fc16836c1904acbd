/**
 * Every workflow the project ships (infra/workflows) and every fixture the
 * engine tests run must stay within what both engines run identically. The
 * fixtures keep this test meaningful before infra/workflows has any file.
 */
import { describe, expect, it } from 'vitest';
import { formatFindings, lintDefinition, lintFile } from '../../engine/asl-lint';
import { workflowFiles } from '../../engine/definition';
import { FIXTURE_WORKFLOW_DIR } from '../fixtures/engine-handlers';

const INFRA_DIR = new URL('../../infra/workflows/', import.meta.url).pathname;
const files = [...Object.values(workflowFiles(INFRA_DIR)), ...Object.values(workflowFiles(FIXTURE_WORKFLOW_DIR))];

describe('ASL workflows', () => {
  it('finds the fixtures at least', () => {
    expect(files.length).toBeGreaterThanOrEqual(Object.keys(workflowFiles(FIXTURE_WORKFLOW_DIR)).length);
    expect(files.length).toBeGreaterThan(0);
  });

  it('would catch a violation (the lint is not vacuous)', () => {
    const bad = { StartAt: 'T', States: { T: { Type: 'Task', Resource: '${ObserveFunctionArn}', End: true, Assign: { x: 1 } } } };

    expect(lintDefinition(bad).map((f) => f.rule)).toEqual(expect.arrayContaining(['task-timeout', 'no-assign']));
  });

  it.each(files)('%s is JSONPath-only, timed and valid for the library', (file) => {
    const findings = lintFile(file);

    expect(findings, formatFindings(findings)).toEqual([]);
  });
});
