/**
 * Hands a value on at most once every `intervalMs` (the latest one, at the end of the interval), for a chart fed
 * by reports that arrive faster than anyone reads it. null passes at once, so a cleared chart clears at once.
 */
import { useEffect, useRef, useState } from 'react';

export function useThrottled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (Object.is(shown, value)) return;
    const wait = value === null ? 0 : Math.max(0, last.current + intervalMs - Date.now());
    const timer = setTimeout(() => {
      last.current = Date.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, shown, intervalMs]);
  return shown;
}
