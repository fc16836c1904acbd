import { describe, expect, it } from 'vitest';
import { lintDefinition, type LintRule } from '../../engine/asl-lint';
import type { JsonObject } from '../../engine/types';

const task = (extra: JsonObject = {}): JsonObject => ({ Type: 'Task', Resource: '${ObserveFunctionArn}', TimeoutSeconds: 30, End: true, ...extra });
const machine = (states: JsonObject, extra: JsonObject = {}): JsonObject => ({ StartAt: Object.keys(states)[0]!, States: states, ...extra });
const rules = (definition: JsonObject) => lintDefinition(definition, { validateWithLibrary: false }).map((f) => `${f.rule} ${f.path}`);

describe('lintDefinition', () => {
  it('accepts a JSONPath workflow that follows the conventions', () => {
    expect(lintDefinition(machine({ Observe: task() }))).toEqual([]);
  });

  const cases: Array<[string, JsonObject, `${LintRule} ${string}`]> = [
    ['JSONata query language', machine({ Observe: task() }, { QueryLanguage: 'JSONata' }), 'jsonpath-only QueryLanguage'],
    ['JSONata in a state', machine({ Observe: task({ QueryLanguage: 'JSONata' }) }), 'jsonpath-only States.Observe.QueryLanguage'],
    ['Assign', machine({ Observe: task({ Assign: { x: 1 } }) }), 'no-assign States.Observe.Assign'],
    ['$$.State', machine({ Observe: task({ Parameters: { 'entered.$': '$$.State.EnteredTime' } }) }), 'context-object States.Observe.Parameters.entered.$'],
    ['Task without TimeoutSeconds', machine({ Observe: task({ TimeoutSeconds: undefined as never }) }), 'task-timeout States.Observe.TimeoutSeconds'],
    ['Task timeout above the timer limit', machine({ Observe: task({ TimeoutSeconds: 2_147_484 }) }), 'timer-range States.Observe.TimeoutSeconds'],
    ['Wait above the timer limit', machine({ Wait: { Type: 'Wait', Seconds: 3_000_000, End: true } }), 'timer-range States.Wait.Seconds'],
    ['Wait with a bad Timestamp', machine({ Wait: { Type: 'Wait', Timestamp: 'tomorrow', End: true } }), 'timer-range States.Wait.Timestamp'],
    ['Wait with no duration', machine({ Wait: { Type: 'Wait', End: true } }), 'timer-range States.Wait'],
    [
      'retry backoff above the timer limit',
      machine({ Observe: task({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 3600, BackoffRate: 10, MaxAttempts: 5 }] }) }),
      'timer-range States.Observe.Retry[0]',
    ],
    ['.sync integration', machine({ Run: task({ Resource: 'arn:aws:states:::states:startExecution.sync:2' }) }), 'task-resource States.Run.Resource'],
    ['lambda:invoke without Payload', machine({ Observe: task({ Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'observe' } }) }), 'task-resource States.Observe.Parameters'],
    ['heartbeats', machine({ Observe: task({ HeartbeatSeconds: 10 }) }), 'unsupported-field States.Observe.HeartbeatSeconds'],
    ['unknown placeholder', machine({ Observe: task({ Resource: '${SomethingElse}' }) }), 'placeholder '],
    [
      'a Task name reused inside a Map',
      machine({
        Observe: task({ End: undefined as never, Next: 'Each' }),
        Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: machine({ Observe: task() }), End: true },
      }),
      'unique-task-names States.Each.ItemProcessor.States.Observe',
    ],
  ];

  it.each(cases)('flags %s', (_, definition, expected) => {
    expect(rules(JSON.parse(JSON.stringify(definition)) as JsonObject)).toContain(expected);
  });

  it("reports the library's own validation errors", () => {
    const findings = lintDefinition(machine({ Observe: task({ Next: 'Missing', End: undefined as never }) }));

    expect(findings.map((f) => f.rule)).toContain('library-validation');
  });
});
