/**
 * A document's validation problems (zod issues) as one message a person can act
 * on: the document, then the field's path, then the problem and its fix. A
 * misspelled key comes first with the key it probably meant (`up_treshold` →
 * `up_threshold`), and the "required key missing" it causes is not repeated.
 */
import type { z } from 'zod';
import { closest } from './did-you-mean';
import { DocumentFieldError } from './errors';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** `strategies[0].settings.up_threshold`. */
export function pathText(path: Path): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out;
}

/** Every property name any object in the schema declares (candidates for "did you mean"). */
function schemaKeys(schema: z.ZodType): Set<string> {
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return;
    for (const [name, value] of Object.entries(def)) {
      if (name === 'shape' && value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          keys.add(key);
          visit(child);
        }
      } else if (Array.isArray(value)) value.forEach(visit);
      else visit(value);
    }
  };
  visit(schema);
  return keys;
}

interface Problem {
  path: Path;
  text: string;
}

const MISSING = /^Invalid input: expected (\w+), received undefined$/;

function problemsOf(issues: readonly Issue[], schema: z.ZodType): Problem[] {
  const known = schemaKeys(schema);
  const explained = new Set<string>();
  const typos: Problem[] = [];
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    // Keys this object lacks are the likeliest meaning of the unknown ones, then any key the schema knows.
    const missing = issues.filter((i) => MISSING.test(i.message) && i.path.length === issue.path.length + 1 && issue.path.every((p, k) => i.path[k] === p)).map((i) => String(i.path.at(-1)));
    for (const key of issue.keys) {
      const meant = closest(key, missing) ?? closest(key, known);
      if (meant && missing.includes(meant)) explained.add(pathText([...issue.path, meant]));
      typos.push({ path: [...issue.path, key], text: meant ? `unknown key; did you mean ${meant}?` : 'unknown key (remove it, or check its spelling)' });
    }
  }
  const others = issues
    .filter((i) => i.code !== 'unrecognized_keys' && !explained.has(pathText(i.path)))
    .map((i) => {
      const missing = MISSING.exec(i.message);
      return { path: i.path, text: missing ? `required, missing (a ${missing[1]})` : i.message };
    });
  return [...typos, ...others];
}

/**
 * The error for a document that failed its schema. `field` is `where.path` with
 * dots (e.g. `AUTOSCALE_CONFIG.strategies.0.settings.up_threshold`) unless
 * `fieldOf` says otherwise.
 */
export function documentError(
  where: string,
  issues: readonly Issue[],
  schema: z.ZodType,
  fieldOf: (path: Path) => string = (path) => (path.length ? `${where}.${path.map(String).join('.')}` : where),
): DocumentFieldError {
  const [first, ...rest] = problemsOf(issues, schema);
  if (!first) return new DocumentFieldError(where, where, '', 'invalid');
  const shown = rest.slice(0, 3).map((p) => `${pathText(p.path) || '(top level)'}: ${p.text}`);
  const more = rest.length > shown.length ? `; and ${rest.length - shown.length} more` : '';
  const also = shown.length ? ` (also ${shown.join('; ')}${more})` : '';
  return new DocumentFieldError(where, fieldOf(first.path), pathText(first.path), `${first.text}${also}`);
}

/** Why a file could not be read, from its error code, for a person. */
export function unreadableText(code: unknown): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (the file is not readable by this user)';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return `cannot be read${typeof code === 'string' ? ` (${code})` : ''}`;
  }
}
