/** The Trusted Types policy name the widget uses (a page's `trusted-types` directive lists it). */
export const TRUSTED_TYPES_POLICY = 'conduit';

// The only URLs the policy turns into script URLs: the widget's own app and language files.
const WIDGET_FILE = /\/widget\/(app|locales\/[\w-]+)\.js$/;

interface TrustedTypes {
  createPolicy(
    name: string,
    rules: { createScriptURL(url: string): string },
  ): { createScriptURL(url: string): unknown };
}

let policy: ReturnType<TrustedTypes['createPolicy']> | null | undefined;

/**
 * `src` as a script URL a page with Trusted Types enforced (`require-trusted-types-for
 * 'script'`) accepts: made by the widget's one policy, which passes its own files only.
 * Where the browser has no Trusted Types, or the page's `trusted-types` list leaves the
 * policy out, the plain string (the browser then decides).
 */
function scriptUrl(doc: Document, src: string): string {
  const tt = (doc.defaultView as { trustedTypes?: TrustedTypes } | null)?.trustedTypes;
  if (policy === undefined && tt) {
    try {
      policy = tt.createPolicy(TRUSTED_TYPES_POLICY, {
        createScriptURL(url) {
          if (WIDGET_FILE.test(new URL(url).pathname)) return url;
          throw new TypeError('not a widget file');
        },
      });
    } catch {
      policy = null;
    }
  }
  return (policy?.createScriptURL(src) ?? src) as string;
}

/**
 * Runs one classic script the script-tag widget needs later (a language file, the app file):
 * inserts `<script src async>` into `<head>` with the widget script's `nonce` (so a strict
 * nonce CSP allows it), and removes it again once loaded or failed. `done(true)` after the
 * file ran, `done(false)` when it did not load (404, CSP, offline). Returns a function that
 * removes the element early (and drops `done`).
 */
export function insertScript(
  doc: Document,
  src: string,
  nonce: string,
  done?: (loaded: boolean) => void,
): () => void {
  const script = doc.createElement('script');
  script.async = true;
  if (nonce) script.nonce = nonce;
  const end = (loaded: boolean) => {
    script.remove();
    done?.(loaded);
  };
  script.onload = () => end(true);
  script.onerror = () => end(false);
  script.src = scriptUrl(doc, src);
  (doc.head ?? doc.documentElement).append(script);
  return () => {
    script.onload = script.onerror = null;
    script.remove();
  };
}
