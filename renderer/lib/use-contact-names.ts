import { useEffect, useState } from 'react';
import { useEvent, useInvoke } from '../api/hooks';

/**
 * Contact names for the numbers a list shows (E.164 → name). Asks the gateway once per distinct
 * set of numbers; a change to the phone book elsewhere shows on the next change of the list.
 */
export function useContactNames(numbers: (string | null | undefined)[]): Record<string, string> {
  const invoke = useInvoke();
  const [names, setNames] = useState<Record<string, string>>({});
  const [generation, setGeneration] = useState(0);
  const wanted = [...new Set(numbers.filter((n): n is string => Boolean(n)))].sort().slice(0, 500);
  const key = wanted.join(',');
  useEffect(() => {
    if (!key) return;
    let live = true;
    invoke('contacts:names', { numbers: key.split(',') }).then(
      (found) => {
        if (live) setNames(found);
      },
      () => undefined, // Names are a convenience: the number is always shown.
    );
    return () => {
      live = false;
    };
  }, [invoke, key, generation]);
  useEvent('settings:changed', () => setGeneration((n) => n + 1));
  return names;
}
