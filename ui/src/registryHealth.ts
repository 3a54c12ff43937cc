// A registry that stops answering turns red with the reason, whatever view found out; one that
// answers again after a failure is checked afresh (a kept listing proves nothing).
import { useEffect, useRef, type Dispatch, type SetStateAction } from "react";
import { watchRegistryHealth, type ConnectionStatus, type RegistryView } from "./ipc";

type Statuses = Record<string, ConnectionStatus | undefined>;

export function useRegistryHealth(
  statuses: Statuses,
  setStatuses: Dispatch<SetStateAction<Statuses>>,
  registries: RegistryView[] | null,
  check: (registry: RegistryView) => void,
) {
  const now = useRef(statuses);
  now.current = statuses;
  useEffect(
    () =>
      watchRegistryHealth((id, failure) => {
        const known = now.current[id]?.state;
        if (failure) {
          const state = failure.code === "unreachable" ? "unreachable" : "error";
          setStatuses((s) => ({ ...s, [id]: { state, reason: failure.message, action: null, token_expires_at: null } }));
        } else if (known === "unreachable" || known === "error") {
          const registry = registries?.find((r) => r.id === id);
          if (registry) check(registry);
        }
      }),
    [registries, check, setStatuses],
  );
}
