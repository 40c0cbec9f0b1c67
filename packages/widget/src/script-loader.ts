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
  script.src = src;
  (doc.head ?? doc.documentElement).append(script);
  return () => {
    script.onload = script.onerror = null;
    script.remove();
  };
}
