/** Where the resume token of the current chat is kept (one tab, one site). */
export interface TokenStore {
  /** The stored token, or null. */
  get(): string | null;
  /** Stores the token. */
  set(token: string): void;
  /** Forgets the token. */
  clear(): void;
}

/**
 * A `TokenStore` on `sessionStorage` (gone with the tab; never localStorage or cookies).
 * Storage that throws (disabled, private mode, quota) degrades to "no token", never an error.
 */
export function sessionTokenStore(site: string, storage?: Storage): TokenStore {
  const key = `conduit:${site}`;
  const area = (): Storage | null => {
    try {
      return storage ?? globalThis.sessionStorage ?? null;
    } catch {
      return null;
    }
  };
  return {
    get() {
      try {
        return area()?.getItem(key) ?? null;
      } catch {
        return null;
      }
    },
    set(token) {
      try {
        area()?.setItem(key, token);
      } catch {
        // Storage refused: the chat still works, it just cannot survive a reload.
      }
    },
    clear() {
      try {
        area()?.removeItem(key);
      } catch {
        // Nothing stored, nothing to clear.
      }
    },
  };
}

/** A `TokenStore` that keeps the token in memory only (the `persist: false` option). */
export function memoryTokenStore(): TokenStore {
  let token: string | null = null;
  return {
    get: () => token,
    set: (value) => {
      token = value;
    },
    clear: () => {
      token = null;
    },
  };
}
