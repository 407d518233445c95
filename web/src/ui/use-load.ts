import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Page } from "../api/client.ts";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads data for a component, again when `deps` change or `reload()` is called; the newest call wins. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const call = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => call === latest.current && setState({ data, loading: false }),
      (error: unknown) =>
        call === latest.current && setState((previous) => ({ ...previous, error, loading: false })),
    );
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A cursor-paged listing: the first page, then "more" appends the next. */
export function usePaged<T>(loadPage: (cursor?: string) => Promise<Page<T>>, deps: readonly unknown[]) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const fetchPage = useCallback(async (after: string | undefined, replace: boolean) => {
    const call = ++latest.current;
    setLoading(true);
    try {
      const page = await loadPage(after);
      if (call !== latest.current) return;
      setItems((previous) => (replace ? page.items : [...previous, ...page.items]));
      setCursor(page.nextCursor);
      setError(undefined);
    } catch (failure) {
      if (call === latest.current) setError(failure);
    } finally {
      if (call === latest.current) setLoading(false);
    }
  }, deps);
  useEffect(() => {
    void fetchPage(undefined, true);
  }, [...deps, generation]);
  return {
    items,
    error,
    loading,
    hasMore: cursor !== undefined,
    more: () => void fetchPage(cursor, false),
    reload: () => setGeneration((g) => g + 1),
  };
}

/** Polls while `active`, every `ms`, calling `tick` (the live steps of a drill, a backup job's progress). */
export function usePoll(tick: () => void, active: boolean, ms = 2000): void {
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(tick, ms);
    return () => window.clearInterval(timer);
  }, [active, ms]);
}
