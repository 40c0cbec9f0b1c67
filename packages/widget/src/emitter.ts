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
  // biome-ignore lint/suspicious/noExplicitAny: one map holds listeners of every event type
  let all: { event: keyof E; fn: (payload: any) => void }[] = [];
  const self: Emitter<E> = {
    on(event, fn) {
      all.push({ event, fn });
      return () => self.off(event, fn);
    },
    off(event, fn) {
      all = all.filter((l) => l.event !== event || l.fn !== fn);
    },
    emit(event, payload) {
      for (const l of all.filter((l) => l.event === event)) {
        try {
          l.fn(payload);
        } catch (error) {
          // A host page's bug must not break the widget; surface it where developers look.
          setTimeout(() => {
            throw error;
          });
        }
      }
    },
    clear() {
      all = [];
    },
  };
  return self;
}
