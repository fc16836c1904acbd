/**
 * JSON text from a person (a config file, a scenario, a flag): parsed with
 * `JSON.parse`, and when that fails, where. V8's messages give a position for
 * some errors and none for the most common one ("Unexpected token"), so a small
 * scanner of the JSON grammar (https://www.rfc-editor.org/rfc/rfc8259) finds the
 * first error's line and column itself.
 */
import { ConfigError } from './errors';

/** Parses JSON text, naming `where`, the line and the column when it is not JSON. */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const found = jsonSyntaxError(text) ?? { offset: text.length, problem: (error as Error).message };
    const { line, column } = lineAndColumn(text, found.offset);
    throw new ConfigError(where, `not valid JSON at line ${line}, column ${column}: ${found.problem}`, { cause: error });
  }
}

/** 1-based line and column (in characters) of an offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

class SyntaxAt {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {}
}

/** The first syntax error of `text` (offset and what was expected), or undefined when it is JSON. */
export function jsonSyntaxError(text: string): { offset: number; problem: string } | undefined {
  let i = 0;
  const fail = (problem: string): never => {
    throw new SyntaxAt(i, problem);
  };
  const found = (): string => (i >= text.length ? 'the end of the text' : `'${text[i] === '\n' ? '\\n' : text[i]}'`);
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('a \\u escape needs four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`unknown escape '\\${e ?? ''}' in a string`);
        continue;
      }
      if (c < ' ') fail(c === '\n' ? 'a string runs past the end of its line (missing closing quote?)' : 'a control character in a string');
      i++;
    }
    fail('a string is not closed (missing ")');
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) fail('not a number');
      i = NUMBER.lastIndex;
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail(c === "'" ? "strings take double quotes, not '" : `expected a value, found ${found()}`);
  };
  const object = () => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail(text[i] === '}' ? "a comma before '}' (JSON allows none after the last property)" : `expected a double-quoted property name, found ${found()}`);
      string();
      ws();
      if (text[i] !== ':') fail(`expected ':' after the property name, found ${found()}`);
      i++;
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`expected ',' or '}' after a property value, found ${found()}`);
    }
  };
  const array = () => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail("a comma before ']' (JSON allows none after the last element)");
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`expected ',' or ']' after an element, found ${found()}`);
    }
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) fail('a byte-order mark before the JSON (save the file as UTF-8 without BOM)');
    value();
    ws();
    if (i < text.length) fail(`unexpected text after the JSON value: ${found()}`);
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxAt) return { offset: error.offset, problem: error.problem };
    throw error;
  }
}
