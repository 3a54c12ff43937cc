import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from "react";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** What Tab can reach in `root`, in order (laid-out ones; all of them where nothing is laid out, as in tests). */
export function focusables(root: HTMLElement): HTMLElement[] {
  const all = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const shown = all.filter((e) => e.getClientRects().length > 0);
  return shown.length > 0 ? shown : all;
}

/**
 * A modal dialog over a dimmed window. Escape closes it (unless `escape` is false, e.g. while a
 * question of its own is open); a click on the backdrop too, where `clickOutside` (not for sheets
 * holding work that a stray click would lose).
 */
export function Modal({
  label,
  labelledBy,
  role = "dialog",
  className = "",
  escape = true,
  clickOutside = false,
  onClose,
  children,
}: {
  label?: string;
  labelledBy?: string;
  role?: "dialog" | "alertdialog";
  className?: string;
  escape?: boolean;
  clickOutside?: boolean;
  onClose: () => void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDivElement>(null);
  // Focus moves in (unless a field of the dialog took it already) and goes back on close to
  // what had it, so the keyboard user is where they were.
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const root = dialog.current;
    if (root && !root.contains(document.activeElement)) focusables(root)[0]?.focus();
    return () => {
      if (opener && opener !== document.body && opener.isConnected) opener.focus();
    };
  }, []);
  // Tab and Shift+Tab go round the dialog, never to the window behind it.
  const trap = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.key !== "Tab" || e.defaultPrevented || !dialog.current) return;
    const items = focusables(dialog.current);
    const [first, last] = [items[0], items[items.length - 1]];
    if (!first || !last) return;
    const at = document.activeElement;
    if (e.shiftKey && (at === first || !dialog.current.contains(at))) {
      last.focus();
      e.preventDefault();
    } else if (!e.shiftKey && (at === last || !dialog.current.contains(at))) {
      first.focus();
      e.preventDefault();
    }
  };
  useEffect(() => {
    if (!escape) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, escape]);
  return (
    <div className="dialog-backdrop" onMouseDown={clickOutside ? (e) => e.target === e.currentTarget && onClose() : undefined}>
      <div
        ref={dialog}
        className={`dialog ${className}`.trim()}
        role={role}
        aria-modal="true"
        aria-label={label}
        aria-labelledby={labelledBy}
        onKeyDown={trap}
      >
        {children}
      </div>
    </div>
  );
}
