// Selecting image rows: what an action acts on (only rows the user can see), and where the
// keyboard moves in a long, virtualised list. Pure, so it is unit-tested apart from the table.
import type { ImageRow } from "./ipc";
import { isWaiting } from "./listing";

/** The selected rows a filter leaves in view (actions take these), and how many it hides. */
export function visibleSelection(shown: ImageRow[], picked: ReadonlySet<string>): { visible: Set<string>; hidden: number } {
  const visible = new Set<string>();
  for (const row of shown) if (picked.has(row.digest) && !isWaiting(row)) visible.add(row.digest);
  return { visible, hidden: picked.size - visible.size };
}

/**
 * Where `key` moves from row `at` among `count` rows, `page` rows to a screen: arrows by one,
 * PgUp/PgDn by a screen, Home/End to the ends. `null` for any other key.
 */
export function keyTarget(key: string, at: number, count: number, page: number): number | null {
  if (count === 0) return null;
  const step: Record<string, number> = {
    ArrowDown: 1,
    ArrowUp: -1,
    PageDown: Math.max(1, page - 1),
    PageUp: -Math.max(1, page - 1),
    Home: -Infinity,
    End: Infinity,
  };
  const by = step[key];
  if (by === undefined) return null;
  return Math.min(count - 1, Math.max(0, at + by));
}

/** The rows from `from` to `to` (either order), without waiting rows: a Shift-extended selection. */
export function rangeOf(shown: ImageRow[], from: number, to: number): Set<string> {
  const [low, high] = [Math.min(from, to), Math.max(from, to)];
  return new Set(shown.slice(low, high + 1).filter((r) => !isWaiting(r)).map((r) => r.digest));
}

/** `picked` with `digest` added, or dropped if it was there (Ctrl-click, Space). */
export function toggled(picked: ReadonlySet<string>, digest: string): Set<string> {
  const next = new Set(picked);
  if (next.has(digest)) next.delete(digest);
  else next.add(digest);
  return next;
}

/** The scroll position that brings row `index` fully into a viewport, or `scrollTop` if it is. */
export function scrollToShow(index: number, rowHeight: number, scrollTop: number, height: number, header = 0): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight + header;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + height) return bottom - height;
  return scrollTop;
}

/**
 * Exactly which tags go. The images stay — except in ECR, which deletes an image with its last tag
 * (BatchDeleteImage): those are named.
 */
export function describeUntag(rows: ImageRow[], picked: Set<string>, tags: string[], ecr: boolean): string {
  const going = new Set(tags);
  const emptied = rows.filter((r) => picked.has(r.digest) && r.tags.length > 0 && r.tags.every((t) => going.has(t)));
  const kept = `These tags go: ${tags.join(", ")}. The images stay in the repository`;
  if (!emptied.length) return `${kept}.`;
  const named = emptied.map((r) => `${r.digest.replace("sha256:", "").slice(0, 12)} (${r.tags.join(", ")})`).join(", ");
  return ecr
    ? `${kept}, except: ECR deletes an image when its last tag goes, so these images are deleted too: ${named}.`
    : `${kept}; these are left untagged: ${named}. A registry that cannot remove a tag on its own says so and keeps it.`;
}

/** Exactly what goes, and which indexes break because one of their images goes. */
export function describeDeletion(rows: ImageRow[], picked: Set<string>): string {
  const lines = rows
    .filter((r) => picked.has(r.digest))
    .map((r) => `${r.digest.replace("sha256:", "").slice(0, 12)} (${r.tags.length ? r.tags.join(", ") : "untagged"})`);
  const broken = rows
    .filter((r) => r.kind === "index" && !picked.has(r.digest) && r.children.some((c) => picked.has(c)))
    .map((r) => r.tags.join(", ") || r.digest.slice(7, 19));
  const warning = broken.length ? ` Warning: part of the index ${broken.join("; ")}, which will break.` : "";
  return `These go, with every tag on them: ${lines.join(", ")}.${warning}`;
}
