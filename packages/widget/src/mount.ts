/** The widget's element in the page. */
export interface Mounted {
  /** `<conduit-chat>`, the only node the widget adds to the page. */
  readonly host: HTMLElement;
  /** Its open shadow root. */
  readonly root: ShadowRoot;
  /** The element Preact renders into (inside the shadow root). */
  readonly container: HTMLElement;
  /** Replaces the dynamic rules (theme colour, viewport height). */
  setTheme(css: string): void;
  /** Removes the element (the caller unrenders first). */
  unmount(): void;
}

/**
 * Adds `<conduit-chat>` with an open shadow root at the end of `parent` and adopts `css` as a
 * constructable stylesheet (a `<style>` element only where `adoptedStyleSheets` is missing):
 * no `style` attribute anywhere, so a strict `style-src` CSP holds (CHECKLIST B20).
 */
export function mount(parent: HTMLElement, css: string): Mounted {
  const doc = parent.ownerDocument;
  const host = doc.createElement('conduit-chat');
  const root = host.attachShadow({ mode: 'open' });
  let setTheme: (css: string) => void;
  const win = doc.defaultView as (Window & typeof globalThis) | null;
  if (win && 'adoptedStyleSheets' in root && 'replaceSync' in win.CSSStyleSheet.prototype) {
    const base = new win.CSSStyleSheet();
    const theme = new win.CSSStyleSheet();
    base.replaceSync(css);
    root.adoptedStyleSheets = [base, theme];
    setTheme = (rules) => theme.replaceSync(rules);
  } else {
    const base = doc.createElement('style');
    const theme = doc.createElement('style');
    base.textContent = css;
    root.append(base, theme);
    setTheme = (rules) => {
      theme.textContent = rules;
    };
  }
  const container = doc.createElement('div');
  root.append(container);
  parent.append(host);
  return { host, root, container, setTheme, unmount: () => host.remove() };
}
