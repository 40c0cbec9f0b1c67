/** Where the resume token of the current chat is kept (one tab, one site). */
export interface TokenStore {
  /** The stored token, or null. */
  get(): string | null;
  /** Stores the token, or forgets it (and the open flag) with null. */
  set(token: string | null): void;
  /** Keeps the "panel open" flag while a token is kept; clears it otherwise. */
  markOpen(open: boolean): void;
  /** True when the previous page of this tab's chat left the panel open. */
  wasOpen(): boolean;
}

/**
 * A `TokenStore` on `sessionStorage` (gone with the tab; never localStorage or cookies), or
 * in memory only when `persist` is false. Storage that throws (disabled, private mode,
 * quota) degrades to memory: the chat works, it just cannot survive a reload. Next to the
 * token, a one-byte flag (`conduit:<site>:o` = `1`) says the panel was open, so the next
 * page of the same chat opens it again.
 */
export function tokenStore(site: string, persist = true): TokenStore {
  const key = `conduit:${site}`;
  const openKey = `${key}:o`;
  let token: string | null = null;
  // What the flag in storage is known to be (undefined: not written by this page yet).
  let flag: boolean | undefined;
  const storage = (use: (area: Storage) => void) => {
    try {
      if (persist) use(sessionStorage);
    } catch {
      // Kept in memory.
    }
  };
  const store: TokenStore = {
    get() {
      storage((area) => {
        token = area.getItem(key) ?? token;
      });
      return token;
    },
    set(value) {
      token = value;
      storage((area) => (value ? area.setItem(key, value) : area.removeItem(key)));
      if (!value) store.markOpen(false);
    },
    markOpen(open) {
      const on = open && !!token;
      if (on === flag) return;
      flag = on;
      storage((area) => (on ? area.setItem(openKey, '1') : area.removeItem(openKey)));
    },
    wasOpen() {
      let open = false;
      storage((area) => {
        open = area.getItem(openKey) === '1';
      });
      return open;
    },
  };
  return store;
}
