/** Where the resume token of the current chat is kept (one tab, one site). */
export interface TokenStore {
  /** The stored token, or null. */
  get(): string | null;
  /** Stores the token, or forgets it with null. */
  set(token: string | null): void;
}

/**
 * A `TokenStore` on `sessionStorage` (gone with the tab; never localStorage or cookies), or
 * in memory only when `persist` is false. Storage that throws (disabled, private mode,
 * quota) degrades to memory: the chat works, it just cannot survive a reload.
 */
export function tokenStore(site: string, persist = true): TokenStore {
  const key = `conduit:${site}`;
  let token: string | null = null;
  const storage = (use: (area: Storage) => void) => {
    try {
      if (persist) use(sessionStorage);
    } catch {
      // Kept in memory.
    }
  };
  return {
    get() {
      storage((area) => {
        token = area.getItem(key) ?? token;
      });
      return token;
    },
    set(value) {
      token = value;
      storage((area) => (value ? area.setItem(key, value) : area.removeItem(key)));
    },
  };
}
