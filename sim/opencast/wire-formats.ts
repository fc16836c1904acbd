/**
 * How Opencast renders its answers (reference/opencast-api.md §2): Jettison
 * JSON for JAXB endpoints, Gson for admin-ng and /info, text/plain counts,
 * JAXB XML, and Jetty's HTML error pages.
 */
import type { WireResponse } from '../wire/types';
import { atLeast, type OpencastVersion } from './version';

/** JAXB list under Jettison: empty → "", one → the bare item, more → array. */
export function jettisonList<T>(items: readonly T[]): '' | T | T[] {
  if (items.length === 0) return '';
  if (items.length === 1) return items[0]!;
  return [...items];
}

/**
 * An XML-attribute-backed value: Jettison ≤1.3 (Opencast ≤7.x) left attribute
 * text untyped, so numbers and booleans arrive as strings; 8.0+ types them.
 */
export function attr(version: OpencastVersion, value: string | number | boolean): string | number | boolean {
  return atLeast(version, 8) ? value : String(value);
}

/** Jettison escapes `/` as `\/`; JSON.stringify never emits a bare `/` outside strings. */
export function jettisonText(value: unknown): string {
  return JSON.stringify(value).replace(/\//g, '\\/');
}

export function jettison(status: number, value: unknown): WireResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: jettisonText(value) };
}

/**
 * `jettison(status, {root: {item: jettisonList(items)}})`, or `{root: ""}` when
 * empty (§2), from items already rendered by `jettisonText`: the same text,
 * assembled without serialising each item again.
 */
export function jettisonWrappedList(status: number, root: string, item: string, fragments: readonly string[]): WireResponse {
  const list = fragments.length === 1 ? fragments[0]! : `[${fragments.join(',')}]`;
  const inner = fragments.length === 0 ? '""' : `{${jettisonText(item)}:${list}}`;
  return { status, headers: { 'content-type': 'application/json' }, body: `{${jettisonText(root)}:${inner}}` };
}

/** Gson (admin-ng, /info/me.json): plain JSON, nulls omitted by Gson's default. */
export function gson(status: number, value: unknown): WireResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

export function plain(status: number, text: string): WireResponse {
  return { status, headers: { 'content-type': 'text/plain' }, body: text };
}

export function xml(status: number, text: string): WireResponse {
  return { status, headers: { 'content-type': 'text/xml' }, body: text };
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  500: 'Server Error',
  502: 'Bad Gateway',
};

/** Jetty's error page, which Opencast sends for 4xx/5xx raised outside an endpoint. */
export function jettyError(status: number, path: string, headers: Record<string, string> = {}): WireResponse {
  const reason = REASONS[status] ?? 'Error';
  const body =
    `<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>\n` +
    `<title>Error ${status} ${reason}</title>\n</head>\n<body><h2>HTTP ERROR ${status}</h2>\n` +
    `<p>Problem accessing ${escapeXml(path)}. Reason:\n<pre>    ${reason}</pre></p>\n</body>\n</html>\n`;
  return { status, headers: { 'content-type': 'text/html;charset=utf-8', ...headers }, body };
}
