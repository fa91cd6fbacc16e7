/**
 * Hands a value on one task later. Recharts renders synchronously, so two charts that change together make one
 * long task; giving the second chart its new points a task later splits the work in two.
 */
import { useEffect, useState } from 'react';

export function useStaggered<T>(value: T, delayMs = 16): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (Object.is(shown, value)) return;
    const timer = setTimeout(() => setShown(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, shown, delayMs]);
  return shown;
}
