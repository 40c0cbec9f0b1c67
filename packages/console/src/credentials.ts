const STORAGE_KEY = 'conduit.console.signin';

/** What the operator typed at sign-in. */
export interface Credentials {
  site: string;
  key: string;
}

/**
 * Keeps the site id and key in `sessionStorage` only: gone with the tab, never in
 * local storage, a browser cookie jar or the URL. Storage may be unavailable (privacy modes): then the
 * operator simply signs in again after a reload.
 */
export function saveCredentials(storage: Storage, c: Credentials): void {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify({ site: c.site, key: c.key }));
  } catch {
    // Storage full or blocked: nothing is kept.
  }
}

/** The credentials kept in this tab, if any (anything malformed counts as none). */
export function loadCredentials(storage: Storage): Credentials | null {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<Credentials> | null;
    if (typeof v?.site !== 'string' || typeof v.key !== 'string' || !v.site || !v.key) return null;
    return { site: v.site, key: v.key };
  } catch {
    return null;
  }
}

/** Forgets the credentials (logout, refused key). */
export function forgetCredentials(storage: Storage): void {
  try {
    storage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing to forget when storage is blocked.
  }
}
