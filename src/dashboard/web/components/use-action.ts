// Runs one user action against the API: busy while it runs, its error kept to show beside the
// control that caused it, a notice when it succeeds.
import { useCallback, useState } from 'react';
import { useToast } from './toast';

export interface Action {
  busy: boolean;
  error: unknown;
  run<T>(fn: () => Promise<T>, done?: string): Promise<T | undefined>;
  clear(): void;
}

export function useAction(): Action {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async <T,>(fn: () => Promise<T>, done?: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const out = await fn();
      if (done) toast(done);
      return out;
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, [toast]);
  return { busy, error, run, clear: () => setError(undefined) };
}
