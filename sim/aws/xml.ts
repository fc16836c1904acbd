/** Just enough XML writing for EC2's query-protocol answers. */

/** Most values (ids, DNS names, states) have nothing to escape: one scan, no copies. */
const NEEDS_ESCAPE = /[&<>"']/;

function escapeXml(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** An element whose content is already XML. */
export function el(name: string, ...children: string[]): string {
  const content = children.length === 1 ? children[0]! : children.join('');
  return `<${name}>${content}</${name}>`;
}

/** An element holding escaped text; omitted when the value is undefined. */
export function text(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  return `<${name}>${typeof value === 'string' ? escapeXml(value) : String(value)}</${name}>`;
}

/** EC2's list form: `<name><item>..</item>...</name>`. */
export function items(name: string, list: readonly string[]): string {
  if (list.length === 0) return `<${name}/>`;
  let content = '';
  for (const item of list) content += `<item>${item}</item>`;
  return `<${name}>${content}</${name}>`;
}

export function xmlDocument(root: string, attributes: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${attributes}>${body}</${root}>`;
}
