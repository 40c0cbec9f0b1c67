// Test helper: what an HTML body would make a mail client build (excluded from the build).

const OWN_TAGS = new Set([
  'html',
  'head',
  'meta',
  'title',
  'body',
  'div',
  'h1',
  'h2',
  'p',
  'span',
  'strong',
  'bdi',
  'br',
  'ul',
  'li',
]);
const OWN_ATTRIBUTES = new Set(['style', 'charset', 'name', 'content', 'lang']);

/**
 * Every element and attribute name in `html` that the renderers do not write themselves:
 * empty when all visitor input stayed text.
 */
export function foreignMarkup(html: string): string[] {
  const foreign: string[] = [];
  for (const tag of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    const name = (tag[1] ?? '').toLowerCase();
    if (!OWN_TAGS.has(name)) foreign.push(`<${name}>`);
    for (const attribute of (tag[2] ?? '').matchAll(
      /([a-zA-Z-]+)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/g,
    )) {
      const attr = (attribute[1] ?? '').toLowerCase();
      if (!OWN_ATTRIBUTES.has(attr)) foreign.push(`${name}[${attr}]`);
    }
  }
  return foreign;
}
