// The export sheet's destination, checked by the backend as it is typed (debounced): the full
// path it would write, whether a file there would be replaced, and what stops it.
import { useEffect, useState } from "react";
import { api, type DestinationView, type LadingError } from "./ipc";

const SETTLE_MS = 150;

export function useDestinationCheck(path: string, format: string): { view: DestinationView | null; error: LadingError | null } {
  const [checked, setChecked] = useState<{ view: DestinationView | null; error: LadingError | null }>({ view: null, error: null });
  useEffect(() => {
    setChecked({ view: null, error: null });
    if (!path.trim()) return;
    let current = true;
    const timer = setTimeout(() => {
      api.checkDestination(path, format).then(
        (view) => current && setChecked({ view, error: null }),
        (error: LadingError) => current && setChecked({ view: null, error }),
      );
    }, SETTLE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [path, format]);
  return checked;
}
