import { useEffect, type ReactNode } from "react";

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
  useEffect(() => {
    if (!escape) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, escape]);
  return (
    <div className="dialog-backdrop" onMouseDown={clickOutside ? (e) => e.target === e.currentTarget && onClose() : undefined}>
      <div className={`dialog ${className}`.trim()} role={role} aria-modal="true" aria-label={label} aria-labelledby={labelledBy}>
        {children}
      </div>
    </div>
  );
}
