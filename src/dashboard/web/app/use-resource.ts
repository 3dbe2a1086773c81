// Loads data for a page and keeps it fresh: reload on demand, and poll while `pollMs` says so
// (e.g. every 2 s while an instance is building) so status changes show without a manual refresh.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): Promise<void>;
  /** Replace the data locally (after an action whose result is known). */
  set(data: T): void;
}

export interface ResourceOptions<T> {
  /** Milliseconds until the next poll given the current data; undefined/0 stops polling. */
  pollMs?: number | ((data: T | undefined) => number | undefined);
  /** Skip loading (e.g. while a required id is missing). */
  enabled?: boolean;
}

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], opts: ResourceOptions<T> = {}): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  // Counts finished loads: polling keys on it, not on `data`, because a load that returns the same
  // value (a console log with no new lines) does not re-render, and polling would stop there.
  const [loads, setLoads] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const optsRef = useRef(opts);
  optsRef.current = opts;
  const generation = useRef(0);
  const controller = useRef<AbortController | undefined>(undefined);
  const enabled = opts.enabled ?? true;

  const reload = useCallback(async () => {
    if (!(optsRef.current.enabled ?? true)) return;
    const gen = ++generation.current;
    controller.current?.abort();
    const ctl = new AbortController();
    controller.current = ctl;
    try {
      const next = await loadRef.current(ctl.signal);
      if (gen !== generation.current) return;
      setData(next);
      setError(undefined);
    } catch (err) {
      if (gen !== generation.current || (err as Error).name === 'AbortError') return;
      setError(err as Error);
    } finally {
      if (gen === generation.current) {
        setLoading(false);
        setLoads((n) => n + 1);
      }
    }
  }, []);

  useEffect(() => {
    setLoading(true);
    setData(undefined);
    void reload();
    return () => { generation.current++; controller.current?.abort(); };
  }, [...deps, enabled]);

  // Polling: schedule the next load after each result while the page asks for it.
  useEffect(() => {
    const p = opts.pollMs;
    const ms = typeof p === 'function' ? p(data) : p;
    if (!ms) return;
    const timer = window.setTimeout(() => void reload(), ms);
    return () => window.clearTimeout(timer);
  }, [loads, data, opts.pollMs, reload]);

  return { data, error, loading, reload, set: setData };
}
