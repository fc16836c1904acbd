/** Just enough XML writing for EC2's query-protocol answers. */

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** An element whose content is already XML. */
export function el(name: string, ...children: string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}

/** An element holding escaped text; omitted when the value is undefined. */
export function text(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** EC2's list form: `<name><item>..</item>...</name>`. */
export function items(name: string, list: readonly string[]): string {
  return list.length === 0 ? `<${name}/>` : el(name, ...list.map((item) => el('item', item)));
}

export function xmlDocument(root: string, attributes: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${attributes}>${body}</${root}>`;
}
