import { useEffect, useState } from "preact/hooks";

/** A value several components read and any code may set; each `use()` re-renders on change. */
export interface Store<T> {
  get(): T;
  set(value: T): void;
  subscribe(listener: (value: T) => void): () => void;
  use(): T;
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  const store: Store<T> = {
    get: () => value,
    set(next) {
      value = next;
      for (const listener of [...listeners]) listener(next);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    use() {
      const [current, setCurrent] = useState(value);
      useEffect(() => {
        setCurrent(value);
        return store.subscribe(setCurrent);
      }, []);
      return current;
    },
  };
  return store;
}
