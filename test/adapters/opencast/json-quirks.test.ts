import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../core/errors';
import {
  asBoolean,
  asList,
  asNumber,
  asOptionalNumber,
  asText,
  parseIntegerBody,
  parseJsonBody,
  unwrapList,
} from '../../../adapters/opencast/json-quirks';

describe('unwrapList', () => {
  it('turns the three Jettison list shapes into arrays', () => {
    expect(unwrapList({ hosts: '' }, 'hosts', 'host')).toEqual([]);
    expect(unwrapList({ hosts: { host: { base_url: 'a' } } }, 'hosts', 'host')).toEqual([{ base_url: 'a' }]);
    expect(unwrapList({ hosts: { host: [{ base_url: 'a' }, { base_url: 'b' }] } }, 'hosts', 'host')).toHaveLength(2);
    expect(unwrapList({ hosts: {} }, 'hosts', 'host')).toEqual([]);
  });

  it('names the missing root or a wrong item in the ProtocolError', () => {
    expect(() => unwrapList({ jobs: '' }, 'hosts', 'host')).toThrow(/hosts: expected the root element/);
    expect(() => unwrapList({ hosts: { host: 'x' } }, 'hosts', 'host')).toThrow(ProtocolError);
    expect(() => unwrapList({ hosts: { host: 'x' } }, 'hosts', 'host')).toThrow(/hosts\.host: expected a list/);
  });
});

describe('scalar readers', () => {
  it('parse pre-8.0 attribute strings and typed values alike', () => {
    expect(asNumber('3', 'f')).toBe(3);
    expect(asNumber(2.5, 'f')).toBe(2.5);
    expect(asBoolean('true', 'f')).toBe(true);
    expect(asBoolean(false, 'f')).toBe(false);
    expect(asText(42, 'f')).toBe('42');
  });

  it('reject what is not there or not numeric, naming the field', () => {
    expect(() => asNumber('', 'jobs.job[0].jobLoad')).toThrow(/jobs\.job\[0\]\.jobLoad: expected a number, got string ""/);
    expect(() => asNumber('n/a', 'x')).toThrow(ProtocolError);
    expect(() => asBoolean('yes', 'hosts.host[1].online')).toThrow(/hosts\.host\[1\]\.online/);
    expect(() => asText(undefined, 'hosts.host[0].base_url')).toThrow(/base_url: expected text, got nothing/);
    expect(() => asList(7, 'roles')).toThrow(/roles/);
    expect(() => asText(undefined, 'jobs.job[2]', 'status')).toThrow(/jobs\.job\[2\]\.status: expected text, got nothing$/);
    expect(() => asOptionalNumber('lots', 'hosts.host[0]', 'max_load')).toThrow(/hosts\.host\[0\]\.max_load: expected a number/);
  });
});

describe('bodies', () => {
  it('reports an HTML page and a truncated body as ProtocolErrors', () => {
    expect(() => parseJsonBody('<html><body>Bad Gateway</body></html>', 'services/hosts.json')).toThrow(/services\/hosts\.json: expected JSON, got an HTML/);
    const truncated = () => parseJsonBody('{"hosts":{"host":[{"base_url":"http:\\/\\/a"', 'services/hosts.json');
    expect(truncated).toThrow(ProtocolError);
    expect(truncated).toThrow(/not valid JSON/);
  });

  it('reads a plain integer and rejects anything else', () => {
    expect(parseIntegerBody('12\n', 'count')).toBe(12);
    expect(() => parseIntegerBody('<html>', 'count')).toThrow(/count: expected a plain integer/);
    expect(() => parseIntegerBody('-1', 'count')).toThrow(ProtocolError);
  });
});
