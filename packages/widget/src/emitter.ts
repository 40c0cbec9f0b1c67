/** A listener of event `K` of the map `E`. */
export type Listener<E, K extends keyof E> = (payload: E[K]) => void;

/** Tiny typed event emitter (on / off / emit), in the spirit of mitt. */
export class Emitter<E> {
  private readonly map = new Map<keyof E, Set<Listener<E, never>>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, fn: Listener<E, K>): () => void {
    const set = this.map.get(event) ?? new Set();
    this.map.set(event, set);
    set.add(fn as Listener<E, never>);
    return () => this.off(event, fn);
  }

  /** Removes a listener. */
  off<K extends keyof E>(event: K, fn: Listener<E, K>): void {
    this.map.get(event)?.delete(fn as Listener<E, never>);
  }

  /** Calls every listener of `event`; a throwing listener does not stop the others. */
  emit<K extends keyof E>(event: K, payload: E[K]): void {
    for (const fn of [...(this.map.get(event) ?? [])]) {
      try {
        (fn as Listener<E, K>)(payload);
      } catch (error) {
        // A host page's bug must not break the widget; surface it where developers look.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.map.clear();
  }
}
