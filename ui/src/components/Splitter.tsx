// The split between the image list and an open image's detail: dragged with the pointer or moved
// with the arrow keys, and remembered (UI state only) for the next time a detail opens.
import { useRef, useState, type KeyboardEvent, type PointerEvent } from "react";

const KEY = "lading.detailSplit";
const [LOW, HIGH, DEFAULT, STEP] = [15, 85, 45, 5];

const clamp = (share: number) => Math.min(HIGH, Math.max(LOW, Math.round(share)));

/** The list's share of the height (per cent), kept across launches. */
export function useSplit(): [number, (share: number) => void] {
  const [share, setShare] = useState(() => {
    try {
      const stored = Number(localStorage.getItem(KEY));
      return stored >= LOW && stored <= HIGH ? stored : DEFAULT;
    } catch {
      return DEFAULT;
    }
  });
  const set = (next: number) => {
    const value = clamp(next);
    setShare(value);
    try {
      localStorage.setItem(KEY, String(value));
    } catch {
      // Remembering is a convenience.
    }
  };
  return [share, set];
}

/** A horizontal bar between the list above and the detail below. */
export function Splitter({ share, onChange }: { share: number; onChange: (share: number) => void }) {
  const dragging = useRef(false);
  const move = (e: PointerEvent<HTMLDivElement>) => {
    if (!dragging.current) return;
    const container = e.currentTarget.parentElement;
    if (!container) return;
    const box = container.getBoundingClientRect();
    // The list starts below what sits above it in the container (filter, notices).
    const list = container.querySelector(".rows-viewport")?.getBoundingClientRect();
    const top = list?.top ?? box.top;
    // The list's height is its share of the container's (CSS flex-basis).
    if (box.height > 0) onChange(((e.clientY - top) / box.height) * 100);
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const by = { ArrowUp: -STEP, ArrowDown: STEP, Home: LOW - share, End: HIGH - share }[e.key];
    if (by === undefined) return;
    e.preventDefault();
    onChange(share + by);
  };
  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the list and the detail"
      aria-valuemin={LOW}
      aria-valuemax={HIGH}
      aria-valuenow={share}
      tabIndex={0}
      onKeyDown={onKey}
      onPointerDown={(e) => {
        dragging.current = true;
        e.currentTarget.setPointerCapture(e.pointerId);
      }}
      onPointerMove={move}
      onPointerUp={(e) => {
        dragging.current = false;
        e.currentTarget.releasePointerCapture(e.pointerId);
      }}
    />
  );
}
