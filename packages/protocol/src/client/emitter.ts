type Listener<A extends unknown[]> = (...args: A) => void;

/** Minimal typed event emitter (the client must not depend on node:events). */
export class Emitter<Events extends { [E in keyof Events]: unknown[] }> {
  readonly #listeners = new Map<keyof Events, Set<unknown>>();

  /** @param onListenerError where a throwing listener's error goes, so it cannot break the caller. */
  constructor(private readonly onListenerError: (error: unknown, event: keyof Events) => void) {}

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    this.#listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as Listener<Events[E]>)(...args);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}
