// The one HTML escaper of the mail package: every value that reaches an HTML body goes through
// it, so a visitor's `<img onerror>` or `</style>` is shown as text (SECURITY.md B4/B5).
const HTML_SPECIAL = /[&<>"']/g;
const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes `& < > " '` so the value is inert as HTML text and inside a quoted attribute.
 * @example escapeHtml('<b>"hi"</b>') // '&lt;b&gt;&quot;hi&quot;&lt;/b&gt;'
 */
export function escapeHtml(value: string): string {
  return value.replace(HTML_SPECIAL, (char) => ENTITY[char] ?? char);
}
