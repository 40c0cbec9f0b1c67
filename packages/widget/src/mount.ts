/** The widget's element in the page. */
export interface Mounted {
  /** `<conduit-chat>`, the only node the widget adds to the page. */
  readonly host: HTMLElement;
  /** Its open shadow root. */
  readonly root: ShadowRoot;
  /** The element Preact renders into (inside the shadow root). */
  readonly container: HTMLElement;
  /** Replaces the fixed rules (the script-tag app swaps the launcher's rules for all of them). */
  setCss(css: string): void;
  /** Replaces the dynamic rules (theme colour, viewport height). */
  setTheme(css: string): void;
  /** Removes the element (the caller unrenders first). */
  unmount(): void;
}

/**
 * Adds `<conduit-chat>` with an open shadow root at the end of `parent` and adopts `css` as a
 * constructable stylesheet (a `<style>` element only where `adoptedStyleSheets` is missing):
 * no `style` attribute anywhere, so a strict `style-src` CSP holds (SECURITY.md B20).
 */
export function mount(parent: HTMLElement, css: string): Mounted {
  const doc = parent.ownerDocument;
  const host = doc.createElement('conduit-chat');
  const root = host.attachShadow({ mode: 'open' });
  const container = doc.createElement('div');
  // Two sheets: the fixed rules, and the theme (replaced whenever it changes).
  const adopt = 'adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype;
  const sheet = () => (adopt ? new CSSStyleSheet() : doc.createElement('style'));
  const base = sheet();
  const theme = sheet();
  const setTheme = (rules: string, sheet = theme) => {
    if ('replaceSync' in sheet) sheet.replaceSync(rules);
    else sheet.textContent = rules;
  };
  setTheme(css, base);
  if (adopt) root.adoptedStyleSheets = [base, theme] as CSSStyleSheet[];
  else root.append(base as HTMLStyleElement, theme as HTMLStyleElement);
  root.append(container);
  parent.append(host);
  return {
    host,
    root,
    container,
    setCss: (rules) => setTheme(rules, base),
    setTheme,
    unmount: () => host.remove(),
  };
}
