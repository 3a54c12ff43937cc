import { useEffect } from "react";

/** Moves focus to the next/previous element matching `selector` (within `root`), from the focused one. */
export function moveFocus(root: ParentNode, selector: string, step: 1 | -1): boolean {
  const items = [...root.querySelectorAll<HTMLElement>(selector)];
  if (items.length === 0) return false;
  const at = items.indexOf(document.activeElement as HTMLElement);
  const next = items[at < 0 ? 0 : Math.min(items.length - 1, Math.max(0, at + step))];
  next?.focus();
  return true;
}

/** Focuses the first element matching one of `selectors`, in order of preference. */
export function focusFirst(...selectors: string[]): boolean {
  for (const selector of selectors) {
    const element = document.querySelector<HTMLElement>(selector);
    if (element) {
      element.focus();
      return true;
    }
  }
  return false;
}

/** Per-registry memory of the last repository (UI state only, never a secret). */
export const lastRepository = {
  get(registryId: string): string | null {
    try {
      return localStorage.getItem(`lading.lastRepository.${registryId}`);
    } catch {
      return null;
    }
  },
  set(registryId: string, repository: string | null) {
    try {
      if (repository) localStorage.setItem(`lading.lastRepository.${registryId}`, repository);
    } catch {
      // Storage may be unavailable (private mode); remembering is a convenience.
    }
  },
};

/** The registry or local source last selected, reopened on launch (UI state only). */
export const lastSelection = {
  get(): string | null {
    try {
      return localStorage.getItem("lading.lastSelection");
    } catch {
      return null;
    }
  },
  set(id: string | null) {
    try {
      if (id) localStorage.setItem("lading.lastSelection", id);
    } catch {
      // Storage may be unavailable; remembering is a convenience.
    }
  },
};

/**
 * The window's own shortcuts: Ctrl+K (⌘K) opens Go to; F5 and Ctrl+R (⌘R) refresh the pane the
 * keyboard is in (images, else repositories) instead of reloading the page, which would lose what
 * is open.
 */
export function useAppShortcuts(onGoTo: () => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const command = e.ctrlKey || e.metaKey;
      if (command && e.key.toLowerCase() === "k") {
        e.preventDefault();
        onGoTo();
      } else if (e.key === "F5" || (command && e.key.toLowerCase() === "r")) {
        e.preventDefault();
        const images = document.querySelector<HTMLButtonElement>(".image-table button.refresh");
        const repositories = document.querySelector<HTMLButtonElement>(".repository-pane button.refresh");
        const inRepositories = repositories && document.activeElement?.closest(".repository-pane");
        (inRepositories ? repositories : images ?? repositories)?.click();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
