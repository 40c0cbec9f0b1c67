/** A typed event emitter (in the spirit of mitt): `on` returns its own remover. */
export interface Emitter<E> {
  on<K extends keyof E>(event: K, fn: (payload: E[K]) => void): () => void;
  off<K extends keyof E>(event: K, fn: (payload: E[K]) => void): void;
  /** Calls every listener of `event`; a throwing listener does not stop the others. */
  emit<K extends keyof E>(event: K, payload: E[K]): void;
  clear(): void;
}

/** Creates an `Emitter`. */
export function emitter<E>(): Emitter<E> {
  let all: { [K in keyof E]?: Set<(payload: E[K]) => void> } = {};
  const self: Emitter<E> = {
    on(event, fn) {
      all[event] ??= new Set();
      all[event].add(fn);
      return () => self.off(event, fn);
    },
    off: (event, fn) => all[event]?.delete(fn),
    emit(event, payload) {
      for (const fn of all[event] ?? []) {
        try {
          fn(payload);
        } catch (error) {
          // A host page's bug must not break the widget; surface it where developers look.
          setTimeout(() => {
            throw error;
          });
        }
      }
    },
    clear() {
      all = {};
    },
  };
  return self;
}
