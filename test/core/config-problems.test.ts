/**
 * Config and scenario errors point at the fix: the document, then the field's
 * path, then the problem; a misspelled key with the key it probably meant; a JSON
 * syntax error with its line and column.
 */
import { describe, expect, it } from 'vitest';
import { parseAutoscaleConfig } from '../../core/autoscale-config';
import { closest, editDistance } from '../../core/did-you-mean';
import { ConfigError } from '../../core/errors';
import { jsonSyntaxError, parseJsonText } from '../../core/json-text';
import { parseScenario } from '../../sim/model/scenario';

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('editDistance and closest', () => {
  it.each([
    ['up_treshold', 'up_threshold', 1],
    ['pause_cylces', 'pause_cycles', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['same', 'same', 0],
  ])('counts %s → %s as %d edits', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('suggests a close name and nothing for a far one', () => {
    expect(closest('up_treshold', ['down_threshold', 'up_threshold', 'name'])).toBe('up_threshold');
    expect(closest('Workers', ['workers', 'others'])).toBe('workers');
    expect(closest('colour', ['cluster', 'billing'])).toBeUndefined();
  });
});

describe('config errors', () => {
  it('names the file, then the path of the misspelled key, then the key it meant', () => {
    const text = JSON.stringify({ strategies: [{ method: 'queued_jobs', name: 'q', settings: { up_treshold: 5, down_threshold: 1 } }] });
    const message = messageOf(() => parseAutoscaleConfig(JSON.parse(text), '--config file /tmp/typo-key.json'));
    // The "up_threshold missing" it causes is the same problem: not repeated.
    expect(message).toBe('--config file /tmp/typo-key.json: strategies[0].settings.up_treshold: unknown key; did you mean up_threshold?');
  });

  it('suggests an optional key too, and says when it knows no close one', () => {
    const cloudwatch = { method: 'cloudwatch', name: 'c', settings: { metric: 'm', namespace: 'n', up_threshold: 1, sample_cuont: 3 } };
    expect(messageOf(() => parseAutoscaleConfig({ strategies: [cloudwatch] }, 'AUTOSCALE_CONFIG'))).toBe(
      'AUTOSCALE_CONFIG: strategies[0].settings.sample_cuont: unknown key; did you mean sample_count?',
    );
    expect(messageOf(() => parseAutoscaleConfig({ strategies: [], colour: 'red' }, '--config'))).toMatch(
      /^--config: colour: unknown key \(remove it, or check its spelling\) \(also strategies: needs at least one strategy/,
    );
  });

  it('says a required key is missing in words', () => {
    const config = { strategies: [{ method: 'queued_jobs', name: 'q', settings: { up_threshold: 5 } }] };
    expect(messageOf(() => parseAutoscaleConfig(config, '--config'))).toBe('--config: strategies[0].settings.down_threshold: required, missing (a number)');
  });

  it('suggests the key a scenario meant', () => {
    const scenario = { cluster: 'c', start: '2025-10-13T10:00:00Z', others: [{ hostname: 'admin1', layer: 'admin' }], wrokers: [] };
    expect(messageOf(() => parseScenario(scenario, 'scenario s.json'))).toBe('scenario s.json: wrokers: unknown key; did you mean workers?');
  });
});

describe('JSON syntax errors', () => {
  it.each([
    ['{\n  "a": 1,\n  "b" 2\n}', 3, 7, "expected ':' after the property name, found '2'"],
    ['{\n  "a": 1,\n}', 3, 1, "a comma before '}' (JSON allows none after the last property)"],
    ["{'a': 1}", 1, 2, "expected a double-quoted property name, found '''"],
    ['{"a": nope}', 1, 7, "expected a value, found 'n'"],
    ['[1, 2,]', 1, 7, "a comma before ']' (JSON allows none after the last element)"],
    ['{"a": "two\nlines"}', 1, 11, 'a string runs past the end of its line (missing closing quote?)'],
    ['{"a": 1', 1, 8, "expected ',' or '}' after a property value, found the end of the text"],
    ['{"a": 1} x', 1, 10, "unexpected text after the JSON value: 'x'"],
    ['<html><body>', 1, 1, "expected a value, found '<'"],
  ])('places the error in %j at line %d, column %d', (text, line, column, problem) => {
    expect(messageOf(() => parseJsonText(text, 'f.json'))).toBe(`f.json: not valid JSON at line ${line}, column ${column}: ${problem}`);
  });

  it('finds nothing wrong in JSON that JSON.parse accepts', () => {
    for (const text of ['{}', '[]', '0', '-1.5e+3', '"\\u00e9\\n"', '{"a":[true,false,null,{"b":"c"}]}', ' \n{ "a" : 1 }\n']) {
      expect(jsonSyntaxError(text), text).toBeUndefined();
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });
});
